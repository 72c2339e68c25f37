// Package train is question 3: the assignment's network (1024 → 64 sigmoid →
// 36 softmax, Xavier initialisation, mini-batch SGD on the summed
// cross-entropy) trained on NIST36, with every figure and number the write-up
// asks for: accuracy and loss per epoch (Q3.1.1), the learning-rate study
// (Q3.1.2), the first-layer weights as images (Q3.1.3), the class templates
// e_i W2ᵀ W1ᵀ of the deeper layer (Q3.1.4), the test confusion matrix
// (Q3.1.5), and saving and loading the trained parameters (SaveModel,
// LoadModel) for question 4 and the command line.
//
// The package returns numbers, networks, plots and images; it never prints or
// writes files on its own (`recog q3` does). The results and the figures are
// in docs/q3_train.md at the root of this repository (../docs/q3_train.md from
// here).
package train

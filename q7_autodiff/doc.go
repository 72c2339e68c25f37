// Package autodiff is question 7.1: the experiments of the assignment with
// gorgonia's automatic differentiation, run by Run on a Task: the Q3
// network on Q3's loss, batch and epochs, trained by momentum SGD
// (Q7.1.1), a CNN on MNIST (Q7.1.2), on NIST36 (Q7.1.3) and on EMNIST
// Balanced (Q7.1.4), the improved recipes of the "-plus" tasks, and the
// photos of question 4 read with an EMNIST CNN (EMNISTProbs,
// EMNISTViewProbs, NISTToEMNIST; the plus CNN of task emnist-ocr is
// embedded as `recog ocr`'s default model, DefaultOCRModel).
//
// The package is the root of question 7, split by role:
//
//	q7_autodiff/ops      the gorgonia ops written here, each with its gradient op
//	q7_autodiff/nets     the models, layers, optimisers, training and model files
//	q7_autodiff/flowers  question 7.2: SqueezeNet 1.1 fine-tuned on Oxford Flowers 17
//
// See docs/q7_autodiff.md.
package autodiff

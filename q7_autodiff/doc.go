// Package autodiff trains neural networks with gorgonia's automatic
// differentiation (float32): the Q3 multi-layer perceptron and convolutional
// networks for MNIST, NIST36 and EMNIST Balanced (Q7.1 of the assignment).
//
// A Model is a list of Layers and their parameters (named float32 tensors).
// The model builds gorgonia expression graphs on demand: one for training
// (fixed batch size, the loss, and gorgonia's symbolic gradients of the loss
// with respect to every parameter, run by a tape machine) and one for
// inference; both graphs bind the same parameter tensors, so an optimiser
// step is seen by both at once.
//
// Dense layers and the sigmoid are gorgonia's own ops (Mul, BroadcastAdd,
// Sigmoid). Convolution (im2col + GEMM, optionally with a fused ReLU), ReLU,
// max-pooling and the softmax cross-entropy are gorgonia ops written here
// (conv.go, relu.go, maxpool.go, loss.go), each with its own gradient op:
// gorgonia's Conv2d (an im2col node, a matrix product and a 4-D transpose)
// and the comparison-and-product gradient of its Rectify allocate and copy
// on every step, and dominated the profile of a training step. Every
// gradient is checked against central differences in the tests, and the
// package's ops are checked against gorgonia's own on the same weights.
// Built with -tags openblas, matrix products go to OpenBLAS.
//
// See docs/q7_autodiff.md.
package autodiff

// Package autodiff trains neural networks with gorgonia's automatic
// differentiation (float32): the Q3 multi-layer perceptron and convolutional
// networks for MNIST, NIST36 and EMNIST Balanced (Q7.1 of the assignment).
//
// A Model is a list of Layers and their parameters (named float32 tensors).
// The model builds gorgonia expression graphs on demand: one for training
// (fixed batch size, symbolic gradients of the loss with respect to every
// parameter) and one for inference; both graphs bind the same parameter
// tensors, so an optimiser step is seen by both at once.
//
// Convolution, the softmax cross-entropy loss and dropout are gorgonia ops
// written here (conv.go, loss.go): gorgonia's own Conv2d is an im2col node, a
// matrix product and a 4-D transpose, which profiling showed to dominate a
// training step (docs/q7_autodiff.md#speed). Each custom op's gradient is
// checked against central differences in the tests.
//
// See docs/q7_autodiff.md.
package autodiff

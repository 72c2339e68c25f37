// Package ops holds the gorgonia operations of question 7 written for this
// repository: a 2-D convolution (im2col + GEMM, optionally with a fused
// ReLU), a fused dense layer, ReLU, max-pooling, the softmax cross-entropy
// and SqueezeNet's channel concatenation, each with the operation that
// computes its gradient. Each op type's documentation states what it
// computes and what its gradient op computes; the functions Conv2d, Dense,
// ReLU, MaxPool, SoftmaxCrossEntropy and ConcatChannels add them to a graph.
//
// gorgonia's own Conv2d (an im2col node, a matrix product and a 4-D
// transpose) and the comparison-and-product gradient of its Rectify allocate
// and copy on every step and dominated the profile of a training step
// (docs/q7_autodiff.md#speed). These ops keep their output tensor between
// runs of a graph (outBuf), split a batch into a fixed number of chunks run
// on their own goroutines (Parallel; fixed, so that results do not depend on
// the machine), and call gonum's global float32 BLAS
// (blas32.Implementation()), which recog/internal/blas sets: the pure-Go
// kernels, or OpenBLAS with the build tag openblas.
//
// Every op embeds base, which answers the methods of gorgonia's Op interface
// that do not depend on the maths (Arity, ReturnsPtr, CallsExtern,
// OverwritesInput, WriteHash, Hashcode, String); the gradient ops embed
// gradBase, which also says that they have no derivatives themselves.
// Every gradient is checked against central differences in the tests of
// package nets, and the ops against gorgonia's own.
package ops

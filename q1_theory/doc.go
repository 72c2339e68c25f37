// Package theory checks, numerically, every claim of the theory part of the
// assignment (Q1.1–Q1.7) and of the initialisation questions Q2.1.1 and Q2.1.3.
//
// Each exported function is the small piece of mathematics one answer talks
// about: the stable softmax (Q1.1, Q1.2), composition of affine layers (Q1.3),
// the sigmoid and its derivative (Q1.4), the gradients of a linear layer
// (Q1.5), a naive convolution layer and its backward pass (Q1.6), gradients
// through deep sigmoid and tanh chains (Q1.7), and a two-layer network with
// zero, random and Xavier initialisation (Q2.1.1, Q2.1.3). The package works
// in float64 with gonum/mat and depends on no later question.
//
// Teaching restatements. Some of this mathematics is written again later, in
// the form that trains networks: the sigmoid and the softmax (q2_nn's
// nn.Sigmoid, nn.Softmax), Xavier initialisation (nn.XavierUniform), a
// two-layer network's gradients (nn.Network.Backward) and the convolution
// (q7_autodiff/ops.Conv2dOp). The copies here are meant for teaching: each is
// the most literal form of the formula its answer states, on small inputs,
// with no speed-ups, and this package depends on no later question so that
// it reads on its own. Nothing outside the tests of Q1 calls them; each says
// so where it is defined.
//
// The answers and their full derivations are in docs/q1_theory.md (path
// relative to the repository root); every section there names the test that
// checks it, and every doc comment here links its section.
package theory

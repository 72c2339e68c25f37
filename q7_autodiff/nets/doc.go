// Package nets is the models and the training of question 7, on gorgonia's
// automatic differentiation (float32): the Q3 multi-layer perceptron
// (NewQ3MLP), the CNNs of Q7.1 (NewSimpleCNN, NewSmallCNN), SqueezeNet 1.1
// (NewSqueezeNet11, its Fire module and its classifier NewSqueezeNetHead),
// the layers they are made of, the optimisers (SGD with momentum, Adam), the
// training loop (Train, Trainer), the evaluation (Evaluate, Evaluator) and
// the model files (Model.Save, Model.Load, LoadOCRModel).
//
// A Model is a list of Layers and their parameters (named float32 tensors).
// The model builds gorgonia expression graphs on demand: one for training
// (fixed batch size, the loss, and gorgonia's symbolic gradients of the loss
// with respect to every parameter, run by a tape machine) and one for
// inference; both graphs bind the same parameter tensors, so an optimiser
// step is seen by both at once. Dense layers and the sigmoid use gorgonia's
// own ops (Mul, BroadcastAdd, Sigmoid); convolution, ReLU, max-pooling, the
// fused dense layer and the softmax cross-entropy are the ops of
// recog/q7_autodiff/ops, each with its gradient op. Every gradient is checked
// against central differences in the tests, and the package's ops against
// gorgonia's own on the same weights (Stock layers).
//
// See docs/q7_autodiff.md and docs/q7_flowers.md.
package nets

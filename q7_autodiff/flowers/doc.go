// Package flowers is question 7.2: SqueezeNet 1.1 with its ImageNet weights
// (data/squeezenet), its classifier replaced by a 512 -> 17 convolution
// fine-tuned on the frozen features of Oxford Flowers 17 (the course's
// 40/20/20 split), against a small CNN trained from scratch on the same
// split (NewCNN). Run does both and returns their curves, the test accuracy
// of each model's best validation epoch, the time of each stage, the
// metrics (Result.Metrics) and the figures (Result.Figures).
//
// The models and the training are those of recog/q7_autodiff/nets. See
// docs/q7_flowers.md.
package flowers

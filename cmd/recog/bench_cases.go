package main

import (
	"fmt"

	train "recog/q3_train"
	autoencoder "recog/q5_autoencoder"
	pca "recog/q6_pca"
	autodiff "recog/q7_autodiff"
	"recog/q7_autodiff/flowers"
)

// The cases of `recog bench` of the questions (their set-up is the
// questions' own: train.BenchOp, autoencoder.EpochOp, pca.FitOp,
// autodiff.CNNEpochOp, flowers.DecodeOp and flowers.SqueezeNetFeaturesOp).
func init() {
	for _, op := range train.BenchOps {
		registerBench(benchCase{name: "q3/" + op.Name, what: op.What,
			setup: func(dir string) (func() error, error) { return train.BenchOp(op.Name, dir) }})
	}
	registerBench(benchCase{name: "q5/epoch", setup: autoencoder.EpochOp,
		what: "one Q5 autoencoder epoch (recog q5 defaults: 10716 NIST36 images, batch 36, momentum SGD, 1024-32-32-32-1024)"})
	registerBench(benchCase{name: "q6/fit", setup: pca.FitOp,
		what: "the Q6 PCA fit (recog q6): 32 components of the 10716 x 1024 NIST36 training set"})
	registerBench(benchCase{name: "q7/cnn-epoch", setup: autodiff.CNNEpochOp,
		what: fmt.Sprintf("one q7 MNIST CNN epoch (the PyTorch-comparison net, Adam, batch 64) on the first %d training images; samples/s = %d / s",
			autodiff.BenchCNNImages, autodiff.BenchCNNImages)})
	registerBench(benchCase{name: "q7/flowers-decode", setup: flowers.DecodeOp,
		what: fmt.Sprintf("Q7.2's decoding of %d Flowers 17 JPEGs: decode, resize and crop to SqueezeNet's 224x224 and to the scratch CNN's 72x72", flowers.BenchImages)})
	registerBench(benchCase{name: "q7/squeezenet-features", setup: flowers.SqueezeNetFeaturesOp,
		what: fmt.Sprintf("SqueezeNet 1.1's feature layers (0..12, ImageNet weights) on %d decoded Flowers 17 images in batches of 8; images/s = %d / s", flowers.BenchImages, flowers.BenchImages)})
}

package main

import (
	"fmt"

	"recog/internal/bench"
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
		registerBench(bench.Case{Name: "q3/" + op.Name, What: op.What,
			Setup: func(dir string) (func() error, error) { return train.BenchOp(op.Name, dir) }})
	}
	registerBench(bench.Case{Name: "q5/epoch", Setup: autoencoder.EpochOp,
		What: "one Q5 autoencoder epoch (recog q5 defaults: 10716 NIST36 images, batch 36, momentum SGD, 1024-32-32-32-1024)"})
	registerBench(bench.Case{Name: "q6/fit", Setup: pca.FitOp,
		What: "the Q6 PCA fit (recog q6): 32 components of the 10716 x 1024 NIST36 training set"})
	registerBench(bench.Case{Name: "q7/cnn-epoch", Setup: autodiff.CNNEpochOp,
		What: fmt.Sprintf("one q7 MNIST CNN epoch (the PyTorch-comparison net, Adam, batch 64) on the first %d training images; samples/s = %d / s",
			autodiff.BenchCNNImages, autodiff.BenchCNNImages)})
	registerBench(bench.Case{Name: "q7/flowers-decode", Setup: flowers.DecodeOp,
		What: fmt.Sprintf("Q7.2's decoding of %d Flowers 17 JPEGs: decode, resize and crop to SqueezeNet's 224x224 and to the scratch CNN's 72x72", flowers.BenchImages)})
	registerBench(bench.Case{Name: "q7/squeezenet-features", Setup: flowers.SqueezeNetFeaturesOp,
		What: fmt.Sprintf("SqueezeNet 1.1's feature layers (0..12, ImageNet weights) on %d decoded Flowers 17 images in batches of 8; images/s = %d / s", flowers.BenchImages, flowers.BenchImages)})
}

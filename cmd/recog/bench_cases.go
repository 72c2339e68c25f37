package main

import (
	"fmt"

	train "recog/q3_train"
	autodiff "recog/q7_autodiff"
)

// The cases of `recog bench` of questions 3 and 7 (their set-up is the
// questions' own: train.BenchOp, autodiff.CNNEpochOp).
func init() {
	for _, op := range train.BenchOps {
		registerBench(benchCase{name: "q3/" + op.Name, what: op.What,
			setup: func(dir string) (func() error, error) { return train.BenchOp(op.Name, dir) }})
	}
	registerBench(benchCase{name: "q7/cnn-epoch", setup: autodiff.CNNEpochOp,
		what: fmt.Sprintf("one q7 MNIST CNN epoch (the PyTorch-comparison net, Adam, batch 64) on the first %d training images; samples/s = %d / s",
			autodiff.BenchCNNImages, autodiff.BenchCNNImages)})
}

package main

import (
	"recog/internal/data"
	autoencoder "recog/q5_autoencoder"
	pca "recog/q6_pca"
)

func init() {
	registerBench(benchCase{
		name: "q5/epoch",
		what: "one Q5 autoencoder epoch (recog q5 defaults: 10716 NIST36 images, batch 36, momentum SGD, 1024-32-32-32-1024)",
		setup: func(dir string) (func() error, error) {
			sets, err := data.LoadNIST36Splits(dir, "train")
			if err != nil {
				return nil, err
			}
			opt := autoencoder.DefaultOptions()
			net, _, err := autoencoder.Fit(sets.Train.X, autoencoder.Options{Epochs: 0, LR: opt.LR, BatchSize: opt.BatchSize, Seed: opt.Seed})
			if err != nil {
				return nil, err
			}
			opt.Epochs = 1
			return func() error {
				_, err := autoencoder.Train(net, sets.Train.X, opt)
				return err
			}, nil
		},
	})
	registerBench(benchCase{
		name: "q6/fit",
		what: "the Q6 PCA fit (recog q6): 32 components of the 10716 x 1024 NIST36 training set",
		setup: func(dir string) (func() error, error) {
			sets, err := data.LoadNIST36Splits(dir, "train")
			if err != nil {
				return nil, err
			}
			return func() error {
				_, err := pca.Fit(sets.Train.X, pca.Components)
				return err
			}, nil
		},
	})
}

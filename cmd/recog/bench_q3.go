package main

import (
	"math/rand/v2"

	"recog/internal/data"
	nn "recog/q2_nn"
	train "recog/q3_train"
)

// nist36Bench registers a case of `recog bench` on one NIST36 split with
// the assignment's network (Q3 defaults, seed PCG(1, 2)); op returns the
// operation to time.
func nist36Bench(name, what, split string, op func(net *nn.Network, ds *data.Dataset) (func() error, error)) {
	registerBench(benchCase{name: name, what: what, setup: func(dir string) (func() error, error) {
		sets, err := data.LoadNIST36Splits(dir, split)
		if err != nil {
			return nil, err
		}
		ds := map[string]*data.Dataset{"train": sets.Train, "valid": sets.Valid}[split]
		net, err := train.NewNetwork(1024, train.DefaultHidden, 36, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			return nil, err
		}
		return op(net, ds)
	}})
}

func init() {
	nist36Bench("q3/train-epoch", "one Q3 training epoch: 10716 NIST36 images, batch 32, 1024-64-36, float64", "train",
		func(net *nn.Network, ds *data.Dataset) (func() error, error) {
			return func() error {
				_, err := nn.Train(net, ds, nn.Options{Epochs: 1, LR: train.DefaultLR, BatchSize: train.DefaultBatchSize})
				return err
			}, nil
		})
	nist36Bench("q3/train-epoch-f32", "the same epoch with float32 parameters and products (q3 --float32)", "train",
		func(net *nn.Network, ds *data.Dataset) (func() error, error) {
			t32, err := nn.NewTrainer(net, ds, nn.Options{LR: train.DefaultLR, BatchSize: train.DefaultBatchSize, Float32: true})
			if err != nil {
				return nil, err
			}
			return func() error { _, err := t32.Epoch(); return err }, nil
		})
	nist36Bench("q3/forward-valid", "one forward pass (Predict) over the 3572 NIST36 validation images", "valid",
		func(net *nn.Network, ds *data.Dataset) (func() error, error) {
			return func() error { _, err := net.Predict(ds.X); return err }, nil
		})
}

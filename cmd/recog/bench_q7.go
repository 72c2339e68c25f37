package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"recog/internal/data"
	autodiff "recog/q7_autodiff"
	"recog/q7_autodiff/nets"
)

// benchCNNImages is the fixed MNIST subset of the q7 CNN epoch: 20 batches
// of 64.
const benchCNNImages = 1280

func init() {
	registerBench(benchCase{
		name: "q7/cnn-epoch",
		what: fmt.Sprintf("one q7 MNIST CNN epoch (the PyTorch-comparison net, Adam, batch 64) on the first %d training images; samples/s = %d / s",
			benchCNNImages, benchCNNImages),
		setup: func(dir string) (func() error, error) {
			if dir == "" {
				dir = data.DefaultDir()
			}
			s, err := autodiff.LoadMNIST(filepath.Join(dir, "mnist"))
			if err != nil {
				return nil, fmt.Errorf("%w (run `recog data mnist` first)", err)
			}
			if s.Train.Len() < benchCNNImages {
				return nil, fmt.Errorf("mnist: %d training images, want at least %d", s.Train.Len(), benchCNNImages)
			}
			d := s.Train.Head(benchCNNImages)
			rng := rand.New(rand.NewPCG(1, 2))
			m, err := nets.NewSimpleCNN("mnist-cnn", 28, s.Classes, 0, false, rng)
			if err != nil {
				return nil, err
			}
			const batch = 64
			tr, err := nets.NewTrainer(m, nets.Config{Epochs: 1, BatchSize: batch, Optimizer: &nets.Adam{LR: 1e-3}, Rand: rng})
			if err != nil {
				return nil, err
			}
			// The trainer and model live until the process ends (bench
			// cases have no teardown).
			return func() error {
				perm := rng.Perm(benchCNNImages)
				for lo := 0; lo+batch <= benchCNNImages; lo += batch {
					if _, _, err := tr.Step(d, perm[lo:lo+batch]); err != nil {
						return err
					}
				}
				return nil
			}, nil
		},
	})
}

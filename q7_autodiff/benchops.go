package autodiff

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"recog/internal/data"
	"recog/q7_autodiff/nets"
)

// BenchCNNImages is the fixed MNIST subset of the CNN epoch that `recog
// bench` times (CNNEpochOp): 20 batches of 64.
const BenchCNNImages = 1280

// CNNEpochOp returns the operation `recog bench` times as q7/cnn-epoch:
// one epoch of the Q7.1.2 speed-comparison CNN (the PyTorch-comparison
// net, Adam 1e-3, batch 64, seed PCG(1, 2)) on the first BenchCNNImages
// MNIST training images of dir ("": the default data folder).
func CNNEpochOp(dir string) (func() error, error) {
	if dir == "" {
		dir = data.DefaultDir()
	}
	s, err := LoadMNIST(filepath.Join(dir, "mnist"))
	if err != nil {
		return nil, fmt.Errorf("%w (run `recog data mnist` first)", err)
	}
	if s.Train.Len() < BenchCNNImages {
		return nil, fmt.Errorf("mnist: %d training images, want at least %d", s.Train.Len(), BenchCNNImages)
	}
	d := s.Train.Head(BenchCNNImages)
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
	// The trainer and model live until the process ends (bench cases have
	// no teardown).
	return func() error {
		perm := rng.Perm(BenchCNNImages)
		for lo := 0; lo+batch <= BenchCNNImages; lo += batch {
			if _, _, err := tr.Step(d, perm[lo:lo+batch]); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"recog/internal/data"
	autodiff "recog/q7_autodiff"
	"recog/q7_autodiff/flowers"
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

// benchFlowers is the number of Flowers 17 training images of the
// q7/flowers-decode and q7/squeezenet-features cases.
const benchFlowers = 64

// flowerBenchFiles returns the first benchFlowers training images.
func flowerBenchFiles(dir string) ([]data.ImageFile, error) {
	if dir == "" {
		dir = data.DefaultDir()
	}
	files, _, err := data.ReadFlowers17(filepath.Join(dir, "flowers17"))
	if err != nil {
		return nil, fmt.Errorf("%w (run `recog data flowers17` first)", err)
	}
	var train []data.ImageFile
	for _, f := range files {
		if f.Split == "train" && len(train) < benchFlowers {
			train = append(train, f)
		}
	}
	if len(train) < benchFlowers {
		return nil, fmt.Errorf("flowers17: %d training images, want %d", len(train), benchFlowers)
	}
	return train, nil
}

func init() {
	registerBench(benchCase{
		name: "q7/flowers-decode",
		what: fmt.Sprintf("Q7.2's decoding of %d Flowers 17 JPEGs: decode, resize and crop to SqueezeNet's 224x224 and to the scratch CNN's 72x72", benchFlowers),
		setup: func(dir string) (func() error, error) {
			files, err := flowerBenchFiles(dir)
			if err != nil {
				return nil, err
			}
			const side = 72 // flowers.DefaultConfig: ScratchSide 64 + 64/8
			big, small := make([]float32, benchFlowers*3*224*224), make([]float32, benchFlowers*3*side*side)
			return func() error { return flowers.Decode(files, 0, benchFlowers, big, small, side) }, nil
		},
	})
	registerBench(benchCase{
		name: "q7/squeezenet-features",
		what: fmt.Sprintf("SqueezeNet 1.1's feature layers (0..12, ImageNet weights) on %d decoded Flowers 17 images in batches of 8; images/s = %d / s", benchFlowers, benchFlowers),
		setup: func(dir string) (func() error, error) {
			files, err := flowerBenchFiles(dir)
			if err != nil {
				return nil, err
			}
			if dir == "" {
				dir = data.DefaultDir()
			}
			m, err := nets.NewSqueezeNet11(224, make([]string, 17), rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				return nil, err
			}
			if err := nets.LoadSqueezeNetWeights(m, filepath.Join(dir, "squeezenet", data.SqueezeNetFile), true); err != nil {
				return nil, err
			}
			big, small := make([]float32, benchFlowers*3*224*224), make([]float32, benchFlowers*3*72*72)
			if err := flowers.Decode(files, 0, benchFlowers, big, small, 72); err != nil {
				return nil, err
			}
			return func() error {
				_, err := nets.LayerOutputs(m, big, benchFlowers, nets.SqueezeNetFeatureLayers, 8, nil)
				return err
			}, nil
		},
	})
}

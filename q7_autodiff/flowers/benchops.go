package flowers

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"recog/internal/data"
	"recog/q7_autodiff/nets"
)

// BenchImages is the number of Flowers 17 training images that the `recog
// bench` cases q7/flowers-decode and q7/squeezenet-features work on.
const BenchImages = 64

// benchSide is the scratch CNN's decoded side of DefaultConfig:
// ScratchSide 64 plus 64/8 for the random crops.
const benchSide = 72

// benchFiles returns the first BenchImages training images of dir/flowers17.
func benchFiles(dir string) ([]data.ImageFile, error) {
	files, _, err := data.ReadFlowers17(filepath.Join(dir, "flowers17"))
	if err != nil {
		return nil, fmt.Errorf("%w (run `recog data flowers17` first)", err)
	}
	var train []data.ImageFile
	for _, f := range files {
		if f.Split == "train" && len(train) < BenchImages {
			train = append(train, f)
		}
	}
	if len(train) < BenchImages {
		return nil, fmt.Errorf("flowers17: %d training images, want %d", len(train), BenchImages)
	}
	return train, nil
}

// DecodeOp returns the operation `recog bench` times as q7/flowers-decode:
// Decode of the first BenchImages training images of dir ("": the default
// data folder) to SqueezeNet's 224x224 and the scratch CNN's 72x72.
func DecodeOp(dir string) (func() error, error) {
	if dir == "" {
		dir = data.DefaultDir()
	}
	files, err := benchFiles(dir)
	if err != nil {
		return nil, err
	}
	big, small := make([]float32, BenchImages*3*224*224), make([]float32, BenchImages*3*benchSide*benchSide)
	return func() error { return Decode(files, 0, BenchImages, big, imageNetSide, small, benchSide, nil) }, nil
}

// SqueezeNetFeaturesOp returns the operation `recog bench` times as
// q7/squeezenet-features: SqueezeNet 1.1's feature layers (ImageNet
// weights) on the BenchImages images of DecodeOp, decoded once, in
// batches of 8.
func SqueezeNetFeaturesOp(dir string) (func() error, error) {
	if dir == "" {
		dir = data.DefaultDir()
	}
	files, err := benchFiles(dir)
	if err != nil {
		return nil, err
	}
	m, err := nets.NewSqueezeNet11(224, make([]string, 17), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		return nil, err
	}
	if err := nets.LoadSqueezeNetWeights(m, filepath.Join(dir, "squeezenet", data.SqueezeNetFile), true); err != nil {
		return nil, err
	}
	big, small := make([]float32, BenchImages*3*224*224), make([]float32, BenchImages*3*benchSide*benchSide)
	if err := Decode(files, 0, BenchImages, big, imageNetSide, small, benchSide, nil); err != nil {
		return nil, err
	}
	return func() error {
		_, err := nets.LayerOutputs(m, big, BenchImages, nets.SqueezeNetFeatureLayers, 8, nil)
		return err
	}, nil
}

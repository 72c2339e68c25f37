package autodiff

import (
	_ "embed" // the default OCR model
	"fmt"
	"math/rand/v2"

	"recog/internal/data"
	"recog/internal/modelio"
)

// SmallCNNName is the model name (safetensors metadata "model") of the small
// EMNIST CNN that `recog q7 emnist-small` trains and `recog ocr` embeds.
const SmallCNNName = "emnist-small-cnn"

// DefaultOCRModelFile is the embedded NewSmallCNN trained by
// `recog q7 emnist-small` (q7_autodiff/model/, whose README.md records the
// command, the seed and the SHA-256 of the inputs and of the file).
const DefaultOCRModelFile = "emnist_small.safetensors"

//go:embed model/emnist_small.safetensors
var defaultOCRModel []byte

// DefaultOCRModel returns the embedded small EMNIST CNN (DefaultOCRModelFile),
// the default model of `recog ocr`: upright 28x28 white-on-black images in,
// the 47 EMNIST Balanced class probabilities out (use it with EMNISTProbs,
// NewEMNISTClassifier or ReadWords).
func DefaultOCRModel() (*Model, error) {
	return ParseSmallCNN("embedded "+DefaultOCRModelFile, defaultOCRModel)
}

func init() {
	// Q7.1.4 follow-up: a CNN small enough to embed as the default model of
	// `recog ocr` (docs/q7_autodiff.md#a-small-emnist-cnn-for-recog-ocr).
	Tasks["emnist-small"] = Task{Name: "emnist-small", Set: "emnist", Epochs: 15, BatchSize: 64, LR: 1e-3, LRDecay: 0.9, Dropout: 0.2}
}

// NewSmallCNN is a small CNN on side x side single-channel images:
//
//	conv 3x3 1->16 + ReLU, max-pool 2, conv 3x3 16->32 + ReLU, max-pool 2,
//	Dropout(dropout), FC (32·s²) -> 64 + ReLU, Dropout(dropout), 64 -> classes,
//
// no padding, s = ⌊(⌊(side-2)/2⌋ - 2)/2⌋ (5 on 28x28 input: FC 800 -> 64,
// 59,119 parameters for 47 classes). The dropout layers are always present
// (the identity when dropout is 0), so the parameter names ("0.weight",
// "2.weight", "5.weight", "7.weight" and their biases) do not depend on it.
func NewSmallCNN(name string, side int, classes []string, dropout float64, rng *rand.Rand) (*Model, error) {
	if side < 10 {
		return nil, fmt.Errorf("small CNN: %dx%d input is too small", side, side)
	}
	return NewModel(name, []int{1, side, side}, classes, rng,
		Conv2D{Out: 16, K: 3, ReLU: true}, MaxPool2D{K: 2},
		Conv2D{Out: 32, K: 3, ReLU: true}, MaxPool2D{K: 2},
		Dropout{P: dropout},
		Dense{Out: 64, Fused: true, ReLU: true},
		Dropout{P: dropout},
		Dense{Out: len(classes), Fused: true})
}

// LoadOCRModel reads an EMNIST model saved by Model.Save: a NewSmallCNN (the
// metadata "model" is SmallCNNName, `recog q7 emnist-small`) or a
// NewSimpleCNN (any other name, `recog q7 emnist`, LoadSimpleCNN).
func LoadOCRModel(path string) (*Model, error) {
	ts, h, err := modelio.Read(path)
	if err != nil {
		return nil, err
	}
	if h.Model != SmallCNNName {
		return LoadSimpleCNN(path)
	}
	return smallCNNFrom(path, ts, h)
}

// ParseSmallCNN is LoadOCRModel for a NewSmallCNN file held in memory (buf,
// named name in errors), for example an embedded one.
func ParseSmallCNN(name string, buf []byte) (*Model, error) {
	ts, h, err := modelio.Parse(name, buf)
	if err != nil {
		return nil, err
	}
	if h.Model != SmallCNNName {
		return nil, fmt.Errorf("%s: model %q, want %q", name, h.Model, SmallCNNName)
	}
	return smallCNNFrom(name, ts, h)
}

// smallCNNFrom builds the NewSmallCNN that the header describes and copies
// the tensors into it (every parameter present with its shape, no other).
func smallCNNFrom(name string, ts map[string]data.Tensor, h modelio.Header) (*Model, error) {
	in := h.Input
	if len(in) != 3 || in[0] != 1 || in[1] != in[2] {
		return nil, fmt.Errorf("%s: input shape %v, want a small CNN's [1 side side]", name, in)
	}
	// The initial values are overwritten by load; any seed will do.
	m, err := NewSmallCNN(h.Model, in[1], h.Classes, 0, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := m.load(name, ts, h); err != nil {
		return nil, err
	}
	return m, nil
}

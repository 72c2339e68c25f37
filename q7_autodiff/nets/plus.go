package nets

import (
	"fmt"
	"math/rand/v2"

	"recog/internal/data"
	"recog/internal/modelio"
)

// NewPlusCNN is the CNN of the improved Q7.1 recipes (the "-plus" tasks,
// docs/q7_autodiff.md#better-recipes-issue-17) on side x side single-channel images:
// three blocks of conv 3x3 with padding 1 + ReLU + max-pool 2, with width,
// 2·width and 4·width filters, then Dropout(dropout), FC → 128 + ReLU,
// Dropout(dropout), 128 → classes:
//
//	28x28: [w 28 28] → [w 14 14] → [2w 14 14] → [2w 7 7] → [4w 7 7] → [4w 3 3] → 128 → classes
//	32x32: [w 32 32] → [w 16 16] → [2w 16 16] → [2w 8 8] → [4w 8 8] → [4w 4 4] → 128 → classes
//
// Pooling after every convolution keeps it cheap: with width 32 on 28x28
// input it takes about 7.6 M multiply-adds per image (3.6 M in each of the
// second and third convolutions, 0.15 M in the FC layer 1152 → 128), against
// 12.0 M for NewSimpleCNN, whose second convolution runs at full resolution
// (10.6 M); with width 16 it takes 2.0 M. The dropout layers are always present (the
// identity when dropout is 0), so the parameter names ("0.weight",
// "2.weight", "4.weight", "7.weight", "9.weight" and the biases) do not
// depend on it.
func NewPlusCNN(name string, side int, classes []string, width int, dropout float64, rng *rand.Rand) (*Model, error) {
	if side < 8 {
		return nil, fmt.Errorf("plus CNN: %dx%d input is too small", side, side)
	}
	if width <= 0 {
		return nil, fmt.Errorf("plus CNN: width %d", width)
	}
	return NewModel(name, []int{1, side, side}, classes, rng, plusCNNLayers(len(classes), width, dropout)...)
}

// plusCNNLayers are the layers of NewPlusCNN for k classes.
func plusCNNLayers(k, width int, dropout float64) []Layer {
	return []Layer{
		Conv2D{Out: width, K: 3, Pad: 1, ReLU: true}, MaxPool2D{K: 2},
		Conv2D{Out: 2 * width, K: 3, Pad: 1, ReLU: true}, MaxPool2D{K: 2},
		Conv2D{Out: 4 * width, K: 3, Pad: 1, ReLU: true}, MaxPool2D{K: 2},
		Dropout{P: dropout},
		Dense{Out: 128, Fused: true, ReLU: true},
		Dropout{P: dropout},
		Dense{Out: k, Fused: true},
	}
}

// LoadPlusCNN reads a NewPlusCNN saved by Model.Save: the name, input shape
// and classes come from the file's header, the width from the first
// convolution's weights (width x 1 x 3 x 3).
func LoadPlusCNN(path string) (*Model, error) {
	ts, h, err := modelio.Read(path)
	if err != nil {
		return nil, err
	}
	return plusCNNFrom(path, ts, h)
}

// ParsePlusCNN is LoadPlusCNN for a file held in memory (buf, named name in
// errors), for example an embedded one.
func ParsePlusCNN(name string, buf []byte) (*Model, error) {
	ts, h, err := modelio.Parse(name, buf)
	if err != nil {
		return nil, err
	}
	return plusCNNFrom(name, ts, h)
}

// plusCNNFrom builds the NewPlusCNN that the header and the first weights
// describe and copies the tensors into it (every parameter present with its
// shape, no other).
func plusCNNFrom(name string, ts map[string]data.Tensor, h modelio.Header) (*Model, error) {
	side, err := imageInput(name, "plus CNN", h.Input)
	if err != nil {
		return nil, err
	}
	if side < 8 {
		return nil, fmt.Errorf("%s: plus CNN: %dx%d input is too small", name, side, side)
	}
	w0, ok := ts["0.weight"]
	if !ok || len(w0.Shape) != 4 || w0.Shape[1] != 1 || w0.Shape[2] != 3 || w0.Shape[3] != 3 {
		return nil, fmt.Errorf("%s: no first convolution 0.weight of shape [width 1 3 3]", name)
	}
	if w0.Shape[0] < 1 || w0.Shape[0] > 1024 {
		return nil, fmt.Errorf("%s: first convolution has %d filters, want 1 to 1024", name, w0.Shape[0])
	}
	return fromFile(name, ts, h, plusCNNLayers(len(h.Classes), w0.Shape[0], 0))
}

// IsPlusCNN reports whether the tensors of a model file are a NewPlusCNN's:
// a third convolution "4.weight" (4-D), which neither NewSmallCNN (layer 4
// is a dropout) nor NewSimpleCNN (layer 4 is a dense layer) has.
func IsPlusCNN(ts map[string]data.Tensor) bool {
	w, ok := ts["4.weight"]
	return ok && len(w.Shape) == 4
}

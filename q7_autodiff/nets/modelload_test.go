package nets

// Shapes checked before anything is allocated (issue #14): Plan and
// NewModel on hostile shapes, and model files whose header names an input
// their tensors do not fit.

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/modelio"
)

// TestPlanBounds: every size is computed without overflow and bounded
// (MaxValues per example and layer, MaxParams in all); a bad shape is an
// error, never a panic or a huge allocation.
func TestPlanBounds(t *testing.T) {
	classes := []string{"a", "b"}
	small := smallCNNLayers(2, 0)
	for _, tc := range []struct {
		name   string
		input  []int
		layers []Layer
		err    string
		large  bool // wraps ErrTooLarge
	}{
		{"28x28", []int{1, 28, 28}, small, "", false},
		{"side 1500: the first convolution's output", []int{1, 1500, 1500}, small, "layer 0 (Conv2D(16, 3x3, ReLU)) output [16 1498 1498]: model too large: more than 4194304 values", true},
		{"side 100000: the input", []int{1, 100000, 100000}, small, "input [1 100000 100000]", true},
		{"side overflowing", []int{1, 3037000500, 3037000500}, small, "input [1 3037000500 3037000500]", true},
		{"negative", []int{1, -28, -28}, small, "dimension -28 is not positive", false},
		{"zero", []int{0, 28, 28}, small, "dimension 0 is not positive", false},
		{"no input", nil, small, "no input shape", false},
		{"too small for the convolutions", []int{1, 4, 4}, small, "does not fit", false},
		{"a dense layer too large", []int{4096}, []Layer{Dense{Out: 1 << 20}, Dense{Out: 2}}, "layer 0 (Dense(1048576)) parameter weight [4096 1048576]", true},
		{"an output too large", []int{8}, []Layer{Dense{Out: MaxValues + 1}, Dense{Out: 2}}, "layer 0 (Dense(4194305)) output [4194305]", true},
		{"wrong number of classes", []int{4}, []Layer{Dense{Out: 3}}, "output shape [3], want 2 class logits", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps, err := Plan(tc.input, classes, tc.layers...)
			if tc.err == "" {
				require.NoError(t, err)
				require.Len(t, ps, 8)
				return
			}
			require.ErrorContains(t, err, tc.err)
			require.Equal(t, tc.large, errorsIsTooLarge(err), "%v", err)
			_, err = NewModel("m", tc.input, classes, rand.New(rand.NewPCG(1, 2)), tc.layers...)
			require.ErrorContains(t, err, "model m: ")
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestLoadChecksShapesFirst: a saved small CNN whose header says another
// input side is refused by comparing the file's tensors with the
// architecture of that side, before a model is built; so is one that names
// no classes.
func TestLoadChecksShapesFirst(t *testing.T) {
	m, err := NewSmallCNN(SmallCNNName, 28, []string{"a", "b", "c"}, 0, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	require.NoError(t, m.Save(path))
	ts, h, err := modelio.Read(path)
	require.NoError(t, err)
	for _, tc := range []struct {
		input   []int
		classes []string
		err     string
	}{
		{[]int{1, 1500, 1500}, h.Classes, "layer 0 (Conv2D(16, 3x3, ReLU)) output [16 1498 1498]: model too large"},
		{[]int{1, 500, 500}, h.Classes, `tensor "5.weight" has shape [800 64], want [484128 64]`},
		{[]int{1, 3037000500, 3037000500}, h.Classes, "input [1 3037000500 3037000500]: model too large"},
		{[]int{1, 30, 30}, h.Classes, `tensor "5.weight" has shape [800 64], want [1152 64]`},
		{[]int{3, 28, 28}, h.Classes, `metadata "input" is [3 28 28], want a small CNN's [1 side side]`},
		{[]int{1, 28, 28}, nil, `metadata "classes" is missing or empty`},
		{[]int{1, 28, 28}, []string{"a", "b"}, `tensor "7.weight" has shape [64 3], want [64 2]`},
	} {
		hh := h
		hh.Input, hh.Classes = tc.input, tc.classes
		_, err := OCRModelFrom("m.safetensors", ts, hh)
		require.ErrorContains(t, err, "m.safetensors: ")
		require.ErrorContains(t, err, tc.err)
	}
	got, err := OCRModelFrom("m.safetensors", ts, h)
	require.NoError(t, err)
	require.Equal(t, m.NumParams(), got.NumParams())
}

func errorsIsTooLarge(err error) bool { return errors.Is(err, ErrTooLarge) }

package nets

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"recog/internal/data"
	"recog/internal/modelio"
)

// Save writes the model's parameters to path in recog's model file format
// (recog/internal/modelio): one F32 tensor per Param, named as Param.Name,
// and the metadata "model" (the name), "input" (the per-example input
// shape) and "classes".
func (m *Model) Save(path string) error {
	ts := make(map[string]data.Tensor, len(m.Params))
	for _, p := range m.Params {
		ts[p.Name] = data.Tensor{Shape: slices.Clone([]int(p.Value.Shape())), Data: slices.Clone(p.Data())}
	}
	return modelio.Write(path, ts, modelio.Header{Model: m.Name, Input: m.Input, Classes: m.Classes})
}

// Load reads parameters saved by Save into m, which must have the same
// architecture: every parameter of m must be in the file with the same
// shape, the file must hold no other tensor, and the classes must match.
func (m *Model) Load(path string) error {
	ts, h, err := modelio.Read(path)
	if err != nil {
		return err
	}
	return m.load(path, ts, h)
}

// load copies the tensors ts of the model file name into m (see Load).
func (m *Model) load(name string, ts map[string]data.Tensor, h modelio.Header) error {
	if h.Classes != nil && !slices.Equal(h.Classes, m.Classes) {
		return fmt.Errorf("%s: classes %v, model %s has %v", name, h.Classes, m.Name, m.Classes)
	}
	var names []string
	values := make([][]float32, len(m.Params))
	for i, p := range m.Params {
		v, err := modelio.Take(name, ts, p.Name, p.Value.Shape()...)
		if err != nil {
			return fmt.Errorf("model %s: %w", m.Name, err)
		}
		values[i] = v
		names = append(names, p.Name)
	}
	if err := modelio.OnlyThese(name, ts, names); err != nil {
		return fmt.Errorf("model %s: %w", m.Name, err)
	}
	for i, p := range m.Params {
		copy(p.Data(), values[i])
	}
	return nil
}

// LoadSimpleCNN reads a NewSimpleCNN model saved by Model.Save (for example
// `recog q7 emnist`'s q7_emnist.safetensors): the name, input shape and
// classes come from the file's header, and the dropout layers (which hold
// no parameters but shift the layer numbers in the parameter names) from the
// tensor names.
func LoadSimpleCNN(path string) (*Model, error) {
	ts, h, err := modelio.Read(path)
	if err != nil {
		return nil, err
	}
	in := h.Input
	if len(in) != 3 || in[0] != 1 || in[1] != in[2] {
		return nil, fmt.Errorf("%s: input shape %v, want a simple CNN's [1 side side]", path, in)
	}
	dropout := 0.0
	if _, ok := ts["6.weight"]; ok { // conv, conv, pool, dropout, dense, dropout, dense
		dropout = 0.25
	}
	name := h.Model
	if name == "" {
		name = "simple-cnn"
	}
	// The initial values are overwritten by load; any seed will do.
	m, err := NewSimpleCNN(name, in[1], h.Classes, dropout, false, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := m.load(path, ts, h); err != nil {
		return nil, err
	}
	return m, nil
}

// LoadOCRModel reads an EMNIST model saved by Model.Save: a NewPlusCNN
// (IsPlusCNN, `recog q7 emnist-ocr` or `emnist-plus`), a NewSmallCNN (the
// metadata "model" is SmallCNNName, `recog q7 emnist-small`) or a
// NewSimpleCNN (any other name, `recog q7 emnist`, LoadSimpleCNN).
func LoadOCRModel(path string) (*Model, error) {
	ts, h, err := modelio.Read(path)
	if err != nil {
		return nil, err
	}
	if IsPlusCNN(ts) {
		return plusCNNFrom(path, ts, h)
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

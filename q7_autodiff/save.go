package autodiff

import (
	"fmt"
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

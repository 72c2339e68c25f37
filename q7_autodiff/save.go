package autodiff

import (
	"encoding/json"
	"fmt"
	"slices"

	"recog/internal/data"
)

// Save writes the model's parameters to path as .safetensors (one F32 tensor
// per Param, named as Param.Name) with metadata "model" (the name), "input"
// (the per-example input shape, JSON) and "classes" (JSON list).
func (m *Model) Save(path string) error {
	ts := make(map[string]data.Tensor, len(m.Params))
	for _, p := range m.Params {
		ts[p.Name] = data.Tensor{Shape: slices.Clone([]int(p.Value.Shape())), Data: slices.Clone(p.Data())}
	}
	in, err := json.Marshal(m.Input)
	if err != nil {
		return err
	}
	cl, err := json.Marshal(m.Classes)
	if err != nil {
		return err
	}
	return data.WriteSafetensors(path, ts, map[string]string{"model": m.Name, "input": string(in), "classes": string(cl)})
}

// Load reads parameters saved by Save into m, which must have the same
// architecture: every parameter of m must be in the file with the same
// shape, the file must hold no other tensor, and the classes must match.
func (m *Model) Load(path string) error {
	ts, meta, err := data.ReadSafetensors(path)
	if err != nil {
		return err
	}
	if c, ok := meta["classes"]; ok {
		var classes []string
		if err := json.Unmarshal([]byte(c), &classes); err != nil {
			return fmt.Errorf("%s: metadata \"classes\": %v", path, err)
		}
		if !slices.Equal(classes, m.Classes) {
			return fmt.Errorf("%s: classes %v, model %s has %v", path, classes, m.Name, m.Classes)
		}
	}
	for _, p := range m.Params {
		t, ok := ts[p.Name]
		if !ok {
			return fmt.Errorf("%s: no tensor %q for model %s", path, p.Name, m.Name)
		}
		if !slices.Equal(t.Shape, []int(p.Value.Shape())) {
			return fmt.Errorf("%s: tensor %q has shape %v, model %s wants %v", path, p.Name, t.Shape, m.Name, p.Value.Shape())
		}
	}
	if len(ts) != len(m.Params) {
		return fmt.Errorf("%s: %d tensors, model %s has %d parameters", path, len(ts), m.Name, len(m.Params))
	}
	for _, p := range m.Params {
		copy(p.Data(), ts[p.Name].Data)
	}
	return nil
}

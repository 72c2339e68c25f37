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
// shape and finite values, the file must hold no other tensor, and the
// classes must match.
func (m *Model) Load(path string) error {
	ts, h, err := modelio.Read(path)
	if err != nil {
		return err
	}
	if h.Classes != nil && !slices.Equal(h.Classes, m.Classes) {
		return fmt.Errorf("%s: classes %v, model %s has %v", path, h.Classes, m.Name, m.Classes)
	}
	values, err := take(path, ts, m.Name, m.planned())
	if err != nil {
		return err
	}
	for i, p := range m.Params {
		copy(p.Data(), values[i])
	}
	return nil
}

// planned returns the name and shape of each of m's parameters.
func (m *Model) planned() []Planned {
	out := make([]Planned, len(m.Params))
	for i, p := range m.Params {
		out[i] = Planned{Name: p.Name, Shape: p.Value.Shape()}
	}
	return out
}

// take returns the values of the tensors of the model file name for the
// parameters params of the model arch, in order, after checking that each is
// there with its shape and finite values (modelio.Take) and that the file
// holds no other tensor.
func take(name string, ts map[string]data.Tensor, arch string, params []Planned) ([][]float32, error) {
	values := make([][]float32, len(params))
	names := make([]string, len(params))
	for i, p := range params {
		v, err := modelio.Take(name, ts, p.Name, p.Shape...)
		if err != nil {
			return nil, fmt.Errorf("%w (architecture %s)", err, arch)
		}
		values[i], names[i] = v, p.Name
	}
	if err := modelio.OnlyThese(name, ts, names); err != nil {
		return nil, fmt.Errorf("%w (architecture %s)", err, arch)
	}
	return values, nil
}

// fromFile builds the model that the model file name (its tensors ts and
// header h) describes with layers on the header's input shape: the shapes
// of the architecture (Plan) are compared with the file's tensors before
// anything is allocated, so a header that names a huge input is refused at
// once; then the model is built and the file's values copied in.
func fromFile(name string, ts map[string]data.Tensor, h modelio.Header, layers []Layer) (*Model, error) {
	if len(h.Classes) == 0 {
		return nil, fmt.Errorf("%s: metadata %q is missing or empty: the model's outputs have no names", name, modelio.KeyClasses)
	}
	_, planned, err := Plan(h.Input, h.Classes, layers...)
	if err != nil {
		return nil, fmt.Errorf("%s: model %s on input %v: %w", name, h.Model, h.Input, err)
	}
	values, err := take(name, ts, h.Model, planned)
	if err != nil {
		return nil, err
	}
	// The initial values are overwritten; any seed will do.
	m, err := NewModel(h.Model, h.Input, h.Classes, rand.New(rand.NewPCG(0, 0)), layers...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, p := range m.Params {
		copy(p.Data(), values[i])
	}
	return m, nil
}

// imageInput returns the side of an input shape [1 side side], or an error
// naming the file and the architecture.
func imageInput(name, arch string, in []int) (int, error) {
	if len(in) != 3 || in[0] != 1 || in[1] != in[2] {
		return 0, fmt.Errorf("%s: metadata %q is %v, want a %s's [1 side side]", name, modelio.KeyInput, in, arch)
	}
	return in[1], nil
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
	return simpleCNNFrom(path, ts, h)
}

func simpleCNNFrom(name string, ts map[string]data.Tensor, h modelio.Header) (*Model, error) {
	side, err := imageInput(name, "simple CNN", h.Input)
	if err != nil {
		return nil, err
	}
	dropout := 0.0
	if _, ok := ts["6.weight"]; ok { // conv, conv, pool, dropout, dense, dropout, dense
		dropout = 0.25
	}
	if h.Model == "" {
		h.Model = "simple-cnn"
	}
	if side < 6 {
		return nil, fmt.Errorf("%s: simple CNN: %dx%d input is too small", name, side, side)
	}
	return fromFile(name, ts, h, simpleCNNLayers(len(h.Classes), dropout, false))
}

// LoadOCRModel reads an EMNIST model saved by Model.Save (ParseOCRModel).
func LoadOCRModel(path string) (*Model, error) {
	buf, err := modelio.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseOCRModel(path, buf)
}

// ParseOCRModel reads the EMNIST model file held in buf (named name in
// errors): a NewPlusCNN (IsPlusCNN, `recog q7 emnist-ocr` or `emnist-plus`),
// a NewSmallCNN (the metadata "model" is SmallCNNName, `recog q7
// emnist-small`) or a NewSimpleCNN (any other name, `recog q7 emnist`).
func ParseOCRModel(name string, buf []byte) (*Model, error) {
	ts, h, err := modelio.Parse(name, buf)
	if err != nil {
		return nil, err
	}
	return OCRModelFrom(name, ts, h)
}

// OCRModelFrom builds the EMNIST model that a parsed model file (its
// tensors ts and header h) describes (ParseOCRModel).
func OCRModelFrom(name string, ts map[string]data.Tensor, h modelio.Header) (*Model, error) {
	if IsPlusCNN(ts) {
		return plusCNNFrom(name, ts, h)
	}
	if h.Model != SmallCNNName {
		return simpleCNNFrom(name, ts, h)
	}
	return smallCNNFrom(name, ts, h)
}

// ParseSmallCNN is ParseOCRModel for a NewSmallCNN file only (an embedded
// one, say).
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

// smallCNNFrom builds the NewSmallCNN that the header describes with the
// file's parameters (fromFile).
func smallCNNFrom(name string, ts map[string]data.Tensor, h modelio.Header) (*Model, error) {
	side, err := imageInput(name, "small CNN", h.Input)
	if err != nil {
		return nil, err
	}
	if side < 10 {
		return nil, fmt.Errorf("%s: small CNN: %dx%d input is too small", name, side, side)
	}
	return fromFile(name, ts, h, smallCNNLayers(len(h.Classes), 0))
}

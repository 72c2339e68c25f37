package nets

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"recog/q7_autodiff/ops"
)

// Param is one named parameter tensor of a model. Names are
// "<layer index>.<weight|bias>", e.g. "0.weight".
type Param struct {
	Name  string
	Value *tensor.Dense // float32
}

// Data returns the parameter's values, row-major.
func (p Param) Data() []float32 { return p.Value.Data().([]float32) }

// Model is a feed-forward network: Layers applied in order to inputs of
// shape Input (per example), ending in one logit per class. Its parameters
// live in Params; graphs built from the model bind these tensors directly.
type Model struct {
	Name    string
	Input   []int    // per-example input shape: {D} or {C, H, W}
	Classes []string // class names, one per output
	Layers  []Layer
	Params  []Param

	layerParams [][]int // indices into Params of each layer's parameters
	shapes      [][]int // input shape of each layer, then the output shape
	eval        *graph  // cached inference graph
}

// Size limits of a Model, checked by NewModel before anything is
// allocated (and so before a model file's tensors are compared with the
// architecture its header names): the largest model here, SqueezeNet 1.1,
// has 1.2 million parameters and at most 0.8 million values in one layer's
// output for one 224 x 224 image.
const (
	// MaxParams bounds the number of parameters: 64 Mi float32 values,
	// 256 MiB.
	MaxParams = 1 << 26
	// MaxValues bounds the values of one example at the input and at each
	// layer's output (the inference graph holds 250 examples of each).
	MaxValues = 1 << 22
)

// ErrTooLarge is the error of NewModel (Plan) for a shape beyond MaxParams
// or MaxValues.
var ErrTooLarge = errors.New("model too large")

// Planned is a parameter of the model Plan describes: its name, as in
// Model.Params, and its shape.
type Planned struct {
	Name  string
	Shape []int
}

// Plan returns the shapes NewModel would give the model: the input shape of
// each layer, then the output shape, and every parameter's name and shape.
// It allocates nothing of the model's size and computes sizes without
// overflow: an input or layer output of more than MaxValues values, or more
// than MaxParams parameters in total, is an error wrapping ErrTooLarge; a
// dimension must be positive and the last layer must give len(classes)
// outputs.
func Plan(input []int, classes []string, layers ...Layer) (shapes [][]int, params []Planned, err error) {
	if len(input) == 0 {
		return nil, nil, errors.New("no input shape")
	}
	total := 0
	shape := slices.Clone(input)
	for i, l := range append(layers, nil) {
		if _, err := size(shape, MaxValues); err != nil {
			if i == 0 {
				return nil, nil, fmt.Errorf("input %v: %w", input, err)
			}
			return nil, nil, fmt.Errorf("layer %d (%v) output %v: %w", i-1, layers[i-1], shape, err)
		}
		shapes = append(shapes, shape)
		if l == nil {
			break
		}
		out, ps, err := l.Setup(shape)
		if err != nil {
			return nil, nil, fmt.Errorf("layer %d: %w", i, err)
		}
		for _, p := range ps {
			n, err := size(p.Shape, MaxParams-total)
			if err != nil {
				return nil, nil, fmt.Errorf("layer %d (%v) parameter %s %v: %w (%d parameters before it, at most %d in all)", i, l, p.Name, p.Shape, err, total, MaxParams)
			}
			total += n
			params = append(params, Planned{Name: fmt.Sprintf("%d.%s", i, p.Name), Shape: p.Shape})
		}
		shape = out
	}
	if len(shape) != 1 || shape[0] != len(classes) {
		return nil, nil, fmt.Errorf("output shape %v, want %d class logits", shape, len(classes))
	}
	return shapes, params, nil
}

// size returns the product of shape when every dimension is positive and
// the product is at most limit, computed without overflow; a product over
// limit is an error wrapping ErrTooLarge.
func size(shape []int, limit int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 1 {
			return 0, fmt.Errorf("dimension %d is not positive", d)
		}
		if d > limit/n {
			return 0, fmt.Errorf("%w: more than %d values", ErrTooLarge, limit)
		}
		n *= d
	}
	return n, nil
}

// NewModel sets the layers up on the input shape (Plan, which checks every
// shape and size first), checks that the last layer gives len(classes)
// outputs and initialises the parameters from rng.
func NewModel(name string, input []int, classes []string, rng *rand.Rand, layers ...Layer) (*Model, error) {
	shapes, planned, err := Plan(input, classes, layers...)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	m := &Model{Name: name, Input: slices.Clone(input), Classes: classes, Layers: layers, shapes: shapes}
	k := 0
	for i, l := range layers {
		var idx []int
		var data [][]float32
		for range paramsOf(planned[k:], i) {
			p := planned[k]
			k++
			idx = append(idx, len(m.Params))
			t := tensor.New(tensor.WithShape(p.Shape...), tensor.Of(tensor.Float32))
			m.Params = append(m.Params, Param{Name: p.Name, Value: t})
			data = append(data, t.Data().([]float32))
		}
		m.layerParams = append(m.layerParams, idx)
		l.Init(shapes[i], data, rng)
	}
	return m, nil
}

// paramsOf returns how many of planned, from the first, belong to layer i.
func paramsOf(planned []Planned, i int) int {
	prefix := fmt.Sprintf("%d.", i)
	n := 0
	for n < len(planned) && strings.HasPrefix(planned[n].Name, prefix) {
		n++
	}
	return n
}

// NumParams returns the number of scalar parameters.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params {
		n += p.Value.Size()
	}
	return n
}

// InputSize returns the number of values of one example.
func (m *Model) InputSize() int { return prod(m.Input) }

// String lists the layers with their output shapes.
func (m *Model) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: input %v\n", m.Name, m.Input)
	for i, l := range m.Layers {
		fmt.Fprintf(&b, "  %2d %-24v -> %v\n", i, l, m.shapes[i+1])
	}
	fmt.Fprintf(&b, "  %d parameters", m.NumParams())
	return b.String()
}

// Gradients returns the loss (reduced as red says) of the batch x (N rows of
// InputSize values, row-major) against the one-hot targets y (N x classes)
// and its gradient with respect to every parameter, in Params order. The
// model is in training mode except that dropout is off.
func (m *Model) Gradients(x, y []float32, n int, red Reduction) (float64, [][]float32, error) {
	if len(x) != n*m.InputSize() || len(y) != n*len(m.Classes) {
		return 0, nil, fmt.Errorf("model %s: batch of %d needs %d inputs and %d targets, got %d and %d",
			m.Name, n, n*m.InputSize(), n*len(m.Classes), len(x), len(y))
	}
	nt, err := m.build(n, true, red)
	if err != nil {
		return 0, nil, err
	}
	defer nt.vm.Close()
	for _, mk := range nt.masks {
		for i := range mk.data {
			mk.data[i] = 1
		}
	}
	copy(nt.xData, x)
	copy(nt.yData, y)
	if err := nt.run(); err != nil {
		return 0, nil, fmt.Errorf("model %s: %w", m.Name, err)
	}
	gs, err := nt.grads()
	if err != nil {
		return 0, nil, err
	}
	out := make([][]float32, len(gs))
	for i, g := range gs {
		out[i] = append([]float32(nil), g...)
	}
	return nt.lossValue(), out, nil
}

// evalBatch is the batch size of the cached inference graph.
const evalBatch = 250

// Logits returns the N x classes logits of the n examples in x (row-major,
// InputSize values each), computed in batches of 250 by the inference graph
// (dropout off). The last batch is padded with zeros.
func (m *Model) Logits(x []float32, n int) ([]float32, error) {
	if m.eval == nil {
		e, err := m.build(evalBatch, false, Mean)
		if err != nil {
			return nil, err
		}
		m.eval = e
	}
	return m.eval.outputs(m, x, n)
}

// Predict returns, for each example of x (InputSize values each, in the
// model's input layout), the class probabilities softmax(logits).
func (m *Model) Predict(x [][]float32) ([][]float32, error) {
	d := m.InputSize()
	flat := make([]float32, 0, len(x)*d)
	for i, r := range x {
		if len(r) != d {
			return nil, fmt.Errorf("model %s: example %d has %d values, want %d", m.Name, i, len(r), d)
		}
		flat = append(flat, r...)
	}
	z, err := m.Logits(flat, len(x))
	if err != nil {
		return nil, err
	}
	k := len(m.Classes)
	ops.Softmax(z, k)
	out := make([][]float32, len(x))
	for i := range out {
		out[i] = z[i*k : (i+1)*k : (i+1)*k]
	}
	return out, nil
}

// Snapshot returns a copy of the values of every parameter, in Params order.
func (m *Model) Snapshot() [][]float32 {
	out := make([][]float32, len(m.Params))
	for i, p := range m.Params {
		out[i] = slices.Clone(p.Data())
	}
	return out
}

// Restore copies the values of a Snapshot back into the parameters.
func (m *Model) Restore(s [][]float32) {
	for i, p := range m.Params {
		copy(p.Data(), s[i])
	}
}

// Close releases the cached inference graph.
func (m *Model) Close() {
	if m.eval != nil {
		m.eval.vm.Close()
		m.eval = nil
	}
}

package autodiff

import (
	"fmt"
	"math/rand/v2"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
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
	eval        *net    // cached inference graph
}

// NewModel sets the layers up on the input shape, checks that the last layer
// gives len(classes) outputs and initialises the parameters from rng.
func NewModel(name string, input []int, classes []string, rng *rand.Rand, layers ...Layer) (*Model, error) {
	m := &Model{Name: name, Input: append([]int(nil), input...), Classes: classes, Layers: layers}
	shape := m.Input
	for i, l := range layers {
		m.shapes = append(m.shapes, shape)
		out, ps, err := l.Setup(shape)
		if err != nil {
			return nil, fmt.Errorf("model %s: layer %d: %w", name, i, err)
		}
		var idx []int
		var data [][]float32
		for _, p := range ps {
			idx = append(idx, len(m.Params))
			t := tensor.New(tensor.WithShape(p.Shape...), tensor.Of(tensor.Float32))
			m.Params = append(m.Params, Param{Name: fmt.Sprintf("%d.%s", i, p.Name), Value: t})
			data = append(data, t.Data().([]float32))
		}
		m.layerParams = append(m.layerParams, idx)
		l.Init(shape, data, rng)
		shape = out
	}
	m.shapes = append(m.shapes, shape)
	if len(shape) != 1 || shape[0] != len(classes) {
		return nil, fmt.Errorf("model %s: output shape %v, want %d class logits", name, shape, len(classes))
	}
	return m, nil
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

// builder carries what layers need while a graph is built.
type builder struct {
	g     *G.ExprGraph
	train bool
	masks []dropMask
}

type dropMask struct {
	p    float64
	data []float32
}

// mask returns a new input node of the given shape that holds a dropout mask
// refilled before every training step.
func (b *builder) mask(s tensor.Shape, p float64) *G.Node {
	t := tensor.New(tensor.WithShape(s.Clone()...), tensor.Of(tensor.Float32))
	n := G.NewTensor(b.g, tensor.Float32, s.Dims(), G.WithShape(s.Clone()...), G.WithValue(t),
		G.WithName(fmt.Sprintf("dropmask%d", len(b.masks))))
	b.masks = append(b.masks, dropMask{p: p, data: t.Data().([]float32)})
	return n
}

// net is a model's graph for one batch size.
type net struct {
	batch  int
	g      *G.ExprGraph
	x, y   *G.Node
	xData  []float32 // backing of x's value
	yData  []float32 // backing of y's value (training graphs only)
	logits *G.Node
	loss   *G.Node
	params G.Nodes
	masks  []dropMask
	stats  *xentStats // loss and argmax of the last training run
	vm     G.VM
}

// Reduction says how the per-example losses of a batch are combined.
type Reduction int

const (
	// Mean divides the summed loss by the batch size (PyTorch's default).
	Mean Reduction = iota
	// Sum adds the per-example losses (q2_nn's convention).
	Sum
)

// build makes the graph of the model for a batch of the given size. A
// training graph also has the loss and its symbolic gradients.
func (m *Model) build(batch int, train bool, red Reduction) (*net, error) {
	g := G.NewGraph()
	b := &builder{g: g, train: train}
	xs := append([]int{batch}, m.Input...)
	xt := tensor.New(tensor.WithShape(xs...), tensor.Of(tensor.Float32))
	n := &net{batch: batch, g: g, xData: xt.Data().([]float32)}
	n.x = G.NewTensor(g, tensor.Float32, len(xs), G.WithShape(xs...), G.WithValue(xt), G.WithName("x"))
	for _, p := range m.Params {
		n.params = append(n.params, G.NewTensor(g, tensor.Float32, p.Value.Dims(),
			G.WithShape(p.Value.Shape().Clone()...), G.WithValue(p.Value), G.WithName(p.Name)))
	}
	h := n.x
	for i, l := range m.Layers {
		var ps []*G.Node
		for _, k := range m.layerParams[i] {
			ps = append(ps, n.params[k])
		}
		var err error
		if h, err = l.Build(h, ps, b); err != nil {
			return nil, fmt.Errorf("model %s: building layer %d (%v): %w", m.Name, i, l, err)
		}
	}
	n.logits = h
	n.masks = b.masks
	if train {
		k := len(m.Classes)
		yt := tensor.New(tensor.WithShape(batch, k), tensor.Of(tensor.Float32))
		n.yData = yt.Data().([]float32)
		n.y = G.NewMatrix(g, tensor.Float32, G.WithShape(batch, k), G.WithValue(yt), G.WithName("y"))
		scale := 1.0
		if red == Mean {
			scale = 1 / float64(batch)
		}
		var err error
		n.stats = &xentStats{}
		if n.loss, err = softmaxCrossEntropy(n.logits, n.y, scale, n.stats); err != nil {
			return nil, err
		}
		if _, err = G.Grad(n.loss, n.params...); err != nil {
			return nil, fmt.Errorf("model %s: gradients: %w", m.Name, err)
		}
		n.vm = G.NewTapeMachine(g, G.BindDualValues(n.params...))
	} else {
		n.vm = G.NewTapeMachine(g)
	}
	return n, nil
}

// run executes the graph once on the values already in xData (and yData).
func (n *net) run() error {
	defer n.vm.Reset()
	return n.vm.RunAll()
}

// grads returns the gradient of the loss for each parameter after run. The
// tape machine adds each run's gradients into the parameters' dual values,
// so the caller must zeroGrads once it has used them.
func (n *net) grads() ([][]float32, error) {
	out := make([][]float32, len(n.params))
	for i, p := range n.params {
		gv, err := p.Grad()
		if err != nil {
			return nil, fmt.Errorf("gradient of %s: %w", p.Name(), err)
		}
		out[i] = gv.Data().([]float32)
	}
	return out, nil
}

// zeroGrads clears the accumulated gradients for the next run.
func (n *net) zeroGrads(gs [][]float32) {
	for _, g := range gs {
		clear(g)
	}
}

// lossValue returns the loss of the last training run.
func (n *net) lossValue() float64 { return n.stats.loss }

// logitsData returns the logits of the last run of an inference graph (in
// a training graph, the logits' register may be reused by the backward
// pass; use stats).
func (n *net) logitsData() []float32 { return n.logits.Value().Data().([]float32) }

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
// InputSize values each), computed in batches by the inference graph
// (dropout off). The last batch is padded with zeros.
func (m *Model) Logits(x []float32, n int) ([]float32, error) {
	d := m.InputSize()
	if len(x) != n*d {
		return nil, fmt.Errorf("model %s: %d examples need %d values, got %d", m.Name, n, n*d, len(x))
	}
	if m.eval == nil {
		e, err := m.build(evalBatch, false, Mean)
		if err != nil {
			return nil, err
		}
		m.eval = e
	}
	k := len(m.Classes)
	out := make([]float32, n*k)
	e := m.eval
	for lo := 0; lo < n; lo += e.batch {
		hi := min(lo+e.batch, n)
		copy(e.xData, x[lo*d:hi*d])
		clear(e.xData[(hi-lo)*d:])
		if err := e.run(); err != nil {
			return nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		copy(out[lo*k:hi*k], e.logitsData()[:(hi-lo)*k])
	}
	return out, nil
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
	Softmax(z, k)
	out := make([][]float32, len(x))
	for i := range out {
		out[i] = z[i*k : (i+1)*k : (i+1)*k]
	}
	return out, nil
}

// Close releases the cached inference graph.
func (m *Model) Close() {
	if m.eval != nil {
		m.eval.vm.Close()
		m.eval = nil
	}
}

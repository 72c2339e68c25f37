package nets

import (
	"fmt"
	"io"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"recog/q7_autodiff/ops"
)

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

// graph is a model's expression graph of layers [0, upto) for one batch
// size: an inference graph (dropout off), or a training graph of the whole
// model that also has the one-hot targets, the loss and gorgonia's symbolic
// gradients of the loss with respect to every parameter. Both bind the
// model's parameter tensors, so an optimiser step is seen by every graph.
type graph struct {
	batch  int
	upto   int
	x, y   *G.Node
	xData  []float32 // backing of x's value
	yData  []float32 // backing of y's value (training graphs only)
	out    *G.Node   // output of layer upto-1: the logits of a whole model
	loss   *G.Node
	params G.Nodes
	masks  []dropMask
	stats  *ops.XentStats // loss and argmax of the last training run
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

// build makes the graph of the whole model for a batch of the given size.
func (m *Model) build(batch int, train bool, red Reduction) (*graph, error) {
	return m.newGraph(batch, len(m.Layers), train, red)
}

// newGraph makes the graph of layers [0, upto) for a batch of the given
// size; a training graph (train, whole model only) also has the loss and
// its symbolic gradients.
func (m *Model) newGraph(batch, upto int, train bool, red Reduction) (*graph, error) {
	g := G.NewGraph()
	b := &builder{g: g, train: train}
	xs := append([]int{batch}, m.Input...)
	xt := tensor.New(tensor.WithShape(xs...), tensor.Of(tensor.Float32))
	n := &graph{batch: batch, upto: upto, xData: xt.Data().([]float32)}
	n.x = G.NewTensor(g, tensor.Float32, len(xs), G.WithShape(xs...), G.WithValue(xt), G.WithName("x"))
	for _, p := range m.Params {
		n.params = append(n.params, G.NewTensor(g, tensor.Float32, p.Value.Dims(),
			G.WithShape(p.Value.Shape().Clone()...), G.WithValue(p.Value), G.WithName(p.Name)))
	}
	h := n.x
	for i, l := range m.Layers[:upto] {
		var ps []*G.Node
		for _, k := range m.layerParams[i] {
			ps = append(ps, n.params[k])
		}
		var err error
		if h, err = l.Build(h, ps, b); err != nil {
			return nil, fmt.Errorf("model %s: building layer %d (%v): %w", m.Name, i, l, err)
		}
	}
	n.out = h
	n.masks = b.masks
	if !train {
		n.vm = G.NewTapeMachine(g)
		return n, nil
	}
	if upto != len(m.Layers) {
		return nil, fmt.Errorf("model %s: a training graph of layers [0, %d) of %d", m.Name, upto, len(m.Layers))
	}
	k := len(m.Classes)
	yt := tensor.New(tensor.WithShape(batch, k), tensor.Of(tensor.Float32))
	n.yData = yt.Data().([]float32)
	n.y = G.NewMatrix(g, tensor.Float32, G.WithShape(batch, k), G.WithValue(yt), G.WithName("y"))
	scale := 1.0
	if red == Mean {
		scale = 1 / float64(batch)
	}
	var err error
	n.stats = &ops.XentStats{}
	if n.loss, err = ops.SoftmaxCrossEntropy(n.out, n.y, scale, n.stats); err != nil {
		return nil, err
	}
	if _, err = G.Grad(n.loss, n.params...); err != nil {
		return nil, fmt.Errorf("model %s: gradients: %w", m.Name, err)
	}
	n.vm = G.NewTapeMachine(g, G.BindDualValues(n.params...))
	return n, nil
}

// run executes the graph once on the values already in xData (and yData).
func (n *graph) run() error {
	defer n.vm.Reset()
	return n.vm.RunAll()
}

// grads returns the gradient of the loss for each parameter after run. The
// tape machine adds each run's gradients into the parameters' dual values,
// so the caller must zeroGrads once it has used them.
func (n *graph) grads() ([][]float32, error) {
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
func (n *graph) zeroGrads(gs [][]float32) {
	for _, g := range gs {
		clear(g)
	}
}

// lossValue returns the loss of the last training run.
func (n *graph) lossValue() float64 { return n.stats.Loss }

// outputs runs an inference graph over the count examples of x (m's
// InputSize values each) in batches of n.batch, the last one padded with
// zeros, and returns the outputs of layer n.upto-1 of every example
// (prod(ShapeAt(m, n.upto)) values each). With progress set, one line per 10
// batches reports the rate. This is the one batch loop of every inference:
// Logits, LayerOutputs and Evaluator.
func (n *graph) outputs(m *Model, x []float32, count int, progress ...io.Writer) ([]float32, error) {
	d, k := m.InputSize(), prod(m.shapes[n.upto])
	if len(x) != count*d {
		return nil, fmt.Errorf("model %s: %d examples need %d values, got %d", m.Name, count, count*d, len(x))
	}
	out := make([]float32, count*k)
	start := time.Now()
	for i, lo := 0, 0; lo < count; i, lo = i+1, lo+n.batch {
		hi := min(lo+n.batch, count)
		copy(n.xData, x[lo*d:hi*d])
		clear(n.xData[(hi-lo)*d:])
		if err := n.run(); err != nil {
			return nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		copy(out[lo*k:hi*k], n.out.Value().Data().([]float32)[:(hi-lo)*k])
		if len(progress) > 0 && progress[0] != nil && (i+1)%10 == 0 {
			fmt.Fprintf(progress[0], "%s: %d/%d examples through layers 0..%d, %.1f/s\n",
				m.Name, hi, count, n.upto-1, float64(hi)/time.Since(start).Seconds())
		}
	}
	return out, nil
}

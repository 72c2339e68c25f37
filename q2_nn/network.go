package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Network is an ordered stack of layers: the output of Layers[i] is the input
// of Layers[i+1].
type Network struct {
	Layers []*Layer
}

// NewNetwork returns the network of the given layers after checking that each
// layer's input size is the previous layer's output size.
func NewNetwork(layers ...*Layer) (*Network, error) {
	n := &Network{Layers: layers}
	if err := n.check(); err != nil {
		return nil, err
	}
	return n, nil
}

// NewMLP returns a network of len(sizes)-1 layers, layer i mapping sizes[i]
// to sizes[i+1] with activation acts[i], Xavier-initialised from rng. The
// layers are named layer1, layer2, … and the last one output, as in the
// assignment (for example sizes {1024, 64, 36} with {ActSigmoid, ActSoftmax}).
func NewMLP(sizes []int, acts []Activation, rng *rand.Rand) (*Network, error) {
	if len(sizes) < 2 || len(acts) != len(sizes)-1 {
		return nil, fmt.Errorf("mlp: %d sizes and %d activations: want k+1 sizes and k activations, k ≥ 1", len(sizes), len(acts))
	}
	layers := make([]*Layer, len(acts))
	for i, act := range acts {
		name := fmt.Sprintf("layer%d", i+1)
		if i == len(acts)-1 {
			name = "output"
		}
		l, err := NewLayer(name, sizes[i], sizes[i+1], act, rng)
		if err != nil {
			return nil, fmt.Errorf("mlp: %w", err)
		}
		layers[i] = l
	}
	return NewNetwork(layers...)
}

func (n *Network) check() error {
	if n == nil || len(n.Layers) == 0 {
		return errors.New("network has no layers")
	}
	for i, l := range n.Layers {
		if l == nil {
			return fmt.Errorf("network: layer %d is nil", i)
		}
		if err := l.check(); err != nil {
			return fmt.Errorf("network: %w", err)
		}
		if i > 0 && l.In() != n.Layers[i-1].Out() {
			return fmt.Errorf("network: layer %q has %d inputs but layer %q has %d outputs",
				l.Name, l.In(), n.Layers[i-1].Name, n.Layers[i-1].Out())
		}
	}
	return nil
}

// In returns the input size of the first layer.
func (n *Network) In() int { return n.Layers[0].In() }

// Out returns the output size of the last layer.
func (n *Network) Out() int { return n.Layers[len(n.Layers)-1].Out() }

func (n *Network) checkInput(x *mat.Dense) error {
	if err := n.check(); err != nil {
		return err
	}
	if x == nil {
		return errors.New("network: nil input")
	}
	if r, c := x.Dims(); r == 0 || c != n.In() {
		return fmt.Errorf("network: input is %d x %d, want N x %d with N > 0", r, c, n.In())
	}
	return nil
}

// Forward runs the layers in order on the N x In() batch x, caching what
// Backward needs, and returns the last layer's output (its buffer, overwritten
// by the next Forward).
func (n *Network) Forward(x *mat.Dense) (*mat.Dense, error) {
	if err := n.checkInput(x); err != nil {
		return nil, err
	}
	return n.forward(x), nil
}

func (n *Network) forward(x *mat.Dense) *mat.Dense {
	h := x
	for _, l := range n.Layers {
		h = l.forward(h, true)
	}
	return h
}

// Predict returns the network output for x (class probabilities for a softmax
// classifier) in a new matrix, without touching the cache of the last
// Forward. It works through x evalChunk rows at a time (same result, less
// memory, and faster than one large product with gonum's parallel Dgemm).
// It only reads the network, so concurrent Predict calls are safe while
// nothing trains it.
func (n *Network) Predict(x *mat.Dense) (*mat.Dense, error) {
	if err := n.checkInput(x); err != nil {
		return nil, err
	}
	rows, d := x.Dims()
	if rows <= evalChunk {
		return n.predict(x), nil
	}
	out := mat.NewDense(rows, n.Out(), nil)
	for start := 0; start < rows; start += evalChunk {
		end := min(start+evalChunk, rows)
		h := n.predict(x.Slice(start, end, 0, d).(*mat.Dense))
		for i := start; i < end; i++ {
			copy(out.RawRowView(i), h.RawRowView(i-start))
		}
	}
	return out, nil
}

// predict runs the layers without caching.
func (n *Network) predict(x *mat.Dense) *mat.Dense {
	h := x
	for _, l := range n.Layers {
		h = l.forward(h, false)
	}
	return h
}

// Backward back-propagates dOut = dJ/dH of the last layer through every layer
// of the last Forward (Layer.Backward in reverse order), storing each layer's
// DW and DB, and returns dJ/dX for the network input.
func (n *Network) Backward(dOut *mat.Dense) (*mat.Dense, error) {
	if err := n.checkBackward(dOut); err != nil {
		return nil, err
	}
	last := n.Layers[len(n.Layers)-1]
	return n.backwardPre(last.delta(dOut), true), nil
}

// BackwardPre is Backward started from dA = dJ/dA of the last layer's
// pre-activation, the form in which softmax with cross-entropy gives its
// gradient, dA = P - Y (docs/q2_nn.md#softmax-cross-entropy).
func (n *Network) BackwardPre(dA *mat.Dense) (*mat.Dense, error) {
	if err := n.checkBackward(dA); err != nil {
		return nil, err
	}
	return n.backwardPre(dA, true), nil
}

func (n *Network) checkBackward(g *mat.Dense) error {
	if err := n.check(); err != nil {
		return err
	}
	if g == nil {
		return errors.New("network: nil gradient")
	}
	var rows int
	for i, l := range n.Layers {
		if l.x == nil {
			return fmt.Errorf("network: backward before forward (layer %q)", l.Name)
		}
		r, _ := l.h.Dims()
		if i > 0 && r != rows {
			return fmt.Errorf("network: layer caches hold batches of %d and %d rows: run Forward again", rows, r)
		}
		rows = r
	}
	return n.Layers[len(n.Layers)-1].checkGrad(g)
}

// backwardPre back-propagates dA of the last layer; the first layer's dJ/dX
// is computed only if needInputGrad (training does not need it).
func (n *Network) backwardPre(dA *mat.Dense, needInputGrad bool) *mat.Dense {
	var dx *mat.Dense
	for i := len(n.Layers) - 1; i >= 0; i-- {
		dx = n.Layers[i].backwardPre(dA, i > 0 || needInputGrad)
		if i > 0 {
			dA = n.Layers[i-1].delta(dx)
		}
	}
	return dx
}

// backwardStep back-propagates dA of the last layer and updates every layer
// with plain gradient descent on the way (Layer.backwardStep): the result
// equals backwardPre(dA, false) followed by Step(lr), up to rounding, but DW
// and DB are not stored.
func (n *Network) backwardStep(dA *mat.Dense, lr float64) {
	for i := len(n.Layers) - 1; i >= 0; i-- {
		dx := n.Layers[i].backwardStep(dA, i > 0, lr)
		if i > 0 {
			dA = n.Layers[i-1].delta(dx)
		}
	}
}

// Step applies Layer.Step(lr) to every layer: θ ← θ - lr·dJ/dθ.
func (n *Network) Step(lr float64) {
	for _, l := range n.Layers {
		l.Step(lr)
	}
}

// StepMomentum applies Layer.StepMomentum(lr, mu) to every layer:
// v ← μ·v - lr·dJ/dθ, θ ← θ + v.
func (n *Network) StepMomentum(lr, mu float64) {
	for _, l := range n.Layers {
		l.StepMomentum(lr, mu)
	}
}

// Clone returns a deep copy of the network's layers (names, activations, W
// and b), without gradients, caches or momentum: for instance to keep the
// initial weights, or the best ones seen during training.
func (n *Network) Clone() *Network {
	out := &Network{Layers: make([]*Layer, len(n.Layers))}
	for i, l := range n.Layers {
		out.Layers[i] = &Layer{Name: l.Name, W: mat.DenseCopyOf(l.W), B: append([]float64(nil), l.B...), Activation: l.Activation}
	}
	return out
}

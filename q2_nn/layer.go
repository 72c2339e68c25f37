package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Layer is one fully-connected layer H = f(XW + b) for a batch X of N rows:
// W is in x out, B has out entries and is added to every row. See
// docs/q2_nn.md#forward.
//
// W and B are the parameters (exported for saving and loading); DW and DB hold
// dJ/dW and dJ/db from the last backward pass, with the same shapes. The
// cache of the last Forward (X, A = XW + b, H = f(A)) is kept for Backward and
// is reachable through Cache.
type Layer struct {
	Name       string
	W          *mat.Dense
	B          []float64
	Activation Activation

	DW *mat.Dense
	DB []float64

	x, a, h *mat.Dense // cache of the last Forward (x is the caller's matrix, not a copy)
	da, dx  *mat.Dense // backward buffers
	vW      *mat.Dense // momentum velocities
	vB      []float64
}

// XavierUniform returns an in x out matrix with entries drawn from
// U(-√(6/(in+out)), +√(6/(in+out))), whose variance is 2/(in+out)
// (Glorot and Bengio, 2010). See docs/q2_nn.md#xavier.
//
//recog:starter Q2.1.2
func XavierUniform(in, out int, rng *rand.Rand) (*mat.Dense, error) {
	if in <= 0 || out <= 0 {
		return nil, fmt.Errorf("xavier: layer size %d x %d: sizes must be positive", in, out)
	}
	if rng == nil {
		return nil, errors.New("xavier: nil *rand.Rand")
	}
	r := math.Sqrt(6 / float64(in+out))
	w := mat.NewDense(in, out, nil)
	d := w.RawMatrix().Data
	for i := range d {
		d[i] = r * (2*rng.Float64() - 1)
	}
	return w, nil
}

// NewLayer returns a layer named name of in inputs and out outputs with
// Xavier-uniform W (XavierUniform) and b = 0: the assignment's
// initialize_weights.
func NewLayer(name string, in, out int, act Activation, rng *rand.Rand) (*Layer, error) {
	if !act.valid() {
		return nil, fmt.Errorf("layer %q: invalid %v", name, act)
	}
	w, err := XavierUniform(in, out, rng)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w", name, err)
	}
	return &Layer{Name: name, W: w, B: make([]float64, out), Activation: act}, nil
}

// In returns the number of inputs (rows of W).
func (l *Layer) In() int { r, _ := l.W.Dims(); return r }

// Out returns the number of outputs (columns of W).
func (l *Layer) Out() int { _, c := l.W.Dims(); return c }

// Cache returns the input X, the pre-activation A = XW + b and the
// post-activation H = f(A) of the last Forward (nil before any). They are the
// layer's buffers: the next Forward overwrites them.
func (l *Layer) Cache() (x, a, h *mat.Dense) { return l.x, l.a, l.h }

func (l *Layer) check() error {
	if l.W == nil {
		return fmt.Errorf("layer %q: nil W", l.Name)
	}
	if len(l.B) != l.Out() {
		return fmt.Errorf("layer %q: b has %d entries, W has %d columns", l.Name, len(l.B), l.Out())
	}
	if !l.Activation.valid() {
		return fmt.Errorf("layer %q: invalid %v", l.Name, l.Activation)
	}
	return nil
}

// Forward returns H = f(XW + b) for the N x in batch x and caches X, A and H
// for Backward: the assignment's forward. The returned matrix is the layer's
// buffer, overwritten by the next Forward.
func (l *Layer) Forward(x *mat.Dense) (*mat.Dense, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	if n, d := x.Dims(); d != l.In() || n == 0 {
		return nil, fmt.Errorf("layer %q: input is %d x %d, want N x %d with N > 0", l.Name, n, d, l.In())
	}
	return l.forward(x, true), nil
}

// forward computes f(XW + b). With cache it writes into the layer's buffers
// and remembers x; without, it allocates and leaves the cache alone.
//
//recog:starter Q2.2.1
func (l *Layer) forward(x *mat.Dense, cache bool) *mat.Dense {
	n, _ := x.Dims()
	out := l.Out()
	var a, h *mat.Dense
	if cache {
		l.a = resize(l.a, n, out)
		l.h = resize(l.h, n, out)
		l.x, a, h = x, l.a, l.h
	} else {
		a = mat.NewDense(n, out, nil)
		h = a
	}
	a.Mul(x, l.W)
	for i := 0; i < n; i++ {
		floats.Add(a.RawRowView(i), l.B)
	}
	l.Activation.Apply(h, a)
	return h
}

// Backward takes dH = dJ/dH for the batch of the last Forward and returns
// dJ/dX = (dH ⊙ f'(A)) Wᵀ; it stores dJ/dW = Xᵀ(dH ⊙ f'(A)) in DW and
// dJ/db = Σ_rows (dH ⊙ f'(A)) in DB: the assignment's backwards. For
// ActSoftmax, dH ⊙ f'(A) stands for the softmax Jacobian-vector product (see
// Activation.Backprop). See docs/q2_nn.md#backward.
func (l *Layer) Backward(dH *mat.Dense) (*mat.Dense, error) {
	if err := l.checkGrad(dH); err != nil {
		return nil, err
	}
	return l.backwardPre(l.delta(dH), true), nil
}

// BackwardPre is Backward given dA = dJ/dA, the gradient with respect to the
// pre-activation (for instance P - Y for softmax with cross-entropy): it
// returns dJ/dX = dA Wᵀ and stores DW = Xᵀ dA, DB = Σ_rows dA.
func (l *Layer) BackwardPre(dA *mat.Dense) (*mat.Dense, error) {
	if err := l.checkGrad(dA); err != nil {
		return nil, err
	}
	return l.backwardPre(dA, true), nil
}

func (l *Layer) checkGrad(g *mat.Dense) error {
	if err := l.check(); err != nil {
		return err
	}
	if l.x == nil {
		return fmt.Errorf("layer %q: backward before forward", l.Name)
	}
	n, _ := l.h.Dims()
	if r, c := g.Dims(); r != n || c != l.Out() {
		return fmt.Errorf("layer %q: gradient is %d x %d, want %d x %d (the last forward's output)", l.Name, r, c, n, l.Out())
	}
	return nil
}

// delta writes dJ/dA = dH ⊙ f'(A) into the layer's buffer and returns it.
func (l *Layer) delta(dH *mat.Dense) *mat.Dense {
	n, c := dH.Dims()
	l.da = resize(l.da, n, c)
	l.Activation.Backprop(l.da, dH, l.h)
	return l.da
}

// backwardPre stores DW = Xᵀ dA and DB = Σ_rows dA and, if needDX, returns
// dJ/dX = dA Wᵀ (in the layer's buffer); otherwise it returns nil.
//
//recog:starter Q2.3
func (l *Layer) backwardPre(dA *mat.Dense, needDX bool) *mat.Dense {
	in, out := l.W.Dims()
	l.DW = resize(l.DW, in, out)
	l.DW.Mul(l.x.T(), dA)
	if len(l.DB) != out {
		l.DB = make([]float64, out)
	}
	clear(l.DB)
	n, _ := dA.Dims()
	for i := 0; i < n; i++ {
		floats.Add(l.DB, dA.RawRowView(i))
	}
	if !needDX {
		return nil
	}
	l.dx = resize(l.dx, n, in)
	l.dx.Mul(dA, l.W.T())
	return l.dx
}

// backwardStep is backwardPre followed by Step(lr), fused: it returns
// dJ/dX = dA Wᵀ (with W before the update) if needDX, else nil, then does
// W ← W - lr·Xᵀ dA as one matrix product accumulated into W (Dgemm with
// α = -lr, β = 1) and b ← b - lr·Σ_rows dA. It stores no DW or DB (they are
// set to nil), saving a pass over W and its gradient per batch.
//
//recog:starter Q2.3
func (l *Layer) backwardStep(dA *mat.Dense, needDX bool, lr float64) *mat.Dense {
	n, _ := dA.Dims()
	in, out := l.W.Dims()
	var dx *mat.Dense
	if needDX {
		l.dx = resize(l.dx, n, in)
		l.dx.Mul(dA, l.W.T())
		dx = l.dx
	}
	blas64.Gemm(blas.Trans, blas.NoTrans, -lr, l.x.RawMatrix(), dA.RawMatrix(), 1, l.W.RawMatrix())
	for i := 0; i < n; i++ {
		floats.AddScaled(l.B[:out], -lr, dA.RawRowView(i))
	}
	l.DW, l.DB = nil, nil
	return dx
}

// Step does one gradient-descent update W ← W - lr·DW, b ← b - lr·DB.
// It does nothing before the first backward pass.
func (l *Layer) Step(lr float64) {
	if l.DW == nil {
		return
	}
	r, _ := l.W.Dims()
	for i := 0; i < r; i++ {
		floats.AddScaled(l.W.RawRowView(i), -lr, l.DW.RawRowView(i))
	}
	floats.AddScaled(l.B, -lr, l.DB)
}

// StepMomentum does one momentum update, as the assignment's question 5:
// v ← μ·v - lr·g, θ ← θ + v for θ = W (g = DW) and θ = b (g = DB), with the
// velocities v starting at 0. It does nothing before the first backward pass.
func (l *Layer) StepMomentum(lr, mu float64) {
	if l.DW == nil {
		return
	}
	in, out := l.W.Dims()
	if r, c := dims(l.vW); r != in || c != out {
		l.vW = mat.NewDense(in, out, nil)
		l.vB = make([]float64, out)
	}
	for i := 0; i < in; i++ {
		momentum(l.W.RawRowView(i), l.vW.RawRowView(i), l.DW.RawRowView(i), lr, mu)
	}
	momentum(l.B, l.vB, l.DB, lr, mu)
}

// momentum does v ← μ·v - lr·g, θ ← θ + v element by element, in one pass
// over the three arrays (each product rounded, then the sums, as three
// separate passes would).
//
//recog:starter Q5.1.2
func momentum(theta, v, g []float64, lr, mu float64) {
	v, g = v[:len(theta)], g[:len(theta)]
	for j := range theta {
		v[j] = mu*v[j] + (-lr)*g[j]
		theta[j] += v[j]
	}
}

// resize returns an r x c matrix that reuses m's storage when it is large
// enough (its contents are then stale), else a new one.
func resize(m *mat.Dense, r, c int) *mat.Dense {
	if m != nil {
		if mr, mc := m.Dims(); mr == r && mc == c {
			return m
		}
		raw := m.RawMatrix()
		if raw.Stride == raw.Cols && cap(raw.Data) >= r*c {
			return mat.NewDense(r, c, raw.Data[:r*c])
		}
	}
	return mat.NewDense(r, c, nil)
}

func dims(m *mat.Dense) (r, c int) {
	if m == nil {
		return 0, 0
	}
	return m.Dims()
}

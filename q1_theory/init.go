package theory

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// TwoLayerNet is the assignment's network with examples along rows:
// H = f(X W1 + 1 b1ᵀ), P = softmax_rows(H W2 + 1 b2ᵀ), and the mean
// cross-entropy loss L = −(1/N) Σ_n Σ_k Y_nk log P_nk.
// X is N×d, W1 d×h, W2 h×c, Y N×c one-hot. A teaching restatement (see the
// package documentation) of the network q2_nn builds and trains
// (nn.NewMLP, nn.Train), with its gradients written out in Gradients.
// See docs/q1_theory.md#q211-why-not-initialise-with-all-zeros.
type TwoLayerNet struct {
	Act    Activation
	W1, W2 *mat.Dense
	B1, B2 []float64
}

// Grads holds ∂L/∂W1, ∂L/∂b1, ∂L/∂W2, ∂L/∂b2 of a TwoLayerNet.
type Grads struct {
	W1, W2 *mat.Dense
	B1, B2 []float64
}

// ZeroTwoLayerNet returns a TwoLayerNet with every weight and bias 0.
// See docs/q1_theory.md#q211-why-not-initialise-with-all-zeros.
func ZeroTwoLayerNet(act Activation, d, hidden, c int) *TwoLayerNet {
	return &TwoLayerNet{
		Act: act,
		W1:  mat.NewDense(d, hidden, nil), B1: make([]float64, hidden),
		W2: mat.NewDense(hidden, c, nil), B2: make([]float64, c),
	}
}

// XavierTwoLayerNet returns a TwoLayerNet whose weights are drawn by
// XavierUniform and whose biases are 0, as the assignment initialises.
// See docs/q1_theory.md#q213-random-and-scaled-initialisation.
func XavierTwoLayerNet(act Activation, d, hidden, c int, rng *rand.Rand) *TwoLayerNet {
	return &TwoLayerNet{
		Act: act,
		W1:  XavierUniform(d, hidden, rng), B1: make([]float64, hidden),
		W2: XavierUniform(hidden, c, rng), B2: make([]float64, c),
	}
}

// Hidden returns the hidden activations H = f(X W1 + 1 b1ᵀ) (N×h).
func (n *TwoLayerNet) Hidden(X *mat.Dense) (*mat.Dense, error) {
	H, _, err := n.hidden(X)
	return H, err
}

func (n *TwoLayerNet) hidden(X *mat.Dense) (H, A1 *mat.Dense, err error) {
	A1, err = LinearBatchForward(X, n.W1, n.B1)
	if err != nil {
		return nil, nil, err
	}
	r, c := A1.Dims()
	H = mat.NewDense(r, c, nil)
	H.Apply(func(_, _ int, v float64) float64 { return n.Act.F(v) }, A1)
	return H, A1, nil
}

// Gradients returns the loss L and its gradients by backpropagation:
// Δ2 = (P − Y)/N, ∂L/∂W2 = Hᵀ Δ2, ∂L/∂b2 = Σ_n Δ2_n,
// Δ1 = (Δ2 W2ᵀ) ⊙ f'(X W1 + 1 b1ᵀ), ∂L/∂W1 = Xᵀ Δ1, ∂L/∂b1 = Σ_n Δ1_n.
// It returns an error if X and Y do not fit the network.
// See docs/q1_theory.md#q211-why-not-initialise-with-all-zeros.
func (n *TwoLayerNet) Gradients(X, Y *mat.Dense) (loss float64, g Grads, err error) {
	H, A1, err := n.hidden(X)
	if err != nil {
		return 0, Grads{}, err
	}
	A2, err := LinearBatchForward(H, n.W2, n.B2)
	if err != nil {
		return 0, Grads{}, err
	}
	N, C := A2.Dims()
	if yr, yc := Y.Dims(); yr != N || yc != C {
		return 0, Grads{}, fmt.Errorf("theory: TwoLayerNet.Gradients: Y is %d×%d, want %d×%d", yr, yc, N, C)
	}
	D2 := mat.NewDense(N, C, nil)
	for i := range N {
		p := Softmax(A2.RawRowView(i))
		for k := range C {
			if y := Y.At(i, k); y != 0 {
				loss -= y * math.Log(p[k])
			}
			D2.Set(i, k, (p[k]-Y.At(i, k))/float64(N))
		}
	}
	loss /= float64(N)
	dW2, dH, db2, err := LinearBatchBackward(H, n.W2, D2)
	if err != nil {
		return 0, Grads{}, err
	}
	dH.Apply(func(i, j int, v float64) float64 { return v * n.Act.Grad(A1.At(i, j)) }, dH)
	dW1, _, db1, err := LinearBatchBackward(X, n.W1, dH)
	if err != nil {
		return 0, Grads{}, err
	}
	return loss, Grads{W1: dW1, W2: dW2, B1: db1, B2: db2}, nil
}

// Step applies one gradient-descent update θ ← θ − lr ∂L/∂θ to every parameter.
func (n *TwoLayerNet) Step(g Grads, lr float64) {
	n.W1.Add(n.W1, scaled(g.W1, -lr))
	n.W2.Add(n.W2, scaled(g.W2, -lr))
	for i := range n.B1 {
		n.B1[i] -= lr * g.B1[i]
	}
	for i := range n.B2 {
		n.B2[i] -= lr * g.B2[i]
	}
}

func scaled(a *mat.Dense, s float64) *mat.Dense {
	var out mat.Dense
	out.Scale(s, a)
	return &out
}

// XavierUniform returns an nIn×nOut matrix with entries drawn independently
// from U[−a, a], a = √6 / √(nIn + nOut), so that Var(W_ij) = a²/3 = 2/(nIn + nOut)
// (Glorot and Bengio, 2010). A teaching restatement (see the package
// documentation): the networks use q2_nn's nn.XavierUniform.
// See docs/q1_theory.md#q213-random-and-scaled-initialisation.
func XavierUniform(nIn, nOut int, rng *rand.Rand) *mat.Dense {
	a := math.Sqrt(6 / float64(nIn+nOut))
	w := mat.NewDense(nIn, nOut, nil)
	raw := w.RawMatrix().Data
	for i := range raw {
		raw[i] = a * (2*rng.Float64() - 1)
	}
	return w
}

// GaussianInit returns an nIn×nOut matrix with entries drawn independently
// from N(0, σ²), whatever the layer size (the unscaled initialisation).
// See docs/q1_theory.md#q213-random-and-scaled-initialisation.
func GaussianInit(nIn, nOut int, sigma float64, rng *rand.Rand) *mat.Dense {
	w := mat.NewDense(nIn, nOut, nil)
	raw := w.RawMatrix().Data
	for i := range raw {
		raw[i] = sigma * rng.NormFloat64()
	}
	return w
}

// StackVariances runs the bias-free stack H_l = f(H_{l−1} W_l), l = 1, …, L,
// from H_0 = X (examples along rows), backpropagates J = Σ G ⊙ H_L, and returns
// the variance of all entries of each H_l (fwd[l], l = 0…L) and of each
// ∂J/∂H_l (bwd[l], l = 0…L; bwd[L] = Var(G)), using
// ∂J/∂H_{l−1} = (∂J/∂H_l ⊙ f'(H_{l−1} W_l)) W_lᵀ.
// It returns an error if the sizes do not match.
// See docs/q1_theory.md#q213-random-and-scaled-initialisation.
func StackVariances(act Activation, X *mat.Dense, Ws []*mat.Dense, G *mat.Dense) (fwd, bwd []float64, err error) {
	L := len(Ws)
	Hs := make([]*mat.Dense, L+1)
	As := make([]*mat.Dense, L+1)
	Hs[0] = X
	for l, W := range Ws {
		_, c := Hs[l].Dims()
		r, k := W.Dims()
		if r != c {
			return nil, nil, fmt.Errorf("theory: StackVariances: layer %d is %d×%d, input has %d columns", l+1, r, k, c)
		}
		A := &mat.Dense{}
		A.Mul(Hs[l], W)
		H := &mat.Dense{}
		H.Apply(func(_, _ int, v float64) float64 { return act.F(v) }, A)
		As[l+1], Hs[l+1] = A, H
	}
	gr, gc := G.Dims()
	if r, c := Hs[L].Dims(); gr != r || gc != c {
		return nil, nil, fmt.Errorf("theory: StackVariances: G is %d×%d, output is %d×%d", gr, gc, r, c)
	}
	fwd = make([]float64, L+1)
	bwd = make([]float64, L+1)
	for l := range L + 1 {
		fwd[l] = variance(Hs[l])
	}
	D := mat.DenseCopyOf(G)
	bwd[L] = variance(D)
	for l := L; l >= 1; l-- {
		D.Apply(func(i, j int, v float64) float64 { return v * act.Grad(As[l].At(i, j)) }, D)
		var next mat.Dense
		next.Mul(D, Ws[l-1].T())
		D = &next
		bwd[l-1] = variance(D)
	}
	return fwd, bwd, nil
}

// variance returns the population variance of all entries of a.
func variance(a *mat.Dense) float64 {
	r, c := a.Dims()
	n := float64(r * c)
	mean := mat.Sum(a) / n
	var s float64
	for i := range r {
		for _, v := range a.RawRowView(i) {
			s += (v - mean) * (v - mean)
		}
	}
	return s / n
}

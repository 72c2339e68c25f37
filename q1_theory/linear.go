package theory

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Affine is the map x ↦ W x + b with W of size k×d and b of length k.
// See docs/q1_theory.md#q13-linear-layers-without-activations-collapse.
type Affine struct {
	W *mat.Dense
	B *mat.VecDense
}

// Apply returns W x + b. It returns an error if the sizes do not match.
func (a Affine) Apply(x *mat.VecDense) (*mat.VecDense, error) {
	k, d := a.W.Dims()
	if x.Len() != d || a.B.Len() != k {
		return nil, fmt.Errorf("theory: Affine.Apply: W is %d×%d, b has %d, x has %d entries", k, d, a.B.Len(), x.Len())
	}
	y := mat.NewVecDense(k, nil)
	y.MulVec(a.W, x)
	y.AddVec(y, a.B)
	return y, nil
}

// Compose returns the single affine map equal to applying layers[0], then
// layers[1], …, then layers[L−1]:
// W = W_L ⋯ W_2 W_1 and b = b_L + W_L b_{L−1} + W_L W_{L−1} b_{L−2} + ⋯ + W_L ⋯ W_2 b_1,
// built by the recursion W ← W_l W, b ← W_l b + b_l.
// It returns an error for no layers or mismatched sizes.
// See docs/q1_theory.md#q13-linear-layers-without-activations-collapse.
func Compose(layers ...Affine) (Affine, error) {
	if len(layers) == 0 {
		return Affine{}, errors.New("theory: Compose: no layers")
	}
	W := mat.DenseCopyOf(layers[0].W)
	b := mat.VecDenseCopyOf(layers[0].B)
	if r, _ := W.Dims(); b.Len() != r {
		return Affine{}, fmt.Errorf("theory: Compose: layer 0: W has %d rows, b has %d entries", r, b.Len())
	}
	for l, layer := range layers[1:] {
		k, d := layer.W.Dims()
		if r, _ := W.Dims(); d != r || layer.B.Len() != k {
			return Affine{}, fmt.Errorf("theory: Compose: layer %d is %d×%d with bias %d, input has %d entries", l+1, k, d, layer.B.Len(), r)
		}
		var nw mat.Dense
		nw.Mul(layer.W, W)
		nb := mat.NewVecDense(k, nil)
		nb.MulVec(layer.W, b)
		nb.AddVec(nb, layer.B)
		W, b = &nw, nb
	}
	return Affine{W: W, B: b}, nil
}

// LinearBackward returns the gradients of a scalar J through y = W x + b
// (W k×d, x of length d) given δ = ∂J/∂y (length k):
// ∂J/∂W = δ xᵀ (∂J/∂W_ij = δ_i x_j), ∂J/∂x = Wᵀ δ, ∂J/∂b = δ.
// It returns an error if the sizes do not match.
// See docs/q1_theory.md#q15-gradients-of-a-linear-layer.
func LinearBackward(W *mat.Dense, x, delta *mat.VecDense) (dW *mat.Dense, dx, db *mat.VecDense, err error) {
	k, d := W.Dims()
	if x.Len() != d || delta.Len() != k {
		return nil, nil, nil, fmt.Errorf("theory: LinearBackward: W is %d×%d, x has %d, δ has %d entries", k, d, x.Len(), delta.Len())
	}
	dW = mat.NewDense(k, d, nil)
	dW.Outer(1, delta, x)
	dx = mat.NewVecDense(d, nil)
	dx.MulVec(W.T(), delta)
	db = mat.VecDenseCopyOf(delta)
	return dW, dx, db, nil
}

// LinearBatchForward returns Y = X W + 1 bᵀ for a batch with examples along
// rows: X is N×d, W is d×k, b has length k, Y is N×k (as the assignment's code).
// It returns an error if the sizes do not match.
// See docs/q1_theory.md#q15-gradients-of-a-linear-layer.
func LinearBatchForward(X, W *mat.Dense, b []float64) (*mat.Dense, error) {
	n, d := X.Dims()
	dw, k := W.Dims()
	if dw != d || len(b) != k {
		return nil, fmt.Errorf("theory: LinearBatchForward: X is %d×%d, W is %d×%d, b has %d entries", n, d, dw, k, len(b))
	}
	Y := mat.NewDense(n, k, nil)
	Y.Mul(X, W)
	for i := range n {
		for j := range k {
			Y.Set(i, j, Y.At(i, j)+b[j])
		}
	}
	return Y, nil
}

// LinearBatchBackward returns the gradients of a scalar J through
// Y = X W + 1 bᵀ (X N×d, W d×k) given Δ = ∂J/∂Y (N×k):
// ∂J/∂W = Xᵀ Δ, ∂J/∂X = Δ Wᵀ and ∂J/∂b_j = Σ_n Δ_nj (column sums of Δ).
// It returns an error if the sizes do not match.
// See docs/q1_theory.md#q15-gradients-of-a-linear-layer.
func LinearBatchBackward(X, W, delta *mat.Dense) (dW, dX *mat.Dense, db []float64, err error) {
	n, d := X.Dims()
	dw, k := W.Dims()
	nd, kd := delta.Dims()
	if dw != d || nd != n || kd != k {
		return nil, nil, nil, fmt.Errorf("theory: LinearBatchBackward: X is %d×%d, W is %d×%d, Δ is %d×%d", n, d, dw, k, nd, kd)
	}
	dW = mat.NewDense(d, k, nil)
	dW.Mul(X.T(), delta)
	dX = mat.NewDense(n, d, nil)
	dX.Mul(delta, W.T())
	db = make([]float64, k)
	for i := range n {
		for j := range k {
			db[j] += delta.At(i, j)
		}
	}
	return dW, dX, db, nil
}

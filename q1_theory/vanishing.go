package theory

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// ChainJacobians runs the deep network h_l = f(a_l), a_l = W_l h_{l−1} + b_l,
// l = 1, …, L, from h_0 = x, and returns h_L together with the Jacobians
// J_l = ∂h_l/∂h_0 for l = 1, …, L (Js[l−1] = J_l), built by the chain rule
// J_l = diag(f'(a_l)) W_l J_{l−1}, J_0 = I. For the sigmoid every factor
// f'(a) ≤ 1/4, so ‖J_L‖_F ≤ (1/4)^L Π_l ‖W_l‖_F.
// It returns an error for no layers or mismatched sizes.
// See docs/q1_theory.md#q17-vanishing-gradients-sigmoid-and-tanh.
func ChainJacobians(act Activation, layers []Affine, x *mat.VecDense) (hL *mat.VecDense, Js []*mat.Dense, err error) {
	if len(layers) == 0 {
		return nil, nil, errors.New("theory: ChainJacobians: no layers")
	}
	h := mat.VecDenseCopyOf(x)
	d := x.Len()
	J := mat.NewDense(d, d, nil)
	for i := range d {
		J.Set(i, i, 1)
	}
	Js = make([]*mat.Dense, 0, len(layers))
	for l, layer := range layers {
		a, err := layer.Apply(h)
		if err != nil {
			return nil, nil, fmt.Errorf("theory: ChainJacobians: layer %d: %w", l+1, err)
		}
		k := a.Len()
		next := mat.NewVecDense(k, nil)
		var WJ mat.Dense
		WJ.Mul(layer.W, J)
		for i := range k {
			next.SetVec(i, act.F(a.AtVec(i)))
			g := act.Grad(a.AtVec(i))
			for j := range d {
				WJ.Set(i, j, g*WJ.At(i, j))
			}
		}
		h, J = next, &WJ
		Js = append(Js, J)
	}
	return h, Js, nil
}

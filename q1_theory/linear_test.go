package theory

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func TestQ1_3_StackedLinearLayersCollapse(t *testing.T) {
	rng := newRNG(31)
	tests := []struct {
		name  string
		sizes []int // d_0, d_1, …, d_L
	}{
		{"one layer 4→3", []int{4, 3}},
		{"three layers 5→7→4→3", []int{5, 7, 4, 3}},
		{"three layers 10→2→10→6 (bottleneck)", []int{10, 2, 10, 6}},
		{"six layers", []int{8, 8, 8, 8, 8, 8, 8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			layers := make([]Affine, len(tc.sizes)-1)
			for l := range layers {
				layers[l] = Affine{W: randDense(tc.sizes[l+1], tc.sizes[l], rng), B: randVec(tc.sizes[l+1], rng)}
			}
			one, err := Compose(layers...)
			require.NoError(t, err)
			r, c := one.W.Dims()
			require.Equal(t, []int{tc.sizes[len(tc.sizes)-1], tc.sizes[0]}, []int{r, c})
			for range 20 {
				x := randVec(tc.sizes[0], rng)
				h := x
				for _, layer := range layers {
					h, err = layer.Apply(h)
					require.NoError(t, err)
				}
				y, err := one.Apply(x)
				require.NoError(t, err)
				require.InDeltaSlice(t, raw(h), raw(y), 1e-12)
			}
		})
	}
	_, err := Compose()
	require.Error(t, err)
	_, err = Compose(Affine{W: randDense(3, 4, rng), B: randVec(3, rng)}, Affine{W: randDense(2, 5, rng), B: randVec(2, rng)})
	require.Error(t, err)
}

// An affine map f satisfies f(x+y) − f(x) − f(y) + f(0) = 0; a network with a
// sigmoid between its layers does not, so it is not a linear regression.
func TestQ1_3_NonlinearNetworkIsNotAffine(t *testing.T) {
	rng := newRNG(32)
	layers := []Affine{
		{W: randDense(6, 4, rng), B: randVec(6, rng)},
		{W: randDense(3, 6, rng), B: randVec(3, rng)},
	}
	for _, tc := range []struct {
		act    Activation
		affine bool
	}{{IdentityAct, true}, {SigmoidAct, false}, {TanhAct, false}} {
		t.Run(tc.act.Name, func(t *testing.T) {
			f := func(x *mat.VecDense) *mat.VecDense {
				h := x
				for _, layer := range layers {
					a, err := layer.Apply(h)
					require.NoError(t, err)
					for i := range a.Len() {
						a.SetVec(i, tc.act.F(a.AtVec(i)))
					}
					h = a
				}
				return h
			}
			x, y := randVec(4, rng), randVec(4, rng)
			xy := mat.NewVecDense(4, nil)
			xy.AddVec(x, y)
			d := mat.NewVecDense(3, nil)
			d.SubVec(f(xy), f(x))
			d.SubVec(d, f(y))
			d.AddVec(d, f(mat.NewVecDense(4, nil)))
			if tc.affine {
				require.Less(t, mat.Norm(d, 2), 1e-12)
			} else {
				require.Greater(t, mat.Norm(d, 2), 1e-3)
			}
		})
	}
}

func TestQ1_5_LinearLayerGradients(t *testing.T) {
	rng := newRNG(51)
	for _, sz := range []struct{ k, d int }{{1, 1}, {3, 5}, {10, 4}, {36, 64}} {
		W, x, b, c := randDense(sz.k, sz.d, rng), randVec(sz.d, rng), randVec(sz.k, rng), randSlice(sz.k, 1, rng)
		J := func() float64 {
			y := mat.NewVecDense(sz.k, nil)
			y.MulVec(W, x)
			y.AddVec(y, b)
			return testJ(raw(y), c)
		}
		y := mat.NewVecDense(sz.k, nil)
		y.MulVec(W, x)
		y.AddVec(y, b)
		delta := mat.NewVecDense(sz.k, testJGrad(raw(y), c))
		dW, dx, db, err := LinearBackward(W, x, delta)
		require.NoError(t, err)
		// The scalar form: ∂J/∂W_ij = δ_i x_j, ∂J/∂x_j = Σ_i W_ij δ_i, ∂J/∂b_i = δ_i.
		for i := range sz.k {
			for j := range sz.d {
				require.InDelta(t, delta.AtVec(i)*x.AtVec(j), dW.At(i, j), 1e-14)
			}
			require.Equal(t, delta.AtVec(i), db.AtVec(i))
		}
		for j := range sz.d {
			var s float64
			for i := range sz.k {
				s += W.At(i, j) * delta.AtVec(i)
			}
			require.InDelta(t, s, dx.AtVec(j), 1e-12)
		}
		// Against central differences.
		require.Less(t, relErr(raw(dW), numGrad(J, raw(W))), 1e-8, "dW %d×%d", sz.k, sz.d)
		require.Less(t, relErr(raw(dx), numGrad(J, raw(x))), 1e-8, "dx %d×%d", sz.k, sz.d)
		require.Less(t, relErr(raw(db), numGrad(J, raw(b))), 1e-8, "db %d×%d", sz.k, sz.d)
	}
	_, _, _, err := LinearBackward(randDense(3, 4, rng), randVec(3, rng), randVec(3, rng))
	require.Error(t, err)
}

func TestQ1_5_BatchedLinearLayerGradients(t *testing.T) {
	rng := newRNG(52)
	for _, sz := range []struct{ n, d, k int }{{1, 3, 2}, {5, 4, 3}, {16, 10, 7}} {
		X, W, b := randDense(sz.n, sz.d, rng), randDense(sz.d, sz.k, rng), randSlice(sz.k, 1, rng)
		C := randSlice(sz.n*sz.k, 1, rng)
		forward := func() *mat.Dense {
			Y, err := LinearBatchForward(X, W, b)
			require.NoError(t, err)
			return Y
		}
		J := func() float64 { return testJ(raw(forward()), C) }
		delta := mat.NewDense(sz.n, sz.k, testJGrad(raw(forward()), C))
		dW, dX, db, err := LinearBatchBackward(X, W, delta)
		require.NoError(t, err)
		require.Less(t, relErr(raw(dW), numGrad(J, raw(W))), 1e-8)
		require.Less(t, relErr(raw(dX), numGrad(J, raw(X))), 1e-8)
		require.Less(t, relErr(db, numGrad(J, b)), 1e-8)

		// The batched gradient is the sum over examples of the single-example
		// ones: with W' = Wᵀ (k×d) and y_n = W' x_n + b, Xᵀ Δ = Σ_n (δ_n x_nᵀ)ᵀ
		// and row n of Δ Wᵀ is (W'ᵀ δ_n)ᵀ.
		sum := mat.NewDense(sz.k, sz.d, nil)
		Wt := mat.DenseCopyOf(W.T())
		for n := range sz.n {
			xn := mat.NewVecDense(sz.d, mat.Row(nil, n, X))
			dn := mat.NewVecDense(sz.k, mat.Row(nil, n, delta))
			gW, gx, _, err := LinearBackward(Wt, xn, dn)
			require.NoError(t, err)
			sum.Add(sum, gW)
			require.InDeltaSlice(t, raw(gx), dX.RawRowView(n), 1e-12)
		}
		require.InDeltaSlice(t, raw(mat.DenseCopyOf(sum.T())), raw(dW), 1e-12)
	}
	_, err := LinearBatchForward(randDense(2, 3, rng), randDense(4, 2, rng), []float64{0, 0})
	require.Error(t, err)
	_, _, _, err = LinearBatchBackward(randDense(2, 3, rng), randDense(3, 2, rng), randDense(3, 2, rng))
	require.Error(t, err)
}

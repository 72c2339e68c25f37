package theory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// toyData returns n examples of d features with labels that depend on them
// (the class of the largest of the first c features), one-hot in c classes.
func toyData(n, d, c int, rng *rand.Rand) (X, Y *mat.Dense) {
	X = randDense(n, d, rng)
	Y = mat.NewDense(n, c, nil)
	for i := range n {
		best := 0
		for k := range c {
			if X.At(i, k) > X.At(i, best) {
				best = k
			}
		}
		Y.Set(i, best, 1)
	}
	return X, Y
}

// miniBatch returns the step-th batch of size b of (X, Y), cycling through the rows in order.
func miniBatch(X, Y *mat.Dense, step, b int) (*mat.Dense, *mat.Dense) {
	n, _ := X.Dims()
	i := (step * b) % n
	return X.Slice(i, i+b, 0, X.RawMatrix().Cols).(*mat.Dense), Y.Slice(i, i+b, 0, Y.RawMatrix().Cols).(*mat.Dense)
}

// columnsEqual reports whether every column of m equals column 0 within tol.
func columnsEqual(m *mat.Dense, tol float64) bool {
	r, c := m.Dims()
	for i := range r {
		for j := 1; j < c; j++ {
			if math.Abs(m.At(i, j)-m.At(i, 0)) > tol {
				return false
			}
		}
	}
	return true
}

// rowsEqual reports whether every row of m equals row 0 within tol.
func rowsEqual(m *mat.Dense, tol float64) bool { return columnsEqual(mat.DenseCopyOf(m.T()), tol) }

// maxColumnGap returns max over rows i and columns j of |m[i,j] − m[i,0]|.
func maxColumnGap(m *mat.Dense) float64 {
	r, c := m.Dims()
	var g float64
	for i := range r {
		for j := 1; j < c; j++ {
			g = math.Max(g, math.Abs(m.At(i, j)-m.At(i, 0)))
		}
	}
	return g
}

func TestQ2_1_1_TwoLayerNetGradients(t *testing.T) {
	rng := newRNG(211)
	X, Y := toyData(12, 5, 3, rng)
	for _, act := range []Activation{SigmoidAct, TanhAct} {
		t.Run(act.Name, func(t *testing.T) {
			net := XavierTwoLayerNet(act, 5, 4, 3, rng)
			for i := range net.B1 {
				net.B1[i] = rng.NormFloat64()
			}
			J := func() float64 {
				l, _, err := net.Gradients(X, Y)
				require.NoError(t, err)
				return l
			}
			_, g, err := net.Gradients(X, Y)
			require.NoError(t, err)
			require.Less(t, relErr(raw(g.W1), numGrad(J, raw(net.W1))), 1e-7)
			require.Less(t, relErr(raw(g.W2), numGrad(J, raw(net.W2))), 1e-7)
			require.Less(t, relErr(g.B1, numGrad(J, net.B1)), 1e-7)
			require.Less(t, relErr(g.B2, numGrad(J, net.B2)), 1e-7)
		})
	}
	_, _, err := XavierTwoLayerNet(SigmoidAct, 5, 4, 3, rng).Gradients(X, mat.NewDense(12, 2, nil))
	require.Error(t, err)
	_, _, err = XavierTwoLayerNet(SigmoidAct, 6, 4, 3, rng).Gradients(X, Y)
	require.Error(t, err)
}

func TestQ2_1_1_ZeroInitKeepsHiddenUnitsIdentical(t *testing.T) {
	const n, d, h, c, batch, steps, lr = 40, 6, 5, 3, 10, 20, 0.5
	X, Y := toyData(n, d, c, newRNG(212))

	t.Run("sigmoid", func(t *testing.T) {
		net := ZeroTwoLayerNet(SigmoidAct, d, h, c)
		// At zero init every hidden unit outputs σ(0) = 1/2 ...
		H, err := net.Hidden(X)
		require.NoError(t, err)
		for _, v := range raw(H) {
			require.Equal(t, 0.5, v)
		}
		// ... and since W2 = 0, δ_H = Δ2 W2ᵀ = 0: the first layer gets no gradient at all.
		_, g, err := net.Gradients(miniBatch(X, Y, 0, batch))
		require.NoError(t, err)
		require.Zero(t, mat.Norm(g.W1, 2))
		require.Zero(t, mat.Norm(mat.NewVecDense(h, g.B1), 2))
		require.NotZero(t, mat.Norm(g.W2, 2))
		require.True(t, rowsEqual(g.W2, 0), "all hidden units get the same W2 gradient")
		w1Moved := false
		for step := range steps { // SGD on mini-batches of 10
			_, g, err := net.Gradients(miniBatch(X, Y, step, batch))
			require.NoError(t, err)
			// Every step: identical gradients for every hidden unit ...
			require.True(t, columnsEqual(g.W1, 1e-15), "step %d: dW1 columns differ", step)
			require.True(t, rowsEqual(g.W2, 1e-15), "step %d: dW2 rows differ", step)
			net.Step(g, lr)
			// ... so the units stay identical: W1 columns, b1 entries, W2 rows.
			require.True(t, columnsEqual(net.W1, 1e-15), "step %d: W1 columns differ", step)
			require.True(t, rowsEqual(mat.NewDense(h, 1, net.B1), 1e-15), "step %d: b1 entries differ", step)
			require.True(t, rowsEqual(net.W2, 1e-15), "step %d: W2 rows differ", step)
			w1Moved = w1Moved || mat.Norm(net.W1, 2) > 0
		}
		// W1 is zero only until W2 has moved (one step); afterwards it learns,
		// but as one unit copied h times.
		require.True(t, w1Moved, "W1 should leave zero after the first step")
		H, err = net.Hidden(X)
		require.NoError(t, err)
		require.True(t, columnsEqual(H, 1e-15), "hidden activations differ")
	})

	t.Run("tanh", func(t *testing.T) {
		// With tanh, tanh(0) = 0: H = 0 gives ∂L/∂W2 = Hᵀ Δ2 = 0 and W2 = 0 gives
		// ∂L/∂W1 = 0, so both weight matrices stay exactly zero; only b2 learns.
		net := ZeroTwoLayerNet(TanhAct, d, h, c)
		for step := range steps {
			_, g, err := net.Gradients(miniBatch(X, Y, step, batch))
			require.NoError(t, err)
			net.Step(g, lr)
		}
		require.Zero(t, mat.Norm(net.W1, 2))
		require.Zero(t, mat.Norm(net.W2, 2))
		require.NotZero(t, mat.Norm(mat.NewVecDense(c, net.B2), 2))
	})
}

func TestQ2_1_1_RandomInitBreaksSymmetry(t *testing.T) {
	const n, d, h, c, batch, steps, lr = 40, 6, 5, 3, 10, 20, 0.5
	rng := newRNG(213)
	X, Y := toyData(n, d, c, rng)
	net := XavierTwoLayerNet(SigmoidAct, d, h, c, rng)
	first, _, err := net.Gradients(X, Y)
	require.NoError(t, err)
	for step := range steps { // SGD on mini-batches of 10
		_, g, err := net.Gradients(miniBatch(X, Y, step, batch))
		require.NoError(t, err)
		// Different hidden units get different gradients ...
		require.Greater(t, maxColumnGap(g.W1), 1e-4)
		net.Step(g, lr)
	}
	last, _, err := net.Gradients(X, Y)
	require.NoError(t, err)
	// ... stay different, and the loss goes down.
	require.Greater(t, maxColumnGap(net.W1), 1e-2)
	H, err := net.Hidden(X)
	require.NoError(t, err)
	require.Greater(t, maxColumnGap(H), 1e-2)
	require.Less(t, last, first)
}

func TestQ2_1_3_XavierUniformVariance(t *testing.T) {
	rng := newRNG(2131)
	for _, sz := range []struct{ in, out int }{{1024, 64}, {256, 256}, {64, 1024}, {784, 36}} {
		W := XavierUniform(sz.in, sz.out, rng)
		want := 2 / float64(sz.in+sz.out)
		// Var of the sample variance of U[−a,a] over N entries: rel. sd = √(0.8/N) ≤ 0.6% here.
		require.InEpsilon(t, want, variance(W), 0.03, "%d×%d", sz.in, sz.out)
		a := math.Sqrt(6 / float64(sz.in+sz.out))
		for _, v := range raw(W) {
			require.LessOrEqual(t, math.Abs(v), a)
		}
	}
}

func TestQ2_1_3_ScaledInitKeepsVarianceStable(t *testing.T) {
	const n, width, L = 256, 128, 10
	tests := []struct {
		name         string
		act          Activation
		init         func(rng *rand.Rand) *mat.Dense
		fwdLo, fwdHi float64 // bounds on Var(H_L) / Var(H_0)
		bwdLo, bwdHi float64 // bounds on Var(∂J/∂H_0) / Var(∂J/∂H_L)
	}{
		{"linear xavier", IdentityAct, func(r *rand.Rand) *mat.Dense { return XavierUniform(width, width, r) }, 0.5, 2, 0.5, 2},
		{"linear N(0,1)", IdentityAct, func(r *rand.Rand) *mat.Dense { return GaussianInit(width, width, 1, r) }, 1e15, math.Inf(1), 1e15, math.Inf(1)},
		{"linear N(0,0.01²)", IdentityAct, func(r *rand.Rand) *mat.Dense { return GaussianInit(width, width, 0.01, r) }, 0, 1e-15, 0, 1e-15},
		{"tanh xavier", TanhAct, func(r *rand.Rand) *mat.Dense { return XavierUniform(width, width, r) }, 0.02, 1, 0.02, 2},
		{"tanh N(0,1)", TanhAct, func(r *rand.Rand) *mat.Dense { return GaussianInit(width, width, 1, r) }, 0.5, 1.5, 1e4, math.Inf(1)},
		{"tanh N(0,0.01²)", TanhAct, func(r *rand.Rand) *mat.Dense { return GaussianInit(width, width, 0.01, r) }, 0, 1e-15, 0, 1e-15},
	}
	// Unscaled N(0,1): linear activations grow ×n per layer, tanh saturates at ±1
	// and its gradients explode backwards; N(0,0.01²) collapses both.
	// Xavier keeps linear stacks at ≈1 and lets tanh stacks decay only slowly.
	// golden/q1_theory/init_variances.json records the ratios, and the
	// forward ratio after each layer of the tanh stack with Xavier weights.
	got := map[string]measured{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG(2132)
			X := randDense(n, width, rng)
			Ws := make([]*mat.Dense, L)
			for l := range Ws {
				Ws[l] = tc.init(rng)
			}
			G := randDense(n, width, rng)
			fwd, bwd, err := StackVariances(tc.act, X, Ws, G)
			require.NoError(t, err)
			rf, rb := fwd[L]/fwd[0], bwd[0]/bwd[L]
			t.Logf("Var(H_l)/Var(H_0): %.3g", ratios(fwd, fwd[0]))
			t.Logf("Var(dH_l)/Var(dH_L): %.3g", ratios(bwd, bwd[L]))
			require.True(t, rf >= tc.fwdLo && rf <= tc.fwdHi, "forward ratio %g not in [%g, %g]", rf, tc.fwdLo, tc.fwdHi)
			require.True(t, rb >= tc.bwdLo && rb <= tc.bwdHi, "backward ratio %g not in [%g, %g]", rb, tc.bwdLo, tc.bwdHi)
			key := strings.NewReplacer(" ", "_", "(", "", ")", "", ",", "_", "0.01²", "small", "0_1", "unit").Replace(tc.name)
			got[key+"_forward"], got[key+"_backward"] = measure(rf), measure(rb)
			if tc.name == "tanh xavier" {
				for l := 1; l <= L; l++ {
					got[fmt.Sprintf("%s_forward_layer%d", key, l)] = measure(fwd[l] / fwd[0])
				}
			}
		})
	}
	// The products of ten layers amplify the last bits of a BLAS build's sums.
	assertMeasured(t, "init_variances.json", got, 1e-3)
}

func ratios(v []float64, by float64) []float64 {
	r := make([]float64, len(v))
	for i := range v {
		r[i] = v[i] / by
	}
	return r
}

package theory

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// grid returns n+1 equally spaced points on [lo, hi].
func grid(lo, hi float64, n int) []float64 {
	g := make([]float64, n+1)
	for i := range g {
		g[i] = lo + (hi-lo)*float64(i)/float64(n)
	}
	return g
}

func TestQ1_4_SigmoidDerivative(t *testing.T) {
	require.Equal(t, 0.5, Sigmoid(0))
	require.Equal(t, 0.25, SigmoidGrad(0))
	require.InDelta(t, 1/(1+math.Exp(-2)), Sigmoid(2), 1e-16)
	// No overflow for large |x|.
	require.Equal(t, 1.0, Sigmoid(1000))
	require.Equal(t, 0.0, Sigmoid(-1000))
	for _, x := range grid(-10, 10, 400) {
		const h = 1e-5
		num := (Sigmoid(x+h) - Sigmoid(x-h)) / (2 * h)
		require.InDelta(t, num, SigmoidGrad(x), 1e-10, "x=%g", x)
		// σ' = σ(1−σ) = e^{−x}/(1+e^{−x})², the quotient-rule form.
		e := math.Exp(-x)
		require.InDelta(t, e/((1+e)*(1+e)), SigmoidGrad(x), 1e-15, "x=%g", x)
	}
}

func TestQ1_7_DerivativeMaxima(t *testing.T) {
	tests := []struct {
		name   string
		grad   func(float64) float64
		maxVal float64
	}{
		{"sigmoid", SigmoidGrad, 0.25},
		{"tanh", TanhGrad, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			best, bestX := math.Inf(-1), math.NaN()
			for _, x := range grid(-10, 10, 20000) {
				g := tc.grad(x)
				require.LessOrEqual(t, g, tc.maxVal, "x=%g", x)
				require.Greater(t, g, 0.0)
				if g > best {
					best, bestX = g, x
				}
			}
			require.Equal(t, tc.maxVal, best)
			require.InDelta(t, 0, bestX, 1e-12)
		})
	}
	// tanh'(x) = 1 − tanh²(x) against central differences.
	for _, x := range grid(-6, 6, 240) {
		const h = 1e-5
		require.InDelta(t, (Tanh(x+h)-Tanh(x-h))/(2*h), TanhGrad(x), 1e-10, "x=%g", x)
	}
	// The ratio tanh'(0)/σ'(0) is 4.
	require.Equal(t, 4.0, TanhGrad(0)/SigmoidGrad(0))
}

func TestQ1_7_OutputRanges(t *testing.T) {
	xs := grid(-15, 15, 3000)
	var meanSig, meanTanh float64
	for _, x := range xs {
		s, th := Sigmoid(x), Tanh(x)
		require.True(t, s > 0 && s < 1, "σ(%g) = %g", x, s)
		require.True(t, th > -1 && th < 1, "tanh(%g) = %g", x, th)
		meanSig += s
		meanTanh += th
	}
	meanSig /= float64(len(xs))
	meanTanh /= float64(len(xs))
	// For inputs symmetric about 0, sigmoid outputs average 1/2 (always
	// positive), tanh outputs average 0 (zero-centred).
	require.InDelta(t, 0.5, meanSig, 1e-12)
	require.InDelta(t, 0, meanTanh, 1e-12)
}

func TestQ1_7_TanhFromSigmoid(t *testing.T) {
	for _, x := range grid(-20, 20, 4000) {
		require.InDelta(t, math.Tanh(x), TanhViaSigmoid(x), 1e-12, "x=%g", x)
		// and the derivative identity tanh'(x) = 4σ'(2x).
		require.InDelta(t, TanhGrad(x), 4*SigmoidGrad(2*x), 1e-12, "x=%g", x)
	}
}

func TestQ1_7_ScalarChainVanishes(t *testing.T) {
	// h_l = f(h_{l−1}) (w = 1, b = 0) from h_0 = 0.5: dh_L/dh_0 = Π f'(a_l).
	// golden/q1_theory/scalar_chain.json records both chains' gradients.
	got := map[string]measured{}
	for _, L := range []int{1, 2, 5, 10, 20, 40} {
		layers := make([]Affine, L)
		for l := range layers {
			layers[l] = Affine{W: mat.NewDense(1, 1, []float64{1}), B: mat.NewVecDense(1, []float64{0})}
		}
		x := mat.NewVecDense(1, []float64{0.5})
		_, js, err := ChainJacobians(SigmoidAct, layers, x)
		require.NoError(t, err)
		_, jt, err := ChainJacobians(TanhAct, layers, x)
		require.NoError(t, err)
		gs, gt := js[L-1].At(0, 0), jt[L-1].At(0, 0)
		require.LessOrEqual(t, math.Abs(gs), math.Pow(0.25, float64(L)), "sigmoid L=%d", L)
		require.Greater(t, gt, gs, "tanh vs sigmoid L=%d", L)
		// Check the chain against a central difference through the whole stack.
		for _, tc := range []struct {
			act Activation
			g   float64
		}{{SigmoidAct, gs}, {TanhAct, gt}} {
			f := func(v float64) float64 {
				h, _, err := ChainJacobians(tc.act, layers, mat.NewVecDense(1, []float64{v}))
				require.NoError(t, err)
				return h.AtVec(0)
			}
			const h = 1e-5
			require.InDelta(t, (f(0.5+h)-f(0.5-h))/(2*h), tc.g, 1e-9*math.Max(1, math.Abs(tc.g))+1e-12)
		}
		t.Logf("L=%2d  sigmoid dh_L/dh_0 = %.3e  (1/4)^L = %.3e  tanh = %.3e", L, gs, math.Pow(0.25, float64(L)), gt)
		got[fmt.Sprintf("sigmoid_L%d", L)], got[fmt.Sprintf("tanh_L%d", L)] = measure(gs), measure(gt)
	}
	assertMeasured(t, "scalar_chain.json", got, 1e-4)
}

func TestQ1_7_DeepChainGradientNorm(t *testing.T) {
	rng := newRNG(71)
	const width, L = 16, 20
	layers := make([]Affine, L)
	wNorm := make([]float64, L)
	for l := range layers {
		W := GaussianInit(width, width, 1/math.Sqrt(width), rng) // Var = 1/n
		layers[l] = Affine{W: W, B: mat.NewVecDense(width, nil)}
		wNorm[l] = spectralNorm(t, W)
	}
	x := randVec(width, rng)
	_, js, err := ChainJacobians(SigmoidAct, layers, x)
	require.NoError(t, err)
	_, jt, err := ChainJacobians(TanhAct, layers, x)
	require.NoError(t, err)
	bound := math.Sqrt(width)
	for l := range L {
		bound *= 0.25 * wNorm[l]
		ns, nt := mat.Norm(js[l], 2), mat.Norm(jt[l], 2)
		// ‖J_l‖_F ≤ Π_k (1/4) ‖W_k‖_2 ‖J_0‖_F for the sigmoid (‖J_0‖_F = ‖I‖_F = √width).
		require.LessOrEqual(t, ns, bound, "sigmoid depth %d", l+1)
		require.Greater(t, nt, ns, "tanh vs sigmoid depth %d", l+1)
		if l == 0 || (l+1)%5 == 0 {
			t.Logf("depth %2d: ‖J‖_F sigmoid %.3e  bound %.3e  tanh %.3e", l+1, ns, bound, nt)
		}
	}
	// After 20 layers the sigmoid gradient is many orders of magnitude below tanh's.
	require.Less(t, mat.Norm(js[L-1], 2), 1e-6*mat.Norm(jt[L-1], 2))
	_, _, err = ChainJacobians(SigmoidAct, nil, x)
	require.Error(t, err)
}

// spectralNorm returns the largest singular value of a.
func spectralNorm(t *testing.T, a mat.Matrix) float64 {
	var svd mat.SVD
	require.True(t, svd.Factorize(a, mat.SVDNone))
	return svd.Values(nil)[0]
}

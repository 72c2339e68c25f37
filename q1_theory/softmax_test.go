package theory

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQ1_1_SoftmaxTranslationInvariance(t *testing.T) {
	rng := newRNG(11)
	tests := []struct {
		name  string
		n     int
		scale float64
		c     float64
	}{
		{"n=2 c=0", 2, 1, 0},
		{"n=5 c=+3.7", 5, 1, 3.7},
		{"n=10 c=-25", 10, 3, -25},
		{"n=36 c=+50", 36, 5, 50},
		{"n=36 c=-max", 36, 5, math.NaN()}, // NaN marks c = −max x
		{"n=100 c=-100", 100, 10, -100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := randSlice(tc.n, tc.scale, rng)
			c := tc.c
			if math.IsNaN(c) {
				c = -slices.Max(x)
			}
			xc := make([]float64, len(x))
			for i := range x {
				xc[i] = x[i] + c
			}
			want := SoftmaxNaive(x)
			// softmax(x) = softmax(x + c), by the naive formula on both sides ...
			require.InDeltaSlice(t, want, SoftmaxNaive(xc), 1e-12)
			// ... by moving c into the exponent ...
			require.InDeltaSlice(t, want, SoftmaxShift(x, c), 1e-12)
			// ... and the stable Softmax (c = −max x) agrees with both.
			require.InDeltaSlice(t, want, Softmax(x), 1e-12)
			require.InDeltaSlice(t, want, Softmax(xc), 1e-12)
		})
	}
}

func TestQ1_1_NaiveSoftmaxOverflows(t *testing.T) {
	e1, e2 := math.Exp(-1), math.Exp(-2)
	tests := []struct {
		name string
		x    []float64
		want []float64
	}{
		// exp(1000) = +Inf, so the naive form is Inf/Inf = NaN.
		{"overflow x=1000", []float64{1000, 999, 998}, []float64{1 / (1 + e1 + e2), e1 / (1 + e1 + e2), e2 / (1 + e1 + e2)}},
		// exp(−1000) = 0, so the naive form is 0/0 = NaN (division by ~0).
		{"underflow x=-1000", []float64{-1000, -1000}, []float64{0.5, 0.5}},
		{"mixed", []float64{1000, 0}, []float64{1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			naive := SoftmaxNaive(tc.x)
			require.True(t, slices.ContainsFunc(naive, math.IsNaN), "naive softmax %v should contain NaN", naive)
			got := Softmax(tc.x)
			for i, v := range got {
				require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "stable softmax[%d] = %v", i, v)
			}
			require.InDeltaSlice(t, tc.want, got, 1e-15)
		})
	}
}

func TestQ1_1_ShiftByMaxBoundsExponents(t *testing.T) {
	rng := newRNG(12)
	for _, x := range [][]float64{{1000, 999, 998}, {-1000, -1000}, randSlice(50, 300, rng), {7}} {
		s, sum, _, err := SoftmaxSteps(x)
		require.NoError(t, err)
		// Every exponent x_i − max x ≤ 0, so 0 < s_i ≤ 1 (no overflow) ...
		for _, v := range s {
			require.GreaterOrEqual(t, v, 0.0) // may underflow to 0, never overflow
			require.LessOrEqual(t, v, 1.0)
		}
		// ... the largest term is exp(0) = 1, so the denominator is ≥ 1 (no division by ~0).
		require.Equal(t, 1.0, slices.Max(s))
		require.GreaterOrEqual(t, sum, 1.0)
	}
	_, _, _, err := SoftmaxSteps(nil)
	require.Error(t, err)
}

func TestQ1_2_SoftmaxRangeAndSum(t *testing.T) {
	rng := newRNG(13)
	for _, n := range []int{2, 3, 10, 36, 200} {
		for _, scale := range []float64{0.1, 1, 5} {
			x := randSlice(n, scale, rng)
			p := Softmax(x)
			var sum float64
			for i, v := range p {
				require.Greater(t, v, 0.0, "p[%d]", i)
				require.Less(t, v, 1.0, "p[%d]", i)
				sum += v
			}
			require.InDelta(t, 1.0, sum, 1e-12)
		}
	}
	// A single element is the (degenerate) distribution [1].
	require.Equal(t, []float64{1}, Softmax([]float64{-3}))
}

func TestQ1_2_SoftmaxSteps(t *testing.T) {
	rng := newRNG(14)
	x := randSlice(20, 2, rng)
	s, sum, p, err := SoftmaxSteps(x)
	require.NoError(t, err)
	var total float64
	for i := range x {
		// Step 1: s_i = e^{x_i − max x} > 0 and keeps the order of the x_i.
		require.Greater(t, s[i], 0.0)
		for j := range x {
			if x[i] < x[j] {
				require.Less(t, s[i], s[j])
				require.Less(t, p[i], p[j])
			}
		}
		total += s[i]
	}
	// Step 2: S = Σ s_i.
	require.InDelta(t, total, sum, 1e-12)
	// Step 3: p_i = s_i / S, the same as Softmax.
	for i := range p {
		require.InDelta(t, s[i]/sum, p[i], 1e-15)
	}
	require.InDeltaSlice(t, Softmax(x), p, 1e-15)
	// Exponentiation emphasises the largest: a gap of 1 in x is a ratio e in p.
	_, _, q, err := SoftmaxSteps([]float64{0, 1, 2})
	require.NoError(t, err)
	require.InDelta(t, math.E, q[2]/q[1], 1e-12)
	require.InDelta(t, math.E, q[1]/q[0], 1e-12)
}

package nn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// Grades sigmoid: hand values, stability at ±1e4.
func TestQ2_2_1_Sigmoid(t *testing.T) {
	for _, tc := range []struct{ x, want float64 }{
		{0, 0.5},
		{1, 0.7310585786300049},
		{-1, 0.2689414213699951},
		{2, 0.8807970779778823},
		{-1.5, 0.18242552380635635},
		{40, 1 - 4.248354255291589e-18},
		{1e4, 1},
		{-1e4, 0},
		{-800, 0},
	} {
		got := Sigmoid(tc.x)
		require.False(t, math.IsNaN(got), "σ(%g)", tc.x)
		require.InDelta(t, tc.want, got, 1e-15, "σ(%g)", tc.x)
	}
	// Symmetry σ(-x) = 1 - σ(x).
	for _, x := range []float64{0.1, 3, 17} {
		require.InDelta(t, 1-Sigmoid(x), Sigmoid(-x), 1e-15)
	}
}

// Grades the sigmoid derivative s(1-s) against a central difference.
func TestQ2_3_SigmoidDeriv(t *testing.T) {
	const h = 1e-5
	for _, x := range []float64{-6, -3, -0.5, 0, 0.7, 4} {
		num := (Sigmoid(x+h) - Sigmoid(x-h)) / (2 * h)
		require.InDelta(t, num, SigmoidDeriv(Sigmoid(x)), 1e-10, "x=%g", x)
	}
	require.Equal(t, 0.25, SigmoidDeriv(Sigmoid(0)))
}

func TestReLU(t *testing.T) {
	for _, tc := range []struct{ x, f, d float64 }{
		{-2, 0, 0}, {0, 0, 0}, {0.5, 0.5, 1}, {3, 3, 1},
	} {
		require.Equal(t, tc.f, ReLU(tc.x))
		require.Equal(t, tc.d, ReLUDeriv(ReLU(tc.x)))
	}
}

// Grades softmax: hand values, rows sum to 1, shift invariance, ±1e4 inputs.
func TestQ2_2_2_Softmax(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in, out []float64
	}{
		{"two", []float64{0, math.Log(3)}, []float64{0.25, 0.75}},
		{"three", []float64{0, math.Log(2), math.Log(5)}, []float64{1.0 / 8, 2.0 / 8, 5.0 / 8}},
		{"uniform", []float64{7, 7, 7, 7}, []float64{0.25, 0.25, 0.25, 0.25}},
		{"huge", []float64{1e4, -1e4}, []float64{1, 0}},
		{"huge equal", []float64{1e4, 1e4}, []float64{0.5, 0.5}},
		{"very negative", []float64{-1e4, -1e4 + math.Log(3)}, []float64{0.25, 0.75}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Softmax(mat.NewDense(1, len(tc.in), tc.in))
			requireFinite(t, got)
			requireMatrixNear(t, mat.NewDense(1, len(tc.out), tc.out), got, 1e-12, "softmax")
		})
	}

	rng := newRand(3)
	x := randDense(rng, 6, 5, 4)
	p := Softmax(x)
	for i := 0; i < 6; i++ {
		require.InDelta(t, 1, mat.Sum(p.RowView(i)), 1e-12, "row %d sum", i)
		// Shift invariance: adding c to the whole row changes nothing.
		for _, c := range []float64{-1000, -3, 0.5, 1e4} {
			row := mat.NewDense(1, 5, nil)
			for j := 0; j < 5; j++ {
				row.Set(0, j, x.At(i, j)+c)
			}
			requireMatrixNear(t, p.Slice(i, i+1, 0, 5), Softmax(row), 1e-12, "shifted row")
		}
	}
	// Softmax does not modify its input.
	require.Equal(t, randDense(newRand(3), 6, 5, 4), x)
}

func TestParseActivation(t *testing.T) {
	for _, a := range []Activation{ActIdentity, ActSigmoid, ActReLU, ActSoftmax} {
		got, err := ParseActivation(a.String())
		require.NoError(t, err)
		require.Equal(t, a, got)
	}
	got, err := ParseActivation(" Linear ")
	require.NoError(t, err)
	require.Equal(t, ActIdentity, got)
	_, err = ParseActivation("tanh")
	require.ErrorContains(t, err, "tanh")
}

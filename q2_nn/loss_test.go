package nn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// Grades compute_loss_and_acc on hand-computed cases.
func TestQ2_2_3_LossAndAcc(t *testing.T) {
	for _, tc := range []struct {
		name     string
		c        int
		y, p     []float64
		loss, ac float64
	}{
		{"both right", 2, []float64{1, 0, 0, 1}, []float64{0.5, 0.5, 0.25, 0.75}, math.Log(8.0 / 3), 1},
		{"both wrong", 2, []float64{1, 0, 0, 1}, []float64{0.1, 0.9, 0.8, 0.2}, math.Log(50), 0},
		{"half", 3, []float64{0, 0, 1, 1, 0, 0}, []float64{0.2, 0.3, 0.5, 0.2, 0.7, 0.1}, math.Log(10), 0.5},
		{"certain", 3, []float64{0, 1, 0}, []float64{0, 1, 0}, 0, 1},
		{"zero probability", 2, []float64{1, 0}, []float64{0, 1}, -math.Log(1e-300), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.y) / tc.c
			y, p := mat.NewDense(n, tc.c, tc.y), mat.NewDense(n, tc.c, tc.p)
			loss, acc, err := LossAndAcc(y, p)
			require.NoError(t, err)
			require.InDelta(t, tc.loss, loss, 1e-12)
			require.Equal(t, tc.ac, acc)
			// The training objective computes the same sum and P - Y.
			grad := mat.NewDense(n, tc.c, nil)
			require.InDelta(t, tc.loss, SoftmaxCrossEntropy.Eval(grad, p, y), 1e-12)
			var want mat.Dense
			want.Sub(p, y)
			requireMatrixNear(t, &want, grad, 0, "P - Y")
		})
	}
	_, _, err := LossAndAcc(mat.NewDense(2, 3, nil), mat.NewDense(2, 2, nil))
	require.ErrorContains(t, err, "2 x 3")
}

func TestSquaredError(t *testing.T) {
	h := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	y := mat.NewDense(2, 2, []float64{0, 2, 5, 3.5})
	grad := mat.NewDense(2, 2, nil)
	require.InDelta(t, 1+0+4+0.25, SquaredError.Eval(grad, h, y), 1e-15)
	requireMatrixNear(t, mat.NewDense(2, 2, []float64{2, 0, -4, 1}), grad, 1e-15, "2(H-Y)")
}

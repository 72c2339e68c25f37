package recon

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
)

// TestPSNRByHand: x = (0, 1), x̂ = (0.1, 0.9): MSE = 0.01, PSNR = 20 dB.
func TestPSNRByHand(t *testing.T) {
	p, err := PSNR([]float64{0, 1}, []float64{0.1, 0.9})
	require.NoError(t, err)
	require.InDelta(t, 20, p, 1e-12)
	p, err = PSNR([]float64{0.5}, []float64{0.5})
	require.NoError(t, err)
	require.True(t, math.IsInf(p, 1), "a perfect reconstruction has infinite PSNR")

	// Rows of 20 dB and 40 dB (MSE 1e-2 and 1e-4) average to 30 dB.
	x := mat.NewDense(2, 2, []float64{0, 1, 0, 1})
	xhat := mat.NewDense(2, 2, []float64{0.1, 0.9, 0.01, 0.99})
	m, err := MeanPSNR(x, xhat)
	require.NoError(t, err)
	require.InDelta(t, 30, m, 1e-9)
	all, err := PSNRs(x, xhat)
	require.NoError(t, err)
	require.InDeltaSlice(t, []float64{20, 40}, all, 1e-9)
}

func TestPSNRErrors(t *testing.T) {
	_, err := PSNR([]float64{1}, []float64{1, 2})
	require.ErrorContains(t, err, "1 values, reconstruction 2")
	_, err = PSNR(nil, nil)
	require.ErrorContains(t, err, "empty")
	_, err = MeanPSNR(mat.NewDense(1, 2, nil), mat.NewDense(2, 2, nil))
	require.ErrorContains(t, err, "1 x 2, reconstructions 2 x 2")
	_, err = MeanPSNR(mat.NewDense(1, 2, nil), mat.NewDense(1, 2, nil))
	require.ErrorContains(t, err, "PSNR is +Inf")
}

func TestPickPerClass(t *testing.T) {
	labels := []int{2, 0, 2, 1, 0, 2}
	got, err := PickPerClass(labels, []int{2, 0}, 2)
	require.NoError(t, err)
	require.Equal(t, []int{0, 2, 1, 4}, got)
	_, err = PickPerClass(labels, []int{1}, 2)
	require.ErrorContains(t, err, "class 1 has 1 rows, want 2")
	_, err = PickPerClass(labels, []int{1}, 0)
	require.Error(t, err)
	idx, err := ClassIndices(data.NIST36Classes, DefaultClasses)
	require.NoError(t, err)
	require.Equal(t, []int{0, 6, 12, 18, 33}, idx)
	_, err = ClassIndices(data.NIST36Classes, []string{"a"})
	require.ErrorContains(t, err, `unknown class "a"`)
}

// TestClassGrid draws one image of each of two classes above its
// reconstruction: 2 x 2 tiles of 32 x 32 pixels shown 3 x 3.
func TestClassGrid(t *testing.T) {
	x := mat.NewDense(3, 1024, nil)
	y, err := data.OneHot([]int{1, 0, 1}, 2)
	require.NoError(t, err)
	ds := &data.Dataset{X: x, Y: y, Classes: []string{"A", "B"}}
	xhat := mat.NewDense(3, 1024, nil)
	xhat.Apply(func(_, _ int, _ float64) float64 { return 0.5 }, xhat)
	rows, g, err := ClassGrid(ds, xhat, []string{"B", "A"}, 1)
	require.NoError(t, err)
	require.Equal(t, []int{0, 1}, rows)
	require.GreaterOrEqual(t, g.Bounds().Dx(), 2*96)
	require.GreaterOrEqual(t, g.Bounds().Dy(), 2*96)
	_, _, err = ClassGrid(ds, xhat, []string{"C"}, 1)
	require.ErrorContains(t, err, `unknown class "C"`)
	_, _, err = ClassGrid(&data.Dataset{X: x}, xhat, nil, 1)
	require.ErrorContains(t, err, "no labels")
}

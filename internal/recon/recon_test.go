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

// TestQ5_3_2_PSNRTable grades the PSNR of Q5.3.2 and Q6.3 on values
// worked out by hand, PSNR = -10 log10(MSE) with MAX = 1, for single
// images and for the mean over images. The mean is of the images' PSNRs,
// not the PSNR of the images' mean MSE: rows of 10, 20 and 30 dB average
// to 20 dB, whereas -10 log10((0.1 + 0.01 + 0.001)/3) = 14.318 dB.
func TestQ5_3_2_PSNRTable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		x, xhat []float64
		mse, db float64
	}{
		{"two pixels off by 0.1", []float64{0, 1}, []float64{0.1, 0.9}, 0.01, 20},
		{"one of four off by 0.5", []float64{0, 0, 0, 0}, []float64{0.5, 0, 0, 0}, 1.0 / 16, 10 * math.Log10(16)}, // 12.0412 dB
		{"all wrong by the peak", []float64{1, 1}, []float64{0, 0}, 1, 0},
		{"signs mixed", []float64{0.2, 0.4, 0.6, 0.8}, []float64{0.3, 0.3, 0.7, 0.7}, 0.01, 20},
		{"off by 1e-3", []float64{0.5}, []float64{0.501}, 1e-6, 60},
		{"beyond the peak", []float64{0}, []float64{2}, 4, -10 * math.Log10(4)}, // -6.0206 dB
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PSNR(tc.x, tc.xhat)
			require.NoError(t, err)
			require.InDelta(t, tc.db, p, 1e-9)
			require.InDelta(t, tc.db, -10*math.Log10(tc.mse), 1e-9, "the table's own MSE")
		})
	}
	for _, tc := range []struct {
		name string
		mse  []float64 // per image: one pixel 0 reconstructed as √MSE
		db   float64
	}{
		{"10, 20 and 30 dB", []float64{0.1, 0.01, 0.001}, 20},
		{"20 and 40 dB", []float64{1e-2, 1e-4}, 30},
		{"one image", []float64{0.25}, 10 * math.Log10(4)},
		{"0 and 60 dB", []float64{1, 1e-6}, 30},
	} {
		t.Run("mean "+tc.name, func(t *testing.T) {
			n := len(tc.mse)
			x, xhat := mat.NewDense(n, 1, nil), mat.NewDense(n, 1, nil)
			for i, m := range tc.mse {
				xhat.Set(i, 0, math.Sqrt(m))
			}
			got, err := MeanPSNR(x, xhat)
			require.NoError(t, err)
			require.InDelta(t, tc.db, got, 1e-9)
		})
	}
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

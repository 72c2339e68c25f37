package recon

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PSNR returns the peak signal-to-noise ratio of the reconstruction xhat of
// the image x (both flattened, same length) with peak value MAX = 1:
//
//	PSNR = 20 log10(MAX) - 10 log10(MSE),  MSE = (1/D) Σ_j (x̂_j - x_j)²,
//
// in decibels (+Inf for a perfect reconstruction). See
// docs/q5_autoencoder.md#q532-psnr.
func PSNR(x, xhat []float64) (float64, error) {
	if len(x) != len(xhat) {
		return 0, fmt.Errorf("psnr: image has %d values, reconstruction %d", len(x), len(xhat))
	}
	if len(x) == 0 {
		return 0, errors.New("psnr: empty image")
	}
	var sse float64
	for j, v := range x {
		d := xhat[j] - v
		sse += d * d
	}
	return -10 * math.Log10(sse/float64(len(x))), nil
}

// MeanPSNR returns the average over the rows of x (one image per row) of
// PSNR(x_i, x̂_i): (1/N) Σ_i PSNR(x_i, x̂_i), the measure of questions 5.3.2
// and 6.3. It fails on shapes that differ, no rows, or a perfect row (whose
// PSNR is infinite).
func MeanPSNR(x, xhat mat.Matrix) (float64, error) {
	all, err := PSNRs(x, xhat)
	if err != nil {
		return 0, err
	}
	var sum float64
	for i, p := range all {
		if math.IsInf(p, 0) || math.IsNaN(p) {
			return 0, fmt.Errorf("psnr: row %d: PSNR is %v (reconstruction equals the image, or NaN values)", i, p)
		}
		sum += p
	}
	return sum / float64(len(all)), nil
}

// PSNRs returns PSNR(x_i, x̂_i) for every row i of x and xhat.
func PSNRs(x, xhat mat.Matrix) ([]float64, error) {
	r, c := x.Dims()
	rh, ch := xhat.Dims()
	if r != rh || c != ch {
		return nil, fmt.Errorf("psnr: images are %d x %d, reconstructions %d x %d", r, c, rh, ch)
	}
	if r == 0 || c == 0 {
		return nil, errors.New("psnr: no images")
	}
	out := make([]float64, r)
	a, b := make([]float64, c), make([]float64, c)
	for i := range r {
		mat.Row(a, i, x)
		mat.Row(b, i, xhat)
		out[i], _ = PSNR(a, b)
	}
	return out, nil
}

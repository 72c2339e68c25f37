package pca

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestGramEqualsSVD: on tall data, Fit's Gram route and the thin SVD of
// FitSVD give the same P (same sign rule) and the same variances, to 1e-9.
func TestGramEqualsSVD(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n, d, k int
	}{
		{"tall", 400, 32, 8},
		{"square", 50, 50, 12},
		{"all components", 80, 20, 20},
		{"one column", 30, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := lowRankData(6, tc.n, tc.d, min(15, tc.d))
			a, err := Fit(x, tc.k)
			require.NoError(t, err)
			b, err := FitSVD(x, tc.k)
			require.NoError(t, err)
			requireNear(t, b.P, a.P, 1e-9, "P")
			require.Len(t, a.Variances, len(b.Variances))
			for i := range b.Variances {
				require.InDelta(t, b.Variances[i], a.Variances[i], 1e-9*b.Variances[0], "λ_%d", i)
			}
		})
	}
}

// TestTridiagVectorsLaplacian: the n x n tridiagonal matrix with 2 on the
// diagonal and -1 beside it has the eigenvalues 2 - 2cos(jπ/(n+1)) and the
// eigenvectors sin(ijπ/(n+1)); inverse iteration from the exact values
// finds those vectors (up to sign) to 1e-12.
func TestTridiagVectorsLaplacian(t *testing.T) {
	const n = 50
	d, e := make([]float64, n), make([]float64, n-1)
	for i := range d {
		d[i] = 2
	}
	for i := range e {
		e[i] = -1
	}
	var w []float64
	for j := n; j >= n-9; j-- { // the 10 largest, decreasing
		w = append(w, 2-2*math.Cos(float64(j)*math.Pi/(n+1)))
	}
	z := tridiagVectors(d, e, w)
	for c := range w {
		j := n - c
		want := make([]float64, n)
		var ss float64
		for i := range want {
			want[i] = math.Sin(float64((i+1)*j) * math.Pi / (n + 1))
			ss += want[i] * want[i]
		}
		sign := math.Copysign(1/math.Sqrt(ss), z.At(0, c)*want[0])
		for i := range want {
			require.InDelta(t, want[i]*sign, z.At(i, c), 1e-12, "vector %d, entry %d", j, i)
		}
	}
}

// TestTridiagVectorsRepeated: a diagonal T (all off-diagonal entries 0)
// with repeated eigenvalues gets orthonormal eigenvectors, each in the
// eigenspace of its value.
func TestTridiagVectorsRepeated(t *testing.T) {
	d := []float64{1, 3, 0, 3, 1, 0, 3}
	e := make([]float64, len(d)-1)
	w := []float64{3, 3, 3, 1, 1, 0, 0}
	z := tridiagVectors(d, e, w)
	var ztz mat.Dense
	ztz.Mul(z.T(), z)
	requireNear(t, eye(len(w)), &ztz, 1e-12, "ZᵀZ = I")
	for c, wc := range w {
		for i, di := range d {
			if di != wc {
				require.InDelta(t, 0, z.At(i, c), 1e-12, "vector %d (λ = %v) has a component %d outside its eigenspace", c, wc, i)
			}
		}
	}
}

// TestFitRepeatedVariances: data whose covariance has equal eigenvalues
// (the corners of a square, twice) still gives orthonormal directions that
// reconstruct the data exactly.
func TestFitRepeatedVariances(t *testing.T) {
	x := mat.NewDense(8, 3, []float64{
		1, 1, 5, -1, 1, 5, 1, -1, 5, -1, -1, 5,
		1, 1, 5, -1, 1, 5, 1, -1, 5, -1, -1, 5,
	})
	m, err := Fit(x, 2)
	require.NoError(t, err)
	var ptp mat.Dense
	ptp.Mul(m.P.T(), m.P)
	requireNear(t, eye(2), &ptp, 1e-12, "PᵀP = I")
	require.InDelta(t, m.Variances[0], m.Variances[1], 1e-12)
	xhat, err := m.Reconstruct(x)
	require.NoError(t, err)
	requireNear(t, x, xhat, 1e-12, "reconstruction")
}

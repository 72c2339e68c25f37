package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }

// randDense returns an r x c matrix of N(0, sd²) entries.
func randDense(rng *rand.Rand, r, c int, sd float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	d := m.RawMatrix().Data
	for i := range d {
		d[i] = sd * rng.NormFloat64()
	}
	return m
}

// randOneHot returns n one-hot rows of c classes.
func randOneHot(rng *rand.Rand, n, c int) *mat.Dense {
	y := mat.NewDense(n, c, nil)
	for i := 0; i < n; i++ {
		y.Set(i, rng.IntN(c), 1)
	}
	return y
}

func requireMatrixNear(t *testing.T, want, got mat.Matrix, tol float64, msg string) {
	t.Helper()
	wr, wc := want.Dims()
	gr, gc := got.Dims()
	require.Equal(t, [2]int{wr, wc}, [2]int{gr, gc}, "%s: shape", msg)
	for i := 0; i < wr; i++ {
		for j := 0; j < wc; j++ {
			require.InDelta(t, want.At(i, j), got.At(i, j), tol, "%s[%d,%d]", msg, i, j)
		}
	}
}

func requireFinite(t *testing.T, m mat.Matrix) {
	t.Helper()
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := m.At(i, j)
			require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "entry [%d,%d] = %v", i, j, v)
		}
	}
}

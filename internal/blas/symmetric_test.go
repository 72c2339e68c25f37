package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// randSlice returns n normal deviates.
func randSlice(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// requireClose requires |got - want| ≤ tol·(1 + |want|) elementwise, and
// NaN exactly where want has NaN.
func requireClose(t *testing.T, want, got []float64, tol float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if math.IsNaN(want[i]) {
			if !math.IsNaN(got[i]) {
				t.Fatalf("%s: element %d is %v, want NaN", msg, i, got[i])
			}
			continue
		}
		if !(math.Abs(got[i]-want[i]) <= tol*(1+math.Abs(want[i]))) {
			t.Fatalf("%s: element %d is %v, want %v within %g", msg, i, got[i], want[i], tol*(1+math.Abs(want[i])))
		}
	}
}

// panicValue returns what f panics with (nil if it returns).
func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// TestDsymv compares Dsymv with gonum's on both triangles, positive,
// negative and non-unit increments, alpha and beta in {0, 1, other}, and
// sizes around the vector widths; beta = 0 overwrites a NaN in y, and the
// triangle that is not stored (filled with NaN) is never read.
func TestDsymv(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var ref gonum.Implementation
	forEachKernel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 16, 17, 33, 100} {
			for _, ul := range []blas.Uplo{blas.Lower, blas.Upper} {
				for _, inc := range [][2]int{{1, 1}, {2, 3}, {-1, -2}} {
					for _, ab := range [][2]float64{{1, 0}, {0.7, 1}, {-1.3, 0.4}, {0, 2}, {0, 1}} {
						lda := n + 3
						a := randSlice(rng, max(1, n*lda))
						for i := range n {
							for j := range n {
								if (ul == blas.Lower && j > i) || (ul == blas.Upper && j < i) {
									a[i*lda+j] = math.NaN()
								}
							}
						}
						incX, incY := inc[0], inc[1]
						x := randSlice(rng, max(1, 1+(n-1)*abs(incX)))
						y := randSlice(rng, max(1, 1+(n-1)*abs(incY)))
						if ab[1] == 0 {
							for i := range y {
								y[i] = math.NaN()
							}
						}
						want := append([]float64(nil), y...)
						ref.Dsymv(ul, n, ab[0], a, lda, x, incX, ab[1], want, incY)
						got := append([]float64(nil), y...)
						Implementation{}.Dsymv(ul, n, ab[0], a, lda, x, incX, ab[1], got, incY)
						requireClose(t, want, got, 1e-13, fmt.Sprintf("n=%d %c inc=%v alpha,beta=%v", n, ul, inc, ab))
					}
				}
			}
		}
	})
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// TestDsyrk compares Dsyrk and Dsyr2k with gonum's: both triangles, both
// transposes, alpha and beta in {0, 1, other}, sizes below, at and above
// the block of symBlock rows, k = 0; the other triangle of C is left as it
// was, and beta = 0 overwrites a NaN in the triangle.
func TestDsyrk(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var ref gonum.Implementation
	forEachKernel(t, func(t *testing.T) {
		for _, sz := range [][2]int{{0, 3}, {1, 1}, {5, 0}, {7, 3}, {33, 17}, {symBlock, 9}, {symBlock + 3, 40}, {2*symBlock + 17, 5}} {
			n, k := sz[0], sz[1]
			for _, ul := range []blas.Uplo{blas.Lower, blas.Upper} {
				for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
					for _, ab := range [][2]float64{{1, 0}, {0.7, 1}, {-1.3, 0.4}, {0, 0.5}} {
						rows, cols := n, k
						if tA == blas.Trans {
							rows, cols = k, n
						}
						lda, ldb, ldc := cols+2, cols+1, n+4
						a := randSlice(rng, max(1, rows*lda))
						b := randSlice(rng, max(1, rows*ldb))
						c := randSlice(rng, max(1, n*ldc))
						if ab[1] == 0 {
							for i := range n {
								lo, hi := triRow(ul, n, i)
								for j := lo; j < hi; j++ {
									c[i*ldc+j] = math.NaN()
								}
							}
						}
						name := fmt.Sprintf("n=%d k=%d %c %c alpha,beta=%v", n, k, ul, tA, ab)
						// gonum's Dsyrk reads C with beta = 0 when A is
						// transposed (0·NaN = NaN); BLAS says C need not
						// be set then, so its reference gets zeros there.
						want := zeroNaN(c)
						got := append([]float64(nil), c...)
						ref.Dsyrk(ul, tA, n, k, ab[0], a, lda, ab[1], want, ldc)
						Implementation{}.Dsyrk(ul, tA, n, k, ab[0], a, lda, ab[1], got, ldc)
						requireClose(t, want, got, 1e-12, "Dsyrk "+name)
						want = zeroNaN(c)
						got = append(got[:0], c...)
						ref.Dsyr2k(ul, tA, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
						Implementation{}.Dsyr2k(ul, tA, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc)
						requireClose(t, want, got, 1e-12, "Dsyr2k "+name)
					}
				}
			}
		}
	})
}

// zeroNaN returns a copy of c with its NaNs replaced by 0.
func zeroNaN(c []float64) []float64 {
	out := append([]float64(nil), c...)
	for i, v := range out {
		if math.IsNaN(v) {
			out[i] = 0
		}
	}
	return out
}

// TestSymmetricPanics: bad arguments panic with gonum's values, in
// gonum's order.
func TestSymmetricPanics(t *testing.T) {
	var ref gonum.Implementation
	var ours Implementation
	a, x, y := make([]float64, 16), make([]float64, 4), make([]float64, 4)
	for i, f := range []func(blas.Float64){
		func(b blas.Float64) { b.Dsymv('X', 2, 1, a, 2, x, 1, 0, y, 1) },
		func(b blas.Float64) { b.Dsymv(blas.Lower, -1, 1, a, 2, x, 1, 0, y, 1) },
		func(b blas.Float64) { b.Dsymv(blas.Lower, 3, 1, a, 2, x, 1, 0, y, 1) },
		func(b blas.Float64) { b.Dsymv(blas.Lower, 2, 1, a, 2, x, 0, 0, y, 1) },
		func(b blas.Float64) { b.Dsymv(blas.Lower, 2, 1, a, 2, x, 1, 0, y, 0) },
		func(b blas.Float64) { b.Dsymv(blas.Lower, 4, 1, a[:10], 4, x, 1, 0, y, 1) },
		func(b blas.Float64) { b.Dsymv(blas.Upper, 3, 1, a, 3, x, 2, 0, y, 1) },
		func(b blas.Float64) { b.Dsymv(blas.Upper, 3, 1, a, 3, x, 1, 0, y, -2) },
		func(b blas.Float64) { b.Dsyrk('X', blas.NoTrans, 2, 2, 1, a, 2, 0, a, 2) },
		func(b blas.Float64) { b.Dsyrk(blas.Lower, 'X', 2, 2, 1, a, 2, 0, a, 2) },
		func(b blas.Float64) { b.Dsyrk(blas.Lower, blas.NoTrans, -1, 2, 1, a, 2, 0, a, 2) },
		func(b blas.Float64) { b.Dsyrk(blas.Lower, blas.NoTrans, 2, -1, 1, a, 2, 0, a, 2) },
		func(b blas.Float64) { b.Dsyrk(blas.Lower, blas.NoTrans, 2, 3, 1, a, 2, 0, a, 2) },
		func(b blas.Float64) { b.Dsyrk(blas.Lower, blas.Trans, 3, 2, 1, a, 3, 0, a, 2) },
		func(b blas.Float64) { b.Dsyrk(blas.Lower, blas.NoTrans, 4, 4, 1, a[:10], 4, 0, a, 4) },
		func(b blas.Float64) { b.Dsyrk(blas.Upper, blas.NoTrans, 4, 2, 1, a, 2, 0, a[:10], 4) },
		func(b blas.Float64) { b.Dsyr2k(blas.Lower, blas.NoTrans, 2, 2, 1, a, 2, a, 1, 0, a, 2) },
		func(b blas.Float64) { b.Dsyr2k(blas.Lower, blas.Trans, 2, 4, 1, a, 2, a[:5], 2, 0, a, 2) },
		func(b blas.Float64) { b.Dsyr2k(blas.Upper, blas.NoTrans, 4, 2, 1, a, 2, a, 2, 0, a[:12], 4) },
	} {
		want := panicValue(func() { f(ref) })
		require.NotNil(t, want, "case %d does not panic in gonum", i)
		require.Equal(t, want, panicValue(func() { f(ours) }), "case %d", i)
	}
}

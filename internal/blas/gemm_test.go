package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// kernelNames returns the kernel families this CPU runs, fastest first.
func kernelNames() []string {
	var names []string
	for _, k := range kernels32 {
		names = append(names, k.name)
	}
	return names
}

// forEachKernel runs f once with each kernel family this CPU has forced, and
// restores the default afterwards.
func forEachKernel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer useKernel(kernelNames()[0])
	for _, name := range kernelNames() {
		require.True(t, useKernel(name))
		t.Run("kernel="+name, f)
	}
}

// gemmCase is one call of Sgemm or Dgemm: sizes, transposes, scalars and
// the padding of each leading dimension beyond its minimum.
type gemmCase struct {
	tA, tB           blas.Transpose
	m, n, k          int
	alpha, beta      float64
	padA, padB, padC int
}

func (c gemmCase) String() string {
	t := func(x blas.Transpose) string {
		if x == blas.NoTrans {
			return "N"
		}
		return "T"
	}
	return fmt.Sprintf("%s%s/m=%d,n=%d,k=%d/alpha=%g,beta=%g/pad=%d,%d,%d", t(c.tA), t(c.tB), c.m, c.n, c.k, c.alpha, c.beta, c.padA, c.padB, c.padC)
}

// dims returns the stored rows and columns of A and B and the leading
// dimensions (at least 1, as BLAS requires).
func (c gemmCase) dims() (ra, ca, lda, rb, cb, ldb, ldc int) {
	ra, ca = c.m, c.k
	if c.tA != blas.NoTrans {
		ra, ca = c.k, c.m
	}
	rb, cb = c.k, c.n
	if c.tB != blas.NoTrans {
		rb, cb = c.n, c.k
	}
	return ra, ca, max(1, ca) + c.padA, rb, cb, max(1, cb) + c.padB, max(1, c.n) + c.padC
}

// sentinel fills the parts of C outside the m x n window; they must keep
// their bits.
var sentinel = math.Float64frombits(0x7ff8dead0000beef)

const sentinel32 = 0x7fc0beef

// operands returns random A, B and C for c (NaN in A and B when alpha = 0,
// which must then not be read; NaN in C's window when beta = 0, which must
// then be overwritten; sentinel NaNs in the padding of C).
func (c gemmCase) operands(rng *rand.Rand) (a, b, cm []float64) {
	ra, _, lda, rb, _, ldb, ldc := c.dims()
	fill := func(rows, ld int, nan bool) []float64 {
		s := make([]float64, max(0, rows*ld))
		for i := range s {
			if nan {
				s[i] = math.NaN()
			} else {
				s[i] = rng.NormFloat64()
			}
		}
		return s
	}
	a = fill(ra, lda, c.alpha == 0)
	b = fill(rb, ldb, c.alpha == 0)
	cm = make([]float64, c.m*ldc)
	for i := range c.m {
		for j := range ldc {
			switch {
			case j >= c.n:
				cm[i*ldc+j] = sentinel
			case c.beta == 0:
				cm[i*ldc+j] = math.NaN()
			default:
				cm[i*ldc+j] = rng.NormFloat64()
			}
		}
	}
	return a, b, cm
}

// reference returns the triple loop's C = alpha·op(A)·op(B) + beta·C in
// float64 (beta·C left out when beta = 0, A and B unread when alpha = 0)
// and, per element, the usual bound on a GEMM's rounding error,
// |alpha|·Σ_l |op(A)_il|·|op(B)_lj| + |beta|·|C_ij|.
func (c gemmCase) reference(a, b, cm []float64) (want, bound []float64) {
	_, _, lda, _, _, ldb, ldc := c.dims()
	want, bound = make([]float64, c.m*c.n), make([]float64, c.m*c.n)
	at := func(i, l int) float64 {
		if c.tA != blas.NoTrans {
			return a[l*lda+i]
		}
		return a[i*lda+l]
	}
	bt := func(l, j int) float64 {
		if c.tB != blas.NoTrans {
			return b[j*ldb+l]
		}
		return b[l*ldb+j]
	}
	for i := range c.m {
		for j := range c.n {
			var s, sa float64
			if c.alpha != 0 {
				for l := range c.k {
					s += at(i, l) * bt(l, j)
					sa += math.Abs(at(i, l) * bt(l, j))
				}
			}
			w, e := c.alpha*s, math.Abs(c.alpha)*sa
			if c.beta != 0 {
				w += c.beta * cm[i*ldc+j]
				e += math.Abs(c.beta * cm[i*ldc+j])
			}
			want[i*c.n+j], bound[i*c.n+j] = w, e
		}
	}
	return want, bound
}

// check64 runs Dgemm on c and compares it with the reference: every
// element within 2(k+2)·ε64 of the error bound (the classical bound is
// k·ε·Σ|a||b| for a sum of k products), the padding of C untouched.
func check64(t *testing.T, c gemmCase, rng *rand.Rand) {
	t.Helper()
	a, b, cm := c.operands(rng)
	want, bound := c.reference(a, b, cm)
	_, _, lda, _, _, ldb, ldc := c.dims()
	Implementation{}.Dgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, cm, ldc)
	tol := 2 * float64(c.k+2) * 0x1p-52
	for i := range c.m {
		for j := range ldc {
			got := cm[i*ldc+j]
			if j >= c.n {
				if math.Float64bits(got) != math.Float64bits(sentinel) {
					t.Fatalf("%v: C[%d,%d] outside the window was written: %g", c, i, j, got)
				}
				continue
			}
			// (NaN fails the comparison.)
			if w, e := want[i*c.n+j], bound[i*c.n+j]; !(math.Abs(got-w) <= tol*e) {
				t.Fatalf("%v: C[%d,%d] = %g, want %g (bound %g)", c, i, j, got, w, e)
			}
		}
	}
}

// check32 runs Sgemm on c (the operands rounded to float32) and compares
// it with the float64 reference on the same rounded operands. Plain
// relative error is ill-posed where a sum of products cancels to near zero,
// so the error is taken relative to the GEMM error bound
// |alpha|·Σ|a||b| + |beta|·|c| of each element: it must be ≤ 1e-5.
func check32(t *testing.T, c gemmCase, rng *rand.Rand) {
	t.Helper()
	a, b, cm := c.operands(rng)
	round := func(s []float64) []float32 {
		r := make([]float32, len(s))
		for i, v := range s {
			r[i] = float32(v)
			s[i] = float64(r[i])
		}
		return r
	}
	a32, b32, c32 := round(a), round(b), round(cm)
	_, _, lda, _, _, ldb, ldc := c.dims()
	for i := range c.m {
		for j := c.n; j < ldc; j++ {
			c32[i*ldc+j] = math.Float32frombits(sentinel32)
		}
	}
	want, bound := c.reference(a, b, cm)
	Implementation{}.Sgemm(c.tA, c.tB, c.m, c.n, c.k, float32(c.alpha), a32, lda, b32, ldb, float32(c.beta), c32, ldc)
	for i := range c.m {
		for j := range ldc {
			got := c32[i*ldc+j]
			if j >= c.n {
				if math.Float32bits(got) != sentinel32 {
					t.Fatalf("%v: C[%d,%d] outside the window was written: %g", c, i, j, got)
				}
				continue
			}
			if w, e := want[i*c.n+j], bound[i*c.n+j]; !(math.Abs(float64(got)-w) <= 1e-5*e) {
				t.Fatalf("%v: C[%d,%d] = %g, want %g (bound %g)", c, i, j, got, w, e)
			}
		}
	}
}

// gemmSizes are the m, n, k of the correctness tests: empty products, one
// element, sizes that are not multiples of any tile (MR = 4 or 8, NR up to
// 48), k beyond the k block (kc = 256 or 384), beyond packATMinK and beyond
// four k blocks (the other loop order for B in place), m
// beyond the row block (512) and n beyond the column block (768 or 960).
var gemmSizes = [][3]int{
	{0, 0, 0}, {0, 3, 2}, {3, 0, 2}, {3, 2, 0}, {1, 1, 1}, {1, 7, 1}, {5, 1, 9},
	{4, 4, 4}, {7, 13, 5}, {8, 48, 3}, {9, 49, 2}, {17, 33, 19}, {16, 17, 64},
	{33, 97, 385}, {13, 25, 800}, {2050, 3, 5}, {3, 1000, 7}, {530, 7, 70}, {9, 50, 1600},
	// A·Bᵀ by dot products (gemmDot: n ≤ dotMaxN, k ≥ dotMinK), with edge
	// blocks of 1-3 rows and 1-2 columns and k not a multiple of the lanes.
	{37, 9, 676}, {3, 2, 130}, {5, 12, 128}, {1, 1, 200}, {4, 3, 1001}, {6, 13, 300},
}

func TestGemmMatchesNaive(t *testing.T) {
	trans := []blas.Transpose{blas.NoTrans, blas.Trans}
	scalars := []float64{0, 1, -0.7, 2}
	forEachKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, s := range gemmSizes {
			for _, tA := range trans {
				for _, tB := range trans {
					for ia, alpha := range scalars {
						for ib, beta := range scalars {
							// Padded leading dimensions for half the scalars.
							pad := [3]int{}
							if (ia+ib)%2 == 1 {
								pad = [3]int{3, 1, 5}
							}
							c := gemmCase{tA: tA, tB: tB, m: s[0], n: s[1], k: s[2], alpha: alpha, beta: beta,
								padA: pad[0], padB: pad[1], padC: pad[2]}
							check64(t, c, rng)
							check32(t, c, rng)
						}
					}
				}
			}
		}
	})
}

// TestGemmSplitK: the products cut along k (splitsK: Aᵀ packed, k ≥
// splitKMinK, a small C) match the triple loop for each transpose of B,
// scalars that keep or drop C, and padded leading dimensions.
func TestGemmSplitK(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for i, ab := range [][2]float64{{1, 0}, {-0.7, 2}, {2, 1}} {
				c := gemmCase{tA: blas.Trans, tB: tB, m: 45, n: 50, k: 4100, alpha: ab[0], beta: ab[1]}
				if i == 1 {
					c.padA, c.padB, c.padC = 3, 1, 5
				}
				require.True(t, active64.splitsK(true, c.m, c.n, c.k) && active32.splitsK(true, c.m, c.n, c.k), "%v is not cut along k", c)
				check64(t, c, rng)
				check32(t, c, rng)
			}
		}
	})
}

// TestGemmConjTrans: ConjTrans means Trans for real matrices, as in gonum.
func TestGemmConjTrans(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := gemmCase{tA: blas.ConjTrans, tB: blas.ConjTrans, m: 11, n: 19, k: 7, alpha: 1.5, beta: 0.5}
	check64(t, c, rng)
	check32(t, c, rng)
}

// TestGemmThreadsBitIdentical: the result is the same to the bit whatever
// the number of goroutines, and from run to run.
func TestGemmThreadsBitIdentical(t *testing.T) {
	defer SetThreads(0)
	forEachKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, c := range []gemmCase{
			{tA: blas.NoTrans, tB: blas.NoTrans, m: 301, n: 257, k: 411, alpha: 0.9, beta: 0.4, padC: 2},
			{tA: blas.Trans, tB: blas.Trans, m: 67, n: 700, k: 500, alpha: -1, beta: 0},
			{tA: blas.NoTrans, tB: blas.Trans, m: 900, n: 40, k: 300, alpha: 1, beta: 1},
			{tA: blas.Trans, tB: blas.NoTrans, m: 1000, n: 40, k: 300, alpha: 2, beta: -1, padA: 3},
			{tA: blas.Trans, tB: blas.Trans, m: 30, n: 1000, k: 300, alpha: 0.5, beta: 0, padB: 1},
			{tA: blas.NoTrans, tB: blas.Trans, m: 1000, n: 9, k: 1000, alpha: 1, beta: 1, padA: 2},    // gemmDot
			{tA: blas.Trans, tB: blas.NoTrans, m: 40, n: 60, k: 5000, alpha: 1.5, beta: 0.5, padA: 3}, // gemmSplitK
		} {
			require.GreaterOrEqual(t, c.m*c.n*c.k, parallelMin, "%v runs on one goroutine", c)
			a, b, cm := c.operands(rng)
			_, _, lda, _, _, ldb, ldc := c.dims()
			var first []float64
			var first32 []float32
			a32, b32 := to32(a), to32(b)
			for _, th := range []int{1, 2, 3, 4, 1, 7} {
				SetThreads(th)
				c64 := append([]float64(nil), cm...)
				Implementation{}.Dgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, c64, ldc)
				c32 := to32(cm)
				Implementation{}.Sgemm(c.tA, c.tB, c.m, c.n, c.k, float32(c.alpha), a32, lda, b32, ldb, float32(c.beta), c32, ldc)
				if first == nil {
					first, first32 = c64, c32
					continue
				}
				for i := range first {
					if math.Float64bits(first[i]) != math.Float64bits(c64[i]) || math.Float32bits(first32[i]) != math.Float32bits(c32[i]) {
						t.Fatalf("%v, %d threads: element %d is %g and %g, was %g and %g with 1 thread", c, th, i, c64[i], c32[i], first[i], first32[i])
					}
				}
			}
		}
	})
}

func to32(s []float64) []float32 {
	r := make([]float32, len(s))
	for i, v := range s {
		r[i] = float32(v)
	}
	return r
}

// TestGemmPanicsAsGonum: programmer errors panic with gonum's values, in
// gonum's order of checks.
func TestGemmPanicsAsGonum(t *testing.T) {
	type args struct {
		tA, tB        blas.Transpose
		m, n, k       int
		lda, ldb, ldc int
		la, lb, lc    int
		alpha, beta   float64
	}
	ok := args{tA: blas.NoTrans, tB: blas.NoTrans, m: 3, n: 4, k: 5, lda: 5, ldb: 4, ldc: 4, la: 15, lb: 20, lc: 12, alpha: 1, beta: 1}
	mod := func(f func(*args)) args { a := ok; f(&a); return a }
	for name, c := range map[string]args{
		"bad tA":                mod(func(a *args) { a.tA = 'X' }),
		"bad tB":                mod(func(a *args) { a.tB = 0 }),
		"m < 0":                 mod(func(a *args) { a.m = -1 }),
		"n < 0":                 mod(func(a *args) { a.n = -1 }),
		"k < 0":                 mod(func(a *args) { a.k = -1 }),
		"lda < k":               mod(func(a *args) { a.lda = 4 }),
		"lda < m (Aᵀ)":          mod(func(a *args) { a.tA, a.lda = blas.Trans, 2 }),
		"ldb < n":               mod(func(a *args) { a.ldb = 3 }),
		"ldb < k (Bᵀ)":          mod(func(a *args) { a.tB, a.ldb = blas.Trans, 4 }),
		"ldc < n":               mod(func(a *args) { a.ldc = 3 }),
		"short a":               mod(func(a *args) { a.la = 14 }),
		"short b":               mod(func(a *args) { a.lb = 19 }),
		"short c":               mod(func(a *args) { a.lc = 11 }),
		"short c, beta 1":       mod(func(a *args) { a.lc, a.alpha = 11, 0 }),
		"valid, m = 0, short a": mod(func(a *args) { a.m, a.la = 0, 0 }),
		"k = 0, lda 0":          mod(func(a *args) { a.k, a.lda = 0, 0 }),
		"lda < k, bad tB":       mod(func(a *args) { a.lda, a.tB = 0, 'Z' }),
		"valid":                 ok,
		"valid, empty":          mod(func(a *args) { a.m, a.n, a.la, a.lc = 0, 0, 0, 0 }),
		"valid, alpha 0":        mod(func(a *args) { a.alpha = 0 }),
		"valid, k 0, beta 0":    mod(func(a *args) { a.k, a.lda, a.beta = 0, 1, 0 }),
	} {
		t.Run(name, func(t *testing.T) {
			catch := func(f func()) (v any) {
				defer func() { v = recover() }()
				f()
				return nil
			}
			call64 := func(impl blas.Float64) any {
				return catch(func() {
					impl.Dgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, make([]float64, c.la), c.lda, make([]float64, c.lb), c.ldb, c.beta, make([]float64, c.lc), c.ldc)
				})
			}
			call32 := func(impl blas.Float32) any {
				return catch(func() {
					impl.Sgemm(c.tA, c.tB, c.m, c.n, c.k, float32(c.alpha), make([]float32, c.la), c.lda, make([]float32, c.lb), c.ldb, float32(c.beta), make([]float32, c.lc), c.ldc)
				})
			}
			want := call64(gonum.Implementation{})
			require.Equal(t, want, call64(Implementation{}), "Dgemm")
			require.Equal(t, call32(gonum.Implementation{}), call32(Implementation{}), "Sgemm")
			if name[:5] == "valid" {
				require.Nil(t, want)
			} else {
				require.NotNil(t, want)
			}
		})
	}
}

// TestTransposers: each family's transposing packer (packT) against the
// definition, for every count of source rows (0 to L) and of elements (1
// to L): dst[i·ldd + r] = src[r·lds + i], zero for rows ≤ r < L, and nothing
// else of dst written.
func TestTransposers(t *testing.T) {
	for _, ks := range kernels32 {
		if ks.packT != nil {
			testTransposer(t, ks.name, ks.packT, ks.lanes)
		}
	}
	for _, ks := range kernels64 {
		if ks.packT != nil {
			testTransposer(t, ks.name, ks.packT, ks.lanes)
		}
	}
}

func testTransposer[T float](t *testing.T, name string, packT transposer[T], l int) {
	const lds, ldd = 37, 3 * 16
	src := make([]T, l*lds)
	for i := range src {
		src[i] = T(i + 1)
	}
	for rows := 0; rows <= l; rows++ {
		for cnt := 1; cnt <= l; cnt++ {
			dst := make([]T, (l+1)*ldd)
			for i := range dst {
				dst[i] = -1
			}
			packT(&dst[0], ldd, &src[0], lds, rows, cnt)
			for i := 0; i <= l; i++ {
				for j := range ldd {
					want := T(-1)
					switch {
					case i < cnt && j < rows:
						want = src[j*lds+i]
					case i < cnt && j < l:
						want = 0
					}
					if got := dst[i*ldd+j]; got != want {
						t.Fatalf("%s, %T, rows %d, cnt %d: dst[%d, %d] = %v, want %v", name, got, rows, cnt, i, j, got, want)
					}
				}
			}
		}
	}
}

// TestGemmConcurrent: products from several goroutines at once (some split
// over the helpers, some on their own goroutine, as the in-flight count
// decides) give the same bits as one product alone.
func TestGemmConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	c := gemmCase{tA: blas.NoTrans, tB: blas.Trans, m: 250, n: 260, k: 270, alpha: 1, beta: 0.5}
	require.GreaterOrEqual(t, c.m*c.n*c.k, parallelMin)
	a, b, cm := c.operands(rng)
	_, _, lda, _, _, ldb, ldc := c.dims()
	want := append([]float64(nil), cm...)
	Implementation{}.Dgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, want, ldc)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Go(func() {
			for r := range 5 {
				got := append([]float64(nil), cm...)
				Implementation{}.Dgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, got, ldc)
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						errs <- fmt.Sprintf("goroutine %d, product %d: element %d is %g, want %g", g, r, i, got[i], want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

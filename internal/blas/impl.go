package blas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's pure-Go BLAS (gonum.Implementation) with the
// level-3 products that the project spends its time in, Sgemm and Dgemm,
// computed by this package's packed kernels (Kernel names them). It
// satisfies gonum's blas.Float32 and blas.Float64 (and so blas32.Use and
// blas64.Use) and gorgonia's BLAS. The default build installs it for the
// whole program; under the openblas tag it stays available for
// comparisons.
type Implementation struct{ gonum.Implementation }

// The panic messages of gonum's BLAS (gonum.org/v1/gonum/blas/gonum,
// errors.go): programmer errors panic with the same values as there.
const (
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	kLT0         = "blas: k < 0"
	badTranspose = "blas: illegal transpose"
	badLdA       = "blas: bad leading dimension of A"
	badLdB       = "blas: bad leading dimension of B"
	badLdC       = "blas: bad leading dimension of C"
	shortA       = "blas: insufficient length of a"
	shortB       = "blas: insufficient length of b"
	shortC       = "blas: insufficient length of c"
)

// checkGemm panics, as gonum's Dgemm does and in the same order, on bad
// arguments of a GEMM, and reports whether there is anything to compute
// (m, n ≥ 1 and not the quick return alpha·AB with alpha = 0 or k = 0 and
// beta = 1). It returns whether A and B are transposed.
func checkGemm(tA, tB blas.Transpose, m, n, k, lda, ldb, ldc, lenA, lenB, lenC int, alphaZero, betaOne bool) (aTrans, bTrans, work bool) {
	switch tA {
	default:
		panic(badTranspose)
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	}
	switch tB {
	default:
		panic(badTranspose)
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	}
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	aTrans = tA == blas.Trans || tA == blas.ConjTrans
	if aTrans {
		if lda < max(1, m) {
			panic(badLdA)
		}
	} else if lda < max(1, k) {
		panic(badLdA)
	}
	bTrans = tB == blas.Trans || tB == blas.ConjTrans
	if bTrans {
		if ldb < max(1, k) {
			panic(badLdB)
		}
	} else if ldb < max(1, n) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return aTrans, bTrans, false
	}
	if aTrans {
		if lenA < (k-1)*lda+m {
			panic(shortA)
		}
	} else if lenA < (m-1)*lda+k {
		panic(shortA)
	}
	if bTrans {
		if lenB < (n-1)*ldb+k {
			panic(shortB)
		}
	} else if lenB < (k-1)*ldb+n {
		panic(shortB)
	}
	if lenC < (m-1)*ldc+n {
		panic(shortC)
	}
	return aTrans, bTrans, !((alphaZero || k == 0) && betaOne)
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C in float32, where op(A) is
// the m×k matrix A or Aᵀ (tA), op(B) the k×n matrix B or Bᵀ (tB), and C is
// m×n; all are row-major with leading dimensions lda, ldb and ldc. With
// beta = 0, C is not read (a NaN in C is overwritten); with alpha = 0, A
// and B are not read. Bad arguments panic as in gonum's Sgemm.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	aT, bT, work := checkGemm(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c), alpha == 0, beta == 1)
	if work {
		gemm(active32, aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// Dgemm is Sgemm in float64.
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	aT, bT, work := checkGemm(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c), alpha == 0, beta == 1)
	if work {
		gemm(active64, aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

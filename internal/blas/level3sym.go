package blas

import "gonum.org/v1/gonum/blas"

// symBlock is the number of rows of C that Dsyrk and Dsyr2k update at a
// time: each block row is one rectangular GEMM beside the diagonal and one
// square product for its diagonal block, of which half is wasted (symBlock/n
// of all the work).
const symBlock = 128

// Dsyrk computes the triangle ul of C = alpha·A·Aᵀ + beta·C (tA = NoTrans, A
// n x k) or C = alpha·Aᵀ·A + beta·C (tA = Trans, A k x n), C n x n, all
// row-major. The other triangle of C is neither read nor written; with
// beta = 0, C is not read. Bad arguments panic as in gonum's Dsyrk.
//
// Q6's PCA forms its Gram matrix XᵀX (1024 x 1024 from 10716 rows) with
// it: by blocks of symBlock rows, each the GEMM of this package (see
// symUpdate), so it runs at the GEMM's speed on half the multiply-adds of
// the full product.
func (Implementation) Dsyrk(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	trans := checkSym(ul, tA, n, k, lda, lda, ldc, len(a), len(a), len(c), false)
	if n == 0 {
		return
	}
	symUpdate(ul, trans, n, k, alpha, a, lda, nil, 0, beta, c, ldc)
}

// Dsyr2k computes the triangle ul of C = alpha·A·Bᵀ + alpha·B·Aᵀ + beta·C
// (tA = NoTrans, A and B n x k) or C = alpha·Aᵀ·B + alpha·Bᵀ·A + beta·C
// (tA = Trans, A and B k x n), as Dsyrk does. It is the rank-2k update of
// the tridiagonal reduction (Dsytrd) after each block of columns.
func (Implementation) Dsyr2k(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	trans := checkSym(ul, tA, n, k, lda, ldb, ldc, len(a), len(b), len(c), true)
	if n == 0 {
		return
	}
	symUpdate(ul, trans, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkSym panics as gonum's Dsyrk (two false) or Dsyr2k (two true) do, in
// the same order, and returns whether A (and B) are transposed.
func checkSym(ul blas.Uplo, tA blas.Transpose, n, k, lda, ldb, ldc, lenA, lenB, lenC int, two bool) bool {
	if ul != blas.Lower && ul != blas.Upper {
		panic(badUplo)
	}
	if tA != blas.Trans && tA != blas.NoTrans && tA != blas.ConjTrans {
		panic(badTranspose)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	row, col := k, n
	if tA == blas.NoTrans {
		row, col = n, k
	}
	if lda < max(1, col) {
		panic(badLdA)
	}
	if two && ldb < max(1, col) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if n == 0 {
		return false
	}
	if lenA < lda*(row-1)+col {
		panic(shortA)
	}
	if two && lenB < ldb*(row-1)+col {
		panic(shortB)
	}
	if lenC < ldc*(n-1)+n {
		panic(shortC)
	}
	return tA != blas.NoTrans
}

// symUpdate computes the triangle ul of C = beta·C + alpha·Â·B̂ᵀ (b nil) or
// of C = beta·C + alpha·Â·B̂ᵀ + alpha·B̂·Âᵀ, where Â = A, B̂ = B (n x k) or,
// with trans, Â = Aᵀ, B̂ = Bᵀ (A, B k x n). For each block I of symBlock
// rows:
//
//   - beside the diagonal block (columns before it for the lower triangle,
//     after it for the upper), C[I, J] = beta·C[I, J] + alpha·Â[I]·B̂[J]ᵀ,
//     one GEMM, plus alpha·B̂[I]·Â[J]ᵀ with beta = 1 for the rank-2k update;
//   - the diagonal block is computed whole into a temporary W by the same
//     products with beta = 0, and its triangle added: C = beta·C + W.
func symUpdate(ul blas.Uplo, trans bool, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if alpha == 0 || k == 0 {
		for i := range n {
			lo, hi := triRow(ul, n, i)
			scale(1, hi-lo, beta, c[i*ldc+lo:], ldc)
		}
		return
	}
	// rows returns Â's rows i0.. as a GEMM operand: A itself from row i0
	// (not transposed) or A from column i0 (transposed).
	rows := func(m []float64, ld, i0 int) []float64 {
		if trans {
			return m[i0:]
		}
		return m[i0*ld:]
	}
	prod := func(m, nn, i0, j0 int, beta float64, dst []float64, ldd int) {
		bb, ldbb := a, lda
		if b != nil {
			bb, ldbb = b, ldb
		}
		gemm(active64, trans, !trans, m, nn, k, alpha, rows(a, lda, i0), lda, rows(bb, ldbb, j0), ldbb, beta, dst, ldd)
		if b != nil {
			gemm(active64, trans, !trans, m, nn, k, alpha, rows(b, ldb, i0), ldb, rows(a, lda, j0), lda, 1, dst, ldd)
		}
	}
	nb := min(symBlock, n)
	w := getScratch(nb * nb)
	defer putScratch(w)
	for i0 := 0; i0 < n; i0 += nb {
		i1 := min(i0+nb, n)
		m := i1 - i0
		if ul == blas.Lower && i0 > 0 {
			prod(m, i0, i0, 0, beta, c[i0*ldc:], ldc)
		}
		if ul == blas.Upper && i1 < n {
			prod(m, n-i1, i0, i1, beta, c[i0*ldc+i1:], ldc)
		}
		prod(m, m, i0, i0, 0, w, m)
		for i := range m {
			lo, hi := triRow(ul, m, i)
			cr, wr := c[(i0+i)*ldc+i0:], w[i*m:]
			for j := lo; j < hi; j++ {
				if beta == 0 {
					cr[j] = wr[j]
				} else {
					cr[j] = beta*cr[j] + wr[j]
				}
			}
		}
	}
}

// triRow returns the columns lo..hi-1 of row i in the triangle ul of an
// n x n matrix.
func triRow(ul blas.Uplo, n, i int) (lo, hi int) {
	if ul == blas.Lower {
		return 0, i + 1
	}
	return i, n
}

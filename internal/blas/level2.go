package blas

import (
	"sync"

	"gonum.org/v1/gonum/blas"
)

// Panic messages of gonum's level-2 and symmetric routines (errors.go).
const (
	badUplo  = "blas: illegal triangle"
	zeroIncX = "blas: zero x index increment"
	zeroIncY = "blas: zero y index increment"
	shortX   = "blas: insufficient length of x"
	shortY   = "blas: insufficient length of y"
)

// Dsymv computes y = alpha·A·x + beta·y for the n x n symmetric A of which
// only the triangle ul is stored (row-major, leading dimension lda) and the
// vectors x and y of n elements incX and incY apart. With beta = 0, y is
// not read; with alpha = 0, A and x are not. Bad arguments panic as in
// gonum's Dsymv.
//
// It is the matrix-vector product of the tridiagonal reduction of a
// symmetric matrix (LAPACK's Dsytrd, through Dlatrd: one product per
// column of the matrix with the part below it), which Q6's PCA runs on the
// 1024 x 1024 Gram matrix: gonum's Dsymv, one scalar multiply-add at a
// time, took 70% of that reduction. Here row i of the stored triangle, a
// contiguous run of the row-major array, is read once for both of its uses:
// with the lower triangle stored, t = A·x gets
//
//	t[i] += Σ_{j<i} a_ij x_j + a_ii x_i   (row i times x)
//	t[j] += a_ij x_i for j < i             (the same entries as column i, above the diagonal)
//
// both by one vector kernel per row (symvRow), then y = beta·y + alpha·t.
// Each t[i] is summed in an order that depends only on n and the kernel
// family, so the result is the same from run to run.
func (Implementation) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if ul != blas.Lower && ul != blas.Upper {
		panic(badUplo)
	}
	if n < 0 {
		panic(nLT0)
	}
	if lda < max(1, n) {
		panic(badLdA)
	}
	if incX == 0 {
		panic(zeroIncX)
	}
	if incY == 0 {
		panic(zeroIncY)
	}
	if n == 0 {
		return
	}
	if len(a) < lda*(n-1)+n {
		panic(shortA)
	}
	if (incX > 0 && len(x) <= (n-1)*incX) || (incX < 0 && len(x) <= (1-n)*incX) {
		panic(shortX)
	}
	if (incY > 0 && len(y) <= (n-1)*incY) || (incY < 0 && len(y) <= (1-n)*incY) {
		panic(shortY)
	}
	if alpha == 0 && beta == 1 {
		return
	}
	// The element i of x is x[kx + i·incX] (BLAS: a negative increment
	// walks the vector from its end).
	kx, ky := 0, 0
	if incX < 0 {
		kx = -(n - 1) * incX
	}
	if incY < 0 {
		ky = -(n - 1) * incY
	}
	if alpha == 0 {
		for i := range n {
			iy := ky + i*incY
			if beta == 0 {
				y[iy] = 0
			} else {
				y[iy] *= beta
			}
		}
		return
	}
	buf := getScratch(2 * n)
	defer putScratch(buf)
	xs, t := buf[:n], buf[n:2*n]
	for i := range n {
		xs[i] = x[kx+i*incX]
	}
	clear(t)
	symv(ul == blas.Lower, n, a, lda, xs, t)
	for i := range n {
		iy := ky + i*incY
		if beta == 0 {
			y[iy] = alpha * t[i]
		} else {
			y[iy] = beta*y[iy] + alpha*t[i]
		}
	}
}

// symv adds A·x to t for the symmetric A stored in its lower (lower) or
// upper triangle, row by row (see Dsymv).
func symv(lower bool, n int, a []float64, lda int, x, t []float64) {
	k := activeVec()
	for i := range n {
		xi := x[i]
		var lo, hi int // the off-diagonal run of row i: columns lo..hi-1
		if lower {
			lo, hi = 0, i
		} else {
			lo, hi = i+1, n
		}
		row := a[i*lda+lo : i*lda+hi]
		xr, tr := x[lo:hi], t[lo:hi]
		m := len(row) - len(row)%k.lanes
		var dot float64
		if m > 0 {
			dot = k.symvRow(&row[0], &xr[0], &tr[0], m, xi)
		}
		dot += symvRowGo(row[m:], xr[m:], tr[m:], xi)
		t[i] += a[i*lda+i]*xi + dot
	}
}

// symvRowGo returns Σ a[j]·x[j] and adds xi·a[j] to t[j], for j < len(a):
// the portable symvRow.
func symvRowGo(a, x, t []float64, xi float64) float64 {
	x, t = x[:len(a)], t[:len(a)]
	var dot float64
	for j, v := range a {
		dot += v * x[j]
		t[j] += xi * v
	}
	return dot
}

// scratch holds the temporary vectors of Dsymv (it runs once per column of
// a tridiagonal reduction).
var scratch sync.Pool

func getScratch(n int) []float64 {
	if p, ok := scratch.Get().(*[]float64); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float64, n)
}

func putScratch(b []float64) { scratch.Put(&b) }

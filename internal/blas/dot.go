package blas

// Products C = alpha·A·Bᵀ + beta·C with few columns and a long k, such as
// the weight gradient of a convolution with one input channel (dW = dY·colsᵀ:
// 9 columns, k = 676-900 output pixels per image), go to gemmDot. The tiles
// of gemmSerial take their vectors along the columns of C: 9 columns fill 9
// of 16 lanes, and Bᵀ must be transposed into panels first. Both A and B
// run along k in memory here, so gemmDot takes its vectors along k instead
// (a dot product per element of C), as OpenBLAS's small-matrix kernels do.

// dotMaxN and dotMinK bound the products of gemmDot: at most dotMaxN
// columns (up to 12 the tiles of gemmSerial leave a quarter or more of the
// lanes of AVX-512's float32 vectors empty), and a k of at least dotMinK
// (each element's lanes are added at the end, which a short k does not
// repay).
const (
	dotMaxN = 12
	dotMinK = 128
)

// usesDot reports whether gemm hands the product to gemmDot.
func (ks *kernelSet[T]) usesDot(tA, tB bool, n, k int) bool {
	return ks.dot != nil && !tA && tB && n <= dotMaxN && k >= dotMinK
}

// gemmDotShares is gemmDot on up to w goroutines, each taking a share of the
// rows of C (whole blocks of dotMR).
func gemmDotShares[T float](ks *kernelSet[T], w, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	mr := ks.dotMR
	blocks := (m + mr - 1) / mr
	w = min(w, blocks)
	if w <= 1 {
		gemmDot(ks, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	runShares(w, w-1, func(t int) {
		lo, hi := t*blocks/w*mr, min((t+1)*blocks/w*mr, m)
		gemmDot(ks, hi-lo, n, k, alpha, a[lo*lda:], lda, b, ldb, beta, c[lo*ldc:], ldc)
	})
}

// gemmDot computes C = alpha·A·Bᵀ + beta·C (A is m x k, B is n x k, both
// row-major) for alpha ≠ 0 and k ≥ 1: each element is the dot product of a
// row of A and a row of B, computed by ks.dot dotMR rows of A by three rows
// of B at a time:
//
//	C[i, j] = alpha·dot(A[i, :], B[j, :]) + beta·C[i, j].
//
// At the edges of C a block repeats the last row of A or of B and stores
// only its own elements. With beta = 0, C is not read. An element's value
// depends only on its row of A and its row of B, not on its block or on the
// split of C over goroutines.
func gemmDot[T float](ks *kernelSet[T], m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	mr := ks.dotMR
	// The products of a block go through the workspace: a local array
	// would escape to the heap through the kernel's function value.
	ws := ks.getWorkspace(3*mr, 0)
	defer ks.putWorkspace(ws)
	d := ws.a[:3*mr]
	// A block of rows of A stays in L1 while the rows of B go by (B is
	// small: it has at most dotMaxN rows).
	for i0 := 0; i0 < m; i0 += mr {
		rows := min(mr, m-i0)
		for j0 := 0; j0 < n; j0 += 3 {
			cols := min(3, n-j0)
			ks.dot(k, &a[i0*lda], lda, rows, &b[j0*ldb], ldb, cols, &d[0])
			for i := range rows {
				cr := c[(i0+i)*ldc+j0 : (i0+i)*ldc+j0+cols]
				for j := range cr {
					if beta == 0 {
						cr[j] = alpha * d[3*i+j]
					} else {
						cr[j] = alpha*d[3*i+j] + beta*cr[j]
					}
				}
			}
		}
	}
}

package pca

import (
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// gramEigen returns the eigenvalues of the Gram matrix G = X̃ᵀX̃ of the
// N x D centred data xc, all D of them in decreasing order, and the unit
// eigenvectors of the k largest as the columns of a D x k matrix. These are
// X̃'s squared singular values σ_i² and its right singular vectors: the
// thin SVD's V without forming U or working on the N x D matrix beyond one
// product. See docs/q6_pca.md#method. The steps:
//
//  1. G = X̃ᵀX̃ by Dsyrk (the lower triangle; GEMM blocks, N·D²
//     multiply-adds: the only pass over the data);
//  2. Householder reduction G = Q T Qᵀ to a symmetric tridiagonal T
//     (LAPACK's Dsytrd; Q is kept as its D-1 reflectors);
//  3. all eigenvalues of T by the implicit QL/QR iteration without
//     vectors (Dsterf, O(D²));
//  4. eigenvectors of T for the k largest by inverse iteration
//     (tridiagVectors, O(D) per step);
//  5. back to G's eigenvectors: V = Q Z by applying the reflectors to the
//     D x k matrix Z (Dormqr, as LAPACK's Dormtr does).
//
// Forming G squares X̃'s condition number: an eigenvalue λ of G is
// computed with an error of about ε·λ_max, so the small variances lose
// their relative accuracy (PCA keeps the large ones), and an eigenvector
// with an error of about ε·λ_max / gap, the gap to the nearest other
// eigenvalue (on NIST36, ≥ 0.009 of λ_max = 7.68 among the first 33: an
// error of order 10⁻¹³).
func gramEigen(xc *mat.Dense, k int) (vals []float64, vecs *mat.Dense, err error) {
	n, d := xc.Dims()
	raw := xc.RawMatrix()
	g := make([]float64, d*d)
	blas64.Implementation().Dsyrk(blas.Lower, blas.Trans, d, n, 1, raw.Data, raw.Stride, 0, g, d)

	var lapack gonum.Implementation
	diag, off, tau := make([]float64, d), make([]float64, max(d-1, 1)), make([]float64, max(d-1, 1))
	work := []float64{0}
	lapack.Dsytrd(blas.Lower, d, g, d, diag, off, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack.Dsytrd(blas.Lower, d, g, d, diag, off, tau, work, len(work))

	// Dsterf overwrites its arguments: keep T for the eigenvectors.
	vals = append([]float64(nil), diag...)
	e := append([]float64(nil), off[:d-1]...)
	if !lapack.Dsterf(d, vals, e) {
		return nil, nil, errors.New("pca: the tridiagonal eigenvalue iteration did not converge")
	}
	// Dsterf sorts them increasing.
	for i, j := 0, d-1; i < j; i, j = i+1, j-1 {
		vals[i], vals[j] = vals[j], vals[i]
	}

	z := tridiagVectors(diag, off[:d-1], vals[:k])
	if d > 1 {
		zr := z.RawMatrix()
		work = []float64{0}
		lapack.Dormqr(blas.Left, blas.NoTrans, d-1, k, d-1, g[d:], d, tau[:d-1], zr.Data[zr.Stride:], zr.Stride, work, -1)
		work = make([]float64, int(work[0]))
		lapack.Dormqr(blas.Left, blas.NoTrans, d-1, k, d-1, g[d:], d, tau[:d-1], zr.Data[zr.Stride:], zr.Stride, work, len(work))
	}
	return vals, z, nil
}

// Constants of the inverse iteration, LAPACK's (dstein.f).
const (
	invMaxIter = 5       // solves per eigenvector at most
	invExtra   = 2       // solves after the convergence test first passes
	invOrtho   = 1e-3    // eigenvalues closer than invOrtho·‖T‖₁ are orthogonalised against each other
	invEps     = 0x1p-52 // machine epsilon
)

// tridiagVectors returns the n x len(w) matrix whose column j is a unit
// eigenvector of the symmetric tridiagonal T (diagonal d, off-diagonal e)
// for its eigenvalue w[j], by inverse iteration as LAPACK's Dstein does
// it: from a fixed pseudo-random start x, solve (T - w_j I) x' = x a few
// times, scaling x each time. The solution is dominated by the eigenvector
// of the eigenvalue nearest w_j by the factor 1/|λ - w_j| (huge when w_j
// is accurate, as Dsterf's are to about ε‖T‖), so two or three solves
// suffice. The w must be in decreasing order; an eigenvalue closer to the
// one before than invOrtho·‖T‖₁ is moved away from it by 10ε|w_j| and its
// vector is orthogonalised against the vectors of that cluster after each
// solve (modified Gram-Schmidt), so that repeated or close eigenvalues get
// orthogonal vectors.
func tridiagVectors(d, e, w []float64) *mat.Dense {
	n, k := len(d), len(w)
	z := mat.NewDense(n, k, nil)
	// ‖T‖₁, the largest column sum of |T|.
	var norm float64
	for i := range n {
		s := math.Abs(d[i])
		if i > 0 {
			s += math.Abs(e[i-1])
		}
		if i < n-1 {
			s += math.Abs(e[i])
		}
		norm = max(norm, s)
	}
	if n == 1 {
		for j := range k {
			z.Set(0, j, 1)
		}
		return z
	}
	rng := rand.New(rand.NewPCG(1, 2))
	stop := math.Sqrt(0.1 / float64(n)) // Dstein's dtpcrt
	var lu triLU
	x := make([]float64, n)
	col := make([]float64, n)
	cluster := 0 // first column of the current cluster
	prev := math.Inf(1)
	for j, wj := range w {
		if prev-wj > invOrtho*norm {
			cluster = j
		} else if pert := 10 * invEps * math.Abs(wj); prev-wj < pert {
			wj = prev - pert
		}
		prev = wj
		lu.factor(d, e, wj, invEps*norm)
		for i := range x {
			x[i] = 2*rng.Float64() - 1
		}
		checks := 0
		for range invMaxIter {
			// Scale x so that the solve neither overflows nor underflows.
			s := float64(n) * norm * max(invEps, math.Abs(lu.u0[n-1])) / math.Abs(x[argmaxAbs(x)])
			for i := range x {
				x[i] *= s
			}
			lu.solve(x)
			for c := cluster; c < j; c++ {
				mat.Col(col, c, z)
				var dot float64
				for i, v := range col {
					dot += v * x[i]
				}
				for i, v := range col {
					x[i] -= dot * v
				}
			}
			// The right-hand side had max |x_i| = n‖T‖₁·max(ε, |u_nn|): a
			// solution that grew to stop or more has converged.
			if math.Abs(x[argmaxAbs(x)]) >= stop {
				if checks++; checks > invExtra {
					break
				}
			}
		}
		var ss float64
		for _, v := range x {
			ss += v * v
		}
		nrm := math.Sqrt(ss)
		for i, v := range x {
			z.Set(i, j, v/nrm)
		}
	}
	return z
}

// argmaxAbs returns the index of the entry of x of largest magnitude.
func argmaxAbs(x []float64) int {
	best := 0
	for i, v := range x {
		if math.Abs(v) > math.Abs(x[best]) {
			best = i
		}
	}
	return best
}

// triLU is the LU factorisation with partial pivoting of T - λI, T
// symmetric tridiagonal (LAPACK's Dgttrf): P(T - λI) = L U, L unit lower
// bidiagonal (multipliers l, swap[i] when rows i and i+1 were exchanged),
// U upper triangular with the diagonal u0 and two superdiagonals u1, u2.
type triLU struct {
	l, u0, u1, u2 []float64
	swap          []bool
}

// factor factorises T - λI; pivots smaller in magnitude than tol are
// replaced by ±tol, so that the solve of a (nearly) singular system, the
// point of inverse iteration, stays finite.
func (f *triLU) factor(d, e []float64, lambda, tol float64) {
	n := len(d)
	if len(f.u0) != n {
		f.l, f.u0, f.u1, f.u2 = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		f.swap = make([]bool, n)
	}
	for i := range n {
		f.u0[i] = d[i] - lambda
		f.u2[i] = 0
		if i < n-1 {
			f.u1[i], f.l[i] = e[i], e[i]
		}
	}
	for i := 0; i < n-1; i++ {
		f.swap[i] = math.Abs(f.u0[i]) < math.Abs(f.l[i])
		if !f.swap[i] {
			// Row i+1 -= m·row i, m = sub/pivot.
			m := 0.0
			if f.u0[i] != 0 {
				m = f.l[i] / f.u0[i]
			}
			f.l[i] = m
			f.u0[i+1] -= m * f.u1[i]
			continue
		}
		// Exchange rows i and i+1, then eliminate.
		m := f.u0[i] / f.l[i]
		f.u0[i] = f.l[i]
		f.l[i] = m
		t := f.u1[i]
		f.u1[i] = f.u0[i+1]
		f.u0[i+1] = t - m*f.u0[i+1]
		if i < n-2 {
			f.u2[i] = f.u1[i+1]
			f.u1[i+1] = -m * f.u1[i+1]
		}
	}
	for i, p := range f.u0 {
		if math.Abs(p) < tol {
			f.u0[i] = math.Copysign(tol, p)
		}
	}
}

// solve overwrites b with the solution of (T - λI) x = b.
func (f *triLU) solve(b []float64) {
	n := len(b)
	for i := 0; i < n-1; i++ {
		if f.swap[i] {
			b[i], b[i+1] = b[i+1], b[i]-f.l[i]*b[i+1]
		} else {
			b[i+1] -= f.l[i] * b[i]
		}
	}
	b[n-1] /= f.u0[n-1]
	if n > 1 {
		b[n-2] = (b[n-2] - f.u1[n-2]*b[n-1]) / f.u0[n-2]
	}
	for i := n - 3; i >= 0; i-- {
		b[i] = (b[i] - f.u1[i]*b[i+1] - f.u2[i]*b[i+2]) / f.u0[i]
	}
}

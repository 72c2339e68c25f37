package pca

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	_ "recog/internal/blas" // the program's one BLAS switch: mat.SVD's products use its GEMM
)

// Model is a PCA fitted on N rows of dimension D, keeping K components.
type Model struct {
	// Mean is μ, the column means of the training data (D values).
	Mean []float64
	// P is the D x K projection matrix whose orthonormal columns are the
	// first K principal directions (right singular vectors of the centred
	// data, by decreasing singular value). Each column's sign is fixed so
	// that its entry of largest magnitude is positive.
	P *mat.Dense
	// Variances are the variances along all min(N, D) principal directions,
	// λ_i = σ_i² / (N - 1) (σ_i the singular values of the centred data),
	// in decreasing order: the eigenvalues of the sample covariance.
	Variances []float64
	// N is the number of training rows.
	N int
}

// Fit returns the PCA of the rows of x keeping k components. The principal
// directions are the right singular vectors of the centred data
// X̃ = X - 1μᵀ = U Σ Vᵀ, P = V[:, :k], and the variances λ_i = σ_i²/(N-1).
// With at least as many rows as columns (N ≥ D, Q6's 10716 x 1024) they
// are computed from the D x D Gram matrix X̃ᵀX̃ = V Σ² Vᵀ (gramEigen: one
// product over the data, then a symmetric tridiagonal eigenproblem, the k
// vectors by inverse iteration), else (or if that fails) by the thin SVD
// (FitSVD). See docs/q6_pca.md#method.
//
//recog:starter Q6.1
func Fit(x mat.Matrix, k int) (*Model, error) {
	xc, mean, err := centre(x, k)
	if err != nil {
		return nil, err
	}
	n, d := xc.Dims()
	if n < d {
		return fitSVD(xc, mean, k)
	}
	vals, v, err := gramEigen(xc, k)
	if err != nil {
		return fitSVD(xc, mean, k)
	}
	vars := make([]float64, d)
	for i, l := range vals {
		// λ ≥ 0 exactly; a tiny negative value is rounding.
		vars[i] = math.Max(l, 0) / float64(n-1)
	}
	fixSigns(v)
	return &Model{Mean: mean, P: v, Variances: vars, N: n}, nil
}

// FitSVD returns the same PCA as Fit from the thin SVD of the centred data
// X̃ = U Σ Vᵀ (gonum's mat.SVD, only V formed): P = V[:, :k], λ_i =
// σ_i²/(N-1). It works on X̃ itself and so keeps the small variances to
// their full relative accuracy; it is Fit's method for data with fewer
// rows than columns, and its cross-check. See docs/q6_pca.md#method.
func FitSVD(x mat.Matrix, k int) (*Model, error) {
	xc, mean, err := centre(x, k)
	if err != nil {
		return nil, err
	}
	return fitSVD(xc, mean, k)
}

func fitSVD(xc *mat.Dense, mean []float64, k int) (*Model, error) {
	n, d := xc.Dims()
	var svd mat.SVD
	if !svd.Factorize(xc, mat.SVDThinV) {
		return nil, errors.New("pca: SVD did not converge")
	}
	sv := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v)
	vars := make([]float64, len(sv))
	for i, s := range sv {
		vars[i] = s * s / float64(n-1)
	}
	p := mat.DenseCopyOf(v.Slice(0, d, 0, k))
	fixSigns(p)
	return &Model{Mean: mean, P: p, Variances: vars, N: n}, nil
}

// FitCovariance returns the same PCA as Fit from the eigen-decomposition of
// the sample covariance C = (X - 1μᵀ)ᵀ(X - 1μᵀ) / (N - 1) = V Λ Vᵀ (gonum's
// mat.EigenSym, all eigenvectors by the implicit QL iteration): P holds the
// eigenvectors of the k largest eigenvalues and Variances the eigenvalues
// in decreasing order (min(N, D) of them). It is the textbook route to what
// Fit computes, kept as a cross-check (about 10 times slower on Q6's data).
// See docs/q6_pca.md#method.
func FitCovariance(x mat.Matrix, k int) (*Model, error) {
	xc, mean, err := centre(x, k)
	if err != nil {
		return nil, err
	}
	n, d := xc.Dims()
	// XᵀX by the general (blocked, parallel) product, then its upper triangle.
	var g mat.Dense
	g.Mul(xc.T(), xc)
	g.Scale(1/float64(n-1), &g)
	c := mat.NewSymDense(d, g.RawMatrix().Data)
	var eig mat.EigenSym
	if !eig.Factorize(c, true) {
		return nil, errors.New("pca: eigen-decomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return -cmpFloat(vals[a], vals[b]) })
	m := min(n, d)
	vars := make([]float64, m)
	p := mat.NewDense(d, k, nil)
	col := make([]float64, d)
	for j, o := range order[:m] {
		vars[j] = math.Max(vals[o], 0)
		if j < k {
			mat.Col(col, o, &vecs)
			p.SetCol(j, col)
		}
	}
	fixSigns(p)
	return &Model{Mean: mean, P: p, Variances: vars, N: n}, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// centre checks x and k and returns X - 1μᵀ and μ.
func centre(x mat.Matrix, k int) (*mat.Dense, []float64, error) {
	if x == nil {
		return nil, nil, errors.New("pca: nil data")
	}
	n, d := x.Dims()
	switch {
	case n < 2 || d < 1:
		return nil, nil, fmt.Errorf("pca: data is %d x %d, want at least 2 rows and 1 column", n, d)
	case k < 1 || k > min(n, d):
		return nil, nil, fmt.Errorf("pca: %d components of %d x %d data, want 1 ≤ k ≤ %d", k, n, d, min(n, d))
	}
	xc := mat.DenseCopyOf(x)
	mean := make([]float64, d)
	for i := range n {
		row := xc.RawRowView(i)
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("pca: data entry (%d, %d) is %v, want finite", i, j, v)
			}
		}
		floats.Add(mean, row)
	}
	floats.Scale(1/float64(n), mean)
	for i := range n {
		floats.Sub(xc.RawRowView(i), mean)
	}
	return xc, mean, nil
}

// fixSigns flips each column of p whose entry of largest magnitude is
// negative, so that the directions do not depend on the solver's sign.
func fixSigns(p *mat.Dense) {
	d, k := p.Dims()
	for j := range k {
		best := 0.0
		for i := range d {
			if v := p.At(i, j); math.Abs(v) > math.Abs(best) {
				best = v
			}
		}
		if best < 0 {
			for i := range d {
				p.Set(i, j, -p.At(i, j))
			}
		}
	}
}

// K returns the number of components kept (columns of P).
func (m *Model) K() int { _, k := m.P.Dims(); return k }

// D returns the data dimension (rows of P).
func (m *Model) D() int { d, _ := m.P.Dims(); return d }

func (m *Model) checkInput(x mat.Matrix) error {
	if x == nil {
		return errors.New("pca: nil input")
	}
	if r, c := x.Dims(); r == 0 || c != m.D() {
		return fmt.Errorf("pca: input is %d x %d, want N x %d with N > 0", r, c, m.D())
	}
	return nil
}

// Project returns the codes Z = (X - 1μᵀ) P, N x K.
func (m *Model) Project(x mat.Matrix) (*mat.Dense, error) {
	if err := m.checkInput(x); err != nil {
		return nil, err
	}
	xc := mat.DenseCopyOf(x)
	n, _ := xc.Dims()
	for i := range n {
		floats.Sub(xc.RawRowView(i), m.Mean)
	}
	var z mat.Dense
	z.Mul(xc, m.P)
	return &z, nil
}

// Reconstruct returns X̂ = 1μᵀ + (X - 1μᵀ) P Pᵀ, the projection of every row
// of x onto the affine subspace through μ spanned by the columns of P.
// See docs/q6_pca.md#q62-reconstructions.
func (m *Model) Reconstruct(x mat.Matrix) (*mat.Dense, error) {
	z, err := m.Project(x)
	if err != nil {
		return nil, err
	}
	var xhat mat.Dense
	xhat.Mul(z, m.P.T())
	n, _ := xhat.Dims()
	for i := range n {
		floats.Add(xhat.RawRowView(i), m.Mean)
	}
	return &xhat, nil
}

// ExplainedVariance returns the fraction of the total variance along the
// first K principal directions, Σ_{i<K} λ_i / Σ_i λ_i.
func (m *Model) ExplainedVariance() float64 {
	k := m.K()
	return floats.Sum(m.Variances[:k]) / floats.Sum(m.Variances)
}

// Rank returns the numerical rank of P: the number of its singular values
// above max(D, K) · ε · σ_max (ε the float64 machine epsilon).
func (m *Model) Rank() (int, error) {
	return rank(m.P)
}

func rank(a mat.Matrix) (int, error) {
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		return 0, errors.New("pca: SVD of P did not converge")
	}
	sv := svd.Values(nil)
	r, c := a.Dims()
	tol := float64(max(r, c)) * 0x1p-52 * sv[0]
	n := 0
	for _, s := range sv {
		if s > tol {
			n++
		}
	}
	return n, nil
}

// Params returns the number of values PCA learns: D·K for P plus D for the
// mean μ. See docs/q6_pca.md#q64-parameters.
func (m *Model) Params() (projection, mean int) {
	return m.D() * m.K(), m.D()
}

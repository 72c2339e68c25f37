package pca

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// lowRankData returns n x d rows μ + z A + noise: z ~ N(0, diag(s)) in r
// dimensions, A a random r x d matrix, plus small isotropic noise, so that
// the spectrum falls off and the leading directions are well separated.
func lowRankData(seed uint64, n, d, r int) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	a := mat.NewDense(r, d, nil)
	for i := range r {
		for j := range d {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	x := mat.NewDense(n, d, nil)
	z := make([]float64, r)
	for i := range n {
		for k := range r {
			z[k] = rng.NormFloat64() * math.Pow(0.7, float64(k)) * 3
		}
		row := x.RawRowView(i)
		for k := range r {
			floats.AddScaled(row, z[k], a.RawRowView(k))
		}
		for j := range row {
			row[j] += 0.05*rng.NormFloat64() + float64(j%5)
		}
	}
	return x
}

// projector returns P Pᵀ, the orthogonal projector onto span(P).
func projector(p mat.Matrix) *mat.Dense {
	var pp mat.Dense
	pp.Mul(p, p.T())
	return &pp
}

func requireNear(t *testing.T, want, got mat.Matrix, tol float64, msg string) {
	t.Helper()
	var diff mat.Dense
	diff.Sub(want, got)
	require.LessOrEqual(t, mat.Norm(&diff, math.Inf(1)), tol, msg)
}

func TestQ6_1_ProjectionOrthonormal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n, d, k int
	}{
		{"tall", 200, 30, 5},
		{"wide", 20, 50, 8},
		{"all components", 60, 12, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Fit(lowRankData(1, tc.n, tc.d, 10), tc.k)
			require.NoError(t, err)
			d, k := m.P.Dims()
			require.Equal(t, []int{tc.d, tc.k}, []int{d, k})
			var ptp mat.Dense
			ptp.Mul(m.P.T(), m.P)
			requireNear(t, eye(tc.k), &ptp, 1e-12, "PᵀP = I")
			r, err := m.Rank()
			require.NoError(t, err)
			require.Equal(t, tc.k, r)
			require.Len(t, m.Variances, min(tc.n, tc.d))
			require.True(t, sortedDesc(m.Variances), "variances decrease")
		})
	}
}

func eye(k int) *mat.Dense {
	m := mat.NewDense(k, k, nil)
	for i := range k {
		m.Set(i, i, 1)
	}
	return m
}

func sortedDesc(v []float64) bool {
	for i := 1; i < len(v); i++ {
		if v[i] > v[i-1] {
			return false
		}
	}
	return true
}

// TestQ6_1_SubspaceMatchesStatPC compares the projector P Pᵀ with that of
// gonum's stat.PC on the same data, and the variances.
func TestQ6_1_SubspaceMatchesStatPC(t *testing.T) {
	x := lowRankData(2, 300, 40, 12)
	const k = 6
	m, err := Fit(x, k)
	require.NoError(t, err)

	var pc stat.PC
	require.True(t, pc.PrincipalComponents(x, nil))
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	requireNear(t, projector(vecs.Slice(0, 40, 0, k)), projector(m.P), 1e-10, "P Pᵀ equals stat.PC's")
	vars := pc.VarsTo(nil)
	for i := range vars {
		require.InDelta(t, vars[i], m.Variances[i], 1e-10*vars[0], "variance %d", i)
	}
}

// TestSVDEqualsEigen checks PCA by SVD against PCA by eigen-decomposition of
// the covariance: the same projector and λ_i = σ_i² / (N-1), to 1e-8.
func TestSVDEqualsEigen(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n, d, k int
	}{
		{"tall", 400, 32, 8},
		{"wide", 25, 60, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := lowRankData(3, tc.n, tc.d, 15)
			a, err := Fit(x, tc.k)
			require.NoError(t, err)
			b, err := FitCovariance(x, tc.k)
			require.NoError(t, err)
			requireNear(t, projector(a.P), projector(b.P), 1e-8, "P Pᵀ")
			requireNear(t, a.P, b.P, 1e-8, "P itself (same sign convention)")
			require.Len(t, b.Variances, len(a.Variances))
			for i := range a.Variances {
				require.InDelta(t, a.Variances[i], b.Variances[i], 1e-8*a.Variances[0], "λ_%d", i)
			}
			require.Equal(t, a.Mean, b.Mean)
		})
	}
}

// TestQ6_2_ReconstructionErrorIsDiscardedVariance checks
// ‖X - X̂‖²_F = (N - 1) Σ_{i ≥ K} λ_i on the training data.
func TestQ6_2_ReconstructionErrorIsDiscardedVariance(t *testing.T) {
	x := lowRankData(4, 250, 30, 20)
	n, _ := x.Dims()
	for _, k := range []int{1, 5, 15, 29, 30} {
		m, err := Fit(x, k)
		require.NoError(t, err)
		xhat, err := m.Reconstruct(x)
		require.NoError(t, err)
		var diff mat.Dense
		diff.Sub(x, xhat)
		sse := mat.Norm(&diff, 2) * mat.Norm(&diff, 2)
		want := float64(n-1) * floats.Sum(m.Variances[k:])
		total := float64(n-1) * floats.Sum(m.Variances)
		require.InDelta(t, want, sse, 1e-9*total, "k=%d", k)
		require.InDelta(t, 1-want/total, m.ExplainedVariance(), 1e-12, "k=%d", k)
	}
}

// TestQ6_2_ReconstructKnownSubspace: data lying exactly on a k-dimensional affine
// subspace is reconstructed exactly, and a point off it lands on its
// orthogonal projection.
func TestQ6_2_ReconstructKnownSubspace(t *testing.T) {
	// Points on the plane z = 1 in R³ (spanned by e1, e2 through (0, 0, 1)).
	x := mat.NewDense(4, 3, []float64{
		1, 0, 1,
		-1, 0, 1,
		0, 2, 1,
		0, -2, 1,
	})
	m, err := Fit(x, 2)
	require.NoError(t, err)
	require.Equal(t, []float64{0, 0, 1}, m.Mean)
	// Largest variance along y (±2) then x (±1); signs fixed positive.
	requireNear(t, mat.NewDense(3, 2, []float64{0, 1, 1, 0, 0, 0}), m.P, 1e-12, "P")
	xhat, err := m.Reconstruct(x)
	require.NoError(t, err)
	requireNear(t, x, xhat, 1e-12, "points on the plane")
	off, err := m.Reconstruct(mat.NewDense(1, 3, []float64{3, 4, 7}))
	require.NoError(t, err)
	requireNear(t, mat.NewDense(1, 3, []float64{3, 4, 1}), off, 1e-12, "projection onto z = 1")
	z, err := m.Project(mat.NewDense(1, 3, []float64{3, 4, 7}))
	require.NoError(t, err)
	requireNear(t, mat.NewDense(1, 2, []float64{4, 3}), z, 1e-12, "codes")
	require.InDelta(t, 1, m.ExplainedVariance(), 1e-12)
	proj, mean := m.Params()
	require.Equal(t, []int{6, 3}, []int{proj, mean})
}

func TestErrors(t *testing.T) {
	x := lowRankData(5, 10, 4, 2)
	for _, tc := range []struct {
		name string
		x    mat.Matrix
		k    int
		want string
	}{
		{"k zero", x, 0, "1 ≤ k ≤ 4"},
		{"k too large", x, 5, "1 ≤ k ≤ 4"},
		{"one row", mat.NewDense(1, 4, nil), 1, "at least 2 rows"},
		{"nil", nil, 1, "nil data"},
		{"nan", mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 0}), 1, "entry (0, 1) is NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Fit(tc.x, tc.k)
			require.ErrorContains(t, err, tc.want)
			_, err = FitCovariance(tc.x, tc.k)
			require.ErrorContains(t, err, tc.want)
		})
	}
	m, err := Fit(x, 2)
	require.NoError(t, err)
	_, err = m.Reconstruct(mat.NewDense(3, 5, nil))
	require.ErrorContains(t, err, "want N x 4")
}

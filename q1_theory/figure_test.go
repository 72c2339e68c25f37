package theory

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sebdah/goldie/v2"
	"github.com/stretchr/testify/require"

	"recog/internal/viz"
)

// repoRoot returns the absolute path of the repository (the parent of this package).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	return root
}

// updating reports whether goldie's -update flag was given.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func TestQ1_7_ActivationsFigure(t *testing.T) {
	x, sig, dsig, th, dth, err := ActivationCurves(-6, 6, 241)
	require.NoError(t, err)
	require.Len(t, x, 241)
	require.Equal(t, -6.0, x[0])
	require.Equal(t, 6.0, x[240])
	require.Equal(t, 0.0, x[120])
	require.Equal(t, []float64{0.5, 0.25, 0, 1}, []float64{sig[120], dsig[120], th[120], dth[120]})
	_, _, _, _, _, err = ActivationCurves(1, 1, 10)
	require.Error(t, err)

	p, err := ActivationsFigure()
	require.NoError(t, err)
	png, err := viz.PNG(p, 800, 500)
	require.NoError(t, err)
	root := repoRoot(t)
	if updating() {
		dir := filepath.Join(root, "docs", "figures")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "q1_activations.png"), png, 0o644))
	}
	g := goldie.New(t, goldie.WithFixtureDir(filepath.Join(root, "golden", "q1_theory")), goldie.WithNameSuffix(""))
	g.Assert(t, "activations.png", png)
}

package theory

import (
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
	"recog/internal/viz"
)

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
	datatest.AssertPNG(t, "q1_theory", "activations.png", png)
}

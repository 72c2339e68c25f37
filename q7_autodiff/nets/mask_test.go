package nets

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDrawMaskIsFloat64Test: drawMask drops exactly the elements for which
// rng.Float64() < p, drawing from the same generator in the same order, for
// probabilities that are and are not dyadic (and the largest one allowed).
func TestDrawMaskIsFloat64Test(t *testing.T) {
	for _, p := range []float64{0.2, 0.25, 0.5, 0.9, 1 - 1e-9, 0} {
		got := make([]float32, 10001)
		drawMask(got, p, rand.New(rand.NewPCG(3, 4)))
		rng := rand.New(rand.NewPCG(3, 4))
		keep := float32(1 / (1 - p))
		for i, v := range got {
			want := keep
			if rng.Float64() < p {
				want = 0
			}
			require.Equal(t, want, v, "p=%v element %d", p, i)
		}
	}
}

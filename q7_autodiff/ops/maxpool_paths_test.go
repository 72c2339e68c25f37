package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMaxPoolPaths checks max-pooling against the definition, the maximum
// over each window that starts inside the input (cut at the far edges in
// ceil mode), for 2x2 tiles, 3x3 windows with stride 2 (SqueezeNet's, with
// and without ceil mode) and stride 1, on odd and even sizes.
func TestMaxPoolPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, c := range []struct {
		h, w, k, s int
		ceil       bool
	}{
		{8, 8, 2, 2, false}, {7, 9, 2, 2, false}, {11, 11, 3, 2, true}, {12, 10, 3, 2, true},
		{11, 11, 3, 2, false}, {6, 7, 3, 1, false}, {5, 5, 5, 1, false},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			g, err := poolGeom(3, c.h, c.w, c.k, c.s, c.ceil)
			require.NoError(t, err)
			const n = 2
			x := randF32(rng, n*3*c.h*c.w)
			op := MaxPoolOp{base: base{arity: 1}, g: g, out: new(outBuf)}
			y, err := op.Do(dense(x, n, 3, c.h, c.w))
			require.NoError(t, err)
			got := y.Data().([]float32)
			for p := range n * 3 {
				for oy := range g.OH {
					for ox := range g.OW {
						want := float32(math.Inf(-1))
						for r := oy * c.s; r < min(oy*c.s+c.k, c.h); r++ {
							for q := ox * c.s; q < min(ox*c.s+c.k, c.w); q++ {
								want = max(want, x[(p*c.h+r)*c.w+q])
							}
						}
						require.Equal(t, want, got[(p*g.OH+oy)*g.OW+ox], "plane %d, output (%d, %d)", p, oy, ox)
					}
				}
			}
		})
	}
}

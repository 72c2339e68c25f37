package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// naiveConv returns z[n, o, oy, ox] = b[o] + Σ_{c,i,j} W[o,c,i,j] x[n, c, oy·S+i-P, ox·S+j-P]
// by the definition, in float64.
func naiveConv(g convGeom, n int, x, w, b []float32) []float64 {
	O := g.outChans
	z := make([]float64, n*O*g.OH*g.OW)
	for s := range n {
		for o := range O {
			for oy := range g.OH {
				for ox := range g.OW {
					sum := float64(b[o])
					for c := range g.C {
						for i := range g.KH {
							for j := range g.KW {
								y, xx := oy*g.SH+i-g.PH, ox*g.SW+j-g.PW
								if y < 0 || y >= g.H || xx < 0 || xx >= g.W {
									continue
								}
								sum += float64(w[((o*g.C+c)*g.KH+i)*g.KW+j]) * float64(x[((s*g.C+c)*g.H+y)*g.W+xx])
							}
						}
					}
					z[((s*O+o)*g.OH+oy)*g.OW+ox] = sum
				}
			}
		}
	}
	return z
}

func randF32(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func dense(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// TestConvPaths checks the convolution and its three gradients against the
// definition, for geometries that take each path: shifted views (1x1
// kernels, 3x3 kernels on 16 or more channels, with and without padding)
// and im2col (few channels, stride 2), with and without the fused ReLU.
// The gradients are checked as adjoints: for L = Σ gy ⊙ y, dL/dx, dL/dW and
// dL/db by the definition of the convolution, in float64.
func TestConvPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct {
		c, h, w, o, k, s, p int
		shifted             bool
	}{
		{16, 7, 9, 5, 3, 1, 0, true},
		{16, 6, 6, 4, 3, 1, 1, true},
		{20, 5, 4, 3, 1, 1, 0, true},
		{3, 5, 5, 4, 1, 1, 1, true},
		{1, 8, 8, 4, 3, 1, 0, false},
		{3, 6, 7, 4, 3, 1, 1, false},
		{2, 4, 4, 3, 5, 1, 3, false},
		{3, 9, 9, 4, 3, 2, 1, false},
		{17, 9, 7, 3, 3, 2, 0, false},
	} {
		for _, relu := range []bool{false, true} {
			t.Run(fmt.Sprintf("%+v/relu=%v", c, relu), func(t *testing.T) {
				g, err := newConvGeom(c.c, c.h, c.w, c.k, c.k, c.s, c.s, c.p, c.p)
				require.NoError(t, err)
				g.outChans, g.inputGrads = c.o, true
				require.Equal(t, c.shifted, g.shifted())
				const n = 5
				x := randF32(rng, n*c.c*c.h*c.w)
				w := randF32(rng, c.o*c.c*c.k*c.k)
				b := randF32(rng, c.o)
				gy := randF32(rng, n*c.o*g.OH*g.OW)
				ys := []int{n, c.o, g.OH, g.OW}

				op := newConv2dOp(g, relu)
				yv, err := op.Do(dense(x, n, c.c, c.h, c.w), dense(w, c.o, c.c, c.k, c.k), dense(b, c.o))
				require.NoError(t, err)
				y := yv.Data().([]float32)
				z := naiveConv(g, n, x, w, b)
				gz := make([]float64, len(z)) // gy masked where the ReLU is off
				for i, v := range z {
					if relu {
						v = math.Max(v, 0)
					}
					require.InDelta(t, v, float64(y[i]), 1e-4*(1+math.Abs(v)), "y[%d]", i)
					gz[i] = float64(gy[i])
					if relu && y[i] <= 0 {
						gz[i] = 0
					}
				}
				extra := []G.Value{}
				if relu {
					extra = append(extra, yv)
				}
				grad := func(which int, in ...G.Value) []float32 {
					v, err := newConv2dGradOp(g, relu, which).Do(append(in, extra...)...)
					require.NoError(t, err)
					return v.Data().([]float32)
				}
				dx := grad(0, dense(w, c.o, c.c, c.k, c.k), dense(gy, ys...))
				dw := grad(1, dense(x, n, c.c, c.h, c.w), dense(gy, ys...))
				db := grad(2, dense(gy, ys...))

				// The adjoints by the definition: each product term
				// W[o,c,i,j]·x[s,c,y,xx] of z[s,o,oy,ox] sends gz to both.
				wantDx, wantDw, wantDb := make([]float64, len(x)), make([]float64, len(w)), make([]float64, len(b))
				for s := range n {
					for o := range c.o {
						for oy := range g.OH {
							for ox := range g.OW {
								v := gz[((s*c.o+o)*g.OH+oy)*g.OW+ox]
								wantDb[o] += v
								for ci := range c.c {
									for i := range c.k {
										for j := range c.k {
											yy, xx := oy*c.s+i-c.p, ox*c.s+j-c.p
											if yy < 0 || yy >= c.h || xx < 0 || xx >= c.w {
												continue
											}
											wi, xi := ((o*c.c+ci)*c.k+i)*c.k+j, ((s*c.c+ci)*c.h+yy)*c.w+xx
											wantDx[xi] += v * float64(w[wi])
											wantDw[wi] += v * float64(x[xi])
										}
									}
								}
							}
						}
					}
				}
				for name, pair := range map[string][2]any{"dx": {wantDx, dx}, "dW": {wantDw, dw}, "db": {wantDb, db}} {
					want, got := pair[0].([]float64), pair[1].([]float32)
					require.Len(t, got, len(want), name)
					for i := range want {
						require.InDelta(t, want[i], float64(got[i]), 1e-4*(1+math.Abs(want[i])), "%s[%d]", name, i)
					}
				}
			})
		}
	}
}

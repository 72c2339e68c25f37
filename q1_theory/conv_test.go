package theory

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func TestQ1_6_Correlate2DByHand(t *testing.T) {
	x := mat.NewDense(3, 4, []float64{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
	})
	k := mat.NewDense(2, 2, []float64{
		1, 0,
		0, -1,
	})
	// y[i,j] = x[i,j] − x[i+1,j+1] = −5 everywhere.
	y, err := Correlate2D(x, k)
	require.NoError(t, err)
	require.Equal(t, []float64{-5, -5, -5, -5, -5, -5}, raw(y))

	// Full convolution of a single 1 with k reproduces k (the impulse response),
	// while correlation would give it rotated by 180°.
	d := mat.NewDense(1, 1, []float64{1})
	k2 := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	require.Equal(t, raw(k2), raw(FullConvolve2D(d, k2)))
	require.Equal(t, []float64{6, 5, 4, 3, 2, 1}, raw(Rot180(k2)))
	require.Equal(t, []float64{0, 0, 0, 0, 7, 0, 0, 0, 0}, raw(ZeroPad(mat.NewDense(1, 1, []float64{7}), 1, 1)))

	_, err = Correlate2D(k, x)
	require.Error(t, err)
}

// The input gradient derived term by term, ∂J/∂x[i+m, j+n] += W[m,n] δ[i,j]
// (each output pixel sends δ back through the weights that produced it),
// equals the full convolution of δ with W.
func TestQ1_6_FullConvolutionEqualsScatter(t *testing.T) {
	rng := newRNG(61)
	for _, sz := range []struct{ oh, ow, kh, kw int }{{1, 1, 3, 3}, {4, 5, 2, 3}, {6, 6, 5, 5}, {3, 7, 1, 1}} {
		delta, W := randDense(sz.oh, sz.ow, rng), randDense(sz.kh, sz.kw, rng)
		scatter := mat.NewDense(sz.oh+sz.kh-1, sz.ow+sz.kw-1, nil)
		for i := range sz.oh {
			for j := range sz.ow {
				for m := range sz.kh {
					for n := range sz.kw {
						scatter.Set(i+m, j+n, scatter.At(i+m, j+n)+W.At(m, n)*delta.At(i, j))
					}
				}
			}
		}
		require.InDeltaSlice(t, raw(scatter), raw(FullConvolve2D(delta, W)), 1e-12)
	}
}

func TestQ1_6_ConvLayerGradients(t *testing.T) {
	rng := newRNG(62)
	tests := []struct {
		name            string
		cin, cout, h, w int
		kh, kw          int
	}{
		{"1→1 5×5 k3×3", 1, 1, 5, 5, 3, 3},
		{"1→1 4×6 k2×3", 1, 1, 4, 6, 2, 3},
		{"3→2 6×5 k3×3", 3, 2, 6, 5, 3, 3},
		{"2→4 7×7 k5×5", 2, 4, 7, 7, 5, 5},
		{"2→3 4×4 k1×1", 2, 3, 4, 4, 1, 1},
		{"1→2 3×3 k3×3 (1×1 output)", 1, 2, 3, 3, 3, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			layer := &Conv2D{W: make([][]*mat.Dense, tc.cout), B: randSlice(tc.cout, 1, rng)}
			for o := range tc.cout {
				layer.W[o] = make([]*mat.Dense, tc.cin)
				for c := range tc.cin {
					layer.W[o][c] = randDense(tc.kh, tc.kw, rng)
				}
			}
			x := make([]*mat.Dense, tc.cin)
			for c := range x {
				x[c] = randDense(tc.h, tc.w, rng)
			}
			oh, ow := tc.h-tc.kh+1, tc.w-tc.kw+1
			C := make([][]float64, tc.cout)
			for o := range C {
				C[o] = randSlice(oh*ow, 1, rng)
			}
			J := func() float64 {
				y, err := layer.Forward(x)
				require.NoError(t, err)
				var s float64
				for o := range y {
					s += testJ(raw(y[o]), C[o])
				}
				return s
			}
			y, err := layer.Forward(x)
			require.NoError(t, err)
			delta := make([]*mat.Dense, tc.cout)
			for o := range delta {
				r, c := y[o].Dims()
				require.Equal(t, []int{oh, ow}, []int{r, c})
				delta[o] = mat.NewDense(oh, ow, testJGrad(raw(y[o]), C[o]))
			}
			dW, dx, dB, err := layer.Backward(x, delta)
			require.NoError(t, err)
			for o := range tc.cout {
				for c := range tc.cin {
					require.Less(t, relErr(raw(dW[o][c]), numGrad(J, raw(layer.W[o][c]))), 1e-6, "dW[%d][%d]", o, c)
				}
			}
			for c := range tc.cin {
				require.Less(t, relErr(raw(dx[c]), numGrad(J, raw(x[c]))), 1e-6, "dx[%d]", c)
			}
			require.Less(t, relErr(dB, numGrad(J, layer.B)), 1e-6, "dB")
		})
	}
}

func TestQ1_6_ConvLayerErrors(t *testing.T) {
	rng := newRNG(63)
	good := &Conv2D{W: [][]*mat.Dense{{randDense(2, 2, rng)}}, B: []float64{0}}
	x := []*mat.Dense{randDense(4, 4, rng)}
	tests := []struct {
		name  string
		layer *Conv2D
		x     []*mat.Dense
		delta []*mat.Dense
	}{
		{"no kernels", &Conv2D{}, x, nil},
		{"bias count", &Conv2D{W: good.W, B: []float64{0, 1}}, x, nil},
		{"kernel sizes differ", &Conv2D{W: [][]*mat.Dense{{randDense(2, 2, rng), randDense(3, 3, rng)}}, B: []float64{0}}, []*mat.Dense{x[0], x[0]}, nil},
		{"input channels", good, []*mat.Dense{x[0], x[0]}, nil},
		{"kernel larger than input", good, []*mat.Dense{randDense(1, 4, rng)}, nil},
		{"delta size", good, x, []*mat.Dense{randDense(2, 2, rng)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.delta == nil {
				_, err := tc.layer.Forward(tc.x)
				require.Error(t, err)
				return
			}
			_, _, _, err := tc.layer.Backward(tc.x, tc.delta)
			require.Error(t, err)
		})
	}
}

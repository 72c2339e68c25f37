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

// Every op of this package is checked here on small shapes, value by value:
// the forward pass against a float64 reference written from the op's
// formula, and every entry of every gradient against central differences
// of that float64 reference, L(v) = Σ gy ⊙ ref(v) with a random gy, so
// ∂L/∂v_j ≈ (L(v + ε e_j) - L(v - ε e_j)) / 2ε. The ops are linear or
// piecewise linear (conv, dense, ReLU, max-pool, concat): away from a kink
// the central difference is exact up to float64 rounding (≈ 1e-10 with
// ε = 1e-6), and the data is drawn so that no ReLU input lies within 1e-3
// of 0 and no two values of a pooling window within 1e-3 of each other, so
// ±ε never crosses a kink. The softmax cross-entropy is smooth; ε = 1e-5
// leaves an O(ε²) error of ≈ 1e-10. What remains is the op's float32
// arithmetic: sums of at most a few hundred products of values of order 1,
// each rounded to 2^-24 ≈ 6e-8 relative: the largest error seen is
// 5.3e-7 · (1 + |v|) (logged by each case), and the tolerance used
// throughout is tol(v) = 1e-5 · (1 + |v|), 19 times that. A wrong index,
// bound or `=` for `+=` moves some entry by the size of a gradient value,
// O(0.1-10).
//
// Where gorgonia has the op (Conv2d with padding and stride, MaxPool2D
// without ceil mode, Rectify), the package's op is also compared with it.

const (
	epsPL   = 1e-6 // central-difference step, piecewise-linear ops
	epsXent = 1e-5 // central-difference step, softmax cross-entropy
	margin  = 1e-3 // no kink within this distance of the data
)

func tol(v float64) float64 { return 1e-5 * (1 + math.Abs(v)) }

// input is one argument of an op under test: its shape and values.
type input struct {
	shape []int
	v     []float64
}

func randInput(rng *rand.Rand, shape ...int) input {
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = float32ish(rng.NormFloat64())
	}
	return input{shape, v}
}

// float32ish rounds v to float32, so that the float64 reference sees
// exactly the values the op sees.
func float32ish(v float64) float64 { return float64(float32(v)) }

// graphRun builds f on the inputs in a gorgonia graph, with the loss
// L = Σ gy ⊙ f(inputs), and returns f's output and dL/d(input) for each
// input. Each input enters through a node x + 0, so that the ops see a
// computed node (they compute no gradient for the data itself).
func graphRun(t *testing.T, in []input, gy []float64, f func(x []*G.Node) (*G.Node, error)) (y []float64, grads [][]float64) {
	t.Helper()
	g := G.NewGraph()
	var leaves, xs []*G.Node
	for i, a := range in {
		leaf := G.NewTensor(g, tensor.Float32, len(a.shape), G.WithShape(a.shape...), G.WithName(fmt.Sprintf("in%d", i)),
			G.WithValue(tensor.New(tensor.WithShape(a.shape...), tensor.WithBacking(to32(a.v)))))
		zero := G.NewTensor(g, tensor.Float32, len(a.shape), G.WithShape(a.shape...), G.WithName(fmt.Sprintf("zero%d", i)),
			G.WithValue(tensor.New(tensor.WithShape(a.shape...), tensor.Of(tensor.Float32))))
		x, err := G.Add(leaf, zero)
		require.NoError(t, err)
		leaves, xs = append(leaves, leaf), append(xs, x)
	}
	out, err := f(xs)
	require.NoError(t, err)
	s := out.Shape()
	gyN := G.NewTensor(g, tensor.Float32, s.Dims(), G.WithShape(s...), G.WithName("gy"),
		G.WithValue(tensor.New(tensor.WithShape(s...), tensor.WithBacking(to32(gy)))))
	prod, err := G.HadamardProd(out, gyN)
	require.NoError(t, err)
	loss, err := G.Sum(prod)
	require.NoError(t, err)
	_, err = G.Grad(loss, leaves...)
	require.NoError(t, err)
	var yv G.Value
	G.Read(out, &yv)
	vm := G.NewTapeMachine(g, G.BindDualValues(leaves...))
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	y = to64(yv.Data().([]float32))
	for _, l := range leaves {
		d, err := l.Grad()
		require.NoError(t, err)
		grads = append(grads, to64(d.Data().([]float32)))
	}
	return y, grads
}

// numGrads returns ∂L/∂v for every entry of every input by central
// differences of L(v) = Σ gy ⊙ ref(v) in float64.
func numGrads(in []input, gy []float64, eps float64, ref func(v [][]float64) []float64) [][]float64 {
	vals := make([][]float64, len(in))
	for i, a := range in {
		vals[i] = append([]float64(nil), a.v...)
	}
	loss := func() float64 {
		var l float64
		for k, y := range ref(vals) {
			l += gy[k] * y
		}
		return l
	}
	out := make([][]float64, len(in))
	for i := range vals {
		out[i] = make([]float64, len(vals[i]))
		for j, v := range vals[i] {
			vals[i][j] = v + eps
			lp := loss()
			vals[i][j] = v - eps
			lm := loss()
			vals[i][j] = v
			out[i][j] = (lp - lm) / (2 * eps)
		}
	}
	return out
}

// requireClose checks got against want entry by entry within tol and
// returns the largest error relative to tol's scale, for the log.
func requireClose(t *testing.T, what string, want, got []float64) float64 {
	t.Helper()
	require.Len(t, got, len(want), what)
	var worst float64
	for j := range want {
		d := math.Abs(got[j] - want[j])
		require.LessOrEqualf(t, d, tol(want[j]), "%s[%d]: got %.7g, want %.7g", what, j, got[j], want[j])
		worst = max(worst, d/(1+math.Abs(want[j])))
	}
	return worst
}

// checkOp runs the op through the graph and compares its output with ref
// and every gradient entry with central differences of ref.
func checkOp(t *testing.T, in []input, outLen int, eps float64, rng *rand.Rand,
	f func(x []*G.Node) (*G.Node, error), ref func(v [][]float64) []float64) (y []float64, grads [][]float64) {
	t.Helper()
	gy := randInput(rng, outLen).v
	vals := make([][]float64, len(in))
	for i, a := range in {
		vals[i] = a.v
	}
	y, grads = graphRun(t, in, gy, f)
	worst := requireClose(t, "output", ref(vals), y)
	num := numGrads(in, gy, eps, ref)
	for i := range in {
		worst = max(worst, requireClose(t, fmt.Sprintf("gradient of input %d", i), num[i], grads[i]))
	}
	t.Logf("largest error / (1 + |value|): %.2g (tolerance 1e-5)", worst)
	return y, grads
}

func to32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// convRef is the convolution's formula in float64:
// z[n,o,oy,ox] = b[o] + Σ_{c,i,j} w[o,c,i,j] x[n,c,oy·s+i-p, ox·s+j-p]
// (0 outside the input), and max(z, 0) with relu.
func convRef(x, w, b []float64, n, c, h, wd, o, k, s, p int, relu bool) []float64 {
	oh, ow := (h+2*p-k)/s+1, (wd+2*p-k)/s+1
	y := make([]float64, n*o*oh*ow)
	for ni := range n {
		for oi := range o {
			for oy := range oh {
				for ox := range ow {
					z := b[oi]
					for ci := range c {
						for i := range k {
							for j := range k {
								r, q := oy*s+i-p, ox*s+j-p
								if r < 0 || r >= h || q < 0 || q >= wd {
									continue
								}
								z += w[((oi*c+ci)*k+i)*k+j] * x[((ni*c+ci)*h+r)*wd+q]
							}
						}
					}
					if relu {
						z = max(z, 0)
					}
					y[((ni*o+oi)*oh+oy)*ow+ox] = z
				}
			}
		}
	}
	return y
}

// kinkFree reports whether no value of z lies within margin of 0.
func kinkFree(z []float64) bool {
	for _, v := range z {
		if math.Abs(v) < margin {
			return false
		}
	}
	return true
}

type convCase struct {
	name                string
	n, c, h, w, o, k, s int
	p                   int
}

// The shapes exercise every path of im2col and col2im: no padding and
// stride 1 (the row-copy fast path), padding only, stride only, both,
// padding wider than the stride, a 1x1 kernel with stride, a kernel as
// large as the padded input, and non-square inputs.
var convCases = []convCase{
	{"k3 s1 p0", 2, 2, 5, 6, 3, 3, 1, 0},
	{"k3 s1 p1", 2, 2, 5, 4, 3, 3, 1, 1},
	{"k3 s2 p0", 2, 2, 7, 6, 2, 3, 2, 0},
	{"k3 s2 p1", 3, 2, 6, 5, 3, 3, 2, 1},
	{"k2 s2 p1", 2, 1, 5, 7, 2, 2, 2, 1},
	{"k3 s3 p2", 2, 2, 7, 8, 2, 3, 3, 2},
	{"k1 s2 p0", 2, 3, 5, 6, 2, 1, 2, 0},
	{"k5 s1 p1 whole", 1, 2, 3, 3, 2, 5, 1, 1},
	{"k3 s2 p2", 2, 1, 4, 4, 2, 3, 2, 2},
}

// TestConv2dGradientsEveryEntry checks Conv2d, without and with the fused
// ReLU, value by value: output, dx, dW and db.
func TestConv2dGradientsEveryEntry(t *testing.T) {
	for ci, c := range convCases {
		for _, relu := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s relu=%v", c.name, relu), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(ci), 11))
				oh, ow := (c.h+2*c.p-c.k)/c.s+1, (c.w+2*c.p-c.k)/c.s+1
				var in []input
				for {
					in = []input{randInput(rng, c.n, c.c, c.h, c.w), randInput(rng, c.o, c.c, c.k, c.k), randInput(rng, c.o)}
					// With the fused ReLU, draw until no pre-activation is near 0.
					if !relu || kinkFree(convRef(in[0].v, in[1].v, in[2].v, c.n, c.c, c.h, c.w, c.o, c.k, c.s, c.p, false)) {
						break
					}
				}
				ref := func(v [][]float64) []float64 {
					return convRef(v[0], v[1], v[2], c.n, c.c, c.h, c.w, c.o, c.k, c.s, c.p, relu)
				}
				checkOp(t, in, c.n*c.o*oh*ow, epsPL, rng, func(x []*G.Node) (*G.Node, error) {
					return Conv2d(x[0], x[1], x[2], [2]int{c.s, c.s}, [2]int{c.p, c.p}, relu)
				}, ref)
			})
		}
	}
}

// TestConv2dMatchesStockGorgonia compares Conv2d (zero bias) with
// gorgonia's Conv2d on the same shapes: output, dx and dW.
func TestConv2dMatchesStockGorgonia(t *testing.T) {
	for ci, c := range convCases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(ci), 12))
			in := []input{randInput(rng, c.n, c.c, c.h, c.w), randInput(rng, c.o, c.c, c.k, c.k)}
			oh, ow := (c.h+2*c.p-c.k)/c.s+1, (c.w+2*c.p-c.k)/c.s+1
			gy := randInput(rng, c.n*c.o*oh*ow).v
			y1, g1 := graphRun(t, in, gy, func(x []*G.Node) (*G.Node, error) {
				b := G.NewTensor(x[0].Graph(), tensor.Float32, 1, G.WithShape(c.o), G.WithName("b"), G.WithInit(G.Zeroes()))
				return Conv2d(x[0], x[1], b, [2]int{c.s, c.s}, [2]int{c.p, c.p}, false)
			})
			y2, g2 := graphRun(t, in, gy, func(x []*G.Node) (*G.Node, error) {
				return G.Conv2d(x[0], x[1], tensor.Shape{c.k, c.k}, []int{c.p, c.p}, []int{c.s, c.s}, []int{1, 1})
			})
			requireClose(t, "output", y2, y1)
			requireClose(t, "dx", g2[0], g1[0])
			requireClose(t, "dW", g2[1], g1[1])
		})
	}
}

// poolOut is the output size of k x k max-pooling with stride s of h
// values: ⌊(h-k)/s⌋+1, or with ceil mode ⌈(h-k)/s⌉+1 less a last window
// that would start outside the input (PyTorch's rule).
func poolOut(h, k, s int, ceil bool) int {
	if !ceil {
		return (h-k)/s + 1
	}
	o := (h-k+s-1)/s + 1
	if (o-1)*s >= h {
		o--
	}
	return o
}

// poolRef is max-pooling's formula in float64: the maximum over the part
// of each window inside the input.
func poolRef(x []float64, n, c, h, w, k, s int, ceil bool) []float64 {
	oh, ow := poolOut(h, k, s, ceil), poolOut(w, k, s, ceil)
	y := make([]float64, 0, n*c*oh*ow)
	for p := range n * c {
		for oy := range oh {
			for ox := range ow {
				m := math.Inf(-1)
				for r := oy * s; r < min(oy*s+k, h); r++ {
					for q := ox * s; q < min(ox*s+k, w); q++ {
						m = max(m, x[(p*h+r)*w+q])
					}
				}
				y = append(y, m)
			}
		}
	}
	return y
}

// distinctInput returns values of the given shape, pairwise at least
// 2·margin apart (a shuffled ramp), so that every window's maximum is
// unique and stays so under ±ε.
func distinctInput(rng *rand.Rand, shape ...int) input {
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float64, n)
	for i, j := range rng.Perm(n) {
		v[i] = float32ish(-1 + 2*margin*float64(j))
	}
	return input{shape, v}
}

type poolCase struct {
	name          string
	n, c, h, w, k int
	s             int
	ceil          bool
}

// Tiled 2x2 windows (the fast path) on even and odd sizes, overlapping
// windows (k > s: a value can be the maximum of several windows, and its
// gradient is the sum of theirs), gaps (k < s), and ceil mode with partial
// windows at the right and bottom edges.
var poolCases = []poolCase{
	{"k2 s2 even", 2, 2, 6, 4, 2, 2, false},
	{"k2 s2 odd", 2, 2, 5, 7, 2, 2, false},
	{"k2 s2 ceil odd", 2, 2, 5, 7, 2, 2, true},
	{"k3 s2 overlap", 2, 2, 7, 6, 3, 2, false},
	{"k3 s2 overlap ceil", 2, 2, 6, 8, 3, 2, true},
	{"k3 s1 overlap", 1, 2, 5, 5, 3, 1, false},
	{"k2 s1 overlap", 2, 1, 4, 5, 2, 1, false},
	{"k2 s3 gaps", 2, 2, 8, 7, 2, 3, false},
	{"k3 s3 ceil partial", 1, 2, 7, 8, 3, 3, true},
}

// TestMaxPoolGradientsEveryEntry checks MaxPool value by value: output and
// dx.
func TestMaxPoolGradientsEveryEntry(t *testing.T) {
	for pi, c := range poolCases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(pi), 13))
			in := []input{distinctInput(rng, c.n, c.c, c.h, c.w)}
			outLen := c.n * c.c * poolOut(c.h, c.k, c.s, c.ceil) * poolOut(c.w, c.k, c.s, c.ceil)
			checkOp(t, in, outLen, epsPL, rng, func(x []*G.Node) (*G.Node, error) {
				return MaxPool(x[0], c.k, c.s, c.ceil)
			}, func(v [][]float64) []float64 { return poolRef(v[0], c.n, c.c, c.h, c.w, c.k, c.s, c.ceil) })
			if c.k > c.s {
				// An overlapping case must contain a value that is the
				// maximum of several windows, or it tests no accumulation.
				require.Greater(t, slicesMax(windowsWon(in[0].v, c)), 1, "no value is the maximum of two windows")
			}
		})
	}
}

// windowsWon counts, for each input value, the windows whose maximum it is.
func windowsWon(x []float64, c poolCase) []int {
	oh, ow := poolOut(c.h, c.k, c.s, c.ceil), poolOut(c.w, c.k, c.s, c.ceil)
	won := make([]int, len(x))
	for p := range c.n * c.c {
		for oy := range oh {
			for ox := range ow {
				best := -1
				for r := oy * c.s; r < min(oy*c.s+c.k, c.h); r++ {
					for q := ox * c.s; q < min(ox*c.s+c.k, c.w); q++ {
						if i := (p*c.h+r)*c.w + q; best < 0 || x[i] > x[best] {
							best = i
						}
					}
				}
				won[best]++
			}
		}
	}
	return won
}

func slicesMax(v []int) int {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// TestMaxPoolMatchesStockGorgonia compares MaxPool with gorgonia's
// MaxPool2D (which has no ceil mode) on the floor-mode cases.
func TestMaxPoolMatchesStockGorgonia(t *testing.T) {
	for pi, c := range poolCases {
		if c.ceil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(pi), 14))
			in := []input{distinctInput(rng, c.n, c.c, c.h, c.w)}
			gy := randInput(rng, c.n*c.c*poolOut(c.h, c.k, c.s, false)*poolOut(c.w, c.k, c.s, false)).v
			y1, g1 := graphRun(t, in, gy, func(x []*G.Node) (*G.Node, error) { return MaxPool(x[0], c.k, c.s, false) })
			y2, g2 := graphRun(t, in, gy, func(x []*G.Node) (*G.Node, error) {
				return G.MaxPool2D(x[0], tensor.Shape{c.k, c.k}, []int{0, 0}, []int{c.s, c.s})
			})
			requireClose(t, "output", y2, y1)
			requireClose(t, "dx", g2[0], g1[0])
		})
	}
}

// TestReLUGradientsEveryEntry checks ReLU (2-D and 4-D) against max(x, 0)
// and against gorgonia's Rectify.
func TestReLUGradientsEveryEntry(t *testing.T) {
	for i, shape := range [][]int{{3, 5}, {2, 3, 2, 4}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 15))
			var in []input
			for {
				in = []input{randInput(rng, shape...)}
				if kinkFree(in[0].v) {
					break
				}
			}
			ref := func(v [][]float64) []float64 {
				y := make([]float64, len(v[0]))
				for j, x := range v[0] {
					y[j] = max(x, 0)
				}
				return y
			}
			checkOp(t, in, len(in[0].v), epsPL, rng, func(x []*G.Node) (*G.Node, error) { return ReLU(x[0]) }, ref)
			gy := randInput(rng, len(in[0].v)).v
			y1, g1 := graphRun(t, in, gy, func(x []*G.Node) (*G.Node, error) { return ReLU(x[0]) })
			y2, g2 := graphRun(t, in, gy, func(x []*G.Node) (*G.Node, error) { return G.Rectify(x[0]) })
			requireClose(t, "output against Rectify", y2, y1)
			requireClose(t, "dx against Rectify", g2[0], g1[0])
		})
	}
}

// denseRef is y = x W + b in float64 (x: n rows of d, W: d x o), and
// max(y, 0) with relu.
func denseRef(x, w, b []float64, n, d, o int, relu bool) []float64 {
	y := make([]float64, n*o)
	for i := range n {
		for j := range o {
			z := b[j]
			for k := range d {
				z += x[i*d+k] * w[k*o+j]
			}
			if relu {
				z = max(z, 0)
			}
			y[i*o+j] = z
		}
	}
	return y
}

// TestDenseGradientsEveryEntry checks Dense, with a 2-D input and with a
// 4-D one (flattened per row), without and with the fused ReLU: output,
// dx, dW and db.
func TestDenseGradientsEveryEntry(t *testing.T) {
	for i, xs := range [][]int{{5, 7}, {6, 2, 2, 3}} {
		for _, relu := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v relu=%v", xs, relu), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(i), 16))
				n, d, o := xs[0], 1, 4
				for _, v := range xs[1:] {
					d *= v
				}
				var in []input
				for {
					in = []input{randInput(rng, xs...), randInput(rng, d, o), randInput(rng, o)}
					if !relu || kinkFree(denseRef(in[0].v, in[1].v, in[2].v, n, d, o, false)) {
						break
					}
				}
				checkOp(t, in, n*o, epsPL, rng, func(x []*G.Node) (*G.Node, error) { return Dense(x[0], x[1], x[2], relu) },
					func(v [][]float64) []float64 { return denseRef(v[0], v[1], v[2], n, d, o, relu) })
			})
		}
	}
}

// TestConcatChannelsGradientsEveryEntry checks ConcatChannels: output and
// the two channel slices of the gradient.
func TestConcatChannelsGradientsEveryEntry(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 17))
	n, ca, cb, h, w := 2, 2, 3, 3, 2
	in := []input{randInput(rng, n, ca, h, w), randInput(rng, n, cb, h, w)}
	ref := func(v [][]float64) []float64 {
		var y []float64
		for s := range n {
			y = append(y, v[0][s*ca*h*w:(s+1)*ca*h*w]...)
			y = append(y, v[1][s*cb*h*w:(s+1)*cb*h*w]...)
		}
		return y
	}
	checkOp(t, in, n*(ca+cb)*h*w, epsPL, rng, func(x []*G.Node) (*G.Node, error) { return ConcatChannels(x[0], x[1]) }, ref)
}

// TestSoftmaxCrossEntropyGradientsEveryEntry checks the loss
// L = scale · Σ_n -Σ_k y[n,k] log softmax(z_n)_k and every entry of
// ∂L/∂z, for the summed (scale 1) and the mean (scale 1/N) loss, with
// one-hot and soft targets and logits large enough to need the max shift.
func TestSoftmaxCrossEntropyGradientsEveryEntry(t *testing.T) {
	const n, k = 4, 5
	for _, scale := range []float64{1, 1.0 / n} {
		t.Run(fmt.Sprint(scale), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, 18))
			z := randInput(rng, n, k)
			z.v[0] = float32ish(z.v[0] + 60) // exp(60) overflows float32 without the shift
			y := make([]float64, n*k)
			for i := range n - 1 {
				y[i*k+rng.IntN(k)] = 1
			}
			for j := range k { // a soft target row
				y[(n-1)*k+j] = 1.0 / k
			}
			ref := func(v [][]float64) float64 {
				var l float64
				for i := range n {
					row := v[0][i*k : (i+1)*k]
					m := math.Inf(-1)
					for _, x := range row {
						m = max(m, x)
					}
					var s float64
					for _, x := range row {
						s += math.Exp(x - m)
					}
					for j, x := range row {
						l -= y[i*k+j] * (x - m - math.Log(s))
					}
				}
				return scale * l
			}
			var stats XentStats
			g := G.NewGraph()
			zN := G.NewMatrix(g, tensor.Float32, G.WithShape(n, k), G.WithName("z"),
				G.WithValue(tensor.New(tensor.WithShape(n, k), tensor.WithBacking(to32(z.v)))))
			yN := G.NewMatrix(g, tensor.Float32, G.WithShape(n, k), G.WithName("y"),
				G.WithValue(tensor.New(tensor.WithShape(n, k), tensor.WithBacking(to32(y)))))
			loss, err := SoftmaxCrossEntropy(zN, yN, scale, &stats)
			require.NoError(t, err)
			_, err = G.Grad(loss, zN)
			require.NoError(t, err)
			vm := G.NewTapeMachine(g, G.BindDualValues(zN))
			defer vm.Close()
			require.NoError(t, vm.RunAll())
			vals := [][]float64{z.v}
			want := ref(vals)
			require.InDelta(t, want, stats.Loss, tol(want), "loss")
			require.Equal(t, 0, stats.Argmax[0])
			dz, err := zN.Grad()
			require.NoError(t, err)
			num := numGrads([]input{z}, []float64{1}, epsXent, func(v [][]float64) []float64 { return []float64{ref(v)} })
			worst := requireClose(t, "dz", num[0], to64(dz.Data().([]float32)))
			t.Logf("largest error / (1 + |value|): %.2g (tolerance 1e-5)", worst)
		})
	}
}

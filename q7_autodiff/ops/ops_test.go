package ops

import (
	"hash/fnv"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The output sizes of convolution and pooling, by hand: 28 → 26 with a 3x3
// kernel, 32 → 16 with stride 2 and padding 1, and PyTorch's ceil mode
// keeping a last partial window (55 → 27, 6 → 3).
func TestOutputSizes(t *testing.T) {
	for _, c := range []struct{ h, k, s, p, want int }{{28, 3, 1, 0, 26}, {32, 3, 2, 1, 16}, {7, 7, 1, 0, 1}} {
		oh, ow, err := ConvOutput(1, c.h, c.h, c.k, c.s, c.p)
		require.NoError(t, err)
		require.Equal(t, [2]int{c.want, c.want}, [2]int{oh, ow}, "%+v", c)
	}
	_, _, err := ConvOutput(1, 4, 4, 5, 1, 0)
	require.ErrorContains(t, err, "does not fit")
	_, _, err = ConvOutput(1, 4, 4, 0, 1, 0)
	require.ErrorContains(t, err, "bad window")
	for _, c := range []struct {
		h, k, s int
		ceil    bool
		want    int
	}{{26, 2, 2, false, 13}, {55, 3, 2, true, 27}, {55, 3, 2, false, 27}, {6, 3, 2, true, 3}, {6, 3, 2, false, 2}} {
		oh, _, err := PoolOutput(1, c.h, c.h, c.k, c.s, c.ceil)
		require.NoError(t, err)
		require.Equal(t, c.want, oh, "%+v", c)
	}
}

// The boilerplate of every op comes from base: its key is what WriteHash
// writes and Hashcode hashes; ops with different settings have different
// keys; gradient ops have no derivatives.
func TestBase(t *testing.T) {
	g, err := newConvGeom(1, 8, 8, 3, 3, 1, 1, 0, 0)
	require.NoError(t, err)
	a, b := newConv2dOp(g, true), newConv2dOp(g, false)
	h := fnv.New32a()
	a.WriteHash(h)
	require.Equal(t, h.Sum32(), a.Hashcode())
	require.NotEqual(t, a.Hashcode(), b.Hashcode())
	require.Equal(t, "Conv2d{3x3,s1,p0}+ReLU", a.String())
	require.Equal(t, 3, a.Arity())
	require.Equal(t, -1, a.OverwritesInput())
	gr := newConv2dGradOp(g, false, 2)
	require.Equal(t, 1, gr.Arity())
	require.Equal(t, []bool{false}, gr.DiffWRT(1))
	_, err = gr.SymDiff(nil, nil, nil)
	require.ErrorContains(t, err, "second derivatives")
}

// LogSumExp and Softmax by hand: z = (0, ln 3) gives softmax (1/4, 3/4),
// and huge equal logits stay finite.
func TestSoftmaxByHand(t *testing.T) {
	m, lse := LogSumExp([]float32{0, float32(math.Log(3))})
	require.InDelta(t, math.Log(3), m, 1e-6)
	require.InDelta(t, math.Log(4.0/3), lse, 1e-6)
	p := []float32{0, float32(math.Log(3)), 1000, 1000}
	Softmax(p, 2)
	require.InDeltaSlice(t, []float32{0.25, 0.75, 0.5, 0.5}, p, 1e-6)
}

// ReLU through a graph: y = max(x, 0) and, for L = Σ y, dL/dx = [x > 0].
func TestReLUGraph(t *testing.T) {
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(2, 2), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{-1, 2, 0, 3}))))
	y, err := ReLU(x)
	require.NoError(t, err)
	loss, err := G.Sum(y)
	require.NoError(t, err)
	_, err = G.Grad(loss, x)
	require.NoError(t, err)
	vm := G.NewTapeMachine(g, G.BindDualValues(x))
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	require.Equal(t, []float32{0, 2, 0, 3}, y.Value().Data())
	dx, err := x.Grad()
	require.NoError(t, err)
	require.Equal(t, []float32{0, 1, 0, 1}, dx.Data())
}

package nn

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// Grades initialize_weights: shapes, bounds, variance 2/(in+out), zero
// biases, reproducible from the seed.
func TestQ2_1_2_NewLayerXavier(t *testing.T) {
	for _, tc := range []struct{ in, out int }{{300, 200}, {1024, 64}, {64, 36}} {
		l, err := NewLayer("layer1", tc.in, tc.out, ActSigmoid, newRand(7))
		require.NoError(t, err)
		r, c := l.W.Dims()
		require.Equal(t, [2]int{tc.in, tc.out}, [2]int{r, c}, "W shape")
		require.Equal(t, make([]float64, tc.out), l.B, "b = 0")
		require.Equal(t, tc.in, l.In())
		require.Equal(t, tc.out, l.Out())

		bound := math.Sqrt(6 / float64(tc.in+tc.out))
		want := 2 / float64(tc.in+tc.out)
		var sum, sum2 float64
		d := l.W.RawMatrix().Data
		for _, w := range d {
			require.LessOrEqual(t, math.Abs(w), bound)
			sum += w
			sum2 += w * w
		}
		n := float64(len(d))
		mean := sum / n
		variance := sum2/n - mean*mean
		// The sample variance of a uniform has standard error σ²√(0.8/n):
		// allow 6 of them.
		require.InDelta(t, want, variance, 6*want*math.Sqrt(0.8/n), "variance %dx%d", tc.in, tc.out)
		require.InDelta(t, 0, mean, 6*math.Sqrt(want/n), "mean")

		again, err := NewLayer("layer1", tc.in, tc.out, ActSigmoid, newRand(7))
		require.NoError(t, err)
		require.True(t, mat.Equal(l.W, again.W), "same seed, same weights")
		other, err := NewLayer("layer1", tc.in, tc.out, ActSigmoid, newRand(8))
		require.NoError(t, err)
		require.False(t, mat.Equal(l.W, other.W), "another seed, other weights")
	}
}

func TestQ2_1_2_NewLayerErrors(t *testing.T) {
	for _, tc := range []struct {
		in, out int
		act     Activation
		want    string
	}{
		{0, 3, ActSigmoid, "must be positive"},
		{3, -1, ActSigmoid, "must be positive"},
		{3, 3, Activation(9), "invalid"},
	} {
		_, err := NewLayer("bad", tc.in, tc.out, tc.act, newRand(1))
		require.ErrorContains(t, err, tc.want)
		require.ErrorContains(t, err, `"bad"`)
	}
	_, err := XavierUniform(2, 2, nil)
	require.Error(t, err)
}

// Grades forward on a hand-computed 2x3 example:
// X = [1 2 3; 0 -1 1], W = [1 0; 0 1; 1 -1], b = [0.5 -0.5]
// A = XW + b = [4.5 -1.5; 1.5 -2.5].
func TestQ2_2_1_LayerForward(t *testing.T) {
	x := mat.NewDense(2, 3, []float64{1, 2, 3, 0, -1, 1})
	wantA := mat.NewDense(2, 2, []float64{4.5, -1.5, 1.5, -2.5})
	for _, tc := range []struct {
		act   Activation
		wantH []float64
	}{
		{ActIdentity, []float64{4.5, -1.5, 1.5, -2.5}},
		{ActSigmoid, []float64{0.9890130573694068, 0.18242552380635635, 0.8175744761936437, 0.07585818002124355}},
		{ActReLU, []float64{4.5, 0, 1.5, 0}},
		{ActSoftmax, []float64{
			math.Exp(4.5) / (math.Exp(4.5) + math.Exp(-1.5)), math.Exp(-1.5) / (math.Exp(4.5) + math.Exp(-1.5)),
			math.Exp(1.5) / (math.Exp(1.5) + math.Exp(-2.5)), math.Exp(-2.5) / (math.Exp(1.5) + math.Exp(-2.5)),
		}},
	} {
		t.Run(tc.act.String(), func(t *testing.T) {
			l := &Layer{Name: "l", W: mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, -1}), B: []float64{0.5, -0.5}, Activation: tc.act}
			h, err := l.Forward(x)
			require.NoError(t, err)
			requireMatrixNear(t, mat.NewDense(2, 2, tc.wantH), h, 1e-15, "H")
			cx, ca, ch := l.Cache()
			require.Same(t, x, cx, "cache keeps X")
			requireMatrixNear(t, wantA, ca, 0, "cached A")
			require.Same(t, h, ch, "cache keeps H")
			// Predict-style forward leaves the cache alone and agrees.
			net, err := NewNetwork(l)
			require.NoError(t, err)
			p, err := net.Predict(mat.NewDense(1, 3, []float64{0, -1, 1}))
			require.NoError(t, err)
			requireMatrixNear(t, mat.NewDense(1, 2, tc.wantH[2:]), p, 1e-15, "predict")
			_, ca2, _ := l.Cache()
			require.Same(t, ca, ca2)
			requireMatrixNear(t, wantA, ca2, 0, "cache untouched by Predict")
		})
	}
}

// Forward reuses its buffers across batches of different sizes correctly.
func TestQ2_2_1_ForwardBatchSizes(t *testing.T) {
	rng := newRand(11)
	net, err := NewMLP([]int{5, 4, 3}, []Activation{ActSigmoid, ActSoftmax}, rng)
	require.NoError(t, err)
	for _, n := range []int{7, 3, 7, 1, 8} {
		x := randDense(rng, n, 5, 1)
		got, err := net.Forward(x)
		require.NoError(t, err)
		want, err := net.Predict(x)
		require.NoError(t, err)
		requireMatrixNear(t, want, got, 0, "forward")
	}
}

func TestNewMLP(t *testing.T) {
	net, err := NewMLP([]int{1024, 64, 36}, []Activation{ActSigmoid, ActSoftmax}, newRand(1))
	require.NoError(t, err)
	type shape struct {
		Name    string
		In, Out int
		Act     Activation
	}
	var got []shape
	for _, l := range net.Layers {
		got = append(got, shape{l.Name, l.In(), l.Out(), l.Activation})
	}
	want := []shape{{"layer1", 1024, 64, ActSigmoid}, {"output", 64, 36, ActSoftmax}}
	require.Empty(t, cmp.Diff(want, got))
	require.Equal(t, 1024, net.In())
	require.Equal(t, 36, net.Out())

	_, err = NewMLP([]int{3}, nil, newRand(1))
	require.Error(t, err)
	a, _ := NewLayer("a", 3, 4, ActReLU, newRand(1))
	b, _ := NewLayer("b", 5, 2, ActSoftmax, newRand(1))
	_, err = NewNetwork(a, b)
	require.ErrorContains(t, err, `layer "b" has 5 inputs but layer "a" has 4 outputs`)
	_, err = NewNetwork()
	require.Error(t, err)
}

// Bad shapes are errors, not panics.
func TestShapeErrors(t *testing.T) {
	net, err := NewMLP([]int{4, 3, 2}, []Activation{ActSigmoid, ActSoftmax}, newRand(1))
	require.NoError(t, err)
	_, err = net.Backward(mat.NewDense(2, 2, nil))
	require.ErrorContains(t, err, "backward before forward")
	_, err = net.Forward(mat.NewDense(2, 5, nil))
	require.ErrorContains(t, err, "want N x 4")
	_, err = net.Predict(mat.NewDense(2, 3, nil))
	require.ErrorContains(t, err, "want N x 4")
	_, err = net.Forward(mat.NewDense(2, 4, nil))
	require.NoError(t, err)
	_, err = net.Backward(mat.NewDense(3, 2, nil))
	require.ErrorContains(t, err, "want 2 x 2")
	_, err = net.BackwardPre(mat.NewDense(2, 3, nil))
	require.ErrorContains(t, err, "want 2 x 2")
	_, err = net.Layers[0].Backward(mat.NewDense(2, 2, nil))
	require.ErrorContains(t, err, "want 2 x 3")
	net.Layers[1].B = []float64{1}
	_, err = net.Forward(mat.NewDense(2, 4, nil))
	require.ErrorContains(t, err, "b has 1 entries")
}

func TestClone(t *testing.T) {
	net, err := NewMLP([]int{3, 4, 2}, []Activation{ActReLU, ActSoftmax}, newRand(1))
	require.NoError(t, err)
	c := net.Clone()
	require.True(t, mat.Equal(net.Layers[0].W, c.Layers[0].W))
	require.Equal(t, net.Layers[1].Name, c.Layers[1].Name)
	require.Equal(t, net.Layers[0].Activation, c.Layers[0].Activation)
	c.Layers[0].W.Set(0, 0, 100)
	c.Layers[1].B[0] = 7
	require.NotEqual(t, 100.0, net.Layers[0].W.At(0, 0), "deep copy of W")
	require.Equal(t, 0.0, net.Layers[1].B[0], "deep copy of b")
}

// Predict in chunks equals one Forward over all rows.
func TestPredictChunks(t *testing.T) {
	rng := newRand(12)
	net, err := NewMLP([]int{6, 5, 3}, []Activation{ActReLU, ActSoftmax}, rng)
	require.NoError(t, err)
	for _, n := range []int{evalChunk - 1, evalChunk, evalChunk + 1, 3*evalChunk + 7} {
		x := randDense(rng, n, 6, 1)
		p, err := net.Predict(x)
		require.NoError(t, err)
		f, err := net.Forward(x)
		require.NoError(t, err)
		requireMatrixNear(t, f, p, 1e-15, "predict")
	}
}

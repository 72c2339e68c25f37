package nn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/datatest"
)

// crossEntropyThroughSoftmax is the cross-entropy with its plain gradient
// dJ/dP = -Y/P, back-propagated through the softmax Jacobian (unfused).
var crossEntropyThroughSoftmax = Objective{
	Name: "cross-entropy (unfused)",
	Eval: func(grad, out, y *mat.Dense) float64 {
		if grad != nil {
			r, c := out.Dims()
			for i := 0; i < r; i++ {
				for j := 0; j < c; j++ {
					grad.Set(i, j, -y.At(i, j)/out.At(i, j))
				}
			}
		}
		return SoftmaxCrossEntropy.Eval(nil, out, y)
	},
}

// gradCheckRow is one case of golden/q2_nn/gradcheck.json, the table of
// docs/q2_nn.md#gradient-check: the parameters checked and the largest
// relative error, in units of 1e-7.
type gradCheckRow struct {
	Case      string  `json:"case"`
	Params    int     `json:"parameters"`
	MaxRelErr float64 `json:"max_rel_err_1e7"`
}

// Grades backwards: backprop agrees with central differences on every
// weight and bias to relative error < 1e-6. The errors are recorded in
// golden/q2_nn/gradcheck.json and compared within a factor of 2 (their last
// digits depend on the order in which a BLAS build sums).
func TestQ2_5_1_GradCheck(t *testing.T) {
	var rows []gradCheckRow
	for _, tc := range []struct {
		name  string
		sizes []int
		acts  []Activation
		obj   Objective
		seed  uint64
	}{
		{"4-3 sigmoid-2 softmax, P-Y", []int{4, 3, 2}, []Activation{ActSigmoid, ActSoftmax}, SoftmaxCrossEntropy, 1},
		{"4-3 sigmoid-2 softmax, through softmax Jacobian", []int{4, 3, 2}, []Activation{ActSigmoid, ActSoftmax}, crossEntropyThroughSoftmax, 1},
		{"6-5 relu-4 identity-3 softmax", []int{6, 5, 4, 3}, []Activation{ActReLU, ActIdentity, ActSoftmax}, SoftmaxCrossEntropy, 2},
		{"6-4 relu-3 relu-6 sigmoid, squared error", []int{6, 4, 3, 6}, []Activation{ActReLU, ActReLU, ActSigmoid}, SquaredError, 3},
		{"5-8 sigmoid-5 identity, squared error", []int{5, 8, 5}, []Activation{ActSigmoid, ActIdentity}, SquaredError, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRand(tc.seed)
			net, err := NewMLP(tc.sizes, tc.acts, rng)
			require.NoError(t, err)
			for _, l := range net.Layers { // non-zero biases, so db is really tested
				for j := range l.B {
					l.B[j] = 0.1 * rng.NormFloat64()
				}
			}
			const n = 5
			x := randDense(rng, n, tc.sizes[0], 1)
			var y *mat.Dense
			if tc.obj.Name == SquaredError.Name {
				y = randDense(rng, n, net.Out(), 0.5)
			} else {
				y = randOneHot(rng, n, net.Out())
			}
			requireAwayFromKink(t, net, x)

			res, err := GradCheck(net, x, y, tc.obj, 1e-6)
			require.NoError(t, err)
			t.Log(res)
			params := 0
			for _, l := range net.Layers {
				params += l.In()*l.Out() + l.Out()
				wr, wc := l.W.Dims()
				dr, dc := l.DW.Dims()
				require.Equal(t, [2]int{wr, wc}, [2]int{dr, dc}, "dW shape")
				require.Len(t, l.DB, len(l.B), "db shape")
			}
			require.Equal(t, params, res.Checked, "every scalar checked")
			require.Less(t, res.MaxRelErr, 1e-6, "%v", res)
			rows = append(rows, gradCheckRow{tc.name, res.Checked, math.Round(res.MaxRelErr*1e9) / 100})
		})
	}
	var want []gradCheckRow
	if !datatest.GoldenNumbers(t, "q2_nn", "gradcheck.json", rows, &want, nil) {
		return
	}
	require.Len(t, rows, len(want))
	for i, w := range want {
		require.Equal(t, w.Case, rows[i].Case)
		require.Equal(t, w.Params, rows[i].Params, w.Case)
		require.InDelta(t, 1, rows[i].MaxRelErr/w.MaxRelErr, 0.5, "%s: max relative error %.2fe-7, golden %.2fe-7", w.Case, rows[i].MaxRelErr, w.MaxRelErr)
	}
}

// requireAwayFromKink checks that no ReLU pre-activation is within 1e-3 of 0,
// where central differences with ε = 1e-6 would straddle the kink.
func requireAwayFromKink(t *testing.T, net *Network, x *mat.Dense) {
	t.Helper()
	_, err := net.Forward(x)
	require.NoError(t, err)
	for _, l := range net.Layers {
		if l.Activation != ActReLU {
			continue
		}
		_, a, _ := l.Cache()
		for _, v := range a.RawMatrix().Data {
			require.Greater(t, math.Abs(v), 1e-3, "layer %s pre-activation too close to the kink", l.Name)
		}
	}
}

// The checker can fail: a gradient scaled by 1.01 is caught.
func TestQ2_5_1_GradCheckCatchesWrongGradient(t *testing.T) {
	wrong := SoftmaxCrossEntropy
	wrong.Eval = func(grad, out, y *mat.Dense) float64 {
		j := SoftmaxCrossEntropy.Eval(grad, out, y)
		if grad != nil {
			grad.Scale(1.01, grad)
		}
		return j
	}
	rng := newRand(1)
	net, err := NewMLP([]int{4, 3, 2}, []Activation{ActSigmoid, ActSoftmax}, rng)
	require.NoError(t, err)
	res, err := GradCheck(net, randDense(rng, 5, 4, 1), randOneHot(rng, 5, 2), wrong, 0)
	require.NoError(t, err)
	require.Greater(t, res.MaxRelErr, 1e-3)
	require.InDelta(t, 0.01/1.01, res.MaxRelErr, 1e-4)
}

// Grades the dJ/dX that backwards returns, by central differences on X,
// and the equivalence of the softmax Jacobian path with the fused P - Y.
func TestQ2_3_BackwardInputGradient(t *testing.T) {
	rng := newRand(5)
	net, err := NewMLP([]int{4, 3, 2}, []Activation{ActSigmoid, ActSoftmax}, rng)
	require.NoError(t, err)
	x := randDense(rng, 5, 4, 1)
	y := randOneHot(rng, 5, 2)

	p, err := net.Forward(x)
	require.NoError(t, err)
	dA := mat.NewDense(5, 2, nil)
	SoftmaxCrossEntropy.Eval(dA, p, y)
	dxFused, err := net.BackwardPre(dA)
	require.NoError(t, err)
	dxFused = mat.DenseCopyOf(dxFused)
	dwFused := mat.DenseCopyOf(net.Layers[0].DW)

	dH := mat.NewDense(5, 2, nil)
	crossEntropyThroughSoftmax.Eval(dH, p, y)
	dx, err := net.Backward(dH)
	require.NoError(t, err)
	requireMatrixNear(t, dxFused, dx, 1e-12, "dX fused vs Jacobian")
	requireMatrixNear(t, dwFused, net.Layers[0].DW, 1e-12, "dW fused vs Jacobian")

	loss := func() float64 {
		out, err := net.Predict(x)
		require.NoError(t, err)
		return SoftmaxCrossEntropy.Eval(nil, out, y)
	}
	const eps = 1e-6
	for i := 0; i < 5; i++ {
		for j := 0; j < 4; j++ {
			v := x.At(i, j)
			x.Set(i, j, v+eps)
			jp := loss()
			x.Set(i, j, v-eps)
			jm := loss()
			x.Set(i, j, v)
			num := (jp - jm) / (2 * eps)
			require.InDelta(t, num, dx.At(i, j), 1e-6*math.Max(math.Abs(num), 1e-3), "dJ/dX[%d,%d]", i, j)
		}
	}
}

// Step and StepMomentum do what their formulas say.
func TestStep(t *testing.T) {
	l := &Layer{Name: "l", W: mat.NewDense(1, 2, []float64{1, 2}), B: []float64{3, 4},
		DW: mat.NewDense(1, 2, []float64{10, -10}), DB: []float64{1, 2}}
	l.Step(0.1)
	requireMatrixNear(t, mat.NewDense(1, 2, []float64{0, 3}), l.W, 1e-15, "W")
	require.InDeltaSlice(t, []float64{2.9, 3.8}, l.B, 1e-15)

	l = &Layer{Name: "l", W: mat.NewDense(1, 1, []float64{1}), B: []float64{0},
		DW: mat.NewDense(1, 1, []float64{1}), DB: []float64{-1}}
	l.StepMomentum(0.1, 0.9) // v = -0.1, W = 0.9; vb = 0.1, b = 0.1
	l.StepMomentum(0.1, 0.9) // v = -0.19, W = 0.71; vb = 0.19, b = 0.29
	require.InDelta(t, 0.71, l.W.At(0, 0), 1e-15)
	require.InDelta(t, 0.29, l.B[0], 1e-15)
}

package nn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
)

// classifier32 returns a 1024 → hidden sigmoid → classes softmax network
// with random weights and biases, and a set of n random images whose class
// is the brightest of `classes` blocks of pixels.
func classifier32(t *testing.T, hidden, classes, n int, seed uint64) (*Network, *data.Dataset) {
	t.Helper()
	rng := newRand(seed)
	net, err := NewMLP([]int{1024, hidden, classes}, []Activation{ActSigmoid, ActSoftmax}, rng)
	require.NoError(t, err)
	for _, l := range net.Layers {
		for j := range l.B {
			l.B[j] = rng.NormFloat64()
		}
	}
	x := mat.NewDense(n, 1024, nil)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % classes
		row := x.RawRowView(i)
		for j := range row {
			row[j] = 0.2 * rng.Float64()
			if j*classes/1024 == labels[i] {
				row[j] += 0.8
			}
		}
	}
	y, err := data.OneHot(labels, classes)
	require.NoError(t, err)
	return net, &data.Dataset{X: x, Y: y}
}

// TestTrainFloat32MatchesFloat64 trains two copies of one network on the
// same batches, one in float64 and one with Options.Float32: after three
// epochs the parameters agree to float32 precision (relative 1e-4) and the
// per-epoch evaluations to 1e-4.
func TestTrainFloat32MatchesFloat64(t *testing.T) {
	a, tr := classifier32(t, 12, 6, 300, 1)
	_, va := classifier32(t, 12, 6, 60, 2)
	b := a.Clone()
	opt := Options{Epochs: 3, LR: 5e-3, BatchSize: 16, Seed: 9, Valid: va, TrainEval: true}
	ha, err := Train(a, tr, opt)
	require.NoError(t, err)
	opt.Float32 = true
	hb, err := Train(b, tr, opt)
	require.NoError(t, err)
	require.Len(t, hb, 3)
	for i := range ha {
		require.InDelta(t, ha[i].TrainLoss, hb[i].TrainLoss, 1e-4*ha[i].TrainLoss)
		require.InDelta(t, ha[i].ValidLoss, hb[i].ValidLoss, 1e-4*ha[i].ValidLoss)
		require.InDelta(t, ha[i].ValidAcc, hb[i].ValidAcc, 1.0/60+1e-12)
	}
	for i := range a.Layers {
		scale := mat.Norm(a.Layers[i].W, math.Inf(1))
		var diff mat.Dense
		diff.Sub(a.Layers[i].W, b.Layers[i].W)
		require.Less(t, mat.Norm(&diff, math.Inf(1)), 1e-4*scale, "W of %s", a.Layers[i].Name)
		require.InDeltaSlice(t, a.Layers[i].B, b.Layers[i].B, 1e-4)
	}

	// Without TrainEval the running numbers are reported in both paths.
	c, _ := classifier32(t, 12, 6, 1, 4)
	d := c.Clone()
	opt = Options{Epochs: 1, LR: 5e-3, BatchSize: 16, Seed: 9}
	hc, err := Train(c, tr, opt)
	require.NoError(t, err)
	opt.Float32 = true
	hd, err := Train(d, tr, opt)
	require.NoError(t, err)
	require.InDelta(t, hc[0].TrainLoss, hd[0].TrainLoss, 1e-4*hc[0].TrainLoss)
	require.Equal(t, hc[0].TrainAcc, hd[0].TrainAcc)
	require.True(t, math.IsNaN(hd[0].ValidAcc))

	// One epoch at a time gives the same numbers as Train.
	e, _ := classifier32(t, 12, 6, 1, 4)
	tn, err := NewTrainer(e, tr, opt)
	require.NoError(t, err)
	he, err := tn.Epoch()
	require.NoError(t, err)
	require.Equal(t, hd[0].TrainLoss, he.TrainLoss)
}

func TestTrainFloat32Rejects(t *testing.T) {
	net, tr := classifier32(t, 4, 3, 20, 1)
	ok := Options{Epochs: 1, LR: 1e-3, BatchSize: 4, Float32: true}
	five, _ := classifier32(t, 4, 5, 1, 1)
	for _, tc := range []struct {
		net   *Network
		opt   func(Options) Options
		error string
	}{
		{net, func(o Options) Options { o.Momentum = 0.9; return o }, "momentum"},
		{net, func(o Options) Options { o.LR = 0; return o }, "learning rate 0"},
		{net, func(o Options) Options { o.BatchSize = 0; return o }, "batch size 0"},
		{five, func(o Options) Options { return o }, "3 target columns, the network outputs 5"},
	} {
		_, err := Train(tc.net, tr, tc.opt(ok))
		require.ErrorContains(t, err, tc.error)
	}
	relu, err := NewMLP([]int{1024, 4, 3}, []Activation{ActReLU, ActSoftmax}, newRand(1))
	require.NoError(t, err)
	_, err = Train(relu, tr, ok)
	require.ErrorContains(t, err, "sigmoid then softmax")
	o := ok
	o.Objective = SquaredError
	_, err = Train(net, tr, o)
	require.ErrorContains(t, err, "only the softmax cross-entropy")
}

package train

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	nn "recog/q2_nn"
)

// TestTrainFloat32MatchesFloat64 trains two copies of one network on the
// same batches, one with nn.Train (float64) and one with TrainFloat32: after
// three epochs the parameters agree to float32 precision (relative 1e-4) and
// the per-epoch evaluations to 1e-4.
func TestTrainFloat32MatchesFloat64(t *testing.T) {
	tr := blobs(t, 300, 6, newRand(1))
	va := blobs(t, 60, 6, newRand(2))
	a := randomNet(t, 12, 6, 4)
	b := a.Clone()
	opt := nn.Options{Epochs: 3, LR: 5e-3, BatchSize: 16, Seed: 9, Valid: va, TrainEval: true}
	ha, err := nn.Train(a, tr, opt)
	require.NoError(t, err)
	hb, err := TrainFloat32(b, tr, opt)
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

	// Without TrainEval the running numbers are reported, as nn.Train does.
	c, d := randomNet(t, 12, 6, 4), randomNet(t, 12, 6, 4)
	opt = nn.Options{Epochs: 1, LR: 5e-3, BatchSize: 16, Seed: 9}
	hc, err := nn.Train(c, tr, opt)
	require.NoError(t, err)
	hd, err := TrainFloat32(d, tr, opt)
	require.NoError(t, err)
	require.InDelta(t, hc[0].TrainLoss, hd[0].TrainLoss, 1e-4*hc[0].TrainLoss)
	require.Equal(t, hc[0].TrainAcc, hd[0].TrainAcc)
	require.True(t, math.IsNaN(hd[0].ValidAcc))
}

func TestTrainFloat32Rejects(t *testing.T) {
	tr := blobs(t, 20, 3, newRand(1))
	net := randomNet(t, 4, 3, 1)
	ok := nn.Options{Epochs: 1, LR: 1e-3, BatchSize: 4}
	for _, tc := range []struct {
		net   *nn.Network
		opt   func(nn.Options) nn.Options
		error string
	}{
		{net, func(o nn.Options) nn.Options { o.Momentum = 0.9; return o }, "momentum"},
		{net, func(o nn.Options) nn.Options { o.Objective = nn.SquaredError; return o }, "only the softmax cross-entropy"},
		{net, func(o nn.Options) nn.Options { o.LR = 0; return o }, "learning rate 0"},
		{net, func(o nn.Options) nn.Options { o.BatchSize = 0; return o }, "batch size 0"},
		{randomNet(t, 4, 5, 1), func(o nn.Options) nn.Options { return o }, "training set is 1024 -> 3, the network 1024 -> 5"},
	} {
		_, err := TrainFloat32(tc.net, tr, tc.opt(ok))
		require.ErrorContains(t, err, tc.error)
	}
	relu, err := nn.NewMLP([]int{1024, 4, 3}, []nn.Activation{nn.ActReLU, nn.ActSoftmax}, newRand(1))
	require.NoError(t, err)
	_, err = TrainFloat32(relu, tr, ok)
	require.ErrorContains(t, err, "sigmoid then softmax")
}

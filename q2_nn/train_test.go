package nn

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
)

// blobs returns n points per class around k well-separated centres in 2-D.
func blobs(seed uint64, n int) *data.Dataset {
	rng := newRand(seed)
	centres := [][2]float64{{0, 4}, {-3.5, -2}, {3.5, -2}}
	x := mat.NewDense(n*len(centres), 2, nil)
	labels := make([]int, 0, n*len(centres))
	for c, m := range centres {
		for i := 0; i < n; i++ {
			r := c*n + i
			x.Set(r, 0, m[0]+0.6*rng.NormFloat64())
			x.Set(r, 1, m[1]+0.6*rng.NormFloat64())
			labels = append(labels, c)
		}
	}
	y, _ := data.OneHot(labels, len(centres))
	return &data.Dataset{X: x, Y: y, Classes: []string{"a", "b", "c"}}
}

// Grades the training loop: a separable synthetic set is learnt to 100%.
func TestQ2_4_TrainBlobs(t *testing.T) {
	train, valid := blobs(1, 50), blobs(2, 30)
	net, err := NewMLP([]int{2, 8, 3}, []Activation{ActSigmoid, ActSoftmax}, newRand(3))
	require.NoError(t, err)
	loss0, acc0, err := Evaluate(net, train)
	require.NoError(t, err)

	var progress strings.Builder
	var seen []int
	hist, err := Train(net, train, Options{
		Epochs: 40, LR: 0.05, BatchSize: 10, Seed: 4, Valid: valid, Progress: &progress,
		OnEpoch: func(m EpochMetrics) error { seen = append(seen, m.Epoch); return nil },
	})
	require.NoError(t, err)
	require.Len(t, hist, 40)
	require.Len(t, seen, 40)
	require.Equal(t, 40, strings.Count(progress.String(), "\n"))
	require.Contains(t, progress.String(), "epoch 40/40")

	loss, acc, err := Evaluate(net, train)
	require.NoError(t, err)
	t.Logf("train loss %.4f -> %.4f, acc %.3f -> %.3f; valid acc %.3f", loss0, loss, acc0, acc, hist[39].ValidAcc)
	require.Equal(t, 1.0, acc, "training accuracy")
	require.Equal(t, 1.0, hist[39].ValidAcc, "validation accuracy")
	require.Less(t, loss, loss0/10)
	vl, va, err := Evaluate(net, valid)
	require.NoError(t, err)
	require.Equal(t, hist[39].ValidLoss, vl)
	require.Equal(t, hist[39].ValidAcc, va)
	require.Less(t, hist[39].TrainLoss, hist[0].TrainLoss)

	// Same seeds, same run.
	net2, err := NewMLP([]int{2, 8, 3}, []Activation{ActSigmoid, ActSoftmax}, newRand(3))
	require.NoError(t, err)
	hist2, err := Train(net2, train, Options{Epochs: 40, LR: 0.05, BatchSize: 10, Seed: 4, Valid: valid})
	require.NoError(t, err)
	for i := range hist {
		hist[i].Seconds, hist2[i].Seconds = 0, 0
	}
	require.Equal(t, hist, hist2)
	require.True(t, mat.Equal(net.Layers[0].W, net2.Layers[0].W))
}

// Squared error with momentum (question 5's recipe) reduces the loss of a
// small autoencoder, and TrainEval reports the full-set numbers.
func TestTrainSquaredErrorMomentum(t *testing.T) {
	rng := newRand(8)
	x := mat.NewDense(64, 6, nil)
	for i := 0; i < 64; i++ { // points of a 2-D subspace squashed into (0, 1)
		u, v := rng.NormFloat64(), rng.NormFloat64()
		for j := 0; j < 6; j++ {
			x.Set(i, j, Sigmoid(u*float64(j-2)/2+v*float64(j%3-1)))
		}
	}
	ds := &data.Dataset{X: x, Y: x}
	net, err := NewMLP([]int{6, 4, 2, 4, 6}, []Activation{ActReLU, ActReLU, ActReLU, ActSigmoid}, newRand(9))
	require.NoError(t, err)
	hist, err := Train(net, ds, Options{Epochs: 60, LR: 0.01, BatchSize: 8, Momentum: 0.9, Seed: 1,
		Objective: SquaredError, TrainEval: true})
	require.NoError(t, err)
	t.Logf("squared error per example %.4f -> %.4f", hist[0].TrainLoss, hist[59].TrainLoss)
	require.Less(t, hist[59].TrainLoss, hist[0].TrainLoss/2)
	out, err := net.Predict(x)
	require.NoError(t, err)
	require.InDelta(t, hist[59].TrainLoss*64, SquaredError.Eval(nil, out, x), 1e-9)
	require.True(t, math.IsNaN(hist[0].ValidLoss))
}

func TestTrainErrors(t *testing.T) {
	ds := blobs(1, 5)
	net, err := NewMLP([]int{2, 4, 3}, []Activation{ActSigmoid, ActSoftmax}, newRand(1))
	require.NoError(t, err)
	ok := Options{Epochs: 1, LR: 0.1, BatchSize: 4}
	for _, tc := range []struct {
		name string
		net  *Network
		ds   *data.Dataset
		opt  func(o *Options)
		want string
	}{
		{"lr", net, ds, func(o *Options) { o.LR = 0 }, "learning rate"},
		{"batch", net, ds, func(o *Options) { o.BatchSize = 0 }, "batch size"},
		{"momentum", net, ds, func(o *Options) { o.Momentum = 1 }, "momentum"},
		{"features", net, &data.Dataset{X: mat.NewDense(3, 5, nil), Y: mat.NewDense(3, 3, nil)}, nil, "5 features"},
		{"classes", net, &data.Dataset{X: mat.NewDense(3, 2, nil), Y: mat.NewDense(3, 4, nil)}, nil, "4 target columns"},
		{"rows", net, &data.Dataset{X: mat.NewDense(3, 2, nil), Y: mat.NewDense(2, 3, nil)}, nil, "Y has 2"},
		{"valid", net, ds, func(o *Options) { o.Valid = &data.Dataset{} }, "validation set"},
		{"no softmax", mustMLP(t, []Activation{ActSigmoid, ActSigmoid}), ds, nil, "needs a softmax output"},
		{"callback", net, ds, func(o *Options) { o.OnEpoch = func(EpochMetrics) error { return errors.New("stop") } }, "stop"},
		{"diverge", net, ds, func(o *Options) { o.LR = math.MaxFloat64 }, "loss is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			if tc.opt != nil {
				tc.opt(&o)
			}
			_, err := Train(tc.net, tc.ds, o)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, _, err = Evaluate(mustMLP(t, []Activation{ActSigmoid, ActIdentity}), ds)
	require.ErrorContains(t, err, "softmax")
}

func mustMLP(t *testing.T, acts []Activation) *Network {
	net, err := NewMLP([]int{2, 4, 3}, acts, newRand(1))
	require.NoError(t, err)
	return net
}

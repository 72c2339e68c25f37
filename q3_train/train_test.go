package train

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

func TestConfigCheck(t *testing.T) {
	ds := blobs(t, 12, 3, newRand(1))
	sets := &data.Splits{Train: ds, Valid: ds}
	for _, tc := range []struct {
		edit  func(*Config)
		error string
	}{
		{func(c *Config) { c.Hidden = 0 }, "0 hidden units"},
		{func(c *Config) { c.Epochs = 0 }, "0 epochs"},
		{func(c *Config) { c.LR = math.NaN() }, "learning rate NaN"},
		{func(c *Config) { c.LR = -1 }, "learning rate -1"},
		{func(c *Config) { c.BatchSize = 0 }, "batch size 0"},
	} {
		c := DefaultConfig()
		tc.edit(&c)
		_, err := Run(sets, c, nil)
		require.ErrorContains(t, err, tc.error)
	}
	_, err := Run(&data.Splits{Train: ds}, DefaultConfig(), nil)
	require.ErrorContains(t, err, "validation")
}

// TestRunLearns trains on separable synthetic data: the loss falls, the
// final accuracies are high, the history is complete, train metrics are the
// whole set's (nn.Evaluate of the trained net gives the last epoch's),
// Init is the untouched initial network and the same seed repeats the run.
func TestRunLearns(t *testing.T) {
	tr := blobs(t, 360, 6, newRand(1))
	va := blobs(t, 120, 6, newRand(2))
	te := blobs(t, 60, 6, newRand(3))
	cfg := Config{Hidden: 16, Epochs: 8, LR: 1e-2, BatchSize: 16, Seed: 7}
	var seen []int
	res, err := Run(&data.Splits{Train: tr, Valid: va, Test: te}, cfg, func(m nn.EpochMetrics) { seen = append(seen, m.Epoch) })
	require.NoError(t, err)
	require.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8}, seen)
	require.Len(t, res.History, 8)
	require.Less(t, res.Final().TrainLoss, res.History[0].TrainLoss)
	require.GreaterOrEqual(t, res.Final().ValidAcc, 0.95)
	require.GreaterOrEqual(t, res.TestAcc, 0.95)
	loss, acc, err := nn.Evaluate(res.Net, tr)
	require.NoError(t, err)
	require.Equal(t, res.Final().TrainLoss, loss)
	require.Equal(t, res.Final().TrainAcc, acc)

	for _, m := range res.History {
		require.LessOrEqual(t, m.ValidAcc, res.Best.ValidAcc)
	}
	_, bestAcc, err := nn.Evaluate(res.BestNet, va)
	require.NoError(t, err)
	require.Equal(t, res.Best.ValidAcc, bestAcc)
	_, bestTest, err := nn.Evaluate(res.BestNet, te)
	require.NoError(t, err)
	require.Equal(t, bestTest, res.BestTestAcc)

	fresh, err := NewNetwork(Side*Side, 16, 6, initRand(7))
	require.NoError(t, err)
	require.Equal(t, fresh.Layers[0].W.RawMatrix().Data, res.Init.Layers[0].W.RawMatrix().Data)
	require.NotEqual(t, fresh.Layers[0].W.RawMatrix().Data, res.Net.Layers[0].W.RawMatrix().Data)

	again, err := Run(&data.Splits{Train: tr, Valid: va, Test: te}, cfg, nil)
	require.NoError(t, err)
	require.Equal(t, res.Net.Layers[1].W.RawMatrix().Data, again.Net.Layers[1].W.RawMatrix().Data)
	require.Equal(t, res.TestLoss, again.TestLoss)

	// The report: the metrics say what ran and what came out, and every
	// figure of `recog q3` is there (the deep layer only when asked).
	m := res.Metrics
	require.Equal(t, []any{8, 1e-2, 16, 16, uint64(7), "float64"}, []any{m.Epochs, m.LR, m.Batch, m.Hidden, m.Seed, m.Precision})
	require.Equal(t, []float64{res.Final().ValidAcc, res.TestAcc, res.Best.ValidAcc}, []float64{m.ValidAcc, m.TestAcc, m.BestValidAcc})
	require.Len(t, m.Curves.ValidAcc, 8)
	require.Nil(t, m.DeepLayerRows)
	require.Equal(t, []string{"q3_accuracy.png", "q3_loss.png", "q3_weights_init.png", "q3_weights_trained.png", "q3_confusion.png"}, figureNames(res.Figures))
	// The weight figures show the networks they name: decoded, each PNG is
	// WeightGrid of its network pixel for pixel, and the two differ.
	var grids [][]uint8
	for name, net := range map[string]*nn.Network{"q3_weights_init.png": res.Init, "q3_weights_trained.png": res.Net} {
		f, err := viz.FigureNamed(res.Figures, name)
		require.NoError(t, err)
		b, err := f.PNG()
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		want, err := WeightGrid(net)
		require.NoError(t, err)
		got, ok := img.(*image.Gray)
		require.True(t, ok, "%s decodes to %T", name, img)
		require.Equal(t, want.Bounds(), got.Bounds(), name)
		require.Equal(t, want.Pix, got.Pix, name)
		grids = append(grids, got.Pix)
	}
	require.NotEqual(t, grids[0], grids[1])
	cfg.DeepClasses = []int{0, 5}
	deep, err := Run(&data.Splits{Train: tr, Valid: va}, cfg, nil)
	require.NoError(t, err)
	require.Len(t, deep.Metrics.DeepLayerRows, 2)
	require.Equal(t, "0->0", deep.Metrics.DeepLayerLabels[0])
	require.Equal(t, []string{"q3_accuracy.png", "q3_loss.png", "q3_weights_init.png", "q3_weights_trained.png", "q3_deep_layer.png"}, figureNames(deep.Figures))
	require.Nil(t, deep.Confusion, "no test set, no confusion matrix")
}

func figureNames(figs []viz.Figure) []string {
	var out []string
	for _, f := range figs {
		out = append(out, f.Name)
	}
	return out
}

func TestQ3_1_2_Sweep(t *testing.T) {
	tr := blobs(t, 120, 4, newRand(1))
	va := blobs(t, 40, 4, newRand(2))
	require.Equal(t, []float64{3e-3, 3e-2, 3e-4}, SweepRates(3e-3))
	cfg := Config{Hidden: 8, Epochs: 3, BatchSize: 8, Seed: 1}
	var calls [3]int
	s, err := Sweep(&data.Splits{Train: tr, Valid: va}, cfg, []float64{1e-2, 1e-5, 1e-3}, func(run int, _ nn.EpochMetrics) { calls[run]++ })
	require.NoError(t, err)
	require.Equal(t, [3]int{3, 3, 3}, calls)
	require.Len(t, s.Runs, 3)
	for i, r := range s.Runs {
		require.Equal(t, s.Rates[i], r.Config.LR)
		require.LessOrEqual(t, r.Final().ValidAcc, s.Runs[s.Best].Final().ValidAcc)
		require.True(t, math.IsNaN(r.TestAcc))
	}
	require.NotEqual(t, 1, s.Best, "a rate of 1e-5 barely moves the weights in 3 epochs")
	m := s.Metrics
	require.Equal(t, []float64{1e-2, 1e-5, 1e-3}, m.LRs)
	require.Equal(t, []string{"lr_0.01", "lr_1e-05", "lr_0.001"}, m.Tags)
	require.Equal(t, s.Rates[s.Best], m.BestLR)
	require.Len(t, m.Curves["valid_acc_curve_x10"], 3)
	require.Len(t, m.Curves, 15)
	require.Equal(t, []string{"q3_sweep_lr_0.01_accuracy.png", "q3_sweep_lr_0.01_loss.png", "q3_sweep_lr_1e-05_accuracy.png",
		"q3_sweep_lr_1e-05_loss.png", "q3_sweep_lr_0.001_accuracy.png", "q3_sweep_lr_0.001_loss.png", "q3_sweep_valid_acc.png"}, figureNames(s.Figures))
	_, err = Sweep(&data.Splits{Train: tr, Valid: va}, cfg, nil, nil)
	require.Error(t, err)
}

package train

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"gonum.org/v1/plot"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

// TestQ3_1_3_WeightImagesUpright puts known upright images into the columns of W1
// (through data.ImageToRow, the data's storage order) and checks that
// WeightImages gives them back unchanged.
func TestQ3_1_3_WeightImagesUpright(t *testing.T) {
	net := randomNet(t, 3, 2, 1)
	var want []*mat.Dense
	for j := range 3 {
		img := mat.NewDense(Side, Side, nil)
		// an L shape: a vertical bar at column 2+j and a foot on the bottom rows
		for r := range Side {
			img.Set(r, 2+j, 1)
		}
		for c := range 10 {
			img.Set(Side-1-j, c, 1)
		}
		net.Layers[0].W.SetCol(j, data.ImageToRow(img))
		want = append(want, img)
	}
	got, err := WeightImages(net)
	require.NoError(t, err)
	require.Len(t, got, 3)
	for j := range 3 {
		require.True(t, mat.Equal(want[j], got[j]), "unit %d", j)
	}
	grid, err := WeightGrid(net)
	require.NoError(t, err)
	require.Positive(t, grid.Bounds().Dx())

	small, err := NewNetwork(10, 3, 2, newRand(1))
	require.NoError(t, err)
	_, err = WeightImages(small)
	require.ErrorContains(t, err, "10 inputs")
}

// TestClassTemplate checks e_i W2ᵀ W1ᵀ on a network whose weights are
// small integers, against the sum Σ_j W1[k, j] W2[j, i] written out, with
// pixel k = c·32 + r at row r, column c of the upright image.
func TestClassTemplate(t *testing.T) {
	net := randomNet(t, 3, 4, 2)
	w1, w2 := net.Layers[0].W, net.Layers[1].W
	for k := range Side * Side {
		for j := range 3 {
			w1.Set(k, j, float64((k*7+j*3)%11-5))
		}
	}
	for j := range 3 {
		for i := range 4 {
			w2.Set(j, i, float64(j-i))
		}
	}
	for class := range 4 {
		tpl, err := ClassTemplate(net, class)
		require.NoError(t, err)
		for r := range Side {
			for c := range Side {
				k := c*Side + r
				var want float64
				for j := range 3 {
					want += w1.At(k, j) * w2.At(j, class)
				}
				require.Equal(t, want, tpl.At(r, c), "class %d pixel (%d,%d)", class, r, c)
			}
		}
	}
	_, err := ClassTemplate(net, 4)
	require.ErrorContains(t, err, "class 4 outside [0, 4)")
}

func TestQ3_1_4_MaxActivatingAndDeepLayers(t *testing.T) {
	net := randomNet(t, 8, 5, 3)
	ds := blobs(t, 50, 5, newRand(3))
	probs, err := net.Predict(ds.X)
	require.NoError(t, err)
	for class := range 5 {
		row, p, err := MaxActivating(net, ds, class)
		require.NoError(t, err)
		require.Equal(t, probs.At(row, class), p)
		for i := range 50 {
			require.LessOrEqual(t, probs.At(i, class), p)
		}
	}
	_, _, err = MaxActivating(net, ds, 5)
	require.Error(t, err)

	d, err := DeepLayers(net, ds, []int{0, 4})
	require.NoError(t, err)
	require.Len(t, d, 2)
	for _, x := range d {
		img, err := data.RowToImage(ds.X.RawRowView(x.Row), Side, Side)
		require.NoError(t, err)
		require.True(t, mat.Equal(img, x.Image))
		require.Equal(t, ds.Labels()[x.Row], x.Label)
	}
	g, err := DeepLayerGrid(d, []string{"a", "b", "c", "d", "e"})
	require.NoError(t, err)
	require.Positive(t, g.Bounds().Dy())
}

// TestQ3_1_5_ConfusionMatrix checks the counts' margins: row i sums to the number
// of examples of class i, and the diagonal over N is nn.Evaluate's accuracy.
func TestQ3_1_5_ConfusionMatrix(t *testing.T) {
	net := randomNet(t, 8, 6, 5)
	ds := blobs(t, 120, 6, newRand(5))
	counts, err := ConfusionMatrix(net, ds)
	require.NoError(t, err)
	_, acc, err := nn.Evaluate(net, ds)
	require.NoError(t, err)
	diag := 0
	for i, row := range counts {
		require.Equal(t, 20, sum(row), "class %d", i)
		diag += row[i]
	}
	require.InDelta(t, acc, float64(diag)/120, 1e-15)
}

func TestQ3_1_5_TopConfusions(t *testing.T) {
	counts := [][]int{
		{9, 3, 0, 1},
		{4, 5, 0, 0},
		{0, 0, 7, 2},
		{0, 1, 2, 6},
	}
	got := TopConfusions(counts, []string{"O", "0", "S", "5"}, 3)
	require.Equal(t, []Confused{
		{A: "O", B: "0", AB: 3, BA: 4, Total: 7, SupportA: 13, SupportB: 9, IndexA: 0, IndexB: 1},
		{A: "S", B: "5", AB: 2, BA: 2, Total: 4, SupportA: 9, SupportB: 9, IndexA: 2, IndexB: 3},
		{A: "O", B: "5", AB: 1, BA: 0, Total: 1, SupportA: 13, SupportB: 9, IndexA: 0, IndexB: 3},
	}, got)
	require.Len(t, TopConfusions(counts, nil, 10), 4)
}

// TestPlots draws the curves of Q3.1.1 and Q3.1.2 from a known history
// and compares the figures with golden/q3_train/plot_*.png (datatest.AssertPNG:
// every pixel on every architecture), and checks the refusals.
func TestPlots(t *testing.T) {
	var hist []nn.EpochMetrics
	for e := 1; e <= 12; e++ {
		x := float64(e)
		hist = append(hist, nn.EpochMetrics{Epoch: e, TrainAcc: 0.9 - 0.8*math.Exp(-x/3), ValidAcc: 0.8 - 0.7*math.Exp(-x/4),
			TrainLoss: 3.5 * math.Exp(-x/4), ValidLoss: 0.6 + 3*math.Exp(-x/5)})
	}
	acc, err := AccuracyPlot(hist, "Q3.1.1 accuracy (synthetic)")
	require.NoError(t, err)
	loss, err := LossPlot(hist, "Q3.1.1 loss (synthetic)")
	require.NoError(t, err)
	slow := append([]nn.EpochMetrics(nil), hist...)
	for i := range slow {
		slow[i].ValidAcc *= 0.7
	}
	s := &SweepResult{Rates: []float64{5e-3, 5e-2, 5e-4}, Runs: []*Result{{History: hist}, {History: slow}, {History: hist[:6]}}}
	sweep, err := SweepPlot(s, "Q3.1.2 validation accuracy (synthetic)", "accuracy", func(m nn.EpochMetrics) float64 { return m.ValidAcc })
	require.NoError(t, err)
	for name, p := range map[string]*plot.Plot{"plot_accuracy.png": acc, "plot_loss.png": loss, "plot_sweep.png": sweep} {
		b, err := viz.PNG(p, 640, 400)
		require.NoError(t, err)
		datatest.AssertPNG(t, "q3_train", name, b)
	}

	_, err = AccuracyPlot(nil, "acc")
	require.Error(t, err)
	bad := append([]nn.EpochMetrics(nil), hist...)
	bad[1].ValidLoss = math.NaN()
	_, err = LossPlot(bad, "loss")
	require.Error(t, err, "NaN is refused by viz.Curves")
}

package train

import (
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/vec"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

// thresholdEpochs is the assignment's minimum number of epochs for the
// validation-accuracy threshold.
const thresholdEpochs = 30

// TestQ3_1_1_NIST36Threshold trains with the default settings for 30 epochs on the
// whole real training set: the validation accuracy reaches the assignment's
// 0.75, the loss falls, and the model saved and loaded again (float32
// weights) predicts the validation set as the trained one does. The full
// 50-epoch run is `recog q3`; its numbers are in docs/q3_train.md.
func TestQ3_1_1_NIST36Threshold(t *testing.T) {
	datatest.Trains(t, "30 epochs on NIST36, about 30 s")
	tr, _ := datatest.NIST36(t, "train")
	va, _ := datatest.NIST36(t, "valid")
	cfg := DefaultConfig()
	cfg.Epochs = thresholdEpochs
	res, err := Run(&data.Splits{Train: tr, Valid: va}, cfg, nil)
	require.NoError(t, err)
	f := res.Final()
	t.Logf("defaults %+v: after %d epochs train acc %.4f, valid acc %.4f (loss %.4f), %.3f s/epoch",
		cfg, thresholdEpochs, f.TrainAcc, f.ValidAcc, f.ValidLoss, res.SecondsPerEpoch())
	require.GreaterOrEqual(t, f.ValidAcc, 0.75)
	require.Less(t, f.TrainLoss, res.History[0].TrainLoss)

	path := filepath.Join(t.TempDir(), "q3.safetensors")
	require.NoError(t, nn.SaveModel(path, res.Net, nil, nil))
	net, _, err := nn.LoadModel(path)
	require.NoError(t, err)
	p0, err := res.Net.Predict(va.X)
	require.NoError(t, err)
	p1, err := net.Predict(va.X)
	require.NoError(t, err)
	same := 0
	var worst float64
	for i := range va.Len() {
		if vec.Argmax(p0.RawRowView(i)) == vec.Argmax(p1.RawRowView(i)) {
			same++
		}
		for j := range 36 {
			worst = math.Max(worst, math.Abs(p0.At(i, j)-p1.At(i, j)))
		}
	}
	t.Logf("float32 round trip: %d of %d predictions unchanged, largest probability change %.2g", same, va.Len(), worst)
	require.GreaterOrEqual(t, same, va.Len()-1)
	require.Less(t, worst, 1e-4)
}

// shortRun is golden/q3_train/short_run.json: a short seeded run on the
// first shortRows rows of the real training set, evaluated on the whole
// validation set. Numbers are compared with a relative tolerance, since the
// OpenBLAS build sums in another order than pure Go.
type shortRun struct {
	TrainSHA256   string    `json:"train_sha256"`
	ValidSHA256   string    `json:"valid_sha256"`
	TrainRows     int       `json:"train_rows"`
	Epochs        int       `json:"epochs"`
	LR            float64   `json:"lr"`
	Batch         int       `json:"batch"`
	Hidden        int       `json:"hidden"`
	Seed          uint64    `json:"seed"`
	TrainAcc      []float64 `json:"train_acc_curve"`
	ValidAcc      []float64 `json:"valid_acc_curve"`
	TrainLoss     []float64 `json:"train_loss_curve"`
	ValidLoss     []float64 `json:"valid_loss_curve"`
	W1Sum         float64   `json:"w1_sum"`
	W2SumAbs      float64   `json:"w2_sum_abs"`
	ConfusionDiag []int     `json:"valid_confusion_diagonal"`
}

const (
	shortRows   = 1000
	shortEpochs = 5
)

// sig rounds v to 10 significant digits (what the golden file stores).
func sig(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64)
	return r
}

// TestQ3_1_1_NIST36ShortGolden runs 5 epochs on 1000 real training images and
// compares the curves, weight sums and validation confusion diagonal with
// golden/q3_train/short_run.json, and the accuracy, loss and weight figures
// with the PNGs there (drawn from the numbers rounded to 6 decimals, so that
// the last bits that differ between BLAS builds cannot move a pixel). The
// golden records the SHA-256 of the data: on another version of NIST36 the
// comparison fails, naming both checksums (datatest.RequireSameData).
func TestQ3_1_1_NIST36ShortGolden(t *testing.T) {
	datatest.Trains(t, "5 epochs on 1000 NIST36 images")
	trAll, trainSum := datatest.NIST36(t, "train")
	va, validSum := datatest.NIST36(t, "valid")
	cfg := DefaultConfig()
	cfg.Epochs = shortEpochs
	res, err := Run(&data.Splits{Train: trAll.Head(shortRows), Valid: va}, cfg, nil)
	require.NoError(t, err)

	got := shortRun{TrainSHA256: trainSum, ValidSHA256: validSum, TrainRows: shortRows, Epochs: cfg.Epochs,
		LR: cfg.LR, Batch: cfg.BatchSize, Hidden: cfg.Hidden, Seed: cfg.Seed}
	rounded := make([]nn.EpochMetrics, len(res.History))
	r6 := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	for i, m := range res.History {
		got.TrainAcc = append(got.TrainAcc, sig(m.TrainAcc))
		got.ValidAcc = append(got.ValidAcc, sig(m.ValidAcc))
		got.TrainLoss = append(got.TrainLoss, sig(m.TrainLoss))
		got.ValidLoss = append(got.ValidLoss, sig(m.ValidLoss))
		rounded[i] = nn.EpochMetrics{Epoch: m.Epoch, TrainAcc: r6(m.TrainAcc), ValidAcc: r6(m.ValidAcc), TrainLoss: r6(m.TrainLoss), ValidLoss: r6(m.ValidLoss)}
	}
	for _, v := range res.Net.Layers[0].W.RawMatrix().Data {
		got.W1Sum += v
	}
	for _, v := range res.Net.Layers[1].W.RawMatrix().Data {
		got.W2SumAbs += math.Abs(v)
	}
	got.W1Sum, got.W2SumAbs = sig(got.W1Sum), sig(got.W2SumAbs)
	counts, err := ConfusionMatrix(res.Net, va)
	require.NoError(t, err)
	for i := range counts {
		got.ConfusionDiag = append(got.ConfusionDiag, counts[i][i])
	}
	// The run must have learned something even in 5 epochs on 1000 images.
	require.Greater(t, res.Final().ValidAcc, 0.1, "chance is 1/36")

	accPlot, err := AccuracyPlot(rounded, "Q3 short run: accuracy (5 epochs, 1000 images)")
	require.NoError(t, err)
	accPNG, err := viz.PNG(accPlot, 640, 400)
	require.NoError(t, err)
	lossPlot, err := LossPlot(rounded, "Q3 short run: loss (5 epochs, 1000 images)")
	require.NoError(t, err)
	lossPNG, err := viz.PNG(lossPlot, 640, 400)
	require.NoError(t, err)

	var want shortRun
	if !datatest.GoldenNumbers(t, "q3_train", "short_run.json", got, &want, map[string][]byte{"short_run_accuracy.png": accPNG, "short_run_loss.png": lossPNG}) {
		return
	}
	datatest.RequireSameData(t, "golden/q3_train/short_run.json", map[string][2]string{
		"nist36/" + data.SplitFile("train"): {want.TrainSHA256, trainSum}, "nist36/" + data.SplitFile("valid"): {want.ValidSHA256, validSum}})
	require.Equal(t, []any{want.TrainRows, want.Epochs, want.LR, want.Batch, want.Hidden, want.Seed},
		[]any{got.TrainRows, got.Epochs, got.LR, got.Batch, got.Hidden, got.Seed})
	const rel = 1e-7
	for _, c := range []struct {
		name      string
		want, got []float64
	}{
		{"train_acc_curve", want.TrainAcc, got.TrainAcc}, {"valid_acc_curve", want.ValidAcc, got.ValidAcc},
		{"train_loss_curve", want.TrainLoss, got.TrainLoss}, {"valid_loss_curve", want.ValidLoss, got.ValidLoss},
		{"w1_sum", []float64{want.W1Sum}, []float64{got.W1Sum}}, {"w2_sum_abs", []float64{want.W2SumAbs}, []float64{got.W2SumAbs}},
	} {
		require.Len(t, c.got, len(c.want), c.name)
		for i := range c.want {
			require.InDelta(t, c.want[i], c.got[i], rel*math.Max(math.Abs(c.want[i]), 1), "%s[%d]", c.name, i)
		}
	}
	require.Equal(t, want.ConfusionDiag, got.ConfusionDiag)
	datatest.AssertPNG(t, "q3_train", "short_run_accuracy.png", accPNG)
	datatest.AssertPNG(t, "q3_train", "short_run_loss.png", lossPNG)
}

// TestQ3_1_1_Full is the full tier of Q3: the network trained with the
// defaults that docs/q3_train.md reports (50 epochs, lr 0.005, batch 32, 64
// hidden units, seed 1) on the whole NIST36 training set reaches the
// targets, validation accuracy ≥ 0.75 and test accuracy ≥ 0.77 (the
// docs: 0.7928 and 0.7872). The same run is the training of the embedded
// network (ModelConfig, q3_train/model/README.md's command): the model file
// `recog q3 --save` writes for it is compared with the committed one, and
// the differences, if any, are logged (on this machine there were none
// on 2026-12-03; the README says why they may appear on another CPU). q4_ocr's TestQ4_4_Q3Network_Full reads the photos
// with the retrained network.
func TestQ3_1_1_Full(t *testing.T) {
	datatest.Full(t, "Q3: 50 epochs on NIST36, about 1 min")
	sets := nist36Splits(t)
	res, err := Run(sets, DefaultConfig(), nil)
	require.NoError(t, err)
	f := res.Final()
	t.Logf("50 epochs: train acc %.4f, valid acc %.4f, test acc %.4f; %.3f s/epoch", f.TrainAcc, f.ValidAcc, res.TestAcc, res.SecondsPerEpoch())
	require.GreaterOrEqual(t, f.ValidAcc, 0.75, "valid accuracy")
	require.GreaterOrEqual(t, res.TestAcc, 0.77, "test accuracy")

	if !reflect.DeepEqual(ModelConfig(), DefaultConfig()) { // the defaults have changed since
		res, err = Run(sets, ModelConfig(), nil)
		require.NoError(t, err)
	}
	path := filepath.Join(t.TempDir(), DefaultModelFile)
	require.NoError(t, nn.SaveModel(path, res.Net, sets.Train.Classes, res.ModelMeta()))
	datatest.CompareModelFiles(t, filepath.Join("model", DefaultModelFile), path)
}

// nist36Splits loads the three NIST36 splits from ./data.
func nist36Splits(t *testing.T) *data.Splits {
	tr, _ := datatest.NIST36(t, "train")
	va, _ := datatest.NIST36(t, "valid")
	te, _ := datatest.NIST36(t, "test")
	return &data.Splits{Train: tr, Valid: va, Test: te}
}

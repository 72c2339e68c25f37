package autoencoder

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/recon"
	"recog/internal/viz"
)

// shortRun is golden/q5_autoencoder/short_run.json: a short seeded run on
// the first shortRows training images, compared with tolerances.
type shortRun struct {
	TrainSHA256 string    `json:"train_sha256"`
	ValidSHA256 string    `json:"valid_sha256"`
	Mode        string    `json:"mode"`
	Rows        int       `json:"train_rows"`
	Epochs      int       `json:"epochs"`
	Seed        uint64    `json:"seed"`
	TrainLoss   []float64 `json:"train_loss_curve"`
	ValidPSNR   []float64 `json:"valid_psnr_curve"`
	FinalPSNR   float64   `json:"valid_psnr_db"`
	Dead        []int     `json:"dead_units"`
	// MeanImagePSNR is the validation PSNR of the mean of the training
	// rows used, given as every image's reconstruction (the baseline the
	// test beats; docs/q5_autoencoder.md quotes it).
	MeanImagePSNR float64 `json:"mean_image_valid_psnr_db"`
}

const (
	shortRows   = 3000
	shortEpochs = 5
)

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// TestQ5_2_NIST36Short trains the autoencoder with the assignment's recipe for a
// few epochs on a subset of the real training set: the loss falls every
// epoch, the validation PSNR beats reconstructing every image as the mean
// training image, and the numbers and the figure match the golden files
// (the golden records the data's SHA-256; on other data the comparison
// fails, naming both). The full 100-epoch run is TestQ5_3_2_Full and
// `recog q5`; its numbers are in docs/q5_autoencoder.md.
func TestQ5_2_NIST36Short(t *testing.T) {
	datatest.Trains(t, "5 epochs on 3000 NIST36 images")
	trainAll, trainSum := datatest.NIST36(t, "train")
	valid, validSum := datatest.NIST36(t, "valid")
	train := trainAll.Head(shortRows)

	opt := DefaultOptions()
	opt.Epochs = shortEpochs
	res, err := Run(&data.Splits{Train: train, Valid: valid}, opt, nil)
	require.NoError(t, err)
	require.Len(t, res.History, shortEpochs)
	for i := 1; i < len(res.History); i++ {
		require.Less(t, res.History[i].TrainLoss, res.History[i-1].TrainLoss, "epoch %d", i+1)
	}
	meanImage := mat.NewDense(valid.Len(), 1024, nil)
	for j := range 1024 {
		col := mat.Col(nil, j, train.X)
		var s float64
		for _, v := range col {
			s += v
		}
		for i := range valid.Len() {
			meanImage.Set(i, j, s/float64(len(col)))
		}
	}
	base, err := recon.MeanPSNR(valid.X, meanImage)
	require.NoError(t, err)
	require.Greater(t, res.ValidPSNR, base+1, "mean-image PSNR is %.3f dB", base)
	require.InDelta(t, res.History[len(res.History)-1].ValidPSNR, res.ValidPSNR, 1e-12)
	t.Logf("valid PSNR %.3f dB after %d epochs on %d images (mean image: %.3f dB)", res.ValidPSNR, shortEpochs, shortRows, base)

	dead, err := DeadUnits(res.Net, valid.X)
	require.NoError(t, err)
	// The run's metrics and figures (what `recog q5` writes) agree with it.
	require.Equal(t, dead, res.Metrics.DeadUnits)
	require.Equal(t, res.ValidPSNR, res.Metrics.ValidPSNR)
	require.Len(t, res.Metrics.ValidPSNRCurve, shortEpochs)
	require.Equal(t, res.History[0].TrainLoss/float64(shortRows), res.Metrics.TrainLossPerImage[0])
	var names []string
	for _, f := range res.Figures {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{FigLoss, FigValidPSNR, FigReconstructions}, names)
	got := shortRun{
		TrainSHA256: trainSum, ValidSHA256: validSum, Mode: ModeDefault.String(),
		Rows: shortRows, Epochs: shortEpochs, Seed: opt.Seed,
		FinalPSNR: round(res.ValidPSNR, 6), Dead: dead, MeanImagePSNR: round(base, 6),
	}
	for _, m := range res.History {
		got.TrainLoss = append(got.TrainLoss, round(m.TrainLoss, 3))
		got.ValidPSNR = append(got.ValidPSNR, round(m.ValidPSNR, 6))
	}
	png, err := viz.EncodePNG(res.Grid)
	require.NoError(t, err)

	var want shortRun
	if !datatest.GoldenNumbers(t, "q5_autoencoder", "short_run.json", got, &want, map[string][]byte{"short_run_valid_reconstructions.png": png}) {
		return
	}
	datatest.RequireSameData(t, "golden/q5_autoencoder/short_run.json", map[string][2]string{
		"nist36/" + data.SplitFile("train"): {want.TrainSHA256, trainSum}, "nist36/" + data.SplitFile("valid"): {want.ValidSHA256, validSum}})
	require.Equal(t, []any{want.Mode, want.Rows, want.Epochs, want.Seed}, []any{got.Mode, got.Rows, got.Epochs, got.Seed})
	require.InDeltaSlice(t, want.TrainLoss, got.TrainLoss, 1e-6*want.TrainLoss[0])
	require.InDeltaSlice(t, want.ValidPSNR, got.ValidPSNR, 1e-5)
	require.InDelta(t, want.FinalPSNR, got.FinalPSNR, 1e-5)
	require.Equal(t, want.Dead, got.Dead)
	require.InDelta(t, want.MeanImagePSNR, got.MeanImagePSNR, 1e-6)
	datatest.AssertPNG(t, "q5_autoencoder", "short_run_valid_reconstructions.png", png)
}

// TestQ5_3_2_Full is the full tier of Q5: the assignment's recipe at the
// settings docs/q5_autoencoder.md reports (DefaultOptions: 100 epochs, lr
// 3e-5, batch 36, momentum 0.9, seed 1) on the whole NIST36 training set
// reaches the target validation PSNR ≥ 16.5 dB (the docs: 17.087 dB).
// That the improved recipe beats PCA on the test set is checked where both
// are reachable, q6_pca's TestQ5_3_2_ImprovedBeatsPCA_Full.
func TestQ5_3_2_Full(t *testing.T) {
	datatest.Full(t, "Q5: 100 epochs of the autoencoder on NIST36, 2-7 min")
	train, _ := datatest.NIST36(t, "train")
	valid, _ := datatest.NIST36(t, "valid")
	res, err := Run(&data.Splits{Train: train, Valid: valid}, DefaultOptions(), nil)
	require.NoError(t, err)
	t.Logf("default recipe, %d epochs: valid PSNR %.3f dB", len(res.History), res.ValidPSNR)
	require.Len(t, res.History, 100)
	require.GreaterOrEqual(t, res.ValidPSNR, 16.5)
}

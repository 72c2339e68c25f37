package pca

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/viz"
)

// Targets from a numpy reference of the same computation on the mirror's
// NIST36 files: PCA with 32 components of the centred training data.
const (
	wantTestPSNR          = 17.895 // dB, mean over the test images
	wantExplainedVariance = 0.778
)

// goldenNumbers is golden/q6_pca/pca_nist36.json: the data it came from and
// the numbers, compared with tolerances.
type goldenNumbers struct {
	TrainSHA256       string    `json:"train_sha256"`
	TestSHA256        string    `json:"test_sha256"`
	Rows              int       `json:"p_rows"`
	Cols              int       `json:"p_cols"`
	Rank              int       `json:"p_rank"`
	ExplainedVariance float64   `json:"explained_variance"`
	TestPSNR          float64   `json:"test_psnr_db"`
	TrainPSNR         float64   `json:"train_psnr_db"`
	Variances         []float64 `json:"variances_first_40"`
	Shown             []int     `json:"shown_test_rows"`
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// TestNIST36 fits the PCA of question 6 on the real training set and checks
// the assignment-level targets (test PSNR to 0.01 dB, variance explained,
// size and rank of P), then the golden numbers and figure when the data is
// the version they were made from.
func TestNIST36(t *testing.T) {
	train, trainSum := datatest.NIST36(t, "train")
	test, testSum := datatest.NIST36(t, "test")
	res, err := Run(&data.Splits{Train: train, Test: test}, Options{AutoencoderParams: 68704})
	require.NoError(t, err)

	require.Equal(t, []int{1024, 32, 32}, []int{res.Rows, res.Cols, res.Rank}, "P is 1024 x 32 of rank 32")
	require.InDelta(t, wantExplainedVariance, res.ExplainedVariance, 0.0005)
	require.InDelta(t, wantTestPSNR, res.TestPSNR, 0.01)
	require.Equal(t, []int{32768, 1024}, []int{res.ProjectionParams, res.MeanParams})
	// The metrics that `recog q6` writes (Q6.4: 33,792 learned values of
	// PCA against the autoencoder's 68,704, which q5_autoencoder's tests
	// count) and the two figures.
	m := res.Metrics
	require.Equal(t, []int{32, 1024, 32, 32, 32768 + 1024, 68704}, []int{m.K, m.PRows, m.PCols, m.PRank, m.Params, m.ParamsAutoencoder})
	require.Equal(t, res.TestPSNR, m.TestPSNR)
	require.Len(t, res.Figures, 2)
	require.Equal(t, FigReconstructions, res.Figures[0].Name)
	require.Equal(t, FigExplainedVariance, res.Figures[1].Name)

	got := goldenNumbers{
		TrainSHA256: trainSum, TestSHA256: testSum,
		Rows: res.Rows, Cols: res.Cols, Rank: res.Rank,
		ExplainedVariance: round(res.ExplainedVariance, 8),
		TestPSNR:          round(res.TestPSNR, 8),
		TrainPSNR:         round(res.TrainPSNR, 8),
		Shown:             res.Shown,
	}
	for _, v := range res.Model.Variances[:40] {
		got.Variances = append(got.Variances, round(v, 10))
	}
	png, err := viz.EncodePNG(res.Grid)
	require.NoError(t, err)

	var want goldenNumbers
	if !datatest.GoldenNumbers(t, "q6_pca", "pca_nist36.json", got, &want, map[string][]byte{"test_reconstructions.png": png}) {
		return
	}
	datatest.SkipOnOtherData(t, map[string][2]string{"train": {want.TrainSHA256, trainSum}, "test": {want.TestSHA256, testSum}})
	g := datatest.Golden(t, "q6_pca")
	require.Equal(t, want.Shown, got.Shown)
	require.Equal(t, []int{want.Rows, want.Cols, want.Rank}, []int{got.Rows, got.Cols, got.Rank})
	require.InDelta(t, want.ExplainedVariance, got.ExplainedVariance, 1e-7)
	require.InDelta(t, want.TestPSNR, got.TestPSNR, 1e-6)
	require.InDelta(t, want.TrainPSNR, got.TrainPSNR, 1e-6)
	require.InDeltaSlice(t, want.Variances, got.Variances, 1e-8*want.Variances[0])
	g.Assert(t, "test_reconstructions.png", png)
}

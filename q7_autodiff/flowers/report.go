package flowers

import (
	"fmt"
	"math"

	"recog/internal/viz"
)

// Metrics are the numbers of a run under their metrics.json keys: per model
// (prefix "finetune_" or "scratch_") the numbers of ModelMetrics, then the
// stage times (decode_s, features_s, finetune_s, scratch_s, total_s and
// their cpu_ variants), the sizes of the splits, the BLAS, and the settings
// the report compares with the docs' full run.
type Metrics struct {
	NTrain   int           `json:"n_train"`
	NValid   int           `json:"n_valid"`
	NTest    int           `json:"n_test"`
	BLAS     string        `json:"blas"`
	Stages   Stages        `metrics:"inline"`
	FineTune *ModelMetrics `metrics:"inline,prefix=finetune_"`
	Scratch  *ModelMetrics `metrics:"inline,prefix=scratch_"`
	PerClass int           `json:"per_class"` // images per class and split (0: all)
	// DefaultFineTuneEpochs and DefaultScratchEpochs are DefaultConfig's
	// (the full run of docs/q7_flowers.md).
	DefaultFineTuneEpochs int     `json:"default_finetune_epochs"`
	DefaultScratchEpochs  int     `json:"default_scratch_epochs"`
	Chance                float64 `json:"chance"` // 1 / classes
	// Recipe is Config.Recipe ("" for the assignment's settings), and
	// ValidOnly says the test set was not evaluated (test numbers null).
	Recipe    string `json:"recipe,omitempty"`
	ValidOnly bool   `json:"valid_only,omitempty"`
	// Refit says the models trained on the training and validation images
	// together (Config.Refit): n_train counts both, n_valid is 0 and the
	// validation numbers are null.
	Refit bool `json:"refit,omitempty"`
}

// ModelMetrics are one model's numbers: the validation and test accuracy
// of the best validation epoch, that epoch, the parameters, the training
// time and the per-epoch curves.
type ModelMetrics struct {
	TestAcc  float64 `json:"test_acc"`
	ValidAcc float64 `json:"valid_acc"`
	// LastValidAcc is the validation accuracy after the last epoch.
	LastValidAcc float64 `json:"last_valid_acc"`
	// Setup describes the training settings (optimiser, schedule, recipe options).
	Setup          string    `json:"setup"`
	BestEpoch      int       `json:"best_epoch"`
	Epochs         int       `json:"epochs"`
	ParamsTrained  int       `json:"params_trained"`
	ParamsTotal    int       `json:"params_total"`
	TrainSeconds   float64   `json:"train_s"`
	TrainAccCurve  []float64 `json:"train_acc_curve"`
	ValidAccCurve  []float64 `json:"valid_acc_curve"`
	TrainLossCurve []float64 `json:"train_loss_curve"`
	ValidLossCurve []float64 `json:"valid_loss_curve"`
	TestAccCurve   []float64 `json:"test_acc_curve"`
	TestLossCurve  []float64 `json:"test_loss_curve"`
}

// Metrics returns the run's numbers; cfg is the configuration it ran with.
func (r *Result) Metrics(cfg Config) Metrics {
	def := DefaultConfig(cfg.DataDir)
	m := Metrics{NTrain: r.NumTrain, NValid: r.NumVal, NTest: r.NumTest, BLAS: r.BLAS, Stages: r.Stages,
		PerClass: cfg.PerClass, DefaultFineTuneEpochs: def.FineTuneEpochs, DefaultScratchEpochs: def.ScratchEpochs,
		Chance: 1 / float64(len(r.Classes)), Recipe: cfg.Recipe, ValidOnly: cfg.ValidOnly, Refit: cfg.Refit}
	cfg.fill()
	model := func(run *ModelRun, setup string) *ModelMetrics {
		if run == nil {
			return nil
		}
		va, ta := run.Best()
		h := run.History
		return &ModelMetrics{TestAcc: ta, ValidAcc: va, LastValidAcc: h.Epochs[len(h.Epochs)-1].ValidAcc, Setup: setup,
			BestEpoch: run.BestEpoch, Epochs: len(h.Epochs),
			ParamsTrained: run.ParamsTrained, ParamsTotal: run.ParamsTotal, TrainSeconds: run.TrainSeconds,
			TrainAccCurve: h.Curve("train_acc"), ValidAccCurve: h.Curve("valid_acc"),
			TrainLossCurve: h.Curve("train_loss"), ValidLossCurve: h.Curve("valid_loss"),
			TestAccCurve: run.TestAcc, TestLossCurve: run.TestLoss}
	}
	m.FineTune, m.Scratch = model(r.FineTune, fineTuneSetup(cfg)), model(r.Scratch, scratchSetup(cfg))
	return m
}

// Figures returns the plots of the run: q7_flowers_acc.png (training,
// validation and test accuracy per epoch of both models) and
// q7_flowers_loss.png (the same for the mean cross-entropy), 900 x 560
// pixels; a ValidOnly run has no test curves. Training numbers are averaged over each epoch's batches as they
// were trained (dropout on; random crops for the scratch CNN).
func (r *Result) Figures() ([]viz.Figure, error) {
	var out []viz.Figure
	for _, f := range []struct {
		stem, measure, ylabel string
	}{{"q7_flowers_acc", "acc", "accuracy"}, {"q7_flowers_loss", "loss", "cross-entropy loss (mean)"}} {
		var series []viz.Series
		for i, run := range []*ModelRun{r.FineTune, r.Scratch} {
			if run == nil {
				continue
			}
			label := map[int]string{0: "fine-tuned SqueezeNet", 1: "CNN from scratch"}[i]
			h := run.History
			x := make([]float64, len(h.Epochs))
			for j := range x {
				x[j] = float64(j + 1)
			}
			test := run.TestAcc
			if f.measure == "loss" {
				test = run.TestLoss
			}
			c := viz.Colour(2 * i)
			series = append(series, viz.Series{Name: label + " train", X: x, Y: h.Curve("train_" + f.measure), Color: c})
			if !math.IsNaN(h.Epochs[0].ValidAcc) { // NaN: no validation set (Config.Refit)
				series = append(series, viz.Series{Name: label + " valid", X: x, Y: h.Curve("valid_" + f.measure), Color: c, Dashed: true})
			}
			if len(test) > 0 && !math.IsNaN(test[0]) { // NaN: a ValidOnly run, no test curve
				series = append(series, viz.Series{Name: label + " test", X: x, Y: test, Color: viz.Colour(2*i + 1), Dashed: true})
			}
		}
		if len(series) == 0 {
			return nil, fmt.Errorf("flowers figures: no model was trained")
		}
		p, err := viz.Curves(fmt.Sprintf("Q7.2 Oxford Flowers 17: %s per epoch", f.ylabel), "epoch", f.ylabel, series...)
		if err != nil {
			return nil, fmt.Errorf("flowers figure %s: %w", f.stem, err)
		}
		out = append(out, viz.PlotFigure(f.stem+".png", p, 900, 560))
	}
	return out, nil
}

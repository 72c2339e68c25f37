package autodiff

import (
	"fmt"

	"gonum.org/v1/plot"

	"recog/internal/viz"
)

// Metrics returns the run's numbers as a flat map with snake_case keys for
// metrics.json: per model (prefix "finetune_" or "scratch_") test_acc and
// valid_acc of the best validation epoch, best_epoch, epochs,
// params_trained, params_total, train_s and the per-epoch curves
// train_acc_curve, valid_acc_curve, test_acc_curve, train_loss_curve,
// valid_loss_curve, test_loss_curve; then the stage times (decode_s,
// features_s, finetune_s, scratch_s, total_s and their cpu_ variants),
// n_train, n_valid, n_test and blas.
func (r *FlowersResult) Metrics() map[string]any {
	m := map[string]any{
		"n_train": r.NumTrain, "n_valid": r.NumVal, "n_test": r.NumTest, "blas": r.BLAS,
		"decode_s": r.Stages.Decode, "features_s": r.Stages.Features, "finetune_s": r.Stages.FineTune,
		"scratch_s": r.Stages.Scratch, "total_s": r.Stages.Total,
		"cpu_decode_s": r.Stages.CPU.Decode, "cpu_features_s": r.Stages.CPU.Features,
		"cpu_finetune_s": r.Stages.CPU.FineTune, "cpu_scratch_s": r.Stages.CPU.Scratch, "cpu_total_s": r.Stages.CPU.Total,
	}
	for _, x := range []struct {
		prefix string
		run    *FlowersRun
	}{{"finetune_", r.FineTune}, {"scratch_", r.Scratch}} {
		if x.run == nil {
			continue
		}
		va, ta := x.run.Best()
		h := x.run.History
		for k, v := range map[string]any{
			"test_acc": ta, "valid_acc": va, "best_epoch": x.run.BestEpoch, "epochs": len(h.Epochs),
			"params_trained": x.run.ParamsTrained, "params_total": x.run.ParamsTotal, "train_s": x.run.TrainSeconds,
			"train_acc_curve": h.Curve("train_acc"), "valid_acc_curve": h.Curve("valid_acc"),
			"train_loss_curve": h.Curve("train_loss"), "valid_loss_curve": h.Curve("valid_loss"),
			"test_acc_curve": x.run.TestAcc, "test_loss_curve": x.run.TestLoss,
		} {
			m[x.prefix+k] = v
		}
	}
	return m
}

// Figures returns the plots of the run, by file stem:
// "q7_flowers_acc" (training, validation and test accuracy per epoch of
// both models) and "q7_flowers_loss" (the same for the mean cross-entropy).
// Training numbers are averaged over each epoch's batches as they were
// trained (dropout on; random crops for the scratch CNN).
func (r *FlowersResult) Figures() (map[string]*plot.Plot, error) {
	out := map[string]*plot.Plot{}
	for _, f := range []struct {
		stem, measure, ylabel string
	}{{"q7_flowers_acc", "acc", "accuracy"}, {"q7_flowers_loss", "loss", "cross-entropy loss (mean)"}} {
		var series []viz.Series
		for i, run := range []*FlowersRun{r.FineTune, r.Scratch} {
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
			series = append(series,
				viz.Series{Name: label + " train", X: x, Y: h.Curve("train_" + f.measure), Color: c},
				viz.Series{Name: label + " valid", X: x, Y: h.Curve("valid_" + f.measure), Color: c, Dashed: true},
				viz.Series{Name: label + " test", X: x, Y: test, Color: viz.Colour(2*i + 1), Dashed: true})
		}
		if len(series) == 0 {
			return nil, fmt.Errorf("flowers figures: no model was trained")
		}
		p, err := viz.Curves(fmt.Sprintf("Q7.2 Oxford Flowers 17: %s per epoch", f.ylabel), "epoch", f.ylabel, series...)
		if err != nil {
			return nil, fmt.Errorf("flowers figure %s: %w", f.stem, err)
		}
		out[f.stem] = p
	}
	return out, nil
}

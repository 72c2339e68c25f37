package train

import (
	"fmt"
	"strconv"

	"recog/internal/blas"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

// Metrics are the numbers of a run under their metrics.json keys.
type Metrics struct {
	Epochs    int     `json:"epochs"`
	LR        float64 `json:"lr"`
	Batch     int     `json:"batch"`
	Hidden    int     `json:"hidden"`
	Seed      uint64  `json:"seed"`
	Precision string  `json:"precision"` // "float64" or "float32"
	// The last epoch's numbers (train and valid: the whole sets evaluated
	// after the epoch; TrainMetrics says so) and the test numbers of its
	// network (Q3.1.1).
	TrainAcc     float64 `json:"train_acc"`
	ValidAcc     float64 `json:"valid_acc"`
	TestAcc      float64 `json:"test_acc"`
	TrainLoss    float64 `json:"train_loss"`
	ValidLoss    float64 `json:"valid_loss"`
	TestLoss     float64 `json:"test_loss"`
	TrainMetrics string  `json:"train_metrics"`
	// The epoch of highest validation accuracy and the test accuracy of
	// its network (model selection on the validation set).
	BestValidAcc   float64 `json:"best_valid_acc"`
	BestValidEpoch int     `json:"best_valid_epoch"`
	BestTestAcc    float64 `json:"best_test_acc"`
	SPerEpoch      float64 `json:"s_per_epoch"` // updates only
	STotal         float64 `json:"s_total"`     // the whole run with its report
	BLAS           string  `json:"blas"`
	// ConfusedPairs are the 10 class pairs most often taken for each other
	// on the test set (Q3.1.5), "A/B: n (A as B k, B as A l)".
	ConfusedPairs []string `json:"confused_pairs"`
	// The validation images that maximise each deep-layer class's output
	// (Q3.1.4): rows, probabilities, "class->true label".
	DeepLayerRows   []int     `json:"deep_layer_rows"`
	DeepLayerProbs  []float64 `json:"deep_layer_probs"`
	DeepLayerLabels []string  `json:"deep_layer_labels"`
	ModelPath       string    `json:"model_path,omitempty"` // set by the caller that saves the model
	Curves          Curves    `metrics:"inline"`
}

// Curves are a run's numbers per epoch.
type Curves struct {
	TrainAcc  []float64 `json:"train_acc_curve"`
	ValidAcc  []float64 `json:"valid_acc_curve"`
	TrainLoss []float64 `json:"train_loss_curve"`
	ValidLoss []float64 `json:"valid_loss_curve"`
	Seconds   []float64 `json:"s_epoch_curve"`
}

func curves(hist []nn.EpochMetrics) Curves {
	var c Curves
	for _, m := range hist {
		c.TrainAcc = append(c.TrainAcc, m.TrainAcc)
		c.ValidAcc = append(c.ValidAcc, m.ValidAcc)
		c.TrainLoss = append(c.TrainLoss, m.TrainLoss)
		c.ValidLoss = append(c.ValidLoss, m.ValidLoss)
		c.Seconds = append(c.Seconds, m.Seconds)
	}
	return c
}

// Precision returns "float32" or "float64".
func (c Config) Precision() string {
	if c.Float32 {
		return "float32"
	}
	return "float64"
}

func (r *Result) metrics(classes []string, total float64) Metrics {
	c, f := r.Config, r.Final()
	m := Metrics{Epochs: c.Epochs, LR: c.LR, Batch: c.BatchSize, Hidden: c.Hidden, Seed: c.Seed, Precision: c.Precision(),
		TrainAcc: f.TrainAcc, ValidAcc: f.ValidAcc, TestAcc: r.TestAcc, TrainLoss: f.TrainLoss, ValidLoss: f.ValidLoss, TestLoss: r.TestLoss,
		TrainMetrics: "whole training set evaluated after each epoch",
		BestValidAcc: r.Best.ValidAcc, BestValidEpoch: r.Best.Epoch, BestTestAcc: r.BestTestAcc,
		SPerEpoch: r.SecondsPerEpoch(), STotal: total, BLAS: blas.Name(), Curves: curves(r.History)}
	for _, p := range TopConfusions(r.Confusion, classes, 10) {
		m.ConfusedPairs = append(m.ConfusedPairs, fmt.Sprintf("%s/%s: %d (%s as %s %d, %s as %s %d)", p.A, p.B, p.Total, p.A, p.B, p.AB, p.B, p.A, p.BA))
	}
	for _, d := range r.Deep {
		m.DeepLayerRows, m.DeepLayerProbs = append(m.DeepLayerRows, d.Row), append(m.DeepLayerProbs, d.Prob)
		m.DeepLayerLabels = append(m.DeepLayerLabels, name(classes, d.Class)+"->"+name(classes, d.Label))
	}
	return m
}

// figures draws Q3.1.1's curves, Q3.1.3's weights, Q3.1.4's deep layer and
// Q3.1.5's confusion matrix (the last two when computed).
func (r *Result) figures(classes []string) ([]viz.Figure, error) {
	title := fmt.Sprintf("lr %g, batch %d", r.Config.LR, r.Config.BatchSize)
	figs, err := curveFigures(r.History, "q3", "Q3.1.1 accuracy ("+title+")", "Q3.1.1 average cross-entropy ("+title+")")
	if err != nil {
		return nil, err
	}
	for _, w := range []struct {
		name string
		net  *nn.Network
	}{{"q3_weights_init.png", r.Init}, {"q3_weights_trained.png", r.Net}} {
		g, err := WeightGrid(w.net)
		if err != nil {
			return nil, err
		}
		figs = append(figs, viz.ImageFigure(w.name, g))
	}
	if r.Deep != nil {
		g, err := DeepLayerGrid(r.Deep, classes)
		if err != nil {
			return nil, err
		}
		figs = append(figs, viz.ImageFigure("q3_deep_layer.png", g))
	}
	if r.Confusion != nil {
		p, err := ConfusionPlot(r.Confusion, classes, "Q3.1.5 confusion matrix, NIST36 test set")
		if err != nil {
			return nil, err
		}
		figs = append(figs, viz.PlotFigure("q3_confusion.png", p, 1200, 1200))
	}
	return figs, nil
}

// curveFigures returns <stem>_accuracy.png and <stem>_loss.png of hist.
func curveFigures(hist []nn.EpochMetrics, stem, accTitle, lossTitle string) ([]viz.Figure, error) {
	acc, err := AccuracyPlot(hist, accTitle)
	if err != nil {
		return nil, err
	}
	loss, err := LossPlot(hist, lossTitle)
	if err != nil {
		return nil, err
	}
	return []viz.Figure{viz.PlotFigure(stem+"_accuracy.png", acc, 800, 500), viz.PlotFigure(stem+"_loss.png", loss, 800, 500)}, nil
}

// SweepMetrics are the numbers of the learning-rate study (Q3.1.2) under
// their metrics.json keys: per rate, in the order of SweepRates, the final
// and best accuracies, the curves of each run suffixed by its SweepKeys
// (valid_acc_curve_base, _x10, _x0_1), and the best rate with its numbers.
type SweepMetrics struct {
	Epochs  int       `json:"epochs"`
	Batch   int       `json:"batch"`
	Hidden  int       `json:"hidden"`
	Seed    uint64    `json:"seed"`
	BLAS    string    `json:"blas"`
	LRs     []float64 `json:"sweep_lr"`
	Tags    []string  `json:"sweep_tags"` // "lr_<rate>", the figures' names
	Train   []float64 `json:"sweep_train_acc"`
	Valid   []float64 `json:"sweep_valid_acc"`
	Test    []float64 `json:"sweep_test_acc"`
	BestVal []float64 `json:"sweep_best_valid_acc"`
	BestLR  float64   `json:"best_lr"`
	// ValidAcc and TestAcc are the best rate's final numbers.
	ValidAcc  float64              `json:"valid_acc"`
	TestAcc   float64              `json:"test_acc"`
	SPerEpoch float64              `json:"s_per_epoch"`
	Curves    map[string][]float64 `metrics:"inline"`
}

// SweepKeys suffix the curves of the sweep's runs in the metrics, in the
// order of SweepRates: the base rate, 10x and 1/10.
var SweepKeys = []string{"base", "x10", "x0_1"}

// report fills s's Metrics and Figures: per rate the accuracy and loss
// curves (q3_sweep_lr_<rate>_accuracy.png, _loss.png), and the validation
// accuracy of every rate on one plot (q3_sweep_valid_acc.png).
func (s *SweepResult) report(cfg Config) error {
	m := SweepMetrics{Epochs: cfg.Epochs, Batch: cfg.BatchSize, Hidden: cfg.Hidden, Seed: cfg.Seed, BLAS: blas.Name(),
		Curves: map[string][]float64{}}
	for i, r := range s.Runs {
		lr, f := s.Rates[i], r.Final()
		tag := "lr_" + strconv.FormatFloat(lr, 'g', -1, 64)
		m.LRs, m.Tags = append(m.LRs, lr), append(m.Tags, tag)
		m.Train, m.Valid, m.Test = append(m.Train, f.TrainAcc), append(m.Valid, f.ValidAcc), append(m.Test, r.TestAcc)
		m.BestVal = append(m.BestVal, r.Best.ValidAcc)
		title := fmt.Sprintf("lr %g", lr)
		if i == s.Best {
			title += " (best)"
		}
		figs, err := curveFigures(r.History, "q3_sweep_"+tag, "Q3.1.2 accuracy, "+title, "Q3.1.2 average cross-entropy, "+title)
		if err != nil {
			return err
		}
		s.Figures = append(s.Figures, figs...)
		if i < len(SweepKeys) {
			c := curves(r.History)
			for k, v := range map[string][]float64{"train_acc_curve": c.TrainAcc, "valid_acc_curve": c.ValidAcc,
				"train_loss_curve": c.TrainLoss, "valid_loss_curve": c.ValidLoss, "s_epoch_curve": c.Seconds} {
				m.Curves[k+"_"+SweepKeys[i]] = v
			}
		}
	}
	p, err := SweepPlot(s, "Q3.1.2 validation accuracy per learning rate", "valid accuracy",
		func(e nn.EpochMetrics) float64 { return e.ValidAcc })
	if err != nil {
		return err
	}
	s.Figures = append(s.Figures, viz.PlotFigure("q3_sweep_valid_acc.png", p, 800, 500))
	best := s.Runs[s.Best]
	m.BestLR, m.ValidAcc, m.TestAcc, m.SPerEpoch = s.Rates[s.Best], best.Final().ValidAcc, best.TestAcc, best.SecondsPerEpoch()
	s.Metrics = m
	return nil
}

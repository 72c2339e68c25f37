package autodiff

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"

	"recog/internal/augment"
	"recog/internal/blas"
	"recog/internal/viz"
	"recog/q7_autodiff/nets"
)

// Task is one of the Q7.1 experiments: a data set, a model and the training
// settings that the docs report.
type Task struct {
	Name      string // "mlp", "mnist", "mnist-exact", "nist36", "emnist", "emnist-small", "emnist-ocr", "SET-plus", "SET-ablN"
	Set       string // data set folder under the data directory
	Epochs    int
	BatchSize int
	LR        float64
	Momentum  float64 // SGD momentum (SGD tasks only)
	SGD       bool    // SGD with momentum instead of Adam
	Sum       bool    // summed loss (q2_nn's convention) instead of the mean
	LRDecay   float64 // learning-rate factor per epoch (0: none)
	Dropout   float64 // SimpleCNN dropout (0: none)

	// The improved recipes (recipes.go, docs/q7_autodiff.md#better-recipes-issue-17)
	// add these; their zero values leave the assignment's tasks as they were.

	// Arch "plus" selects nets.NewPlusCNN with Width (named Name+"-cnn");
	// "" the model the task's name implies (NewTaskModel).
	Arch  string
	Width int
	// Augment distorts the training images afresh every epoch
	// (augment.Params.Batch with the run's seed and the epoch).
	Augment augment.Params
	// WeightDecay, if > 0, trains with AdamW (decoupled decay λ) instead of
	// Adam.
	WeightDecay float64
	// Cosine anneals the learning rate over the epochs instead of LRDecay:
	// epoch e (from 1) of E trains at η₀·½(1 + cos(π(e−1)/E)).
	Cosine bool
	// ValidN, for a set without a validation split (MNIST, EMNIST), holds out
	// the last ValidN training examples as the validation set, evaluated
	// after every epoch instead of the test set.
	ValidN int
	// Views evaluates the trained model (the final validation accuracy and
	// the test set; not the per-epoch curve) on every image in each of
	// EvalViews, averaging the class probabilities (evaluateViews).
	Views bool
	// ValidOnly leaves the test set alone (an ablation row, chosen on
	// validation): TestAcc and TestLoss are NaN.
	ValidOnly bool
	// Change says what an ablation row adds to the row before it.
	Change string
}

// Tasks are the Q7.1 experiments with their default settings.
var Tasks = map[string]Task{
	// Q7.1.1: the Q3 network on Q3's loss, batch and epochs (the summed loss),
	// trained by SGD with momentum 0.9 at lr 1e-3 (Q3: plain SGD at 0.005).
	"mlp": {Name: "mlp", Set: "nist36", Epochs: 50, BatchSize: 32, LR: 1e-3, Momentum: 0.9, SGD: true, Sum: true},
	// Q7.1.2: the speed-comparison CNN exactly as PyTorch ran it.
	"mnist-exact": {Name: "mnist-exact", Set: "mnist", Epochs: 3, BatchSize: 64, LR: 1e-3},
	// Q7.1.2: the same CNN with dropout and a decaying rate, for >= 0.99.
	"mnist": {Name: "mnist", Set: "mnist", Epochs: 5, BatchSize: 64, LR: 1e-3, LRDecay: 0.7, Dropout: 0.25},
	// Q7.1.3 and Q7.1.4: the same CNN on 32x32 NIST36 and on EMNIST Balanced.
	"nist36": {Name: "nist36", Set: "nist36", Epochs: 12, BatchSize: 64, LR: 1e-3, LRDecay: 0.85, Dropout: 0.25},
	"emnist": {Name: "emnist", Set: "emnist", Epochs: 8, BatchSize: 64, LR: 1e-3, LRDecay: 0.85, Dropout: 0.25},
	// Q7.1.4 follow-up: a small CNN, the default model of `recog ocr` before
	// the plus CNN of emnist-ocr (docs/q7_autodiff.md#a-small-emnist-cnn-for-recog-ocr).
	"emnist-small": {Name: "emnist-small", Set: "emnist", Epochs: 15, BatchSize: 64, LR: 1e-3, LRDecay: 0.9, Dropout: 0.2},
}

// Options are the settings of Run beyond the task's.
type Options struct {
	Epochs int    // epochs (0: the task's)
	Seed   uint64 // initialisation, batch order and dropout
	// TrainLimit and EvalLimit keep the first examples of the training set
	// and of the validation and test sets (0: all): quick runs.
	TrainLimit, EvalLimit int
	// Progress, if not nil, receives the model and one line per epoch.
	Progress io.Writer
}

// Result is a finished task: the trained model, its curves and test
// numbers, the metrics and the figures.
type Result struct {
	Task    Task
	Model   *nets.Model
	History *nets.History
	// EvalName names what the per-epoch evaluation ran on: "valid" for
	// NIST36 and for the tasks that hold out ValidN training examples,
	// "test" for the assignment's MNIST and EMNIST tasks (they have no
	// validation split; the test curve is reported, not used to choose
	// anything).
	EvalName          string
	TestLoss, TestAcc float64
	TrainSeconds      float64 // all epochs, training only
	SamplesPerSec     float64 // over all epochs
	Metrics           Metrics
	Figures           []viz.Figure
}

// Metrics are the numbers of a run under their metrics.json keys. The
// per-epoch evaluation curves are valid_* for a task with a validation
// split and test_* for the others.
type Metrics struct {
	Task       string  `json:"task"`
	Model      string  `json:"model"`
	Params     int     `json:"params"`
	Epochs     int     `json:"epochs"`
	TaskEpochs int     `json:"task_epochs"` // the task's default
	Batch      int     `json:"batch"`
	LR         float64 `json:"lr"`
	Seed       uint64  `json:"seed"`
	BLAS       string  `json:"blas"`
	// The recipe: the optimiser, the schedule, the augmentation, the
	// held-out validation examples and, for an ablation row, its change.
	Optimizer string  `json:"optimizer"`
	Schedule  string  `json:"schedule"`
	Augment   string  `json:"augment"`
	Dropout   float64 `json:"dropout"`
	ValidN    int     `json:"valid_held_out,omitempty"`
	Change    string  `json:"change,omitempty"`
	// Views names the views in which a task with Task.Views is evaluated
	// after training, and then FinalValidAccOneView is the validation
	// accuracy of the image alone (the last point of valid_acc_curve) and
	// FinalValidAcc and TestAcc those of the views.
	Views                string   `json:"views,omitempty"`
	FinalValidAccOneView *float64 `json:"final_valid_acc_one_view,omitempty"`
	// The examples used, and the sizes of the splits before TrainLimit and
	// EvalLimit ("train", "valid", "test").
	TrainExamples int            `json:"train_examples"`
	ValidExamples int            `json:"valid_examples,omitempty"`
	TestExamples  int            `json:"test_examples"`
	FullSizes     map[string]int `json:"full_sizes"`

	TrainLossCurve []float64 `json:"train_loss_curve"`
	TrainAccCurve  []float64 `json:"train_acc_curve"`
	ValidLossCurve []float64 `json:"valid_loss_curve,omitempty"`
	ValidAccCurve  []float64 `json:"valid_acc_curve,omitempty"`
	TestLossCurve  []float64 `json:"test_loss_curve,omitempty"`
	TestAccCurve   []float64 `json:"test_acc_curve,omitempty"`
	TestAcc        float64   `json:"test_acc"`
	TestLoss       float64   `json:"test_loss"`
	FinalTrainAcc  float64   `json:"final_train_acc"`
	FinalValidAcc  *float64  `json:"final_valid_acc,omitempty"`
	FinalTestAcc   *float64  `json:"final_test_acc,omitempty"`
	SPerEpoch      float64   `json:"s_per_epoch"`
	SamplesPerSec  float64   `json:"samples_per_s"`
	SPerEpochCurve []float64 `json:"s_per_epoch_curve"`
}

// LoadTaskData loads the splits of t from dataDir/<t.Set>.
func LoadTaskData(t Task, dataDir string) (*Splits, error) {
	dir := filepath.Join(dataDir, t.Set)
	switch t.Set {
	case "mnist":
		return LoadMNIST(dir)
	case "emnist":
		return LoadEMNIST(dir)
	case "nist36":
		if t.Name == "mlp" {
			return LoadNIST36(dir, Flat)
		}
		return LoadNIST36(dir, ColumnMajor)
	}
	return nil, fmt.Errorf("task %s: unknown data set %q", t.Name, t.Set)
}

// NewTaskModel returns t's model for the splits, initialised from rng.
func NewTaskModel(t Task, s *Splits, rng *rand.Rand) (*nets.Model, error) {
	switch t.Name {
	case "mlp":
		return nets.NewQ3MLP(s.Classes, rng)
	case "emnist-small":
		return nets.NewSmallCNN(nets.SmallCNNName, s.Train.Shape[1], s.Classes, t.Dropout, rng)
	}
	switch t.Arch {
	case "plus":
		return nets.NewPlusCNN(t.Name+"-cnn", s.Train.Shape[1], s.Classes, t.Width, t.Dropout, rng)
	case "small":
		return nets.NewSmallCNN(nets.SmallCNNName, s.Train.Shape[1], s.Classes, t.Dropout, rng)
	case "":
	default:
		return nil, fmt.Errorf("task %s: unknown architecture %q", t.Name, t.Arch)
	}
	return nets.NewSimpleCNN(t.Name+"-cnn", s.Train.Shape[1], s.Classes, t.Dropout, false, rng)
}

// Run trains t's model on s.Train for t.Epochs epochs (or opt.Epochs),
// evaluating s.Valid, or s.Test when there is no validation split, after
// each epoch, and then evaluates s.Test. It fills Metrics and the figures
// q7_<task>_acc.png and q7_<task>_loss.png (training and evaluation curves).
// Call Result.Model.Close when done with the model.
func Run(t Task, s *Splits, opt Options) (*Result, error) {
	if t.ValidN > 0 && s.Valid == nil {
		var err error
		if s, err = holdOut(s, t.ValidN); err != nil {
			return nil, fmt.Errorf("task %s: %w", t.Name, err)
		}
	}
	full := map[string]int{"train": s.Train.Len(), "test": s.Test.Len()}
	s = &Splits{Train: s.Train.Head(opt.TrainLimit), Valid: s.Valid, Test: s.Test.Head(opt.EvalLimit), Classes: s.Classes}
	if s.Valid != nil {
		full["valid"] = s.Valid.Len()
		s.Valid = s.Valid.Head(opt.EvalLimit)
	}
	taskEpochs := t.Epochs
	if opt.Epochs > 0 {
		t.Epochs = opt.Epochs
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	m, err := NewTaskModel(t, s, rng)
	if err != nil {
		return nil, err
	}
	var optim nets.Optimizer = &nets.Adam{LR: t.LR}
	switch {
	case t.SGD:
		optim = &nets.SGD{LR: t.LR, Momentum: t.Momentum}
	case t.WeightDecay > 0:
		optim = &nets.AdamW{Adam: nets.Adam{LR: t.LR}, WeightDecay: t.WeightDecay}
	}
	optName := optim.String() // before training changes its rate
	red := nets.Mean
	if t.Sum {
		red = nets.Sum
	}
	eval, evalName := s.Valid, "valid"
	if eval == nil {
		eval, evalName = s.Test, "test"
	}
	if opt.Progress != nil {
		fmt.Fprintf(opt.Progress, "%v\ntraining on %d examples, %s, batch %d, %d epochs, BLAS %s\n",
			m, s.Train.Len(), optim, t.BatchSize, t.Epochs, blas.Name())
	}
	cfg := nets.Config{Epochs: t.Epochs, BatchSize: t.BatchSize, Optimizer: optim, Rand: rng,
		Reduction: red, LRDecay: t.LRDecay, Progress: opt.Progress}
	t.recipe(&cfg, s.Train, opt.Seed)
	h, err := nets.Train(m, s.Train, eval, cfg)
	if err != nil {
		m.Close()
		return nil, err
	}
	r := &Result{Task: t, Model: m, History: h, EvalName: evalName}
	var samples float64
	for _, e := range h.Epochs {
		r.TrainSeconds += e.Seconds
		samples += e.SamplesPerSec * e.Seconds
	}
	r.SamplesPerSec = samples / r.TrainSeconds
	evaluate := func(d *nets.Data) (float64, float64, error) { return nets.Evaluate(m, d) }
	if t.Views {
		// NIST36 is the set of dark ink on a light background.
		darkInk := t.Set == "nist36"
		evaluate = func(d *nets.Data) (float64, float64, error) { return evaluateViews(m, d, EvalViews, darkInk) }
	}
	r.TestLoss, r.TestAcc = math.NaN(), math.NaN()
	if !t.ValidOnly {
		if r.TestLoss, r.TestAcc, err = evaluate(s.Test); err != nil {
			m.Close()
			return nil, err
		}
	}
	r.Metrics = r.metrics(s, opt.Seed, taskEpochs, full)
	if t.Views {
		r.Metrics.Views = viewsString(EvalViews)
	}
	if t.Views && evalName == "valid" {
		_, acc, err := evaluate(s.Valid)
		if err != nil {
			m.Close()
			return nil, err
		}
		r.Metrics.FinalValidAccOneView, r.Metrics.FinalValidAcc = r.Metrics.FinalValidAcc, &acc
	}
	r.Metrics.Optimizer, r.Metrics.Schedule = optName, t.schedule()
	if r.Figures, err = r.figures(); err != nil {
		m.Close()
		return nil, err
	}
	return r, nil
}

func (r *Result) metrics(s *Splits, seed uint64, taskEpochs int, full map[string]int) Metrics {
	t, h := r.Task, r.History
	last := h.Epochs[len(h.Epochs)-1]
	m := Metrics{Task: t.Name, Model: r.Model.Name, Params: r.Model.NumParams(), Epochs: t.Epochs, TaskEpochs: taskEpochs,
		Batch: t.BatchSize, LR: t.LR, Seed: seed, BLAS: blas.Name(),
		Augment: t.Augment.String(), Dropout: t.Dropout, ValidN: t.ValidN, Change: t.Change,
		TrainExamples: s.Train.Len(), TestExamples: s.Test.Len(), FullSizes: full,
		TrainLossCurve: h.Curve("train_loss"), TrainAccCurve: h.Curve("train_acc"),
		TestAcc: r.TestAcc, TestLoss: r.TestLoss, FinalTrainAcc: last.TrainAcc,
		SPerEpoch: r.TrainSeconds / float64(len(h.Epochs)), SamplesPerSec: r.SamplesPerSec}
	final := last.ValidAcc
	if r.EvalName == "valid" {
		m.ValidExamples = s.Valid.Len()
		m.ValidLossCurve, m.ValidAccCurve, m.FinalValidAcc = h.Curve("valid_loss"), h.Curve("valid_acc"), &final
	} else {
		m.TestLossCurve, m.TestAccCurve, m.FinalTestAcc = h.Curve("valid_loss"), h.Curve("valid_acc"), &final
	}
	for _, e := range h.Epochs {
		m.SPerEpochCurve = append(m.SPerEpochCurve, e.Seconds)
	}
	return m
}

// figures draws the training and evaluation accuracy and loss per epoch.
func (r *Result) figures() ([]viz.Figure, error) {
	h := r.History
	ep := make([]float64, len(h.Epochs))
	for i := range ep {
		ep[i] = float64(i + 1)
	}
	evalLabel := map[string]string{"valid": "validation", "test": "test"}[r.EvalName]
	var figs []viz.Figure
	for _, c := range []struct{ what, title, ylabel string }{
		{"acc", "accuracy", "accuracy"}, {"loss", "cross-entropy", "cross-entropy loss (mean)"}} {
		p, err := viz.Curves(fmt.Sprintf("Q7 %s: %s per epoch", r.Task.Name, c.title), "epoch", c.ylabel,
			viz.Series{Name: "training", X: ep, Y: h.Curve("train_" + c.what)},
			viz.Series{Name: evalLabel, X: ep, Y: h.Curve("valid_" + c.what), Dashed: true})
		if err != nil {
			return nil, err
		}
		figs = append(figs, viz.PlotFigure(fmt.Sprintf("q7_%s_%s.png", r.Task.Name, c.what), p, 800, 500))
	}
	return figs, nil
}

package autodiff

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"

	"recog/internal/blas"
)

// Task is one of the Q7.1 experiments: a data set, a model and the training
// settings that the docs report.
type Task struct {
	Name      string // "mlp", "mnist", "mnist-exact", "nist36", "emnist"
	Set       string // data set folder under the data directory
	Epochs    int
	BatchSize int
	LR        float64
	Momentum  float64 // SGD momentum (SGD tasks only)
	SGD       bool    // SGD with momentum instead of Adam
	Sum       bool    // summed loss (q2_nn's convention) instead of the mean
	LRDecay   float64 // learning-rate factor per epoch (0: none)
	Dropout   float64 // SimpleCNN dropout (0: none)
}

// Tasks are the Q7.1 experiments with their default settings.
var Tasks = map[string]Task{
	// Q7.1.1: the Q3 network, trained as Q3 trains it (SGD on the summed loss).
	"mlp": {Name: "mlp", Set: "nist36", Epochs: 50, BatchSize: 32, LR: 1e-3, Momentum: 0.9, SGD: true, Sum: true},
	// Q7.1.2: the speed-comparison CNN exactly as PyTorch ran it.
	"mnist-exact": {Name: "mnist-exact", Set: "mnist", Epochs: 3, BatchSize: 64, LR: 1e-3},
	// Q7.1.2: the same CNN with dropout and a decaying rate, for >= 0.99.
	"mnist": {Name: "mnist", Set: "mnist", Epochs: 5, BatchSize: 64, LR: 1e-3, LRDecay: 0.7, Dropout: 0.25},
	// Q7.1.3 and Q7.1.4: the same CNN on 32x32 NIST36 and on EMNIST Balanced.
	"nist36": {Name: "nist36", Set: "nist36", Epochs: 12, BatchSize: 64, LR: 1e-3, LRDecay: 0.85, Dropout: 0.25},
	"emnist": {Name: "emnist", Set: "emnist", Epochs: 8, BatchSize: 64, LR: 1e-3, LRDecay: 0.85, Dropout: 0.25},
}

// Result is a finished task: the trained model, its curves and test numbers.
type Result struct {
	Task    Task
	Model   *Model
	History *History
	// EvalName names what the per-epoch evaluation ran on: "valid" for
	// NIST36, "test" for MNIST and EMNIST (they have no validation split;
	// the test curve is reported, not used to choose anything).
	EvalName          string
	TestLoss, TestAcc float64
	TrainSeconds      float64 // all epochs, training only
	SamplesPerSec     float64 // over all epochs
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
func NewTaskModel(t Task, s *Splits, rng *rand.Rand) (*Model, error) {
	switch t.Name {
	case "mlp":
		return NewQ3MLP(s.Classes, rng)
	case "emnist-small":
		return NewSmallCNN(SmallCNNName, s.Train.Shape[1], s.Classes, t.Dropout, rng)
	}
	return NewSimpleCNN(t.Name+"-cnn", s.Train.Shape[1], s.Classes, t.Dropout, false, rng)
}

// RunTask trains t's model on s.Train for t.Epochs epochs (evaluating s.Valid,
// or s.Test when there is no validation split, after each epoch) and then
// evaluates s.Test. Progress lines go to progress (may be nil).
func RunTask(t Task, s *Splits, seed uint64, progress io.Writer) (*Result, error) {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	m, err := NewTaskModel(t, s, rng)
	if err != nil {
		return nil, err
	}
	var opt Optimizer = &Adam{LR: t.LR}
	if t.SGD {
		opt = &SGD{LR: t.LR, Momentum: t.Momentum}
	}
	red := Mean
	if t.Sum {
		red = Sum
	}
	eval, evalName := s.Valid, "valid"
	if eval == nil {
		eval, evalName = s.Test, "test"
	}
	if progress != nil {
		fmt.Fprintf(progress, "%v\ntraining on %d examples, %s, batch %d, %d epochs, BLAS %s\n",
			m, s.Train.Len(), opt, t.BatchSize, t.Epochs, blas.Name())
	}
	h, err := Train(m, s.Train, eval, Config{Epochs: t.Epochs, BatchSize: t.BatchSize, Optimizer: opt, Rand: rng,
		Reduction: red, LRDecay: t.LRDecay, Progress: progress})
	if err != nil {
		return nil, err
	}
	r := &Result{Task: t, Model: m, History: h, EvalName: evalName}
	var samples float64
	for _, e := range h.Epochs {
		r.TrainSeconds += e.Seconds
		samples += e.SamplesPerSec * e.Seconds
	}
	r.SamplesPerSec = samples / r.TrainSeconds
	if r.TestLoss, r.TestAcc, err = Evaluate(m, s.Test); err != nil {
		return nil, err
	}
	return r, nil
}

package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"recog/internal/data"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

// Defaults of Run, tuned on the validation set (docs/q3_train.md#tuning).
const (
	DefaultHidden    = 64
	DefaultEpochs    = 50
	DefaultLR        = 5e-3
	DefaultBatchSize = 32
	DefaultSeed      = 1
)

// Config is one run of question 3: the training of the assignment's
// classifier and its report.
type Config struct {
	Hidden    int     // hidden sigmoid units (the assignment's 64)
	Epochs    int     // passes over the training set
	LR        float64 // θ ← θ - LR·Σ_batch ∇J (the gradient is summed over the batch)
	BatchSize int     // examples per mini-batch
	Seed      uint64  // seeds the initialisation and the batch order
	// Float32 trains with float32 parameters and products, the same
	// algorithm and batches (nn.Options.Float32).
	Float32 bool
	// DeepClasses are the classes of the deep-layer figure (Q3.1.4), as
	// indices of the outputs; nil draws no such figure.
	DeepClasses []int
}

// DefaultConfig returns the tuned defaults (DefaultHidden, DefaultEpochs, ...).
func DefaultConfig() Config {
	return Config{Hidden: DefaultHidden, Epochs: DefaultEpochs, LR: DefaultLR, BatchSize: DefaultBatchSize, Seed: DefaultSeed}
}

func (c Config) check() error {
	switch {
	case c.Hidden < 1:
		return fmt.Errorf("train: %d hidden units: want ≥ 1", c.Hidden)
	case c.Epochs < 1:
		return fmt.Errorf("train: %d epochs: want ≥ 1", c.Epochs)
	}
	if err := nn.CheckStep(c.LR, c.BatchSize); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
}

// Result is one finished run. Metrics and Figures (Run only, not the runs
// of a Sweep) are what `recog q3` writes.
type Result struct {
	Config Config
	// History holds every epoch's numbers. TrainLoss and TrainAcc are those of
	// the whole training set evaluated after the epoch's last update (not the
	// running average over the epoch's batches); losses are the mean
	// cross-entropy per example, -(1/N) Σ_i Σ_c y_ic log p_ic.
	History []nn.EpochMetrics
	// Init is a copy of the network right after Xavier initialisation; Net is
	// the trained network.
	Init, Net *nn.Network
	// TestLoss and TestAcc are those of the trained network on Sets.Test (NaN
	// without a test set).
	TestLoss, TestAcc float64
	// Seconds is the wall time of the updates (all epochs, without the
	// evaluations).
	Seconds float64
	// Best is the epoch of highest validation accuracy (the first on ties),
	// BestNet a copy of the network after it, and BestTestLoss, BestTestAcc
	// its numbers on the test set (NaN without one): model selection on the
	// validation set, reported next to the last epoch's network.
	Best                      nn.EpochMetrics
	BestNet                   *nn.Network
	BestTestLoss, BestTestAcc float64
	// Deep is the content of the deep-layer figure (Config.DeepClasses) and
	// Confusion the test confusion matrix (nil without a test set).
	Deep      []DeepLayer
	Confusion [][]int
	Metrics   Metrics
	Figures   []viz.Figure
}

// Final returns the last epoch's numbers.
func (r *Result) Final() nn.EpochMetrics { return r.History[len(r.History)-1] }

// SecondsPerEpoch returns Seconds / epochs.
func (r *Result) SecondsPerEpoch() float64 { return r.Seconds / float64(len(r.History)) }

// NewNetwork returns the assignment's classifier for inputs of size in and
// classes outputs: layer1 (in → hidden, sigmoid) and output (hidden →
// classes, softmax), Xavier-uniform weights from rng and zero biases.
func NewNetwork(in, hidden, classes int, rng *rand.Rand) (*nn.Network, error) {
	return nn.NewMLP([]int{in, hidden, classes}, []nn.Activation{nn.ActSigmoid, nn.ActSoftmax}, rng)
}

// initRand returns the generator of the initial weights for a seed; the batch
// order uses nn.Options.Seed (PCG(seed, seed)), a different stream.
func initRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Run is question 3: it trains a new network on sets.Train with cfg (fit),
// evaluating the whole training and validation sets after every epoch and
// the test set at the end, and reports: the figures of Q3.1.1 (accuracy and
// loss per epoch), Q3.1.3 (first-layer weights before and after training),
// Q3.1.4 (the deep-layer templates of cfg.DeepClasses) and Q3.1.5 (the test
// confusion matrix), and the metrics. onEpoch, if not nil, is called after
// every epoch (for a progress bar).
func Run(sets *data.Splits, cfg Config, onEpoch func(nn.EpochMetrics)) (*Result, error) {
	start := time.Now()
	res, err := fit(sets, cfg, onEpoch)
	if err != nil {
		return nil, err
	}
	if cfg.DeepClasses != nil {
		if res.Deep, err = DeepLayers(res.Net, sets.Valid, cfg.DeepClasses); err != nil {
			return nil, err
		}
	}
	if sets.Test != nil {
		if res.Confusion, err = ConfusionMatrix(res.Net, sets.Test); err != nil {
			return nil, err
		}
	}
	res.Metrics = res.metrics(names(sets.Train), time.Since(start).Seconds())
	if res.Figures, err = res.figures(names(sets.Train)); err != nil {
		return nil, err
	}
	return res, nil
}

// fit trains a new network on sets.Train with cfg, evaluating the whole
// training and validation sets after every epoch, and the test set at the
// end.
func fit(sets *data.Splits, cfg Config, onEpoch func(nn.EpochMetrics)) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if sets == nil || sets.Train == nil || sets.Valid == nil {
		return nil, errors.New("train: the training and validation sets are required")
	}
	_, in := sets.Train.X.Dims()
	_, classes := sets.Train.Y.Dims()
	net, err := NewNetwork(in, cfg.Hidden, classes, initRand(cfg.Seed))
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	res := &Result{Config: cfg, Init: net.Clone(), Net: net, TestLoss: math.NaN(), TestAcc: math.NaN(),
		BestTestLoss: math.NaN(), BestTestAcc: math.NaN()}
	opt := nn.Options{
		Epochs: cfg.Epochs, LR: cfg.LR, BatchSize: cfg.BatchSize, Seed: cfg.Seed,
		Valid: sets.Valid, TrainEval: true, Float32: cfg.Float32,
		OnEpoch: func(m nn.EpochMetrics) error {
			if res.BestNet == nil || m.ValidAcc > res.Best.ValidAcc {
				res.Best, res.BestNet = m, net.Clone()
			}
			if onEpoch != nil {
				onEpoch(m)
			}
			return nil
		},
	}
	hist, err := nn.Train(net, sets.Train, opt)
	if err != nil {
		return nil, err
	}
	res.History = hist
	for _, m := range hist {
		res.Seconds += m.Seconds
	}
	if sets.Test != nil {
		if res.TestLoss, res.TestAcc, err = nn.Evaluate(net, sets.Test); err != nil {
			return nil, err
		}
		if res.BestTestLoss, res.BestTestAcc, err = nn.Evaluate(res.BestNet, sets.Test); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// names returns the class names of ds, or "0", "1", ... when it has none.
func names(ds *data.Dataset) []string {
	if ds.Classes != nil {
		return ds.Classes
	}
	_, c := ds.Y.Dims()
	out := make([]string, c)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

// ModelMeta is the metadata `recog q3 --save` writes with the network: the
// training settings, the accuracies and who trained it.
func (r *Result) ModelMeta() map[string]string {
	c := r.Config
	return map[string]string{
		"epochs": strconv.Itoa(c.Epochs), "lr": strconv.FormatFloat(c.LR, 'g', -1, 64),
		"batch": strconv.Itoa(c.BatchSize), "seed": strconv.FormatUint(c.Seed, 10),
		"valid_acc": strconv.FormatFloat(r.Final().ValidAcc, 'f', 6, 64), "test_acc": strconv.FormatFloat(r.TestAcc, 'f', 6, 64),
		"trained_by": "recog q3",
	}
}

// SweepResult is the learning-rate study of Q3.1.2: one run per rate, the
// same seed and everything else equal.
type SweepResult struct {
	Rates   []float64
	Runs    []*Result
	Best    int // index of the run with the highest final validation accuracy
	Metrics SweepMetrics
	Figures []viz.Figure
}

// SweepRates returns the rates of the study around best: best, 10·best and
// best/10, in that order (rounded to 12 significant digits, so that 3e-3
// gives 3e-4 and not 3.0000000000000003e-4).
func SweepRates(best float64) []float64 {
	return []float64{best, round12(10 * best), round12(best / 10)}
}

func round12(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// Sweep trains one network per learning rate (cfg.LR is ignored; fit, no
// figures per run) and picks
// the one of highest final validation accuracy (the first on ties). A rate so
// large that the loss becomes NaN is an error. onEpoch, if not nil, is called
// after every epoch with the index of the run.
func Sweep(sets *data.Splits, cfg Config, rates []float64, onEpoch func(run int, m nn.EpochMetrics)) (*SweepResult, error) {
	if len(rates) == 0 {
		return nil, errors.New("sweep: no learning rates")
	}
	out := &SweepResult{Rates: rates}
	for i, lr := range rates {
		c := cfg
		c.LR = lr
		var cb func(nn.EpochMetrics)
		if onEpoch != nil {
			cb = func(m nn.EpochMetrics) { onEpoch(i, m) }
		}
		r, err := fit(sets, c, cb)
		if err != nil {
			return nil, fmt.Errorf("sweep: learning rate %g: %w", lr, err)
		}
		out.Runs = append(out.Runs, r)
		if r.Final().ValidAcc > out.Runs[out.Best].Final().ValidAcc {
			out.Best = i
		}
	}
	if err := out.report(cfg); err != nil {
		return nil, err
	}
	return out, nil
}

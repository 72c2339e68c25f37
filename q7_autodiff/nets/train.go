package nets

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"recog/internal/vec"
	"recog/q7_autodiff/ops"
)

// Data is a labelled set in the layout a Model takes: X holds N examples of
// prod(Shape) float32 values each, row-major (images as C x H x W), and
// Labels their class indices.
type Data struct {
	X      []float32
	Shape  []int
	Labels []int
}

// Len returns N.
func (d *Data) Len() int { return len(d.Labels) }

// Row returns example i.
func (d *Data) Row(i int) []float32 {
	s := prod(d.Shape)
	return d.X[i*s : (i+1)*s]
}

// Subset returns the examples at idx, copied, in that order.
func (d *Data) Subset(idx []int) *Data {
	s := prod(d.Shape)
	out := &Data{X: make([]float32, 0, len(idx)*s), Shape: d.Shape, Labels: make([]int, 0, len(idx))}
	for _, i := range idx {
		out.X = append(out.X, d.Row(i)...)
		out.Labels = append(out.Labels, d.Labels[i])
	}
	return out
}

// Head returns the first n examples (all of them if n <= 0 or n >= N).
func (d *Data) Head(n int) *Data {
	if n <= 0 || n >= d.Len() {
		return d
	}
	return &Data{X: d.X[:n*prod(d.Shape)], Shape: d.Shape, Labels: d.Labels[:n]}
}

func (d *Data) check(m *Model, what string) error {
	if d == nil {
		return nil
	}
	if prod(d.Shape) != m.InputSize() || len(d.X) != d.Len()*m.InputSize() {
		return fmt.Errorf("%s set: shape %v with %d values for %d labels does not fit model input %v",
			what, d.Shape, len(d.X), d.Len(), m.Input)
	}
	for i, l := range d.Labels {
		if l < 0 || l >= len(m.Classes) {
			return fmt.Errorf("%s set: label %d of example %d is outside [0, %d)", what, l, i, len(m.Classes))
		}
	}
	return nil
}

// Config is a training run's settings.
type Config struct {
	Epochs    int
	BatchSize int
	Optimizer Optimizer
	Rand      *rand.Rand // shuffling and dropout masks
	Reduction Reduction  // Mean unless set
	// LRDecay, if in (0, 1), multiplies the learning rate after every epoch.
	LRDecay float64
	// Progress, if not nil, receives one line per epoch.
	Progress io.Writer
	// OnEpoch, if not nil, is called after every epoch; an error stops
	// training and is returned.
	OnEpoch func(EpochStats) error
	// EpochData, if not nil, gives the training set of each epoch (from 1),
	// drawn before the epoch's permutation: data augmentation (the random
	// crops of Q7.2's CNN from scratch). Train's train argument is then not
	// used.
	EpochData func(epoch int) *Data
	// Eval, if not nil, evaluates the validation set after each epoch
	// instead of Evaluate (an Evaluator's graph sized to the set).
	Eval func(*Data) (loss, acc float64, err error)
}

// EpochStats are one epoch's numbers. TrainLoss (mean per example) and
// TrainAcc are averaged over the epoch's training batches as they were
// trained (dropout on, weights moving); Valid* come from the inference graph
// after the epoch (NaN without a validation set).
type EpochStats struct {
	Epoch         int     `json:"epoch"`
	TrainLoss     float64 `json:"train_loss"`
	TrainAcc      float64 `json:"train_acc"`
	ValidLoss     float64 `json:"valid_loss"`
	ValidAcc      float64 `json:"valid_acc"`
	Seconds       float64 `json:"seconds"`       // training time of the epoch (not evaluation)
	SamplesPerSec float64 `json:"samples_per_s"` // training samples / Seconds
}

// History is the list of a run's epochs.
type History struct {
	Epochs []EpochStats
}

// Curve returns one measure per epoch: "train_loss", "train_acc",
// "valid_loss" or "valid_acc".
func (h *History) Curve(name string) []float64 {
	out := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		switch name {
		case "train_loss":
			out[i] = e.TrainLoss
		case "train_acc":
			out[i] = e.TrainAcc
		case "valid_loss":
			out[i] = e.ValidLoss
		case "valid_acc":
			out[i] = e.ValidAcc
		default:
			out[i] = math.NaN()
		}
	}
	return out
}

// Trainer holds a model's training graph between calls of Step.
type Trainer struct {
	m    *Model
	cfg  Config
	n    *graph
	loss float64
}

// NewTrainer builds the training graph for cfg.BatchSize.
func NewTrainer(m *Model, cfg Config) (*Trainer, error) {
	if cfg.BatchSize <= 0 {
		return nil, fmt.Errorf("model %s: batch size %d", m.Name, cfg.BatchSize)
	}
	if cfg.Optimizer == nil || cfg.Rand == nil {
		return nil, fmt.Errorf("model %s: training needs an optimizer and a *rand.Rand", m.Name)
	}
	n, err := m.build(cfg.BatchSize, true, cfg.Reduction)
	if err != nil {
		return nil, err
	}
	return &Trainer{m: m, cfg: cfg, n: n}, nil
}

// Close releases the training graph.
func (t *Trainer) Close() { t.n.vm.Close() }

// Step trains on the examples idx of d (exactly BatchSize of them): it draws
// the dropout masks, runs the graph, and applies the optimizer. It returns
// the batch's summed loss and its number of correct predictions.
func (t *Trainer) Step(d *Data, idx []int) (lossSum float64, correct int, err error) {
	n := t.n
	if len(idx) != n.batch {
		return 0, 0, fmt.Errorf("model %s: step on %d examples, graph batch is %d", t.m.Name, len(idx), n.batch)
	}
	s := t.m.InputSize()
	k := len(t.m.Classes)
	clear(n.yData)
	for i, j := range idx {
		copy(n.xData[i*s:(i+1)*s], d.X[j*s:(j+1)*s])
		n.yData[i*k+d.Labels[j]] = 1
	}
	for _, mk := range n.masks {
		drawMask(mk.data, mk.p, t.cfg.Rand)
	}
	if err := n.run(); err != nil {
		return 0, 0, fmt.Errorf("model %s: %w", t.m.Name, err)
	}
	gs, err := n.grads()
	if err != nil {
		return 0, 0, err
	}
	t.cfg.Optimizer.Step(t.m.Params, gs)
	n.zeroGrads(gs)
	loss := n.lossValue()
	if t.cfg.Reduction == Mean {
		loss *= float64(n.batch)
	}
	for i, j := range idx {
		if n.stats.Argmax[i] == d.Labels[j] {
			correct++
		}
	}
	return loss, correct, nil
}

// drawMask fills data with an inverted-dropout mask: each element is 0 with
// probability p (dropped) and 1/(1-p) otherwise, so that the mask's
// expectation is 1. Element i is dropped when rng.Float64() < p, drawn in
// order, as the obvious loop does; but Float64 is u/2⁵³ for the low 53 bits
// u of rng.Uint64(), so the test is done on u itself, u < ⌈p·2⁵³⌉ (exact:
// p·2⁵³ is p with its exponent moved), by the sign of the difference,
// without a division or a branch. (One Float64 and a mispredicted branch
// per element made the masks the largest cost of Q7.2's fine-tuning, whose
// classifier is small but whose input, 512 x 13 x 13 per image, is not.)
func drawMask(data []float32, p float64, rng *rand.Rand) {
	keep := math.Float32bits(float32(1 / (1 - p)))
	t := int64(math.Ceil(p * (1 << 53)))
	for i := range data {
		u := int64(rng.Uint64() << 11 >> 11)
		dropped := uint32((u - t) >> 63) // all ones when u < t
		data[i] = math.Float32frombits(keep &^ dropped)
	}
}

// Train runs cfg.Epochs epochs of mini-batch training on train (or on
// cfg.EpochData's set of each epoch): each epoch visits a fresh random
// permutation (from cfg.Rand) in batches of cfg.BatchSize, dropping the last
// N mod BatchSize examples. After each epoch it evaluates valid when given.
func Train(m *Model, train, valid *Data, cfg Config) (*History, error) {
	if cfg.EpochData == nil {
		if err := checkTrainSet(m, train, cfg.BatchSize); err != nil {
			return nil, err
		}
	}
	if err := valid.check(m, "validation"); err != nil {
		return nil, err
	}
	eval := func(d *Data) (float64, float64, error) { return Evaluate(m, d) }
	if cfg.Eval != nil {
		eval = cfg.Eval
	}
	t, err := NewTrainer(m, cfg)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	h := &History{}
	b := cfg.BatchSize
	for ep := 1; ep <= cfg.Epochs; ep++ {
		start := time.Now()
		d := train
		if cfg.EpochData != nil {
			d = cfg.EpochData(ep)
			if err := checkTrainSet(m, d, b); err != nil {
				return h, err
			}
		}
		perm := cfg.Rand.Perm(d.Len())
		var lossSum float64
		var correct, seen int
		for lo := 0; lo+b <= len(perm); lo += b {
			l, c, err := t.Step(d, perm[lo:lo+b])
			if err != nil {
				return h, err
			}
			lossSum += l
			correct += c
			seen += b
		}
		secs := time.Since(start).Seconds()
		st := EpochStats{Epoch: ep, TrainLoss: lossSum / float64(seen), TrainAcc: float64(correct) / float64(seen),
			ValidLoss: math.NaN(), ValidAcc: math.NaN(), Seconds: secs, SamplesPerSec: float64(seen) / secs}
		if math.IsNaN(st.TrainLoss) || math.IsInf(st.TrainLoss, 0) {
			return h, fmt.Errorf("model %s: epoch %d: training loss is %v", m.Name, ep, st.TrainLoss)
		}
		if valid != nil && valid.Len() > 0 {
			if st.ValidLoss, st.ValidAcc, err = eval(valid); err != nil {
				return h, err
			}
		}
		h.Epochs = append(h.Epochs, st)
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "%s epoch %d/%d: train loss %.4f acc %.4f | valid loss %.4f acc %.4f | %.1f s, %.0f samples/s\n",
				m.Name, ep, cfg.Epochs, st.TrainLoss, st.TrainAcc, st.ValidLoss, st.ValidAcc, secs, st.SamplesPerSec)
		}
		if cfg.OnEpoch != nil {
			if err := cfg.OnEpoch(st); err != nil {
				return h, err
			}
		}
		if cfg.LRDecay > 0 && cfg.LRDecay < 1 {
			cfg.Optimizer.ScaleLR(cfg.LRDecay)
		}
	}
	return h, nil
}

// checkTrainSet checks a training set against m and the batch size.
func checkTrainSet(m *Model, d *Data, batch int) error {
	if d == nil {
		return fmt.Errorf("model %s: no training set", m.Name)
	}
	if err := d.check(m, "training"); err != nil {
		return err
	}
	if d.Len() < batch {
		return fmt.Errorf("model %s: %d training examples, fewer than one batch of %d", m.Name, d.Len(), batch)
	}
	return nil
}

// Evaluate returns the mean cross-entropy loss and the accuracy of m on d
// (score of m.Logits).
func Evaluate(m *Model, d *Data) (loss, acc float64, err error) {
	if err := d.check(m, "evaluation"); err != nil {
		return 0, 0, err
	}
	if d.Len() == 0 {
		return math.NaN(), math.NaN(), nil
	}
	z, err := m.Logits(d.X, d.Len())
	if err != nil {
		return 0, 0, err
	}
	loss, acc = score(z, d.Labels, len(m.Classes))
	return loss, acc, nil
}

// Evaluator evaluates a model on sets of about n examples with an inference
// graph whose batch fits them, ⌈n / ⌈n/64⌉⌉ examples (Model.Logits pads
// every call to 250 examples, a waste on sets of a few dozen images).
type Evaluator struct {
	m *Model
	g *graph
}

// NewEvaluator builds the graph of an Evaluator of m for sets of n examples.
func NewEvaluator(m *Model, n int) (*Evaluator, error) {
	nb := (n + 63) / 64
	g, err := m.build((n+nb-1)/nb, false, Mean)
	if err != nil {
		return nil, err
	}
	return &Evaluator{m: m, g: g}, nil
}

// Close releases the graph.
func (e *Evaluator) Close() { e.g.vm.Close() }

// Evaluate returns the mean cross-entropy loss and the accuracy of the
// model on d, as Evaluate does.
func (e *Evaluator) Evaluate(d *Data) (loss, acc float64, err error) {
	if err := d.check(e.m, "evaluation"); err != nil {
		return 0, 0, err
	}
	z, err := e.g.outputs(e.m, d.X, d.Len())
	if err != nil {
		return 0, 0, err
	}
	loss, acc = score(z, d.Labels, len(e.m.Classes))
	return loss, acc, nil
}

// Logits returns the logits of the examples of d (classes per example).
func (e *Evaluator) Logits(d *Data) ([]float32, error) {
	if err := d.check(e.m, "evaluation"); err != nil {
		return nil, err
	}
	return e.g.outputs(e.m, d.X, d.Len())
}

// score returns the mean cross-entropy -(1/N) Σ_i log softmax(z_i)[l_i] and
// the accuracy, the fraction of rows with argmax z_i = l_i, of the N rows of
// z (k logits each) against labels l: the one evaluation loop of Evaluate
// and Evaluator.
func score(z []float32, labels []int, k int) (loss, acc float64) {
	correct := 0
	for i, l := range labels {
		zi := z[i*k : (i+1)*k]
		if vec.Argmax(zi) == l {
			correct++
		}
		mx, lse := ops.LogSumExp(zi)
		loss -= float64(zi[l]) - mx - lse
	}
	n := float64(len(labels))
	return loss / n, float64(correct) / n
}

// PredictLabels returns argmax_k of the logits for every example of d.
func PredictLabels(m *Model, d *Data) ([]int, error) {
	z, err := m.Logits(d.X, d.Len())
	if err != nil {
		return nil, err
	}
	k := len(m.Classes)
	out := make([]int, d.Len())
	for i := range out {
		out[i] = vec.Argmax(z[i*k : (i+1)*k])
	}
	return out, nil
}

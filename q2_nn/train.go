package nn

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/vec"
)

// Options configures Train.
type Options struct {
	Epochs    int     // passes over the training set
	LR        float64 // learning rate of θ ← θ - LR·dJ/dθ (J summed over the batch)
	BatchSize int     // rows per mini-batch; the last batch of an epoch may be smaller
	Momentum  float64 // μ of StepMomentum; 0 is plain SGD (Step)
	Seed      uint64  // seeds the batch permutations: rand.NewPCG(Seed, Seed)

	// Objective is the loss; the zero value means SoftmaxCrossEntropy.
	Objective Objective
	// Valid, if not nil, is evaluated after every epoch.
	Valid *data.Dataset
	// TrainEval re-evaluates the whole training set after every epoch
	// (one extra forward pass) instead of reporting the running loss and
	// accuracy of the epoch's batches, which mix weights of the whole epoch.
	TrainEval bool
	// OnEpoch, if not nil, is called after every epoch; an error stops
	// training and is returned.
	OnEpoch func(EpochMetrics) error
	// Progress, if not nil, receives one line per epoch.
	Progress io.Writer
	// Float32 trains the assignment's two-layer classifier (sigmoid hidden
	// layer, softmax output, softmax cross-entropy, no momentum) with
	// float32 parameters and products: the same batches and the same
	// summed-gradient SGD step, half the bytes (train32.go).
	Float32 bool
}

// EpochMetrics are the numbers of one epoch. Losses are per example (the
// summed loss divided by the number of rows) so that training and validation
// curves compare; accuracies are fractions in [0, 1].
type EpochMetrics struct {
	Epoch     int // 1-based
	TrainLoss float64
	TrainAcc  float64
	ValidLoss float64 // NaN without Options.Valid
	ValidAcc  float64 // NaN without Options.Valid
	Seconds   float64 // wall time of the epoch's updates, without evaluation
}

// Train runs mini-batch gradient descent on net: for each epoch, for each
// batch of a fresh random permutation (BatchIndices), forward, loss,
// backward, and a Step (or StepMomentum). It returns the metrics of every
// epoch. See docs/q2_nn.md#training.
//
// Without momentum the backward pass and the Step are fused: each layer's
// W ← W - LR·Xᵀ dA is one matrix product accumulated into W, so after Train
// the layers hold no DW or DB (nil); the updates are those of Backward then
// Step, up to rounding. With Options.Float32 the same algorithm runs in
// float32 (train32.go).
func Train(net *Network, train *data.Dataset, opt Options) ([]EpochMetrics, error) {
	t, err := NewTrainer(net, train, opt)
	if err != nil {
		return nil, err
	}
	hist := make([]EpochMetrics, 0, opt.Epochs)
	for range opt.Epochs {
		m, err := t.Epoch()
		if err != nil {
			return hist, err
		}
		hist = append(hist, m)
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "epoch %d/%d  train loss %.4f acc %.4f", m.Epoch, opt.Epochs, m.TrainLoss, m.TrainAcc)
			if opt.Valid != nil {
				fmt.Fprintf(opt.Progress, "  valid loss %.4f acc %.4f", m.ValidLoss, m.ValidAcc)
			}
			fmt.Fprintf(opt.Progress, "  %.2fs\n", m.Seconds)
		}
		if opt.OnEpoch != nil {
			if err := opt.OnEpoch(m); err != nil {
				return hist, err
			}
		}
	}
	return hist, nil
}

// Trainer is Train one epoch at a time (opt.Epochs, opt.Progress and
// opt.OnEpoch are not used): the batch order of epoch e is the e-th draw of
// rand.NewPCG(opt.Seed, opt.Seed), as in Train.
type Trainer struct {
	net   *Network
	train *data.Dataset
	opt   Options
	rng   *rand.Rand
	epoch int
	next  prefetch // the float64 batches
	grad  *mat.Dense
	f32   *state32 // with Options.Float32
}

// NewTrainer checks the arguments as Train does and prepares the first
// epoch (with Options.Float32, the float32 copies of the parameters and the
// training images).
func NewTrainer(net *Network, train *data.Dataset, opt Options) (*Trainer, error) {
	if opt.Objective.Eval == nil {
		opt.Objective = SoftmaxCrossEntropy
	}
	if err := checkTrain(net, train, opt); err != nil {
		return nil, err
	}
	t := &Trainer{net: net, train: train, opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed))}
	if opt.Float32 {
		if err := check32(net, opt); err != nil {
			return nil, err
		}
		t.f32 = newState32(net, train)
	}
	return t, nil
}

// Epoch runs one epoch of updates and evaluates the network as the options
// ask. Seconds is the time of the updates.
//
//recog:starter Q2.4
func (t *Trainer) Epoch() (EpochMetrics, error) {
	t.epoch++
	obj, lr := t.opt.Objective, t.opt.LR
	start := time.Now()
	n, _ := t.train.X.Dims()
	_, dy := t.train.Y.Dims()
	batches, err := BatchIndices(n, t.opt.BatchSize, t.rng)
	if err != nil {
		return EpochMetrics{}, err
	}
	var loss float64
	correct := 0
	if t.f32 == nil {
		t.next.start(t.train, batches[0])
	}
	for b, rows := range batches {
		if t.f32 != nil {
			l, k := t.f32.step(rows, float32(lr))
			loss, correct = loss+l, correct+k
			continue
		}
		bx, by := t.next.wait()
		if b+1 < len(batches) {
			t.next.start(t.train, batches[b+1])
		}
		out := t.net.forward(bx)
		t.grad = resize(t.grad, len(rows), dy)
		loss += obj.Eval(t.grad, out, by)
		correct += countCorrect(by, out)
		if t.opt.Momentum != 0 {
			obj.backward(t.net, t.grad, false)
			t.net.StepMomentum(lr, t.opt.Momentum)
		} else {
			obj.backwardStep(t.net, t.grad, lr)
		}
	}
	if t.f32 != nil {
		t.f32.copyTo(t.net)
	}
	m := EpochMetrics{
		Epoch:     t.epoch,
		TrainLoss: loss / float64(n),
		TrainAcc:  float64(correct) / float64(n),
		ValidLoss: math.NaN(),
		ValidAcc:  math.NaN(),
		Seconds:   time.Since(start).Seconds(),
	}
	if math.IsNaN(m.TrainLoss) || math.IsInf(m.TrainLoss, 0) {
		return m, fmt.Errorf("train: epoch %d: loss is %v (learning rate %g too large?)", t.epoch, m.TrainLoss, lr)
	}
	if t.opt.TrainEval {
		m.TrainLoss, m.TrainAcc = obj.evaluate(t.net, t.train)
	}
	if t.opt.Valid != nil {
		m.ValidLoss, m.ValidAcc = obj.evaluate(t.net, t.opt.Valid)
	}
	return m, nil
}

// CheckStep checks the two settings of every gradient step in this
// repository: a learning rate that is a positive finite number and a batch
// size of at least one example. The error names the setting and its value
// ("learning rate 0: want a positive number"); callers add their name.
func CheckStep(lr float64, batchSize int) error {
	switch {
	case !(lr > 0) || math.IsInf(lr, 0):
		return fmt.Errorf("learning rate %g: want a positive number", lr)
	case batchSize <= 0:
		return fmt.Errorf("batch size %d: want > 0", batchSize)
	}
	return nil
}

func checkTrain(net *Network, train *data.Dataset, opt Options) error {
	if err := net.check(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := opt.Objective.checkFor(net); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if opt.Epochs < 0 {
		return fmt.Errorf("train: %d epochs", opt.Epochs)
	}
	if err := CheckStep(opt.LR, opt.BatchSize); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if !(opt.Momentum >= 0 && opt.Momentum < 1) {
		return fmt.Errorf("train: momentum %g: want 0 ≤ μ < 1", opt.Momentum)
	}
	if err := checkSet(net, train, "training"); err != nil {
		return err
	}
	if opt.Valid != nil {
		return checkSet(net, opt.Valid, "validation")
	}
	return nil
}

func checkSet(net *Network, ds *data.Dataset, what string) error {
	if ds == nil || ds.X == nil || ds.Y == nil {
		return fmt.Errorf("%s set is missing X or Y", what)
	}
	n, d := ds.X.Dims()
	ny, c := ds.Y.Dims()
	switch {
	case n == 0:
		return fmt.Errorf("%s set is empty", what)
	case n != ny:
		return fmt.Errorf("%s set: X has %d rows but Y has %d", what, n, ny)
	case d != net.In():
		return fmt.Errorf("%s set: %d features per example, the network takes %d", what, d, net.In())
	case c != net.Out():
		return fmt.Errorf("%s set: %d target columns, the network outputs %d", what, c, net.Out())
	}
	return nil
}

// evalChunk is the number of rows Evaluate forwards at a time: it bounds the
// memory of evaluating a large set, and 192 rows (three 64-row gonum blocks)
// keeps gonum's Dgemm on its serial path, which measured no slower.
const evalChunk = 192

// Evaluate returns the softmax cross-entropy per example,
// -(1/N) Σ_i Σ_c y_ic log p_ic, and the accuracy of net on ds, without
// touching the network's cache.
func Evaluate(net *Network, ds *data.Dataset) (loss, acc float64, err error) {
	if err := net.check(); err != nil {
		return 0, 0, fmt.Errorf("evaluate: %w", err)
	}
	if err := checkSet(net, ds, "evaluation"); err != nil {
		return 0, 0, err
	}
	if err := SoftmaxCrossEntropy.checkFor(net); err != nil {
		return 0, 0, fmt.Errorf("evaluate: %w", err)
	}
	loss, acc = SoftmaxCrossEntropy.evaluate(net, ds)
	return loss, acc, nil
}

// evaluate returns J/N and the argmax accuracy of net on ds (checked).
func (o Objective) evaluate(net *Network, ds *data.Dataset) (loss, acc float64) {
	n, d := ds.X.Dims()
	_, c := ds.Y.Dims()
	correct := 0
	for start := 0; start < n; start += evalChunk {
		end := min(start+evalChunk, n)
		x := ds.X.Slice(start, end, 0, d).(*mat.Dense)
		y := ds.Y.Slice(start, end, 0, c).(*mat.Dense)
		out := net.predict(x)
		loss += o.Eval(nil, out, y)
		correct += countCorrect(y, out)
	}
	return loss / float64(n), float64(correct) / float64(n)
}

// countCorrect counts the rows where argmax out = argmax y.
func countCorrect(y, out *mat.Dense) int {
	r, _ := y.Dims()
	k := 0
	for i := 0; i < r; i++ {
		if vec.Argmax(y.RawRowView(i)) == vec.Argmax(out.RawRowView(i)) {
			k++
		}
	}
	return k
}

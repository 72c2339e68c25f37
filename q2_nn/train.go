package nn

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
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
// Step, up to rounding.
func Train(net *Network, train *data.Dataset, opt Options) ([]EpochMetrics, error) {
	if opt.Objective.Eval == nil {
		opt.Objective = SoftmaxCrossEntropy
	}
	if err := checkTrain(net, train, opt); err != nil {
		return nil, err
	}
	obj := opt.Objective
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed))
	n, dx := train.X.Dims()
	_, dy := train.Y.Dims()
	var bx, by, grad *mat.Dense
	hist := make([]EpochMetrics, 0, opt.Epochs)
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		start := time.Now()
		batches, err := BatchIndices(n, opt.BatchSize, rng)
		if err != nil {
			return hist, err
		}
		var loss float64
		correct := 0
		for _, rows := range batches {
			bx = gather(bx, train.X, rows, dx)
			by = gather(by, train.Y, rows, dy)
			out := net.forward(bx)
			grad = resize(grad, len(rows), dy)
			loss += obj.Eval(grad, out, by)
			correct += countCorrect(by, out)
			if opt.Momentum != 0 {
				obj.backward(net, grad, false)
				net.StepMomentum(opt.LR, opt.Momentum)
			} else {
				obj.backwardStep(net, grad, opt.LR)
			}
		}
		m := EpochMetrics{
			Epoch:     epoch,
			TrainLoss: loss / float64(n),
			TrainAcc:  float64(correct) / float64(n),
			ValidLoss: math.NaN(),
			ValidAcc:  math.NaN(),
			Seconds:   time.Since(start).Seconds(),
		}
		if math.IsNaN(m.TrainLoss) || math.IsInf(m.TrainLoss, 0) {
			return hist, fmt.Errorf("train: epoch %d: loss is %v (learning rate %g too large?)", epoch, m.TrainLoss, opt.LR)
		}
		if opt.TrainEval {
			m.TrainLoss, m.TrainAcc = obj.evaluate(net, train)
		}
		if opt.Valid != nil {
			m.ValidLoss, m.ValidAcc = obj.evaluate(net, opt.Valid)
		}
		hist = append(hist, m)
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "epoch %d/%d  train loss %.4f acc %.4f", epoch, opt.Epochs, m.TrainLoss, m.TrainAcc)
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

func checkTrain(net *Network, train *data.Dataset, opt Options) error {
	if err := net.check(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := opt.Objective.checkFor(net); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	switch {
	case opt.Epochs < 0:
		return fmt.Errorf("train: %d epochs", opt.Epochs)
	case !(opt.LR > 0) || math.IsInf(opt.LR, 0):
		return fmt.Errorf("train: learning rate %g: want a positive number", opt.LR)
	case opt.BatchSize <= 0:
		return fmt.Errorf("train: batch size %d: want > 0", opt.BatchSize)
	case !(opt.Momentum >= 0 && opt.Momentum < 1):
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
		if argmax(y.RawRowView(i)) == argmax(out.RawRowView(i)) {
			k++
		}
	}
	return k
}

// argmax returns the index of the largest value, the first one on ties.
func argmax(v []float64) int {
	best := 0
	for j, x := range v {
		if x > v[best] {
			best = j
		}
	}
	return best
}

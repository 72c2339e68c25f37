package autoencoder

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"recog/internal/recon"
	nn "recog/q2_nn"
)

// Mode names a training recipe: the assignment's (ModeDefault) or the
// improved one (ModeImproved). See docs/q5_autoencoder.md#improved-training.
type Mode int

const (
	// ModeDefault is the assignment's recipe: momentum SGD (μ = 0.9) with a
	// constant learning rate 3e-5 on the summed loss, batches of 36, 100
	// epochs, Xavier initialisation.
	ModeDefault Mode = iota
	// ModeImproved trains the same network with the same momentum update
	// (μ = 0.9) and batches of 36 for 150 epochs, but starts from a
	// data-dependent initialisation (Options.DataInit) that makes every
	// ReLU unit alive, re-initialises units that die (Options.Revive) after
	// each epoch, and uses a learning rate 1e-4 that decays along a half
	// cosine to 1% of it (Options.Cosine).
	ModeImproved
)

// String returns "default" or "improved".
func (m Mode) String() string {
	switch m {
	case ModeDefault:
		return "default"
	case ModeImproved:
		return "improved"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode is the inverse of Mode.String.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "default":
		return ModeDefault, nil
	case "improved":
		return ModeImproved, nil
	}
	return 0, fmt.Errorf("unknown mode %q (want default or improved)", s)
}

// Optimizer is the parameter update rule.
type Optimizer int

const (
	// Momentum is M ← μM - lr·dJ/dθ, θ ← θ + M, with one zero-initialised
	// accumulator M per parameter (nn.Layer.StepMomentum).
	Momentum Optimizer = iota
	// Adam is m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g², θ ← θ - lr·m̂/(√v̂ + ε)
	// with m̂ = m/(1-β1ᵗ), v̂ = v/(1-β2ᵗ) (Kingma and Ba, 2015).
	Adam
)

// Options configures Train. DefaultOptions and ImprovedOptions give the two
// recipes; the zero value is not usable.
type Options struct {
	// Mode names the recipe the options come from (ModeOptions), for titles
	// and metrics; it changes nothing by itself.
	Mode      Mode
	Epochs    int     // passes over the training set
	LR        float64 // learning rate (the starting one under Cosine)
	BatchSize int     // rows per mini-batch; the last one may be smaller
	Momentum  float64 // μ of the Momentum optimizer
	Seed      uint64  // seeds initialisation and batch order (Fit)
	Optimizer Optimizer
	// Cosine decays the learning rate along a half cosine from LR at the
	// first epoch to LR/100 at the last: lr_e = LR·(0.01 + 0.99·(1 + cos(π(e-1)/(E-1)))/2).
	Cosine bool
	// DataInit rescales the Xavier initialisation on the training data
	// before training (Fit only; see DataInit).
	DataInit bool
	// Revive re-initialises, after every epoch, the ReLU units that are dead
	// on the first 2000 training rows (see Revive).
	Revive bool
	// Valid, if not nil, is evaluated after every epoch (loss and PSNR).
	Valid *mat.Dense
	// OnEpoch, if not nil, is called after every epoch; an error stops
	// training and is returned.
	OnEpoch func(EpochMetrics) error
	// Progress, if not nil, receives one line per epoch.
	Progress io.Writer
}

// DefaultOptions returns the assignment's settings (ModeDefault): 100 epochs,
// lr 3e-5, batches of 36, momentum 0.9, seed 1.
func DefaultOptions() Options {
	return Options{Mode: ModeDefault, Epochs: 100, LR: 3e-5, BatchSize: 36, Momentum: 0.9, Seed: 1, Optimizer: Momentum}
}

// ImprovedOptions returns ModeImproved's settings: momentum 0.9 at lr 1e-4
// with the cosine schedule, data-dependent initialisation, revival of dead
// units, 150 epochs, batches of 36, seed 1. (Adam, also available as
// Options.Optimizer, kills more units here; see the docs.)
func ImprovedOptions() Options {
	return Options{Mode: ModeImproved, Epochs: 150, LR: 1e-4, BatchSize: 36, Momentum: 0.9, Seed: 1, Optimizer: Momentum,
		Cosine: true, DataInit: true, Revive: true}
}

// ModeOptions returns DefaultOptions or ImprovedOptions.
func ModeOptions(m Mode) (Options, error) {
	switch m {
	case ModeDefault:
		return DefaultOptions(), nil
	case ModeImproved:
		return ImprovedOptions(), nil
	}
	return Options{}, fmt.Errorf("unknown %v", m)
}

// EpochMetrics are the numbers of one epoch.
type EpochMetrics struct {
	Epoch int // 1-based
	// TrainLoss is the total squared error summed over the epoch's batches
	// (each measured before its update), as the assignment's total_loss.
	TrainLoss float64
	// ValidLoss is Σ (x̂ - x)² over the validation set after the epoch and
	// ValidPSNR its mean PSNR; both NaN without Options.Valid.
	ValidLoss, ValidPSNR float64
	LR                   float64 // learning rate used in the epoch
	Revived              int     // ReLU units re-initialised after the epoch (Options.Revive)
	Seconds              float64 // wall time of the updates, without evaluation
}

func (o Options) check(net *nn.Network, x *mat.Dense) error {
	switch {
	case net == nil:
		return errors.New("autoencoder: nil network")
	case x == nil:
		return errors.New("autoencoder: nil training data")
	case o.Epochs < 0:
		return fmt.Errorf("autoencoder: %d epochs, want ≥ 0", o.Epochs)
	case nn.CheckStep(o.LR, o.BatchSize) != nil:
		return fmt.Errorf("autoencoder: %w", nn.CheckStep(o.LR, o.BatchSize))
	case o.Optimizer == Momentum && !(o.Momentum >= 0 && o.Momentum < 1):
		return fmt.Errorf("autoencoder: momentum %g, want 0 ≤ μ < 1", o.Momentum)
	case o.Optimizer != Momentum && o.Optimizer != Adam:
		return fmt.Errorf("autoencoder: unknown optimizer %d", o.Optimizer)
	}
	if r, c := x.Dims(); r == 0 || c != net.In() || c != net.Out() {
		return fmt.Errorf("autoencoder: training data is %d x %d, the network maps %d → %d", r, c, net.In(), net.Out())
	}
	if o.Valid != nil {
		if r, c := o.Valid.Dims(); r == 0 || c != net.In() {
			return fmt.Errorf("autoencoder: validation data is %d x %d, want N x %d", r, c, net.In())
		}
	}
	return nil
}

// LRAt returns the learning rate of epoch e (1-based) of E: LR, or under
// Cosine LR·(0.01 + 0.99·(1 + cos(π(e-1)/(E-1)))/2).
func (o Options) LRAt(e int) float64 {
	if !o.Cosine || o.Epochs <= 1 {
		return o.LR
	}
	t := float64(e-1) / float64(o.Epochs-1)
	return o.LR * (0.01 + 0.99*(1+math.Cos(math.Pi*t))/2)
}

// Fit builds the autoencoder (New with Sizes) from rand.NewPCG(opt.Seed, 1),
// applies DataInit on x if opt.DataInit, and trains it on the rows of x
// (Train, batches drawn from rand.NewPCG(opt.Seed, 2)).
func Fit(x *mat.Dense, opt Options) (*nn.Network, []EpochMetrics, error) {
	net, err := New(nil, rand.New(rand.NewPCG(opt.Seed, 1)))
	if err != nil {
		return nil, nil, err
	}
	if opt.DataInit {
		if err := DataInit(net, x, dataInitRows); err != nil {
			return nil, nil, err
		}
	}
	hist, err := Train(net, x, opt)
	return net, hist, err
}

// dataInitRows is the number of training rows DataInit looks at.
const dataInitRows = 2000

// DataInit adapts an initialised network to the data, layer by layer on the
// first min(N, rows) rows of x. Each ReLU unit j, whose pre-activations
// over those rows have mean m_j and standard deviation s_j, gets
// W[:, j] ← W[:, j] / s_j and b_j ← 0.5 - m_j / s_j: its pre-activation then
// has mean 0.5 and variance 1 on the data, so it is positive for most
// images (alive) and its input varies. The sigmoid output layer keeps its
// weights and gets b_j = logit(x̄_j), x̄_j the mean of pixel j clipped to
// [0.01, 0.99], so that the untrained network outputs about the mean image.
// (Xavier weights with white-background inputs give each unit a large
// common-mode pre-activation Σ_j W_jk x_j; a unit for which it is very
// negative starts dead.) See docs/q5_autoencoder.md#improved-training.
func DataInit(net *nn.Network, x *mat.Dense, rows int) error {
	if err := checkNet(net, x); err != nil {
		return err
	}
	n, d := x.Dims()
	h := mat.DenseCopyOf(x.Slice(0, min(n, max(rows, 2)), 0, d))
	for _, l := range net.Layers {
		r, _ := h.Dims()
		if l.Activation != nn.ActReLU {
			if l.Activation == nn.ActSigmoid && l.Out() == d {
				for j := range l.B {
					var m float64
					for i := range r {
						m += x.At(i, j)
					}
					m = math.Min(math.Max(m/float64(r), 0.01), 0.99)
					l.B[j] = math.Log(m / (1 - m))
				}
			}
		} else {
			var a mat.Dense
			a.Mul(h, l.W)
			for j := range l.Out() {
				col := mat.Col(nil, j, &a)
				m, s := stat.MeanStdDev(col, nil)
				if !(s > 1e-12) {
					s = 1
				}
				for i := range l.In() {
					l.W.Set(i, j, l.W.At(i, j)/s)
				}
				l.B[j] = 0.5 - m/s
			}
		}
		one, err := nn.NewNetwork(l)
		if err != nil {
			return err
		}
		if h, err = one.Predict(h); err != nil {
			return err
		}
	}
	return nil
}

// Train runs mini-batch training of net to reproduce its input: for each
// epoch, for each batch X of a fresh random permutation (nn.BatchIndices),
// x̂ = net(X), J = Σ (x̂ - x)² (nn.SquaredError, dJ/dx̂ = 2(x̂ - x)),
// back-propagation (nn.Network.Backward) and one update of every W and b by
// opt.Optimizer. Batches come from rand.NewPCG(opt.Seed, 2). See
// docs/q5_autoencoder.md#training.
func Train(net *nn.Network, x *mat.Dense, opt Options) ([]EpochMetrics, error) {
	if err := opt.check(net, x); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 2))
	n, d := x.Dims()
	var adam *adamState
	if opt.Optimizer == Adam {
		adam = newAdam(net)
	}
	bx := mat.NewDense(opt.BatchSize, d, nil)
	grad := mat.NewDense(opt.BatchSize, d, nil)
	hist := make([]EpochMetrics, 0, opt.Epochs)
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		start := time.Now()
		lr := opt.LRAt(epoch)
		batches, err := nn.BatchIndices(n, opt.BatchSize, rng)
		if err != nil {
			return hist, err
		}
		var total float64
		for _, rows := range batches {
			b := bx.Slice(0, len(rows), 0, d).(*mat.Dense)
			g := grad.Slice(0, len(rows), 0, d).(*mat.Dense)
			for i, k := range rows {
				copy(b.RawRowView(i), x.RawRowView(k))
			}
			out, err := net.Forward(b)
			if err != nil {
				return hist, err
			}
			total += nn.SquaredError.Eval(g, out, b)
			if _, err := net.Backward(g); err != nil {
				return hist, err
			}
			if adam != nil {
				adam.step(net, lr)
			} else {
				net.StepMomentum(lr, opt.Momentum)
			}
		}
		revived := 0
		if opt.Revive {
			if revived, err = Revive(net, x, dataInitRows, rng); err != nil {
				return hist, err
			}
		}
		m := EpochMetrics{Epoch: epoch, TrainLoss: total, ValidLoss: math.NaN(), ValidPSNR: math.NaN(), Revived: revived,
			LR: lr, Seconds: time.Since(start).Seconds()}
		if !finite(total) {
			return hist, fmt.Errorf("autoencoder: epoch %d: training loss is %v (learning rate %g too large?)", epoch, total, lr)
		}
		if opt.Valid != nil {
			xhat, err := Reconstruct(net, opt.Valid)
			if err != nil {
				return hist, err
			}
			m.ValidLoss = nn.SquaredError.Eval(nil, xhat, opt.Valid)
			if m.ValidPSNR, err = recon.MeanPSNR(opt.Valid, xhat); err != nil {
				return hist, err
			}
		}
		hist = append(hist, m)
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "epoch %d/%d  train loss %.1f (%.2f per image)", epoch, opt.Epochs, total, total/float64(n))
			if opt.Valid != nil {
				fmt.Fprintf(opt.Progress, "  valid PSNR %.3f dB", m.ValidPSNR)
			}
			if opt.Revive {
				fmt.Fprintf(opt.Progress, "  revived %d", revived)
			}
			fmt.Fprintf(opt.Progress, "  lr %.3g  %.2fs\n", lr, m.Seconds)
		}
		if opt.OnEpoch != nil {
			if err := opt.OnEpoch(m); err != nil {
				return hist, err
			}
		}
	}
	return hist, nil
}

// Revive finds the ReLU units of net that output 0 on all of the first
// min(N, rows) rows of x (dead: they get no gradient and cannot recover) and
// re-initialises each: new incoming weights from Xavier's U(-r, r),
// r = √(6/(in+out)), drawn from rng and rescaled as in DataInit (mean 0.5,
// standard deviation 1 of its pre-activation on those rows), and zero
// outgoing weights, so that the network's output does not change and the
// unit starts alive. It returns the number of units revived.
// See docs/q5_autoencoder.md#improved-training.
func Revive(net *nn.Network, x *mat.Dense, rows int, rng *rand.Rand) (int, error) {
	if err := checkNet(net, x); err != nil {
		return 0, err
	}
	n, d := x.Dims()
	h := x.Slice(0, min(n, max(rows, 2)), 0, d).(*mat.Dense)
	revived := 0
	for li, l := range net.Layers {
		one, err := nn.NewNetwork(l)
		if err != nil {
			return revived, err
		}
		out, err := one.Predict(h)
		if err != nil {
			return revived, err
		}
		if l.Activation == nn.ActReLU && li+1 < len(net.Layers) {
			r, c := out.Dims()
			in := l.In()
			bound := math.Sqrt(6 / float64(in+l.Out()))
			w := make([]float64, in)
			for j := range c {
				alive := false
				for i := range r {
					if out.At(i, j) > 0 {
						alive = true
						break
					}
				}
				if alive {
					continue
				}
				for i := range w {
					w[i] = bound * (2*rng.Float64() - 1)
				}
				a := mat.NewVecDense(r, nil)
				a.MulVec(h, mat.NewVecDense(in, w))
				m, s := stat.MeanStdDev(a.RawVector().Data, nil)
				if !(s > 1e-12) {
					s = 1
				}
				for i := range w {
					l.W.Set(i, j, w[i]/s)
				}
				l.B[j] = 0.5 - m/s
				next := net.Layers[li+1]
				for k := range next.Out() {
					next.W.Set(j, k, 0)
				}
				for i := range r {
					out.Set(i, j, math.Max(0, a.AtVec(i)/s+l.B[j]))
				}
				revived++
			}
		}
		h = out
	}
	return revived, nil
}

// Adam's constants.
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// adamState holds Adam's moment estimates, one pair per parameter.
type adamState struct {
	t      int
	mW, vW [][]float64 // per layer, W's raw data layout
	mB, vB [][]float64
}

func newAdam(net *nn.Network) *adamState {
	s := &adamState{}
	for _, l := range net.Layers {
		nw := len(l.W.RawMatrix().Data)
		s.mW, s.vW = append(s.mW, make([]float64, nw)), append(s.vW, make([]float64, nw))
		s.mB, s.vB = append(s.mB, make([]float64, len(l.B))), append(s.vB, make([]float64, len(l.B)))
	}
	return s
}

// step applies one Adam update with learning rate lr to every W and b from
// the layers' DW and DB.
func (s *adamState) step(net *nn.Network, lr float64) {
	s.t++
	c1 := 1 - math.Pow(adamBeta1, float64(s.t))
	c2 := 1 - math.Pow(adamBeta2, float64(s.t))
	for i, l := range net.Layers {
		in, out := l.W.Dims()
		for r := range in {
			adamUpdate(l.W.RawRowView(r), l.DW.RawRowView(r), s.mW[i][r*out:(r+1)*out], s.vW[i][r*out:(r+1)*out], lr, c1, c2)
		}
		adamUpdate(l.B, l.DB, s.mB[i], s.vB[i], lr, c1, c2)
	}
}

func adamUpdate(theta, g, m, v []float64, lr, c1, c2 float64) {
	for j, gj := range g {
		m[j] = adamBeta1*m[j] + (1-adamBeta1)*gj
		v[j] = adamBeta2*v[j] + (1-adamBeta2)*gj*gj
		theta[j] -= lr * (m[j] / c1) / (math.Sqrt(v[j]/c2) + adamEps)
	}
}

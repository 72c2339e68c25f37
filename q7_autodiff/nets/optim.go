package nets

import (
	"fmt"
	"math"

	"recog/internal/blas"
	"recog/q7_autodiff/ops"
)

// Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step applies one update to params given grads (same order and sizes).
	Step(params []Param, grads [][]float32)
	// ScaleLR multiplies the learning rate by f (for a decay schedule).
	ScaleLR(f float64)
	String() string
}

// ScaleLR implements Optimizer.
func (o *SGD) ScaleLR(f float64) { o.LR *= f }

// ScaleLR implements Optimizer.
func (o *Adam) ScaleLR(f float64) { o.LR *= f }

// SGD is stochastic gradient descent with momentum (PyTorch's form):
// v ← μ v + g + λ w;  w ← w - η v.
type SGD struct {
	LR, Momentum, WeightDecay float64
	v                         [][]float32
}

func (o *SGD) String() string {
	return fmt.Sprintf("SGD(lr=%g, momentum=%g, weight_decay=%g)", o.LR, o.Momentum, o.WeightDecay)
}

// Step implements Optimizer.
func (o *SGD) Step(params []Param, grads [][]float32) {
	if o.v == nil {
		o.v = make([][]float32, len(params))
		for i, p := range params {
			o.v[i] = make([]float32, p.Value.Size())
		}
	}
	lr, mu, wd := float32(o.LR), float32(o.Momentum), float32(o.WeightDecay)
	for i, p := range params {
		w, g, v := p.Data(), grads[i], o.v[i]
		for j := range w {
			v[j] = mu*v[j] + g[j] + wd*w[j]
			w[j] -= lr * v[j]
		}
	}
}

// Adam is Kingma and Ba's optimiser (PyTorch's defaults when zero):
// m ← β₁m + (1-β₁)g;  v ← β₂v + (1-β₂)g²;
// w ← w - η (m / (1-β₁ᵗ)) / (√(v / (1-β₂ᵗ)) + ε).
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	t                     int
	m, v                  [][]float32
}

func (o *Adam) String() string { return fmt.Sprintf("Adam(lr=%g)", o.LR) }

// Step implements Optimizer.
func (o *Adam) Step(params []Param, grads [][]float32) {
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	if o.m == nil {
		o.m = make([][]float32, len(params))
		o.v = make([][]float32, len(params))
		for i, p := range params {
			o.m[i] = make([]float32, p.Value.Size())
			o.v[i] = make([]float32, p.Value.Size())
		}
	}
	o.t++
	c1 := 1 - math.Pow(o.Beta1, float64(o.t))
	c2 := 1 - math.Pow(o.Beta2, float64(o.t))
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	step := float32(o.LR / c1)
	sc2 := float32(1 / math.Sqrt(c2))
	eps := float32(o.Eps)
	ops.Parallel(len(params), func(lo, hi, _ int) {
		for i := lo; i < hi; i++ {
			blas.Adam(params[i].Data(), grads[i], o.m[i], o.v[i], b1, b2, step, sc2, eps)
		}
	})
}

// Cosine returns an OnEpoch function that sets opt's learning rate on a
// cosine schedule from lr0 over epochs epochs: epoch e (from 1) trains at
// lr0·½(1 + cos(π(e−1)/epochs)). opt must start at lr0, and Config.LRDecay
// should be 0 (the schedule replaces it). Q7.2's recipes use it
// (flowers.Config.FineTuneCosine, ScratchCosine), and so do Q7.1's
// (autodiff.Task.recipe).
func Cosine(opt Optimizer, lr0 float64, epochs int) func(EpochStats) error {
	lr := lr0
	return func(st EpochStats) error {
		next := lr0 * 0.5 * (1 + math.Cos(math.Pi*float64(st.Epoch)/float64(epochs)))
		if lr > 0 {
			opt.ScaleLR(next / lr)
		}
		lr = next
		return nil
	}
}

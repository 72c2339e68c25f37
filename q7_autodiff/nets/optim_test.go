package nets

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gorgonia.org/tensor"
)

// param returns a parameter holding vals.
func param(vals ...float32) Param {
	return Param{Name: "w", Value: tensor.New(tensor.WithShape(len(vals)), tensor.WithBacking(vals))}
}

// TestOptimizersByHand replays two steps of each optimiser on one weight,
// w = 1, with the gradients 0.5 and then -1, against the values worked out
// by hand from their formulas (optim.go). Adam, lr 0.1 and PyTorch's β₁ =
// 0.9, β₂ = 0.999, ε = 1e-8: step 1 has m̂ = 0.5, v̂ = 0.25, so w = 1 - 0.1 ·
// 0.5/(0.5 + ε) = 0.9; step 2 has m = 0.9·0.05 - 0.1 = -0.055, v =
// 0.999·0.00025 + 0.001 = 0.00124975, m̂ = m/0.19, v̂ = v/0.001999, so
// w = 0.9 + 0.1 · 0.289474/0.790688 = 0.936610. SGD, lr 0.1, momentum 0.9,
// weight decay 0.01: v = 0.5 + 0.01 = 0.51, w = 0.949; v = 0.9·0.51 - 1 +
// 0.00949 = -0.53151, w = 1.002151. A second weight, 2, with gradient 0
// stays at 2 under Adam (zero moments) and decays under SGD: v = 0.02,
// w = 1.998; v = 0.018 + 0.01998 = 0.03798, w = 1.994202.
func TestOptimizersByHand(t *testing.T) {
	for _, tc := range []struct {
		opt          Optimizer
		want1, want2 []float32
	}{
		{&Adam{LR: 0.1}, []float32{0.9, 2}, []float32{0.93661035, 2}},
		{&SGD{LR: 0.1, Momentum: 0.9, WeightDecay: 0.01}, []float32{0.949, 1.998}, []float32{1.002151, 1.994202}},
	} {
		t.Run(tc.opt.String(), func(t *testing.T) {
			p := []Param{param(1, 2)}
			tc.opt.Step(p, [][]float32{{0.5, 0}})
			require.InDeltaSlice(t, tc.want1, p[0].Data(), 1e-6)
			tc.opt.Step(p, [][]float32{{-1, 0}})
			require.InDeltaSlice(t, tc.want2, p[0].Data(), 1e-6)
		})
	}
}

// TestCosine: epoch e of E trains at η₀·½(1 + cos(π(e−1)/E)).
func TestCosine(t *testing.T) {
	opt := &Adam{LR: 0.1}
	next := Cosine(opt, 0.1, 4)
	for e := 1; e <= 4; e++ {
		require.InDelta(t, 0.1*0.5*(1+math.Cos(math.Pi*float64(e-1)/4)), opt.LR, 1e-12, "epoch %d", e)
		require.NoError(t, next(EpochStats{Epoch: e}))
	}
}

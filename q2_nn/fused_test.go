package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
)

// TestFusedStepMatchesBackwardThenStep checks the fused update of Train
// without momentum (Network.backwardStep: W ← W - lr·Xᵀ dA accumulated into
// W by one product) against Backward followed by Step, for both objectives,
// on a strided input view (as Train's batches may be), and that Train with
// momentum 0 equals a hand-written loop of Forward, BackwardPre and Step.
func TestFusedStepMatchesBackwardThenStep(t *testing.T) {
	for _, tc := range []struct {
		obj  Objective
		acts []Activation
	}{
		{SoftmaxCrossEntropy, []Activation{ActSigmoid, ActReLU, ActSoftmax}},
		{SquaredError, []Activation{ActSigmoid, ActIdentity, ActSigmoid}},
	} {
		t.Run(tc.obj.Name, func(t *testing.T) {
			rng := newRand(5)
			a, err := NewMLP([]int{7, 5, 4, 3}, tc.acts, rng)
			require.NoError(t, err)
			for _, l := range a.Layers {
				for j := range l.B {
					l.B[j] = rng.NormFloat64()
				}
			}
			b := a.Clone()
			big := randDense(rng, 6, 9, 1)
			x := big.Slice(0, 6, 1, 8).(*mat.Dense) // stride 9, 7 columns
			y := randOneHot(rng, 6, 3)
			const lr = 0.05

			grad := mat.NewDense(6, 3, nil)
			tc.obj.Eval(grad, a.forward(x), y)
			tc.obj.backwardStep(a, grad, lr)

			tc.obj.Eval(grad, b.forward(x), y)
			tc.obj.backward(b, grad, false)
			b.Step(lr)
			for i := range a.Layers {
				requireMatrixNear(t, b.Layers[i].W, a.Layers[i].W, 1e-14, "W of "+a.Layers[i].Name)
				require.InDeltaSlice(t, b.Layers[i].B, a.Layers[i].B, 1e-14, "b of "+a.Layers[i].Name)
				require.Nil(t, a.Layers[i].DW)
			}
		})
	}

	t.Run("Train", func(t *testing.T) {
		rng := newRand(8)
		ds := &data.Dataset{X: randDense(rng, 50, 6, 1), Y: randOneHot(rng, 50, 3)}
		a, err := NewMLP([]int{6, 4, 3}, []Activation{ActSigmoid, ActSoftmax}, rng)
		require.NoError(t, err)
		b := a.Clone()
		_, err = Train(a, ds, Options{Epochs: 2, LR: 0.02, BatchSize: 16, Seed: 3})
		require.NoError(t, err)
		brng := rand.New(rand.NewPCG(3, 3))
		for range 2 {
			batches, err := BatchIndices(50, 16, brng)
			require.NoError(t, err)
			for _, rows := range batches {
				sub := ds.Subset(rows)
				out, err := b.Forward(sub.X)
				require.NoError(t, err)
				g := mat.NewDense(len(rows), 3, nil)
				g.Sub(out, sub.Y)
				_, err = b.BackwardPre(g)
				require.NoError(t, err)
				b.Step(0.02)
			}
		}
		for i := range a.Layers {
			requireMatrixNear(t, b.Layers[i].W, a.Layers[i].W, 1e-13, "W of "+a.Layers[i].Name)
			require.InDeltaSlice(t, b.Layers[i].B, a.Layers[i].B, 1e-13)
		}
	})
}

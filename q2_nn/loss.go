package nn

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// minProb is the floor on a probability inside the log of the cross-entropy:
// a probability that underflowed to 0 costs -log(1e-300) ≈ 690.8 instead of
// +Inf.
const minProb = 1e-300

// LossAndAcc returns the cross-entropy summed over the data,
// L = -Σ_i Σ_c y_ic log p_ic, and the accuracy, the fraction of rows whose
// argmax of probs equals the argmax of the one-hot y (ties go to the first
// column): the assignment's compute_loss_and_acc. See
// docs/q2_nn.md#cross-entropy.
//
//recog:starter Q2.2.3
func LossAndAcc(y, probs mat.Matrix) (loss, acc float64, err error) {
	yr, yc := y.Dims()
	pr, pc := probs.Dims()
	if yr != pr || yc != pc {
		return 0, 0, fmt.Errorf("loss: labels are %d x %d but probabilities are %d x %d", yr, yc, pr, pc)
	}
	if yr == 0 {
		return 0, 0, errors.New("loss: no rows")
	}
	correct := 0
	for i := 0; i < yr; i++ {
		by, bp := 0, 0
		for c := 0; c < yc; c++ {
			yv, pv := y.At(i, c), probs.At(i, c)
			if yv != 0 {
				loss -= yv * math.Log(math.Max(pv, minProb))
			}
			if yv > y.At(i, by) {
				by = c
			}
			if pv > probs.At(i, bp) {
				bp = c
			}
		}
		if by == bp {
			correct++
		}
	}
	return loss, float64(correct) / float64(yr), nil
}

// Objective is a training loss J(H, Y) summed over the rows of a batch, with
// the gradient that back-propagation starts from.
type Objective struct {
	Name string
	// Eval returns J(out, y) summed over rows and, if grad is not nil, writes
	// into it (same shape as out) dJ/dA of the output layer when Fused, else
	// dJ/dH.
	Eval func(grad, out, y *mat.Dense) float64
	// Fused marks a gradient with respect to the output pre-activation,
	// which is only right for an output layer of activation Output
	// (Network.BackwardPre); otherwise the gradient is dJ/dH
	// (Network.Backward, through any output activation).
	Fused  bool
	Output Activation
}

// SoftmaxCrossEntropy is J = -Σ_i Σ_c y_ic log p_ic for a softmax output
// P, with the fused gradient dJ/dA = P - Y (docs/q2_nn.md#softmax-cross-entropy),
// which never divides by a small probability.
var SoftmaxCrossEntropy = Objective{
	Name:   "softmax cross-entropy",
	Fused:  true,
	Output: ActSoftmax,
	Eval: func(grad, out, y *mat.Dense) float64 {
		r, c := out.Dims()
		var loss float64
		for i := 0; i < r; i++ {
			p, t := out.RawRowView(i)[:c], y.RawRowView(i)[:c]
			for j, yv := range t {
				if yv != 0 {
					loss -= yv * math.Log(math.Max(p[j], minProb))
				}
			}
			if grad != nil {
				g := grad.RawRowView(i)[:c]
				for j := range g {
					g[j] = p[j] - t[j]
				}
			}
		}
		return loss
	},
}

// SquaredError is J = Σ_i Σ_j (h_ij - y_ij)², the total squared error of
// question 5's autoencoder, with dJ/dH = 2(H - Y), back-propagated through
// any output activation.
var SquaredError = Objective{
	Name: "squared error",
	Eval: func(grad, out, y *mat.Dense) float64 {
		r, c := out.Dims()
		var loss float64
		for i := 0; i < r; i++ {
			h, t := out.RawRowView(i)[:c], y.RawRowView(i)[:c]
			if grad == nil {
				for j, v := range h {
					d := v - t[j]
					loss += d * d
				}
				continue
			}
			g := grad.RawRowView(i)[:c]
			for j, v := range h {
				d := v - t[j]
				loss += d * d
				g[j] = 2 * d
			}
		}
		return loss
	},
}

// checkFor reports whether the objective can train net.
func (o Objective) checkFor(net *Network) error {
	if o.Eval == nil {
		return errors.New("objective has no Eval")
	}
	if out := net.Layers[len(net.Layers)-1]; o.Fused && out.Activation != o.Output {
		return fmt.Errorf("objective %s needs a %v output layer, layer %q is %v", o.Name, o.Output, out.Name, out.Activation)
	}
	return nil
}

// backwardStep back-propagates grad according to Fused and does a plain
// gradient-descent step on every layer (Network.backwardStep).
func (o Objective) backwardStep(net *Network, grad *mat.Dense, lr float64) {
	if !o.Fused {
		grad = net.Layers[len(net.Layers)-1].delta(grad)
	}
	net.backwardStep(grad, lr)
}

// backward back-propagates grad according to Fused; the first layer's dJ/dX
// is skipped unless needInputGrad.
func (o Objective) backward(net *Network, grad *mat.Dense, needInputGrad bool) *mat.Dense {
	if o.Fused {
		return net.backwardPre(grad, needInputGrad)
	}
	return net.backwardPre(net.Layers[len(net.Layers)-1].delta(grad), needInputGrad)
}

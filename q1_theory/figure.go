package theory

import (
	"fmt"

	"gonum.org/v1/plot"

	"recog/internal/viz"
)

// ActivationCurves returns n equally spaced points x on [lo, hi] with σ(x),
// σ'(x), tanh(x) and tanh'(x) at each. It returns an error if n < 2 or lo ≥ hi.
// See docs/q1_theory.md#q17-vanishing-gradients-sigmoid-and-tanh.
func ActivationCurves(lo, hi float64, n int) (x, sig, dsig, th, dth []float64, err error) {
	if n < 2 || !(lo < hi) {
		return nil, nil, nil, nil, nil, fmt.Errorf("theory: ActivationCurves: want n ≥ 2 and lo < hi, got n=%d on [%g, %g]", n, lo, hi)
	}
	x = make([]float64, n)
	sig = make([]float64, n)
	dsig = make([]float64, n)
	th = make([]float64, n)
	dth = make([]float64, n)
	for i := range n {
		v := lo + (hi-lo)*float64(i)/float64(n-1)
		x[i], sig[i], dsig[i], th[i], dth[i] = v, Sigmoid(v), SigmoidGrad(v), Tanh(v), TanhGrad(v)
	}
	return x, sig, dsig, th, dth, nil
}

// ActivationsFigure returns the plot of σ, σ' = σ(1 − σ), tanh and
// tanh' = 1 − tanh² on [−6, 6] (derivatives dashed, in the colour of their function).
// See docs/q1_theory.md#q17-vanishing-gradients-sigmoid-and-tanh.
func ActivationsFigure() (*plot.Plot, error) {
	x, sig, dsig, th, dth, err := ActivationCurves(-6, 6, 241)
	if err != nil {
		return nil, err
	}
	p, err := viz.Curves("Sigmoid, tanh and their derivatives", "x", "value",
		viz.Series{Name: "σ(x)", X: x, Y: sig, Color: viz.Colour(0)},
		viz.Series{Name: "σ'(x) = σ(1−σ)", X: x, Y: dsig, Color: viz.Colour(0), Dashed: true},
		viz.Series{Name: "tanh(x)", X: x, Y: th, Color: viz.Colour(1)},
		viz.Series{Name: "tanh'(x) = 1−tanh²", X: x, Y: dth, Color: viz.Colour(1), Dashed: true},
	)
	if err != nil {
		return nil, err
	}
	// A little room above 1 and below −1, so the asymptotes are visible and labelled.
	p.Y.Min, p.Y.Max = -1.1, 1.1
	return p, nil
}

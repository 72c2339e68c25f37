package theory

import (
	"errors"
	"math"
)

// Softmax returns softmax(x)_i = exp(x_i − max_j x_j) / Σ_k exp(x_k − max_j x_j).
// Shifting by c = −max x leaves the result unchanged (softmax is translation
// invariant) and keeps every exponent ≤ 0, so nothing overflows and the
// denominator is ≥ 1. An empty x gives an empty result.
// A teaching restatement (see the package documentation): the networks use
// q2_nn's nn.Softmax.
// See docs/q1_theory.md#q11-translation-invariance-of-softmax.
func Softmax(x []float64) []float64 {
	if len(x) == 0 {
		return []float64{}
	}
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return softmaxShifted(x, -m)
}

// SoftmaxNaive returns softmax(x)_i = exp(x_i) / Σ_k exp(x_k) with no shift.
// For x_i ≳ 709.78 exp(x_i) overflows to +Inf and the result contains NaN;
// it exists to show why Softmax shifts.
// See docs/q1_theory.md#q11-translation-invariance-of-softmax.
func SoftmaxNaive(x []float64) []float64 { return softmaxShifted(x, 0) }

// SoftmaxShift returns exp(x_i + c) / Σ_k exp(x_k + c), which in exact
// arithmetic equals softmax(x)_i for every constant c.
// See docs/q1_theory.md#q11-translation-invariance-of-softmax.
func SoftmaxShift(x []float64, c float64) []float64 { return softmaxShifted(x, c) }

func softmaxShifted(x []float64, c float64) []float64 {
	out := make([]float64, len(x))
	var sum float64
	for i, v := range x {
		out[i] = math.Exp(v + c)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// SoftmaxSteps returns the three steps of softmax separately:
// s_i = e^{x_i − max x} (positive, order-preserving), S = Σ_i s_i (the
// normaliser) and p_i = s_i / S (the distribution, Σ_i p_i = 1).
// It returns an error for an empty x.
// See docs/q1_theory.md#q12-softmax-as-a-probability-distribution.
func SoftmaxSteps(x []float64) (s []float64, sum float64, p []float64, err error) {
	if len(x) == 0 {
		return nil, 0, nil, errors.New("theory: SoftmaxSteps: empty input")
	}
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	s = make([]float64, len(x))
	for i, v := range x {
		s[i] = math.Exp(v - m)
		sum += s[i]
	}
	p = make([]float64, len(x))
	for i := range s {
		p[i] = s[i] / sum
	}
	return s, sum, p, nil
}

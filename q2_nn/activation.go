package nn

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"

	"recog/internal/blas"
)

// Activation is the function f of a layer, H = f(A). See docs/q2_nn.md#activations.
type Activation int

const (
	// ActIdentity is f(a) = a, f'(a) = 1 (a linear layer).
	ActIdentity Activation = iota
	// ActSigmoid is f(a) = 1/(1+exp(-a)), f'(a) = f(a)(1-f(a)).
	ActSigmoid
	// ActReLU is f(a) = max(a, 0), f'(a) = [a > 0].
	ActReLU
	// ActSoftmax is the row-wise softmax of Softmax; it is meant for the
	// output layer of a classifier.
	ActSoftmax
)

var activationNames = [...]string{"identity", "sigmoid", "relu", "softmax"}

// String returns the lower-case name: identity, sigmoid, relu or softmax.
func (f Activation) String() string {
	if f < 0 || int(f) >= len(activationNames) {
		return fmt.Sprintf("Activation(%d)", int(f))
	}
	return activationNames[f]
}

// ParseActivation is the inverse of Activation.String (case-insensitive;
// "linear" is accepted for identity).
func ParseActivation(s string) (Activation, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "linear" {
		return ActIdentity, nil
	}
	for i, n := range activationNames {
		if s == n {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q (want identity, sigmoid, relu or softmax)", s)
}

func (f Activation) valid() bool { return f >= ActIdentity && f <= ActSoftmax }

// Sigmoid returns σ(x) = 1/(1+exp(-x)), computed from e = exp(-|x|) ≤ 1 as
// 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0, so that no exp overflows: it is
// finite and in [0, 1] for every finite x. It is the function that
// Activation.Apply computes on whole rows (internal/blas.Sigmoid, within
// 2 ulp of σ). See docs/q2_nn.md#sigmoid.
//
//recog:starter Q2.2.1
func Sigmoid(x float64) float64 {
	v := [1]float64{x}
	blas.Sigmoid(v[:], v[:])
	return v[0]
}

// SigmoidDeriv returns σ'(x) = s(1-s) given s = σ(x), the post-activation
// (as the assignment's sigmoid_deriv(post_act)).
func SigmoidDeriv(s float64) float64 { return s * (1 - s) }

// ReLU returns max(x, 0).
func ReLU(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}

// ReLUDeriv returns [h > 0] given h = max(a, 0), which equals [a > 0]
// (the derivative at the kink a = 0 is taken as 0).
func ReLUDeriv(h float64) float64 {
	if h > 0 {
		return 1
	}
	return 0
}

// Apply writes f(a) into dst, element-wise (row-wise for ActSoftmax). dst and
// a must have the same shape; dst may be a.
func (f Activation) Apply(dst, a *mat.Dense) {
	r, c := a.Dims()
	for i := 0; i < r; i++ {
		src, out := a.RawRowView(i), dst.RawRowView(i)[:c]
		switch f {
		case ActIdentity:
			copy(out, src)
		case ActSigmoid:
			blas.Sigmoid(out, src)
		case ActReLU:
			for j, v := range src {
				out[j] = ReLU(v)
			}
		case ActSoftmax:
			softmaxRow(out, src)
		default:
			panic(fmt.Sprintf("nn: invalid %v", f))
		}
	}
}

// Backprop writes into dA the gradient dJ/dA = dJ/dH ⊙ f'(A) given dH = dJ/dH
// and the post-activation h = f(A). Every derivative is expressed through h:
// identity 1, sigmoid h(1-h), ReLU [h > 0]. For ActSoftmax it is the
// Jacobian-vector product dA_ij = h_ij (dH_ij - Σ_k dH_ik h_ik).
// dA may be dH. See docs/q2_nn.md#backward.
func (f Activation) Backprop(dA, dH, h *mat.Dense) {
	r, c := h.Dims()
	for i := 0; i < r; i++ {
		g, hr, out := dH.RawRowView(i)[:c], h.RawRowView(i), dA.RawRowView(i)[:c]
		switch f {
		case ActIdentity:
			copy(out, g)
		case ActSigmoid:
			for j, s := range hr {
				out[j] = g[j] * SigmoidDeriv(s)
			}
		case ActReLU:
			for j, s := range hr {
				out[j] = g[j] * ReLUDeriv(s)
			}
		case ActSoftmax:
			var dot float64
			for j, s := range hr {
				dot += g[j] * s
			}
			for j, s := range hr {
				out[j] = s * (g[j] - dot)
			}
		default:
			panic(fmt.Sprintf("nn: invalid %v", f))
		}
	}
}

// softmaxRow writes exp(x_i - max x) / Σ_j exp(x_j - max x) into dst: the
// exponentials of the whole row at once (internal/blas.Exp, each in (0, 1]
// after the shift), then their sum in order, then the divisions.
//
//recog:starter Q2.2.2
func softmaxRow(dst, x []float64) {
	m := math.Inf(-1)
	for _, v := range x {
		if v > m {
			m = v // (a NaN is skipped here but makes its own exponential, and the sum, NaN)
		}
	}
	dst = dst[:len(x)]
	blas.Exp(dst, x, m)
	var sum float64
	for _, e := range dst {
		sum += e
	}
	for j := range dst {
		dst[j] /= sum
	}
}

// Softmax returns exp(x_i - max x) / Σ_j exp(x_j - max x) for each row of x.
// Subtracting the row maximum leaves the result unchanged (softmax is
// shift-invariant) and keeps every exp in (0, 1], so no row overflows.
// See docs/q2_nn.md#softmax.
func Softmax(x mat.Matrix) *mat.Dense {
	r, c := x.Dims()
	out := mat.NewDense(r, c, nil)
	out.Copy(x)
	ActSoftmax.Apply(out, out)
	return out
}

package theory

import "math"

// Sigmoid returns σ(x) = 1 / (1 + e^{-x}).
// It is evaluated as e^{x} / (1 + e^{x}) for x < 0 so that e^{-x} never overflows.
// A teaching restatement (see the package documentation): the networks use
// q2_nn's nn.Sigmoid.
// See docs/q1_theory.md#q14-derivative-of-the-sigmoid.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// SigmoidGrad returns σ'(x) = σ(x)(1 − σ(x)), whose maximum is σ'(0) = 1/4.
// See docs/q1_theory.md#q14-derivative-of-the-sigmoid.
func SigmoidGrad(x float64) float64 {
	s := Sigmoid(x)
	return s * (1 - s)
}

// Tanh returns tanh(x) = (e^{x} − e^{−x}) / (e^{x} + e^{−x}).
// See docs/q1_theory.md#q17-vanishing-gradients-sigmoid-and-tanh.
func Tanh(x float64) float64 { return math.Tanh(x) }

// TanhGrad returns tanh'(x) = 1 − tanh²(x), whose maximum is tanh'(0) = 1.
// See docs/q1_theory.md#q17-vanishing-gradients-sigmoid-and-tanh.
func TanhGrad(x float64) float64 {
	t := math.Tanh(x)
	return 1 - t*t
}

// TanhViaSigmoid returns 2σ(2x) − 1, which equals tanh(x).
// See docs/q1_theory.md#q17-vanishing-gradients-sigmoid-and-tanh.
func TanhViaSigmoid(x float64) float64 { return 2*Sigmoid(2*x) - 1 }

// Activation is a scalar non-linearity f together with its derivative f'.
type Activation struct {
	Name string
	F    func(float64) float64 // f(x)
	Grad func(float64) float64 // f'(x)
}

// SigmoidAct is the Activation σ with σ' = σ(1 − σ).
var SigmoidAct = Activation{Name: "sigmoid", F: Sigmoid, Grad: SigmoidGrad}

// TanhAct is the Activation tanh with tanh' = 1 − tanh².
var TanhAct = Activation{Name: "tanh", F: Tanh, Grad: TanhGrad}

// IdentityAct is the Activation f(x) = x with f' = 1 (a purely linear layer).
var IdentityAct = Activation{
	Name: "identity",
	F:    func(x float64) float64 { return x },
	Grad: func(float64) float64 { return 1 },
}

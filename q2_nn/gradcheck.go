package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// gradCheckFloor is the smallest denominator of the relative error, so that
// two gradients that are both (nearly) zero do not count as disagreeing.
const gradCheckFloor = 1e-10

// GradCheckResult reports the worst disagreement between back-propagation
// and central differences.
type GradCheckResult struct {
	MaxRelErr float64 // max over parameters of |a - n| / max(|a|, |n|, 1e-10)
	MaxAbsErr float64 // max over parameters of |a - n|
	Layer     string  // where MaxRelErr occurs: layer name,
	Param     string  // "W" or "b",
	Row, Col  int     // index (Row is 0 for b),
	Analytic  float64 // a, the back-propagated dJ/dθ there,
	Numeric   float64 // n, the central difference there.
	Checked   int     // number of parameters compared (all of them)
}

// String describes the result in one line.
func (r GradCheckResult) String() string {
	return fmt.Sprintf("%d parameters: max relative error %.3g at %s %s[%d,%d] (backprop %.9g, numeric %.9g), max absolute error %.3g",
		r.Checked, r.MaxRelErr, r.Layer, r.Param, r.Row, r.Col, r.Analytic, r.Numeric, r.MaxAbsErr)
}

// GradCheck compares the back-propagated gradient of the objective J(net(x), y)
// with the central difference (J(θ+ε) - J(θ-ε)) / 2ε for every scalar θ of
// every W and b (ε = eps, 1e-6 if eps ≤ 0). It leaves the parameters as they
// were and the gradients DW, DB those of back-propagation. See
// docs/q2_nn.md#gradient-check.
//
//recog:starter Q2.5.1
func GradCheck(net *Network, x, y *mat.Dense, obj Objective, eps float64) (GradCheckResult, error) {
	if eps <= 0 {
		eps = 1e-6
	}
	if err := net.checkInput(x); err != nil {
		return GradCheckResult{}, fmt.Errorf("gradcheck: %w", err)
	}
	if err := obj.checkFor(net); err != nil {
		return GradCheckResult{}, fmt.Errorf("gradcheck: %w", err)
	}
	if y == nil {
		return GradCheckResult{}, fmt.Errorf("gradcheck: nil targets")
	}
	n, _ := x.Dims()
	if r, c := y.Dims(); r != n || c != net.Out() {
		return GradCheckResult{}, fmt.Errorf("gradcheck: targets are %d x %d, want %d x %d", r, c, n, net.Out())
	}
	out := net.forward(x)
	grad := mat.NewDense(n, net.Out(), nil)
	obj.Eval(grad, out, y)
	obj.backward(net, grad, false)

	loss := func() float64 {
		return obj.Eval(nil, net.predict(x), y)
	}
	res := GradCheckResult{MaxRelErr: -1}
	compare := func(l *Layer, param string, i, j int, p *float64, analytic float64) {
		p0 := *p
		*p = p0 + eps
		jp := loss()
		*p = p0 - eps
		jm := loss()
		*p = p0
		num := (jp - jm) / (2 * eps)
		abs := math.Abs(analytic - num)
		rel := abs / math.Max(math.Max(math.Abs(analytic), math.Abs(num)), gradCheckFloor)
		res.Checked++
		res.MaxAbsErr = math.Max(res.MaxAbsErr, abs)
		if rel > res.MaxRelErr || math.IsNaN(rel) {
			res.MaxRelErr, res.Layer, res.Param, res.Row, res.Col = rel, l.Name, param, i, j
			res.Analytic, res.Numeric = analytic, num
		}
	}
	for _, l := range net.Layers {
		in, o := l.W.Dims()
		for i := 0; i < in; i++ {
			row := l.W.RawRowView(i)
			for j := 0; j < o; j++ {
				compare(l, "W", i, j, &row[j], l.DW.At(i, j))
			}
		}
		for j := range l.B {
			compare(l, "b", 0, j, &l.B[j], l.DB[j])
		}
	}
	return res, nil
}

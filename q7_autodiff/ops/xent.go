package ops

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"recog/internal/vec"
)

// SoftmaxXentOp is the softmax cross-entropy of logits z (N x K) against
// targets y (N x K, rows summing to 1):
//
//	L = scale · Σ_n Σ_k -y[n,k] log softmax(z_n)_k,
//	log softmax(z_n)_k = z[n,k] - m_n - log Σ_j exp(z[n,j] - m_n),  m_n = max_j z[n,j],
//
// computed in float64 per row. scale is 1 for the summed loss of q2_nn and
// 1/N for the batch mean. Its gradient is ∂L/∂z = scale · (softmax(z) - y)
// (SoftmaxXentGradOp; docs/q7_autodiff.md#the-loss).
type SoftmaxXentOp struct {
	base
	scale float64
	stats *XentStats
}

// XentStats is what SoftmaxXentOp records each time it runs: the loss and,
// per row, the argmax of the logits. Reading them here rather than from the
// graph's nodes after the run is safe from the tape machine reusing the
// logits' register for a later node of the backward pass.
type XentStats struct {
	Loss   float64
	Argmax []int
}

func (op SoftmaxXentOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t2 := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(t2, t2, a)
}
func (op SoftmaxXentOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

// LogSumExp returns m = max z and log Σ_j exp(z_j - m), so that
// log softmax(z)_k = z_k - m - lse.
func LogSumExp(z []float32) (m, lse float64) {
	m = math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, float64(v))
	}
	var s float64
	for _, v := range z {
		s += math.Exp(float64(v) - m)
	}
	return m, math.Log(s)
}

func (op SoftmaxXentOp) Do(vals ...G.Value) (G.Value, error) {
	z, y := f32s(vals[0]), f32s(vals[1])
	s := vals[0].Shape()
	if !s.Eq(vals[1].Shape()) {
		return nil, fmt.Errorf("softmax cross-entropy: logits %v and targets %v differ", s, vals[1].Shape())
	}
	k := s[1]
	var loss float64
	if op.stats != nil && len(op.stats.Argmax) != s[0] {
		op.stats.Argmax = make([]int, s[0])
	}
	for n := 0; n < s[0]; n++ {
		zn, yn := z[n*k:(n+1)*k], y[n*k:(n+1)*k]
		if op.stats != nil {
			op.stats.Argmax[n] = vec.Argmax(zn)
		}
		m, lse := LogSumExp(zn)
		for j, t := range yn {
			if t != 0 {
				loss -= float64(t) * (float64(zn[j]) - m - lse)
			}
		}
	}
	if op.stats != nil {
		op.stats.Loss = loss * op.scale
	}
	return G.NewF32(float32(loss * op.scale)), nil
}

func (op SoftmaxXentOp) DiffWRT(int) []bool { return []bool{true, false} }
func (op SoftmaxXentOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	b := base{arity: 3, name: fmt.Sprintf("SoftmaxXentGrad{%g}", op.scale), key: fmt.Sprintf("softmaxxentgrad%v", op.scale)}
	dz, err := G.ApplyOp(SoftmaxXentGradOp{gradBase: gradBase{b}, scale: op.scale, out: new(outBuf)}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dz, nil}, nil
}

// SoftmaxXentGradOp returns ∂L/∂z = g · scale · (softmax(z) - y) for inputs
// z, y and the scalar output gradient g.
type SoftmaxXentGradOp struct {
	gradBase
	scale float64
	out   *outBuf
}

func (op SoftmaxXentGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t2 := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(t2, t2, a, t2)
}
func (op SoftmaxXentGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}

func (op SoftmaxXentGradOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }

func (op SoftmaxXentGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	z, y, out := f32s(vals[0]), f32s(vals[1]), f32s(prealloc)
	var g float64
	switch v := vals[2].(type) {
	case *G.F32:
		g = float64(*v)
	default:
		d, ok := v.Data().([]float32)
		if !ok || len(d) != 1 {
			return nil, fmt.Errorf("softmax cross-entropy gradient: output gradient %v is not a float32 scalar", v)
		}
		g = float64(d[0])
	}
	s := vals[0].Shape()
	k := s[1]
	for n := 0; n < s[0]; n++ {
		zn := z[n*k : (n+1)*k]
		m, lse := LogSumExp(zn)
		for j := range zn {
			p := math.Exp(float64(zn[j]) - m - lse)
			out[n*k+j] = float32(g * op.scale * (p - float64(y[n*k+j])))
		}
	}
	return prealloc, nil
}

// SoftmaxCrossEntropy adds L = scale · Σ_n -Σ_k y[n,k] log softmax(z_n)_k
// (SoftmaxXentOp) to the graph of the logits z (N x K); y holds the N x K
// targets. stats, if not nil, receives the loss and the argmax of each row
// of z every time the graph runs.
func SoftmaxCrossEntropy(z, y *G.Node, scale float64, stats *XentStats) (*G.Node, error) {
	if !z.Shape().Eq(y.Shape()) || z.Shape().Dims() != 2 {
		return nil, fmt.Errorf("softmax cross-entropy: logits %v and targets %v must be equal N x K shapes", z.Shape(), y.Shape())
	}
	b := base{arity: 2, name: fmt.Sprintf("SoftmaxXent{%g}", scale), key: fmt.Sprintf("softmaxxent%v", scale)}
	return G.ApplyOp(SoftmaxXentOp{base: b, scale: scale, stats: stats}, z, y)
}

// Softmax returns exp(z_k - max z) / Σ_j exp(z_j - max z) for each row of the
// N x K logits z (row-major), in place.
func Softmax(z []float32, k int) {
	for n := 0; n+k <= len(z); n += k {
		zn := z[n : n+k]
		m, lse := LogSumExp(zn)
		for j := range zn {
			zn[j] = float32(math.Exp(float64(zn[j]) - m - lse))
		}
	}
}

package autodiff

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// xentOp is the softmax cross-entropy of logits z (N x K) against targets y
// (N x K, rows summing to 1):
//
//	L = scale · Σ_n Σ_k -y[n,k] log softmax(z_n)_k,
//	log softmax(z_n)_k = z[n,k] - m_n - log Σ_j exp(z[n,j] - m_n),  m_n = max_j z[n,j],
//
// computed in float64 per row. scale is 1 for the summed loss of q2_nn and
// 1/N for the batch mean. Its gradient is ∂L/∂z = scale · (softmax(z) - y)
// (docs/q7_autodiff.md#loss).
type xentOp struct {
	scale float64
	stats *xentStats
}

// xentStats is what xentOp records each time it runs: the loss and, per
// row, the argmax of the logits. Reading them here rather than from the
// graph's nodes after the run is safe from the tape machine reusing the
// logits' register for a later node of the backward pass.
type xentStats struct {
	loss   float64
	argmax []int
}

func (op xentOp) Arity() int { return 2 }
func (op xentOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t2 := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(t2, t2, a)
}
func (op xentOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (op xentOp) ReturnsPtr() bool                               { return false }
func (op xentOp) CallsExtern() bool                              { return false }
func (op xentOp) OverwritesInput() int                           { return -1 }
func (op xentOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "softmaxxent%v", op.scale) }
func (op xentOp) Hashcode() uint32                               { return hashOf(op) }
func (op xentOp) String() string                                 { return fmt.Sprintf("SoftmaxXent{%g}", op.scale) }

// logSumExp returns m = max z and log Σ exp(z - m).
func logSumExp(z []float32) (m, lse float64) {
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

func (op xentOp) Do(vals ...G.Value) (G.Value, error) {
	z, y := f32s(vals[0]), f32s(vals[1])
	s := vals[0].Shape()
	if !s.Eq(vals[1].Shape()) {
		return nil, fmt.Errorf("softmax cross-entropy: logits %v and targets %v differ", s, vals[1].Shape())
	}
	k := s[1]
	var loss float64
	if op.stats != nil && len(op.stats.argmax) != s[0] {
		op.stats.argmax = make([]int, s[0])
	}
	for n := 0; n < s[0]; n++ {
		zn, yn := z[n*k:(n+1)*k], y[n*k:(n+1)*k]
		if op.stats != nil {
			op.stats.argmax[n] = argmax(zn)
		}
		m, lse := logSumExp(zn)
		for j, t := range yn {
			if t != 0 {
				loss -= float64(t) * (float64(zn[j]) - m - lse)
			}
		}
	}
	if op.stats != nil {
		op.stats.loss = loss * op.scale
	}
	return G.NewF32(float32(loss * op.scale)), nil
}

func (op xentOp) DiffWRT(int) []bool { return []bool{true, false} }
func (op xentOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dz, err := G.ApplyOp(xentGradOp{scale: op.scale, out: new(outBuf)}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dz, nil}, nil
}

// xentGradOp returns g · scale · (softmax(z) - y) for inputs z, y and the
// scalar output gradient g.
type xentGradOp struct {
	scale float64
	out   *outBuf
}

func (op xentGradOp) Arity() int { return 3 }
func (op xentGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t2 := G.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(t2, t2, a, t2)
}
func (op xentGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op xentGradOp) ReturnsPtr() bool      { return false }
func (op xentGradOp) CallsExtern() bool     { return false }
func (op xentGradOp) OverwritesInput() int  { return -1 }
func (op xentGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "softmaxxentgrad%v", op.scale) }
func (op xentGradOp) Hashcode() uint32      { return hashOf(op) }
func (op xentGradOp) String() string        { return fmt.Sprintf("SoftmaxXentGrad{%g}", op.scale) }
func (op xentGradOp) DiffWRT(n int) []bool  { return make([]bool, n) }
func (op xentGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("%v: second derivatives are not implemented", op)
}

func (op xentGradOp) Do(vals ...G.Value) (G.Value, error) {
	s := vals[0].Shape()
	return op.UsePreallocDo(op.out.get(s.Clone()...), vals...)
}

func (op xentGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
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
		m, lse := logSumExp(zn)
		for j := range zn {
			p := math.Exp(float64(zn[j]) - m - lse)
			out[n*k+j] = float32(g * op.scale * (p - float64(y[n*k+j])))
		}
	}
	return prealloc, nil
}

// SoftmaxCrossEntropy adds L = scale · Σ_n -Σ_k y[n,k] log softmax(z_n)_k to
// the graph of the logits z (N x K); y holds the N x K targets.
func SoftmaxCrossEntropy(z, y *G.Node, scale float64) (*G.Node, error) {
	return softmaxCrossEntropy(z, y, scale, nil)
}

func softmaxCrossEntropy(z, y *G.Node, scale float64, stats *xentStats) (*G.Node, error) {
	if !z.Shape().Eq(y.Shape()) || z.Shape().Dims() != 2 {
		return nil, fmt.Errorf("softmax cross-entropy: logits %v and targets %v must be equal N x K shapes", z.Shape(), y.Shape())
	}
	return G.ApplyOp(xentOp{scale: scale, stats: stats}, z, y)
}

// Softmax returns exp(z_k - max z) / Σ_j exp(z_j - max z) for each row of the
// N x K logits z (row-major), in place.
func Softmax(z []float32, k int) {
	for n := 0; n+k <= len(z); n += k {
		zn := z[n : n+k]
		m, lse := logSumExp(zn)
		for j := range zn {
			zn[j] = float32(math.Exp(float64(zn[j]) - m - lse))
		}
	}
}

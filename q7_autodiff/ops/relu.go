package ops

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	rblas "recog/internal/blas"
)

// ReLUOp is y = max(x, 0) elementwise. Its gradient is ReLUGradOp,
// dx = gy ⊙ [y > 0], one pass over two arrays; gorgonia's Rectify
// differentiates through a comparison node and a product node, allocating
// both on every step.
type ReLUOp struct {
	base
	dims int
	out  *outBuf
}

func (op ReLUOp) Type() hm.Type {
	t := G.TensorType{Dims: op.dims, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}
func (op ReLUOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op ReLUOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }
func (op ReLUOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, y := f32s(vals[0]), f32s(prealloc)
	for i, v := range x {
		y[i] = max(v, 0)
	}
	return prealloc, nil
}
func (op ReLUOp) DiffWRT(int) []bool { return []bool{true} }
func (op ReLUOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(newReLUGradOp(op.dims), output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

// ReLUGradOp is dx = gy ⊙ [y > 0] for the ReLU output y and its gradient
// gy (inputs y, gy).
type ReLUGradOp struct {
	gradBase
	dims int
	out  *outBuf
}

func (op ReLUGradOp) Type() hm.Type {
	t := G.TensorType{Dims: op.dims, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}
func (op ReLUGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op ReLUGradOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }
func (op ReLUGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	reluMask(f32s(prealloc), f32s(vals[1]), f32s(vals[0]))
	return prealloc, nil
}

// ReLU adds y = max(x, 0) (ReLUOp) to the graph of x.
func ReLU(x *G.Node) (*G.Node, error) {
	d := x.Shape().Dims()
	return G.ApplyOp(ReLUOp{base: base{arity: 1, name: "ReLU", key: fmt.Sprintf("relu%d", d)}, dims: d, out: new(outBuf)}, x)
}

func newReLUGradOp(dims int) ReLUGradOp {
	b := base{arity: 2, name: "ReLUGrad", key: fmt.Sprintf("relugrad%d", dims)}
	return ReLUGradOp{gradBase: gradBase{b}, dims: dims, out: new(outBuf)}
}

// reluMask writes gz = gy ⊙ [y > 0] for a ReLU output y (internal/blas's
// ReLUMask: y ≥ 0 is positive exactly when its bits are not all zero, a
// test without branches, 16 lanes at a time with AVX-512).
func reluMask(gz, gy, y []float32) { rblas.ReLUMask(gz, gy, y) }

package autodiff

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// reluOp is y = max(x, 0) elementwise. Its gradient is reluGradOp,
// dx = gy ⊙ [y > 0], one pass over two arrays; gorgonia's Rectify
// differentiates through a comparison node and a product node, allocating
// both on every step.
type reluOp struct {
	dims int
	out  *outBuf
}

func (op reluOp) Arity() int { return 1 }
func (op reluOp) Type() hm.Type {
	t := G.TensorType{Dims: op.dims, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}
func (op reluOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op reluOp) ReturnsPtr() bool      { return false }
func (op reluOp) CallsExtern() bool     { return false }
func (op reluOp) OverwritesInput() int  { return -1 }
func (op reluOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "relu%d", op.dims) }
func (op reluOp) Hashcode() uint32      { return hashOf(op) }
func (op reluOp) String() string        { return "ReLU" }
func (op reluOp) Do(vals ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.out.get(vals[0].Shape().Clone()...), vals...)
}
func (op reluOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, y := f32s(vals[0]), f32s(prealloc)
	for i, v := range x {
		y[i] = max(v, 0)
	}
	return prealloc, nil
}
func (op reluOp) DiffWRT(int) []bool { return []bool{true} }
func (op reluOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(reluGradOp{dims: op.dims, out: new(outBuf)}, output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

// reluGradOp is dx = gy ⊙ [y > 0] for the ReLU output y and its gradient gy.
type reluGradOp struct {
	dims int
	out  *outBuf
}

func (op reluGradOp) Arity() int { return 2 }
func (op reluGradOp) Type() hm.Type {
	t := G.TensorType{Dims: op.dims, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}
func (op reluGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op reluGradOp) ReturnsPtr() bool      { return false }
func (op reluGradOp) CallsExtern() bool     { return false }
func (op reluGradOp) OverwritesInput() int  { return -1 }
func (op reluGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "relugrad%d", op.dims) }
func (op reluGradOp) Hashcode() uint32      { return hashOf(op) }
func (op reluGradOp) String() string        { return "ReLUGrad" }
func (op reluGradOp) Do(vals ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.out.get(vals[0].Shape().Clone()...), vals...)
}
func (op reluGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	reluMask(f32s(prealloc), f32s(vals[1]), f32s(vals[0]))
	return prealloc, nil
}
func (op reluGradOp) DiffWRT(n int) []bool { return make([]bool, n) }
func (op reluGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("%v: second derivatives are not implemented", op)
}

// Relu adds y = max(x, 0) (this package's op) to the graph of x.
func Relu(x *G.Node) (*G.Node, error) {
	return G.ApplyOp(reluOp{dims: x.Shape().Dims(), out: new(outBuf)}, x)
}

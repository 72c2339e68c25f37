package ops

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// MaskOp is y = x ⊙ m, elementwise, for a constant m of x's shape (a
// dropout mask, refilled before each training step). Its gradient with
// respect to x is gy ⊙ m, the same op on gy; m gets none. (gorgonia's
// HadamardProd allocates its output and both gradients at every step.)
type MaskOp struct {
	base
	dims int
	out  *outBuf
}

func (op MaskOp) Type() hm.Type {
	t := G.TensorType{Dims: op.dims, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}
func (op MaskOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op MaskOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }
func (op MaskOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, m, y := f32s(vals[0]), f32s(vals[1]), f32s(prealloc)
	m = m[:len(x)]
	for i, v := range x {
		y[i] = v * m[i]
	}
	return prealloc, nil
}
func (op MaskOp) DiffWRT(int) []bool { return []bool{true, false} }
func (op MaskOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d, err := Mask(grad, inputs[1])
	if err != nil {
		return nil, err
	}
	return G.Nodes{d, nil}, nil
}

// Mask adds y = x ⊙ m (MaskOp) to the graph of x; m has x's shape and gets
// no gradient.
func Mask(x, m *G.Node) (*G.Node, error) {
	if !x.Shape().Eq(m.Shape()) {
		return nil, fmt.Errorf("mask: input %v and mask %v differ in shape", x.Shape(), m.Shape())
	}
	d := x.Shape().Dims()
	return G.ApplyOp(MaskOp{base: base{arity: 2, name: "Mask", key: fmt.Sprintf("mask%v", x.Shape())}, dims: d, out: new(outBuf)}, x, m)
}

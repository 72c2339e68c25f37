package autodiff

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// concatChanOp is y = concat(a, b) along the channel axis of N x C x H x W
// tensors: y[n, c] = a[n, c] for c < Ca, b[n, c-Ca] otherwise. Each
// sample's blocks are contiguous, so it is two copies per sample
// (gorgonia's Concat walks an iterator element by element and took a
// quarter of SqueezeNet's forward pass). Its gradients are the two channel
// slices of gy (chanSliceOp).
type concatChanOp struct {
	ca, cb, hw int
	out        *outBuf
}

func (op concatChanOp) Arity() int { return 2 }
func (op concatChanOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}
func (op concatChanOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := in[0].(tensor.Shape)
	return tensor.Shape{s[0], op.ca + op.cb, s[2], s[3]}, nil
}
func (op concatChanOp) ReturnsPtr() bool     { return false }
func (op concatChanOp) CallsExtern() bool    { return false }
func (op concatChanOp) OverwritesInput() int { return -1 }
func (op concatChanOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "concatchan%d,%d,%d", op.ca, op.cb, op.hw)
}
func (op concatChanOp) Hashcode() uint32 { return hashOf(op) }
func (op concatChanOp) String() string   { return fmt.Sprintf("ConcatChan{%d,%d}", op.ca, op.cb) }
func (op concatChanOp) Do(vals ...G.Value) (G.Value, error) {
	s := vals[0].Shape()
	return op.UsePreallocDo(op.out.get(s[0], op.ca+op.cb, s[2], s[3]), vals...)
}
func (op concatChanOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	a, b, y := f32s(vals[0]), f32s(vals[1]), f32s(prealloc)
	na, nb := op.ca*op.hw, op.cb*op.hw
	for n := 0; n < vals[0].Shape()[0]; n++ {
		copy(y[n*(na+nb):], a[n*na:(n+1)*na])
		copy(y[n*(na+nb)+na:], b[n*nb:(n+1)*nb])
	}
	return prealloc, nil
}
func (op concatChanOp) DiffWRT(int) []bool { return []bool{true, true} }
func (op concatChanOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	da, err := G.ApplyOp(chanSliceOp{c: op.ca + op.cb, lo: 0, hi: op.ca, hw: op.hw, out: new(outBuf)}, grad)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(chanSliceOp{c: op.ca + op.cb, lo: op.ca, hi: op.ca + op.cb, hw: op.hw, out: new(outBuf)}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{da, db}, nil
}

// chanSliceOp is y = x[:, lo:hi] for an N x C x H x W tensor x.
type chanSliceOp struct {
	c, lo, hi, hw int
	out           *outBuf
}

func (op chanSliceOp) Arity() int { return 1 }
func (op chanSliceOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}
func (op chanSliceOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := in[0].(tensor.Shape)
	return tensor.Shape{s[0], op.hi - op.lo, s[2], s[3]}, nil
}
func (op chanSliceOp) ReturnsPtr() bool     { return false }
func (op chanSliceOp) CallsExtern() bool    { return false }
func (op chanSliceOp) OverwritesInput() int { return -1 }
func (op chanSliceOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "chanslice%d,%d,%d,%d", op.c, op.lo, op.hi, op.hw)
}
func (op chanSliceOp) Hashcode() uint32 { return hashOf(op) }
func (op chanSliceOp) String() string   { return fmt.Sprintf("ChanSlice{%d:%d}", op.lo, op.hi) }
func (op chanSliceOp) Do(vals ...G.Value) (G.Value, error) {
	s := vals[0].Shape()
	return op.UsePreallocDo(op.out.get(s[0], op.hi-op.lo, s[2], s[3]), vals...)
}
func (op chanSliceOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, y := f32s(vals[0]), f32s(prealloc)
	k := (op.hi - op.lo) * op.hw
	for n := 0; n < vals[0].Shape()[0]; n++ {
		copy(y[n*k:(n+1)*k], x[(n*op.c+op.lo)*op.hw:])
	}
	return prealloc, nil
}
func (op chanSliceOp) DiffWRT(int) []bool { return []bool{false} }
func (op chanSliceOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("%v: second derivatives are not implemented", op)
}

// concatChannels adds y = concat(a, b) along axis 1 (channels) of two
// N x C x H x W nodes with the same N, H and W.
func concatChannels(a, b *G.Node) (*G.Node, error) {
	sa, sb := a.Shape(), b.Shape()
	if sa.Dims() != 4 || sb.Dims() != 4 || sa[0] != sb[0] || sa[2] != sb[2] || sa[3] != sb[3] {
		return nil, fmt.Errorf("concat channels: shapes %v and %v", sa, sb)
	}
	return G.ApplyOp(concatChanOp{ca: sa[1], cb: sb[1], hw: sa[2] * sa[3], out: new(outBuf)}, a, b)
}

package ops

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ConcatChannelsOp is y = concat(a, b) along the channel axis of
// N x C x H x W tensors: y[n, c] = a[n, c] for c < Ca, b[n, c-Ca] otherwise.
// Each sample's blocks are contiguous, so it is two copies per sample
// (gorgonia's Concat walks an iterator element by element and took a
// quarter of SqueezeNet's forward pass). Its gradients are the two channel
// slices of gy: da = gy[:, :Ca], db = gy[:, Ca:] (ChannelSliceOp).
type ConcatChannelsOp struct {
	base
	ca, cb, hw int
	out        *outBuf
}

func (op ConcatChannelsOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}
func (op ConcatChannelsOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := in[0].(tensor.Shape)
	return tensor.Shape{s[0], op.ca + op.cb, s[2], s[3]}, nil
}
func (op ConcatChannelsOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }
func (op ConcatChannelsOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
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
func (op ConcatChannelsOp) DiffWRT(int) []bool { return []bool{true, true} }
func (op ConcatChannelsOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	da, err := G.ApplyOp(newChannelSliceOp(op.ca+op.cb, 0, op.ca, op.hw), grad)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(newChannelSliceOp(op.ca+op.cb, op.ca, op.ca+op.cb, op.hw), grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{da, db}, nil
}

// ChannelSliceOp is y = x[:, lo:hi] for an N x C x H x W tensor x.
type ChannelSliceOp struct {
	gradBase
	c, lo, hi, hw int
	out           *outBuf
}

func (op ChannelSliceOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}
func (op ChannelSliceOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := in[0].(tensor.Shape)
	return tensor.Shape{s[0], op.hi - op.lo, s[2], s[3]}, nil
}
func (op ChannelSliceOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }
func (op ChannelSliceOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
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

// ConcatChannels adds y = concat(a, b) along axis 1 (channels) of two
// N x C x H x W nodes with the same N, H and W (ConcatChannelsOp).
func ConcatChannels(a, b *G.Node) (*G.Node, error) {
	sa, sb := a.Shape(), b.Shape()
	if sa.Dims() != 4 || sb.Dims() != 4 || sa[0] != sb[0] || sa[2] != sb[2] || sa[3] != sb[3] {
		return nil, fmt.Errorf("concat channels: shapes %v and %v", sa, sb)
	}
	ca, cb, hw := sa[1], sb[1], sa[2]*sa[3]
	bs := base{arity: 2, name: fmt.Sprintf("ConcatChan{%d,%d}", ca, cb), key: fmt.Sprintf("concatchan%d,%d,%d", ca, cb, hw)}
	return G.ApplyOp(ConcatChannelsOp{base: bs, ca: ca, cb: cb, hw: hw, out: new(outBuf)}, a, b)
}

func newChannelSliceOp(c, lo, hi, hw int) ChannelSliceOp {
	b := base{arity: 1, name: fmt.Sprintf("ChanSlice{%d:%d}", lo, hi), key: fmt.Sprintf("chanslice%d,%d,%d,%d", c, lo, hi, hw)}
	return ChannelSliceOp{gradBase: gradBase{b}, c: c, lo: lo, hi: hi, hw: hw, out: new(outBuf)}
}

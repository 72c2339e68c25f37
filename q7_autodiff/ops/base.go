package ops

import (
	"fmt"
	"hash"
	"hash/fnv"
	"io"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// base is embedded in every op of this package: it answers the methods of
// gorgonia's Op interface that are the same for all of them. key is what
// tells two ops apart (WriteHash and Hashcode: two nodes of a graph with the
// same key and the same inputs are the same node), name is what String
// prints.
type base struct {
	arity     int
	name, key string
}

// Arity returns the number of inputs.
func (b base) Arity() int { return b.arity }

// ReturnsPtr, CallsExtern and OverwritesInput say that the ops return
// values, run in Go and never write into their inputs.
func (b base) ReturnsPtr() bool     { return false }
func (b base) CallsExtern() bool    { return false }
func (b base) OverwritesInput() int { return -1 }

// WriteHash writes the op's key.
func (b base) WriteHash(h hash.Hash) { io.WriteString(h, b.key) }

// Hashcode returns the FNV-1a hash of the op's key.
func (b base) Hashcode() uint32 {
	h := fnv.New32a()
	b.WriteHash(h)
	return h.Sum32()
}

// String returns the op's name.
func (b base) String() string { return b.name }

// gradBase is the base of a gradient op: no second derivatives.
type gradBase struct{ base }

// DiffWRT says that no input of a gradient op is differentiated.
func (g gradBase) DiffWRT(n int) []bool { return make([]bool, n) }

// SymDiff fails: second derivatives are not implemented.
func (g gradBase) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("%v: second derivatives are not implemented", g)
}

// preallocOp is an op that writes its output into a given tensor.
type preallocOp interface {
	G.Op
	UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error)
}

// do is the Do of every op with a tensor output: it runs op into out's
// tensor of the shape op.InferShape gives for vals.
func do(op preallocOp, out *outBuf, vals []G.Value) (G.Value, error) {
	shapes := make([]G.DimSizer, len(vals))
	for i, v := range vals {
		shapes[i] = v.Shape()
	}
	s, err := op.InferShape(shapes...)
	if err != nil {
		return nil, err
	}
	return op.UsePreallocDo(out.get(s...), vals...)
}

// fits reports whether prealloc, a register the tape machine offers for
// reuse, is a float32 tensor of the shape op produces from vals (registers
// are shared between nodes of different shapes) and is not one of the
// inputs.
func fits(prealloc G.Value, op G.Op, vals []G.Value) bool {
	if prealloc == nil {
		return false
	}
	p, ok := prealloc.Data().([]float32)
	if !ok || len(p) == 0 {
		return false
	}
	shapes := make([]G.DimSizer, len(vals))
	for i, v := range vals {
		shapes[i] = v.Shape()
		if d, ok := v.Data().([]float32); ok && len(d) > 0 && &d[0] == &p[0] {
			return false // the register is one of the inputs
		}
	}
	s, err := op.InferShape(shapes...)
	return err == nil && prealloc.Shape().Eq(s)
}

// f32s returns the float32 values of v.
func f32s(v G.Value) []float32 { return v.Data().([]float32) }

// outBuf is the output tensor an op node keeps between runs of the graph,
// so that a training step does not allocate (and page in) its activations
// and gradients again. Each node has its own outBuf; the tape machine only
// reads a node's value before the node runs again.
type outBuf struct{ t *tensor.Dense }

func (b *outBuf) get(shape ...int) *tensor.Dense {
	if b == nil {
		return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
	}
	if b.t == nil || !b.t.Shape().Eq(tensor.Shape(shape)) {
		b.t = tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
	}
	return b.t
}

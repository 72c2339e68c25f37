package autodiff

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// denseOp is y = x W + b for x of N rows of D values (any shape whose
// first axis is N), W (D x O), b (O); with relu, y = max(x W + b, 0). The
// rows are split across goroutines, one GEMM each. Its gradients are
// denseGradOp. (The Q3 network keeps gorgonia's Mul and BroadcastAdd; the
// CNNs use this op, see Dense.Fused.)
type denseOp struct {
	xShape tensor.Shape
	d, o   int
	relu   bool
	out    *outBuf
}

func (op denseOp) Arity() int { return 3 }
func (op denseOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: op.xShape.Dims(), Of: a}, G.TensorType{Dims: 2, Of: a},
		G.TensorType{Dims: 1, Of: a}, G.TensorType{Dims: 2, Of: a})
}
func (op denseOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[0], op.o}, nil
}
func (op denseOp) ReturnsPtr() bool     { return false }
func (op denseOp) CallsExtern() bool    { return false }
func (op denseOp) OverwritesInput() int { return -1 }
func (op denseOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "dense%v,%d,%d,%v", op.xShape, op.d, op.o, op.relu)
}
func (op denseOp) Hashcode() uint32 { return hashOf(op) }
func (op denseOp) String() string   { return fmt.Sprintf("Dense{%d->%d,relu=%v}", op.d, op.o, op.relu) }
func (op denseOp) Do(vals ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.out.get(vals[0].Shape()[0], op.o), vals...)
}
func (op denseOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, w, b, y := f32s(vals[0]), f32s(vals[1]), f32s(vals[2]), f32s(prealloc)
	n, d, o := vals[0].Shape()[0], op.d, op.o
	parallel(n, func(lo, hi, _ int) {
		ys := y[lo*o : hi*o]
		for i := 0; i < hi-lo; i++ {
			copy(ys[i*o:(i+1)*o], b)
		}
		blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, hi-lo, o, d, 1, x[lo*d:hi*d], d, w, o, 1, ys, o)
		if op.relu {
			for i, v := range ys {
				ys[i] = max(v, 0)
			}
		}
	})
	return prealloc, nil
}
func (op denseOp) DiffWRT(int) []bool { return []bool{true, true, true} }
func (op denseOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	extra := []*G.Node{}
	if op.relu {
		extra = append(extra, output)
	}
	mk := func(which int, in ...*G.Node) (*G.Node, error) {
		return G.ApplyOp(denseGradOp{denseOp: denseOp{xShape: op.xShape, d: op.d, o: op.o, relu: op.relu}, which: which, out: new(outBuf)}, append(in, extra...)...)
	}
	var dx *G.Node
	var err error
	if inputs[0].Op() != nil { // no gradient for the data itself
		if dx, err = mk(0, inputs[1], grad); err != nil {
			return nil, err
		}
	}
	dw, err := mk(1, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	db, err := mk(2, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// denseGradOp is a gradient of denseOp from gy (masked by [y > 0] with
// relu, y passed last): which=0: dx = gz Wᵀ (inputs W, gy[, y]);
// which=1: dW = xᵀ gz (inputs x, gy[, y]); which=2: db = Σ_rows gz.
type denseGradOp struct {
	denseOp
	which int
	out   *outBuf
}

func (op denseGradOp) Arity() int {
	n := 2
	if op.which == 2 {
		n = 1
	}
	if op.relu {
		n++
	}
	return n
}
func (op denseGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t2 := G.TensorType{Dims: 2, Of: a}
	var ts []hm.Type
	switch op.which {
	case 0:
		ts = []hm.Type{t2, t2}
	case 1:
		ts = []hm.Type{G.TensorType{Dims: op.xShape.Dims(), Of: a}, t2}
	default:
		ts = []hm.Type{t2}
	}
	if op.relu {
		ts = append(ts, t2)
	}
	switch op.which {
	case 0:
		return hm.NewFnType(append(ts, G.TensorType{Dims: op.xShape.Dims(), Of: a})...)
	case 1:
		return hm.NewFnType(append(ts, t2)...)
	default:
		return hm.NewFnType(append(ts, G.TensorType{Dims: 1, Of: a})...)
	}
}
func (op denseGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	switch op.which {
	case 0:
		return op.xShape.Clone(), nil
	case 1:
		return tensor.Shape{op.d, op.o}, nil
	default:
		return tensor.Shape{op.o}, nil
	}
}
func (op denseGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "densegrad%d", op.which)
	op.denseOp.WriteHash(h)
}
func (op denseGradOp) Hashcode() uint32 { return hashOf(op) }
func (op denseGradOp) String() string   { return fmt.Sprintf("DenseGrad%d", op.which) }
func (op denseGradOp) Do(vals ...G.Value) (G.Value, error) {
	s, _ := op.InferShape()
	return op.UsePreallocDo(op.out.get(s...), vals...)
}
func (op denseGradOp) DiffWRT(n int) []bool { return make([]bool, n) }
func (op denseGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("%v: second derivatives are not implemented", op)
}

func (op denseGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	out := f32s(prealloc)
	d, o := op.d, op.o
	gv := vals[0]
	if op.which != 2 {
		gv = vals[1]
	}
	gy := f32s(gv)
	n := gv.Shape()[0]
	gz := gy
	if op.relu {
		gz = getBuf(n * o)
		defer putBuf(gz)
		reluMask(gz, gy, f32s(vals[len(vals)-1]))
	}
	switch op.which {
	case 0: // dx = gz Wᵀ, rows split
		w := f32s(vals[0])
		parallel(n, func(lo, hi, _ int) {
			blas32.Implementation().Sgemm(blas.NoTrans, blas.Trans, hi-lo, d, o, 1, gz[lo*o:hi*o], o, w, o, 0, out[lo*d:hi*d], d)
		})
	case 1: // dW = xᵀ gz, rows of dW (input features) split
		x := f32s(vals[0])
		parallel(d, func(lo, hi, _ int) {
			blas32.Implementation().Sgemm(blas.Trans, blas.NoTrans, hi-lo, o, n, 1, x[lo:], d, gz, o, 0, out[lo*o:hi*o], o)
		})
	default:
		clear(out)
		for i := 0; i < n; i++ {
			for j, v := range gz[i*o : (i+1)*o] {
				out[j] += v
			}
		}
	}
	return prealloc, nil
}

// DenseOp adds y = x W + b (rows of x flattened), or max(x W + b, 0) with
// relu, to the graph of x, computed by this package's op.
func DenseOp(x, w, b *G.Node, relu bool) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() < 2 || ws.Dims() != 2 || prod(xs[1:]) != ws[0] || b.Shape().Dims() != 1 || b.Shape()[0] != ws[1] {
		return nil, fmt.Errorf("dense: input %v, weights %v, bias %v do not fit", xs, ws, b.Shape())
	}
	return G.ApplyOp(denseOp{xShape: xs.Clone(), d: ws[0], o: ws[1], relu: relu, out: new(outBuf)}, x, w, b)
}

package ops

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	rblas "recog/internal/blas"
)

// DenseOp is y = x W + b for x of N rows of D values (any shape whose first
// axis is N), W (D x O) and b (O); with the fused ReLU, y = max(x W + b, 0).
// The rows are split across goroutines, one GEMM each. Its gradients are
// DenseGradOp. (The Q3 network keeps gorgonia's Mul and BroadcastAdd; the
// CNNs use this op, see nets.Dense.Fused.)
type DenseOp struct {
	base
	xShape tensor.Shape
	d, o   int
	relu   bool
	out    *outBuf
}

func (op DenseOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(G.TensorType{Dims: op.xShape.Dims(), Of: a}, G.TensorType{Dims: 2, Of: a},
		G.TensorType{Dims: 1, Of: a}, G.TensorType{Dims: 2, Of: a})
}
func (op DenseOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[0], op.o}, nil
}
func (op DenseOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }
func (op DenseOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, w, b, y := f32s(vals[0]), f32s(vals[1]), f32s(vals[2]), f32s(prealloc)
	n, d, o := vals[0].Shape()[0], op.d, op.o
	Parallel(n, func(lo, hi, _ int) {
		ys := y[lo*o : hi*o]
		for i := 0; i < hi-lo; i++ {
			copy(ys[i*o:(i+1)*o], b)
		}
		blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, hi-lo, o, d, 1, x[lo*d:hi*d], d, w, o, 1, ys, o)
		if op.relu {
			rblas.BiasReLU(ys, ys, 0) // max(v+0, 0) = max(v, 0), bit for bit
		}
	})
	return prealloc, nil
}
func (op DenseOp) DiffWRT(int) []bool { return []bool{true, true, true} }
func (op DenseOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	extra := []*G.Node{}
	if op.relu {
		extra = append(extra, output)
	}
	mk := func(which int, in ...*G.Node) (*G.Node, error) {
		return G.ApplyOp(newDenseGradOp(op.xShape, op.d, op.o, op.relu, which), append(in, extra...)...)
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

// DenseGradOp is a gradient of DenseOp from the output gradient gy (with
// the fused ReLU, masked first: gz = gy ⊙ [y > 0], y passed last; else
// gz = gy):
//
//	which=0: dx = gz Wᵀ      (inputs W, gy[, y]),
//	which=1: dW = xᵀ gz      (inputs x, gy[, y]),
//	which=2: db = Σ_rows gz  (inputs gy[, y]).
type DenseGradOp struct {
	gradBase
	xShape tensor.Shape
	d, o   int
	relu   bool
	which  int
	out    *outBuf
}

func (op DenseGradOp) Type() hm.Type {
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
func (op DenseGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	switch op.which {
	case 0:
		return op.xShape.Clone(), nil
	case 1:
		return tensor.Shape{op.d, op.o}, nil
	default:
		return tensor.Shape{op.o}, nil
	}
}
func (op DenseGradOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }

func (op DenseGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
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
		Parallel(n, func(lo, hi, _ int) {
			blas32.Implementation().Sgemm(blas.NoTrans, blas.Trans, hi-lo, d, o, 1, gz[lo*o:hi*o], o, w, o, 0, out[lo*d:hi*d], d)
		})
	case 1: // dW = xᵀ gz, rows of dW (input features) split
		x := f32s(vals[0])
		Parallel(d, func(lo, hi, _ int) {
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

// Dense adds y = x W + b (rows of x flattened), or max(x W + b, 0) with
// relu, to the graph of x, computed by DenseOp.
func Dense(x, w, b *G.Node, relu bool) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() < 2 || ws.Dims() != 2 || size(xs[1:]) != ws[0] || b.Shape().Dims() != 1 || b.Shape()[0] != ws[1] {
		return nil, fmt.Errorf("dense: input %v, weights %v, bias %v do not fit", xs, ws, b.Shape())
	}
	return G.ApplyOp(newDenseOp(xs.Clone(), ws[0], ws[1], relu), x, w, b)
}

func denseKey(xShape tensor.Shape, d, o int, relu bool) string {
	return fmt.Sprintf("dense%v,%d,%d,%v", xShape, d, o, relu)
}

func newDenseOp(xShape tensor.Shape, d, o int, relu bool) DenseOp {
	b := base{arity: 3, name: fmt.Sprintf("Dense{%d->%d,relu=%v}", d, o, relu), key: denseKey(xShape, d, o, relu)}
	return DenseOp{base: b, xShape: xShape, d: d, o: o, relu: relu, out: new(outBuf)}
}

func newDenseGradOp(xShape tensor.Shape, d, o int, relu bool, which int) DenseGradOp {
	arity := 2
	if which == 2 {
		arity = 1
	}
	if relu {
		arity++
	}
	b := base{arity: arity, name: fmt.Sprintf("DenseGrad%d", which), key: fmt.Sprintf("densegrad%d", which) + denseKey(xShape, d, o, relu)}
	return DenseGradOp{gradBase: gradBase{b}, xShape: xShape, d: d, o: o, relu: relu, which: which, out: new(outBuf)}
}

// size returns the product of the dimensions of s.
func size(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

package ops

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	_ "recog/internal/blas" // the program's one BLAS switch
)

// Conv2dOp computes
//
//	z[n, o, oy, ox] = b[o] + Σ_{c,i,j} W[o, c, i, j] x[n, c, oy·SH+i-PH, ox·SW+j-PW]
//
// for inputs x (N x C x H x W), W (O x C x KH x KW) and b (O), and returns
// y = z, or y = max(z, 0) with the fused ReLU (applied to each sample's
// output while it is still in cache). Per sample, with im2col(x_n) the
// K x P matrix of input patches (K = C·KH·KW rows, P = OH·OW columns) and W
// seen as O x K, z_n = W im2col(x_n) + b 1ᵀ: one GEMM. Its gradients are
// Conv2dGradOp. See docs/q7_autodiff.md#speed.
type Conv2dOp struct {
	base
	g    convGeom
	relu bool
	out  *outBuf
}

func (op Conv2dOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4 := G.TensorType{Dims: 4, Of: a}
	return hm.NewFnType(t4, t4, G.TensorType{Dims: 1, Of: a}, t4)
}
func (op Conv2dOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := in[0].(tensor.Shape)
	return tensor.Shape{s[0], op.g.outChans, op.g.OH, op.g.OW}, nil
}
func (op Conv2dOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }

func (op Conv2dOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, w, b, y := f32s(vals[0]), f32s(vals[1]), f32s(vals[2]), f32s(prealloc)
	g := op.g
	n := vals[0].Shape()[0]
	O := g.outChans
	Parallel(n, func(lo, hi, _ int) {
		col := getBuf(g.K * g.P)
		for s := lo; s < hi; s++ {
			g.im2col(x[s*g.C*g.H*g.W:(s+1)*g.C*g.H*g.W], col)
			ys := y[s*O*g.P : (s+1)*O*g.P]
			for o := 0; o < O; o++ {
				row := ys[o*g.P : (o+1)*g.P]
				for p := range row {
					row[p] = b[o]
				}
			}
			blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, O, g.P, g.K, 1, w, g.K, col, g.P, 1, ys, g.P)
			if op.relu {
				for i, v := range ys {
					ys[i] = max(v, 0)
				}
			}
		}
		putBuf(col)
	})
	return prealloc, nil
}

func (op Conv2dOp) DiffWRT(int) []bool { return []bool{op.g.inputGrads, true, true} }

func (op Conv2dOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	// With the fused ReLU, the output gradient is masked once,
	// gz = gy ⊙ [y > 0] (reluGradOp), and the three gradients take gz.
	var extra []*G.Node
	if op.relu {
		var err error
		if grad, err = G.ApplyOp(newReLUGradOp(4), output, grad); err != nil {
			return nil, err
		}
		op.relu = false
	}
	var dx *G.Node
	var err error
	if op.g.inputGrads {
		if dx, err = G.ApplyOp(newConv2dGradOp(op.g, op.relu, 0), append([]*G.Node{w, grad}, extra...)...); err != nil {
			return nil, err
		}
	}
	dw, err := G.ApplyOp(newConv2dGradOp(op.g, op.relu, 1), append([]*G.Node{x, grad}, extra...)...)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(newConv2dGradOp(op.g, op.relu, 2), append([]*G.Node{grad}, extra...)...)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// Conv2dGradOp is one gradient of Conv2dOp given the output gradient gy
// (with the fused ReLU, masked first: gz = gy ⊙ [y > 0], y being the op's
// output, passed as the last input; else gz = gy):
//
//	which=0: dx_n = col2im(Wᵀ gz_n) for each sample n   (inputs W, gy[, y]),
//	which=1: dW = Σ_n gz_n im2col(x_n)ᵀ                (inputs x, gy[, y]),
//	which=2: db[o] = Σ_{n,p} gz[n, o, p]               (inputs gy[, y]),
//
// with gz_n seen as O x P and col2im, the adjoint of im2col, adding each
// column entry back to the input pixel it was copied from. dW and db are
// summed per chunk of samples and the partial sums added in chunk order
// (db in float64), so the result does not depend on the machine.
type Conv2dGradOp struct {
	gradBase
	g     convGeom
	relu  bool
	which int
	out   *outBuf
}

func (op Conv2dGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4 := G.TensorType{Dims: 4, Of: a}
	ts := make([]hm.Type, op.Arity())
	for i := range ts {
		ts[i] = t4
	}
	if op.which == 2 {
		return hm.NewFnType(append(ts, G.TensorType{Dims: 1, Of: a})...)
	}
	return hm.NewFnType(append(ts, t4)...)
}
func (op Conv2dGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	g := op.g
	switch op.which {
	case 0:
		n := in[1].(tensor.Shape)[0]
		return tensor.Shape{n, g.C, g.H, g.W}, nil
	case 1:
		return tensor.Shape{g.outChans, g.C, g.KH, g.KW}, nil
	default:
		return tensor.Shape{g.outChans}, nil
	}
}

func (op Conv2dGradOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }

func (op Conv2dGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	g := op.g
	O := g.outChans
	out := f32s(prealloc)
	var yv []float32
	if op.relu {
		yv = f32s(vals[len(vals)-1])
	}
	// gz returns sample s's masked output gradient, in scratch if masking.
	gz := func(gy []float32, s int, scratch []float32) []float32 {
		src := gy[s*O*g.P : (s+1)*O*g.P]
		if !op.relu {
			return src
		}
		reluMask(scratch, src, yv[s*O*g.P:])
		return scratch
	}
	switch op.which {
	case 0:
		w, gy := f32s(vals[0]), f32s(vals[1])
		n := vals[1].Shape()[0]
		Parallel(n, func(lo, hi, _ int) {
			col := getBuf(g.K * g.P)
			sc := getBuf(O * g.P)
			for s := lo; s < hi; s++ {
				blas32.Implementation().Sgemm(blas.Trans, blas.NoTrans, g.K, g.P, O, 1, w, g.K, gz(gy, s, sc), g.P, 0, col, g.P)
				im := out[s*g.C*g.H*g.W : (s+1)*g.C*g.H*g.W]
				clear(im)
				g.col2im(col, im)
			}
			putBuf(col)
			putBuf(sc)
		})
	case 1:
		x, gy := f32s(vals[0]), f32s(vals[1])
		n := vals[1].Shape()[0]
		nw := min(chunks, n)
		partial := make([][]float32, nw)
		Parallel(n, func(lo, hi, k int) {
			col := getBuf(g.K * g.P)
			sc := getBuf(O * g.P)
			dw := getBuf(O * g.K)
			clear(dw)
			for s := lo; s < hi; s++ {
				g.im2col(x[s*g.C*g.H*g.W:(s+1)*g.C*g.H*g.W], col)
				blas32.Implementation().Sgemm(blas.NoTrans, blas.Trans, O, g.K, g.P, 1, gz(gy, s, sc), g.P, col, g.P, 1, dw, g.K)
			}
			partial[k] = dw
			putBuf(col)
			putBuf(sc)
		})
		copy(out, partial[0])
		for _, p := range partial[1:] {
			for i, v := range p {
				out[i] += v
			}
		}
		for _, p := range partial {
			putBuf(p)
		}
	case 2:
		gy := f32s(vals[0])
		n := vals[0].Shape()[0]
		nw := min(chunks, n)
		partial := make([][]float64, nw)
		Parallel(n, func(lo, hi, k int) {
			sc := getBuf(O * g.P)
			acc := make([]float64, O)
			for s := lo; s < hi; s++ {
				z := gz(gy, s, sc)
				for o := 0; o < O; o++ {
					var sum float32
					for _, v := range z[o*g.P : (o+1)*g.P] {
						sum += v
					}
					acc[o] += float64(sum)
				}
			}
			partial[k] = acc
			putBuf(sc)
		})
		for o := range out {
			var sum float64
			for _, p := range partial {
				sum += p[o]
			}
			out[o] = float32(sum)
		}
	}
	return prealloc, nil
}

// Conv2d adds y = conv2d(x, w) + b to the graph of x, computed by
// Conv2dOp (im2col + GEMM) with stride (sh, sw) and zero
// padding (ph, pw); with relu, y = max(conv2d(x, w) + b, 0). x is
// N x C x H x W, w is O x C x KH x KW, b has O values. No gradient is
// computed for x when x is an input node (the data).
func Conv2d(x, w, b *G.Node, stride, pad [2]int, relu bool) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 4 || len(ws) != 4 || ws[1] != xs[1] || len(b.Shape()) != 1 || b.Shape()[0] != ws[0] {
		return nil, fmt.Errorf("conv2d: input %v, filter %v, bias %v do not fit (want N x C x H x W, O x C x KH x KW, O)", xs, ws, b.Shape())
	}
	g, err := newConvGeom(xs[1], xs[2], xs[3], ws[2], ws[3], stride[0], stride[1], pad[0], pad[1])
	if err != nil {
		return nil, fmt.Errorf("conv2d: %w", err)
	}
	g.outChans = ws[0]
	g.inputGrads = x.Op() != nil
	return G.ApplyOp(newConv2dOp(g, relu), x, w, b)
}

func newConv2dOp(g convGeom, relu bool) Conv2dOp {
	name := fmt.Sprintf("Conv2d{%dx%d,s%d,p%d}", g.KH, g.KW, g.SH, g.PH)
	if relu {
		name += "+ReLU"
	}
	return Conv2dOp{base: base{arity: 3, name: name, key: fmt.Sprintf("conv2d%v%+v", relu, g)}, g: g, relu: relu, out: new(outBuf)}
}

func newConv2dGradOp(g convGeom, relu bool, which int) Conv2dGradOp {
	arity := 2
	if which == 2 {
		arity = 1
	}
	if relu {
		arity++
	}
	b := base{arity: arity, name: fmt.Sprintf("Conv2dGrad%d", which), key: fmt.Sprintf("conv2dgrad%d%v%+v", which, relu, g)}
	return Conv2dGradOp{gradBase: gradBase{b}, g: g, relu: relu, which: which, out: new(outBuf)}
}

package ops

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	rblas "recog/internal/blas" // the program's one BLAS switch; its vector kernels
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
	if g.shifted() {
		op.forwardShifted(x, w, b, y, n)
		return prealloc, nil
	}
	O := g.outChans
	Parallel(n, func(lo, hi, _ int) {
		col := getBuf(g.K * g.P)
		for s := lo; s < hi; s++ {
			g.im2col(x[s*g.C*g.H*g.W:(s+1)*g.C*g.H*g.W], col)
			ys := y[s*O*g.P : (s+1)*O*g.P]
			blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, O, g.P, g.K, 1, w, g.K, col, g.P, 0, ys, g.P)
			// The bias and the ReLU in one pass over the output.
			for o := range O {
				bo, row := b[o], ys[o*g.P:(o+1)*g.P]
				if op.relu {
					rblas.BiasReLU(row, row, bo)
				} else {
					for p, v := range row {
						row[p] = v + bo
					}
				}
			}
		}
		putBuf(col)
	})
	return prealloc, nil
}

// forwardShifted is the forward pass by shifted views (convGeom.shifted):
// per sample, z_wide = Σ_{i,j} W_ij X_ij, one GEMM per tap accumulating
// into the wide output, then one pass that keeps the OW used columns of
// each row, adds the bias and applies the fused ReLU.
func (op Conv2dOp) forwardShifted(x, w, b, y []float32, n int) {
	g := op.g
	O, hp, wp, pw := g.outChans, 0, 0, g.wide()
	hp, wp = g.padded()
	wt := g.tapWeights(w, getBuf(g.KH*g.KW*O*g.C))
	defer putBuf(wt)
	// Without unused columns (a 1x1 kernel, no padding), the wide output
	// is the output: the products go straight into y.
	direct := wp == g.OW
	Parallel(n, func(lo, hi, _ int) {
		var zw []float32
		if !direct {
			zw = getBuf(O * pw)
			defer putBuf(zw)
		}
		pbuf := g.padBuf()
		defer putBuf(pbuf)
		for s := lo; s < hi; s++ {
			xp := g.pad(x[s*g.C*g.H*g.W:(s+1)*g.C*g.H*g.W], pbuf)
			ys := y[s*O*g.P : (s+1)*O*g.P]
			if direct {
				zw = ys
			}
			for i := range g.KH {
				for j := range g.KW {
					t := i*g.KW + j
					beta := float32(1)
					if t == 0 {
						beta = 0
					}
					blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, O, pw, g.C, 1, wt[t*O*g.C:], g.C, xp[i*wp+j:], hp*wp, beta, zw, pw)
				}
			}
			for o := range O {
				bo := b[o]
				for oy := range g.OH {
					src := zw[o*pw+oy*wp : o*pw+oy*wp+g.OW]
					dst := ys[o*g.P+oy*g.OW : o*g.P+(oy+1)*g.OW]
					if op.relu {
						rblas.BiasReLU(dst, src, bo)
					} else {
						for ox, v := range src {
							dst[ox] = v + bo
						}
					}
				}
			}
		}
	})
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
	if op.which != 2 && g.shifted() {
		op.gradShifted(vals, out, yv)
		return prealloc, nil
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
					acc[o] += float64(sum4(z[o*g.P : (o+1)*g.P]))
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

// gradShifted computes dx (which = 0) or dW (which = 1) by shifted views
// (convGeom.shifted). Per sample, the masked output gradient is first
// written in the wide layout, gz_wide, with zeros in the unused columns;
// then
//
//	dx: clear the padded plane, add W_ijᵀ gz_wide at offset i·Wp + j for each
//	    tap (GEMMs with beta = 1), keep the interior;
//	dW: dW_ij += gz_wide X_ijᵀ for each tap, into a per-chunk sum (taps x
//	    O x C) that is added up in chunk order and rearranged to O x C x KH x KW.
func (op Conv2dGradOp) gradShifted(vals []G.Value, out, yv []float32) {
	g := op.g
	O, pw := g.outChans, g.wide()
	hp, wp := g.padded()
	taps := g.KH * g.KW
	gy := f32s(vals[1])
	n := vals[1].Shape()[0]
	// widen writes sample s's masked gradient in the wide layout.
	widen := func(dst []float32, s int) {
		for o := range O {
			for oy := range g.OH {
				k := (s*O+o)*g.P + oy*g.OW
				row := dst[o*pw+oy*wp:]
				if op.relu {
					reluMask(row[:g.OW], gy[k:k+g.OW], yv[k:k+g.OW])
				} else {
					copy(row[:g.OW], gy[k:k+g.OW])
				}
				if oy < g.OH-1 {
					clear(row[g.OW:wp])
				}
			}
		}
	}
	if op.which == 0 {
		wt := g.tapWeights(f32s(vals[0]), getBuf(taps*O*g.C))
		defer putBuf(wt)
		Parallel(n, func(lo, hi, _ int) {
			gw := getBuf(O * pw)
			pbuf := g.padBuf()
			for s := lo; s < hi; s++ {
				widen(gw, s)
				im := out[s*g.C*g.H*g.W : (s+1)*g.C*g.H*g.W]
				dst := im
				if g.PH != 0 || g.PW != 0 {
					dst = pbuf[:g.C*hp*wp]
				}
				clear(dst)
				for i := range g.KH {
					for j := range g.KW {
						t := i*g.KW + j
						blas32.Implementation().Sgemm(blas.Trans, blas.NoTrans, g.C, pw, O, 1, wt[t*O*g.C:], g.C, gw, pw, 1, dst[i*wp+j:], hp*wp)
					}
				}
				if g.PH != 0 || g.PW != 0 {
					g.unpad(dst, im)
				}
			}
			putBuf(gw)
			putBuf(pbuf)
		})
		return
	}
	x := f32s(vals[0])
	partial := make([][]float32, min(chunks, n))
	Parallel(n, func(lo, hi, k int) {
		gw := getBuf(O * pw)
		pbuf := g.padBuf()
		dw := getBuf(taps * O * g.C)
		clear(dw)
		for s := lo; s < hi; s++ {
			widen(gw, s)
			xp := g.pad(x[s*g.C*g.H*g.W:(s+1)*g.C*g.H*g.W], pbuf)
			for i := range g.KH {
				for j := range g.KW {
					t := i*g.KW + j
					blas32.Implementation().Sgemm(blas.NoTrans, blas.Trans, O, g.C, pw, 1, gw, pw, xp[i*wp+j:], hp*wp, 1, dw[t*O*g.C:], g.C)
				}
			}
		}
		partial[k] = dw
		putBuf(gw)
		putBuf(pbuf)
	})
	for _, p := range partial[1:] {
		for i, v := range p {
			partial[0][i] += v
		}
	}
	// dW[o, c, i, j] = dW_ij[o, c]
	for oc := range O * g.C {
		for t := range taps {
			out[oc*taps+t] = partial[0][t*O*g.C+oc]
		}
	}
	for _, p := range partial {
		putBuf(p)
	}
}

// sum4 returns Σ v in float32, as four interleaved partial sums (elements
// i ≡ 0, 1, 2, 3 mod 4) added at the end: four independent additions per
// step instead of one chain, in an order that depends only on len(v).
func sum4(v []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(v); i += 4 {
		q := v[i : i+4 : i+4]
		s0 += q[0]
		s1 += q[1]
		s2 += q[2]
		s3 += q[3]
	}
	for ; i < len(v); i++ {
		s0 += v[i]
	}
	return (s0 + s1) + (s2 + s3)
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

package autodiff

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maxPoolOp is y[n, c, oy, ox] = max_{i,j < K} x[n, c, oy*S+i, ox*S+j] over
// windows that lie inside the input (no padding; with ceil set, a last
// partial window at the right and bottom edges is kept, as PyTorch's
// ceil_mode). Its gradient sends gy to the first maximum of each window.
type maxPoolOp struct {
	g   convGeom
	out *outBuf
}

func poolGeom(c, h, w, k, s int, ceil bool) (convGeom, error) {
	g, err := newConvGeom(c, h, w, k, k, s, s, 0, 0)
	if err != nil {
		return g, err
	}
	if ceil {
		g.OH = (h-k+s-1)/s + 1
		g.OW = (w-k+s-1)/s + 1
		// PyTorch drops a last window that would start outside the input.
		if (g.OH-1)*s >= h {
			g.OH--
		}
		if (g.OW-1)*s >= w {
			g.OW--
		}
		g.P = g.OH * g.OW
	}
	return g, nil
}

func (op maxPoolOp) Arity() int { return 1 }
func (op maxPoolOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}
func (op maxPoolOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[0], op.g.C, op.g.OH, op.g.OW}, nil
}
func (op maxPoolOp) ReturnsPtr() bool      { return false }
func (op maxPoolOp) CallsExtern() bool     { return false }
func (op maxPoolOp) OverwritesInput() int  { return -1 }
func (op maxPoolOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "maxpool%+v", op.g) }
func (op maxPoolOp) Hashcode() uint32      { return hashOf(op) }
func (op maxPoolOp) String() string        { return fmt.Sprintf("MaxPool{%d,s%d}", op.g.KH, op.g.SH) }
func (op maxPoolOp) Do(vals ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.out.get(vals[0].Shape()[0], op.g.C, op.g.OH, op.g.OW), vals...)
}

// window returns the row and column ranges of output cell (oy, ox).
func (g *convGeom) window(oy, ox int) (y0, y1, x0, x1 int) {
	y0, x0 = oy*g.SH, ox*g.SW
	return y0, min(y0+g.KH, g.H), x0, min(x0+g.KW, g.W)
}

func (op maxPoolOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, y := f32s(vals[0]), f32s(prealloc)
	g := op.g
	planes := vals[0].Shape()[0] * g.C
	parallel(planes, func(lo, hi, _ int) {
		for p := lo; p < hi; p++ {
			in := x[p*g.H*g.W : (p+1)*g.H*g.W]
			out := y[p*g.P : (p+1)*g.P]
			if g.tiles2x2() {
				for oy := 0; oy < g.OH; oy++ {
					r0, r1 := in[2*oy*g.W:], in[(2*oy+1)*g.W:]
					o := out[oy*g.OW : (oy+1)*g.OW]
					for ox := range o {
						o[ox] = max(r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1])
					}
				}
				continue
			}
			for oy := 0; oy < g.OH; oy++ {
				for ox := 0; ox < g.OW; ox++ {
					y0, y1, x0, x1 := g.window(oy, ox)
					m := float32(math.Inf(-1))
					for r := y0; r < y1; r++ {
						for _, v := range in[r*g.W+x0 : r*g.W+x1] {
							m = max(m, v)
						}
					}
					out[oy*g.OW+ox] = m
				}
			}
		}
	})
	return prealloc, nil
}

// tiles2x2 reports 2 x 2 windows with stride 2 that lie inside the input.
func (g *convGeom) tiles2x2() bool {
	return g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && 2*g.OH <= g.H && 2*g.OW <= g.W
}

func (op maxPoolOp) DiffWRT(int) []bool { return []bool{true} }
func (op maxPoolOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(maxPoolGradOp{g: op.g, out: new(outBuf)}, inputs[0], output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

// maxPoolGradOp is dx for inputs x, y = maxpool(x) and gy: each gy cell is
// added to the first position of its window where x equals the maximum.
type maxPoolGradOp struct {
	g   convGeom
	out *outBuf
}

func (op maxPoolGradOp) Arity() int { return 3 }
func (op maxPoolGradOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t, t)
}
func (op maxPoolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op maxPoolGradOp) ReturnsPtr() bool      { return false }
func (op maxPoolGradOp) CallsExtern() bool     { return false }
func (op maxPoolGradOp) OverwritesInput() int  { return -1 }
func (op maxPoolGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "maxpoolgrad%+v", op.g) }
func (op maxPoolGradOp) Hashcode() uint32      { return hashOf(op) }
func (op maxPoolGradOp) String() string        { return "MaxPoolGrad" }
func (op maxPoolGradOp) Do(vals ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.out.get(vals[0].Shape().Clone()...), vals...)
}
func (op maxPoolGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, y, gy, dx := f32s(vals[0]), f32s(vals[1]), f32s(vals[2]), f32s(prealloc)
	g := op.g
	planes := vals[0].Shape()[0] * g.C
	parallel(planes, func(lo, hi, _ int) {
		for p := lo; p < hi; p++ {
			in := x[p*g.H*g.W : (p+1)*g.H*g.W]
			d := dx[p*g.H*g.W : (p+1)*g.H*g.W]
			if g.tiles2x2() {
				// Every input cell is in at most one window: write each
				// window whole (gy at the first maximum, 0 elsewhere),
				// and clear only the cells no window covers.
				for oy := 0; oy < g.OH; oy++ {
					i0, i1 := 2*oy*g.W, (2*oy+1)*g.W
					for ox := 0; ox < g.OW; ox++ {
						k := p*g.P + oy*g.OW + ox
						m, gv := y[k], gy[k]
						a, b, c := i0+2*ox, i1+2*ox, 0
						switch {
						case in[a] == m:
							c = a
						case in[a+1] == m:
							c = a + 1
						case in[b] == m:
							c = b
						default:
							c = b + 1
						}
						d[a], d[a+1], d[b], d[b+1] = 0, 0, 0, 0
						d[c] = gv
					}
					if g.W > 2*g.OW {
						clear(d[i0+2*g.OW : i0+g.W])
						clear(d[i1+2*g.OW : i1+g.W])
					}
				}
				if g.H > 2*g.OH {
					clear(d[2*g.OH*g.W:])
				}
				continue
			}
			clear(d)
			for oy := 0; oy < g.OH; oy++ {
				for ox := 0; ox < g.OW; ox++ {
					y0, y1, x0, x1 := g.window(oy, ox)
					m := y[p*g.P+oy*g.OW+ox]
				search:
					for r := y0; r < y1; r++ {
						for c := x0; c < x1; c++ {
							if in[r*g.W+c] == m {
								d[r*g.W+c] += gy[p*g.P+oy*g.OW+ox]
								break search
							}
						}
					}
				}
			}
		}
	})
	return prealloc, nil
}
func (op maxPoolGradOp) DiffWRT(n int) []bool { return make([]bool, n) }
func (op maxPoolGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("%v: second derivatives are not implemented", op)
}

// MaxPool adds y = maxpool(x) with k x k windows and stride s to the graph of
// x (N x C x H x W); ceil keeps partial windows at the far edges (PyTorch's
// ceil_mode=True).
func MaxPool(x *G.Node, k, s int, ceil bool) (*G.Node, error) {
	xs := x.Shape()
	if xs.Dims() != 4 {
		return nil, fmt.Errorf("maxpool: input %v is not N x C x H x W", xs)
	}
	g, err := poolGeom(xs[1], xs[2], xs[3], k, s, ceil)
	if err != nil {
		return nil, fmt.Errorf("maxpool: %w", err)
	}
	return G.ApplyOp(maxPoolOp{g: g, out: new(outBuf)}, x)
}

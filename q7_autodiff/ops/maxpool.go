package ops

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	rblas "recog/internal/blas"
)

// MaxPoolOp is y[n, c, oy, ox] = max_{i,j < K} x[n, c, oy·S+i, ox·S+j] over
// windows that lie inside the input (no padding; with ceil set, a last
// partial window at the right and bottom edges is kept, as PyTorch's
// ceil_mode). Its gradient MaxPoolGradOp sends gy to the first maximum of
// each window.
type MaxPoolOp struct {
	base
	g   convGeom
	out *outBuf
}

func (op MaxPoolOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}
func (op MaxPoolOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{in[0].(tensor.Shape)[0], op.g.C, op.g.OH, op.g.OW}, nil
}
func (op MaxPoolOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }

func (op MaxPoolOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, y := f32s(vals[0]), f32s(prealloc)
	g := op.g
	planes := vals[0].Shape()[0] * g.C
	Parallel(planes, func(lo, hi, _ int) {
		// In two passes per output row, each a vector maximum of whole
		// rows (blas.Max): colMax[x], the largest value of column x over
		// the window's rows; then rowMax[x] = max(colMax[x .. x+KW-1]), the
		// window starting at column x, of which every S-th is an output.
		colMax, rowMax := make([]float32, g.W), make([]float32, g.W)
		full := g.W - g.KW + 1 // windows that lie inside the row
		for p := lo; p < hi; p++ {
			in := x[p*g.H*g.W : (p+1)*g.H*g.W]
			out := y[p*g.P : (p+1)*g.P]
			for oy := 0; oy < g.OH; oy++ {
				y0, y1, _, _ := g.window(oy, 0)
				o := out[oy*g.OW : (oy+1)*g.OW]
				if g.tiles2x2() {
					c := colMax[:2*g.OW]
					rblas.Max(c, in[y0*g.W:], in[(y0+1)*g.W:])
					for ox := range o {
						o[ox] = max(c[2*ox], c[2*ox+1])
					}
					continue
				}
				copy(colMax, in[y0*g.W:(y0+1)*g.W])
				for r := y0 + 1; r < y1; r++ {
					rblas.Max(colMax, colMax, in[r*g.W:(r+1)*g.W])
				}
				copy(rowMax[:full], colMax)
				for j := 1; j < g.KW; j++ {
					rblas.Max(rowMax[:full], rowMax, colMax[j:])
				}
				for ox := range o {
					if x0 := ox * g.SW; x0 < full {
						o[ox] = rowMax[x0]
						continue
					}
					// A last window cut by the edge (ceil mode).
					_, _, x0, x1 := g.window(oy, ox)
					m := colMax[x0]
					for _, v := range colMax[x0+1 : x1] {
						m = max(m, v)
					}
					o[ox] = m
				}
			}
		}
	})
	return prealloc, nil
}

func (op MaxPoolOp) DiffWRT(int) []bool { return []bool{true} }
func (op MaxPoolOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(MaxPoolGradOp{gradBase: gradBase{base{arity: 3, name: "MaxPoolGrad", key: fmt.Sprintf("maxpoolgrad%+v", op.g)}}, g: op.g, out: new(outBuf)}, inputs[0], output, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

// MaxPoolGradOp is dx for inputs x, y = maxpool(x) and gy: each gy cell is
// added to the first position of its window where x equals the maximum,
// dx[n, c, r, s] = Σ_{windows whose first maximum is (r, s)} gy[n, c, oy, ox].
type MaxPoolGradOp struct {
	gradBase
	g   convGeom
	out *outBuf
}

func (op MaxPoolGradOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t, t)
}
func (op MaxPoolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}
func (op MaxPoolGradOp) Do(vals ...G.Value) (G.Value, error) { return do(op, op.out, vals) }
func (op MaxPoolGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, y, gy, dx := f32s(vals[0]), f32s(vals[1]), f32s(vals[2]), f32s(prealloc)
	g := op.g
	planes := vals[0].Shape()[0] * g.C
	Parallel(planes, func(lo, hi, _ int) {
		for p := lo; p < hi; p++ {
			in := x[p*g.H*g.W : (p+1)*g.H*g.W]
			d := dx[p*g.H*g.W : (p+1)*g.H*g.W]
			if g.tiles2x2() {
				// Every input cell is in at most one window: write each
				// window whole (gy at the first maximum, 0 elsewhere),
				// and clear only the cells no window covers.
				for oy := 0; oy < g.OH; oy++ {
					i0, i1 := 2*oy*g.W, (2*oy+1)*g.W
					o := p*g.P + oy*g.OW
					rblas.MaxPoolGrad2x2(d[i0:], d[i1:], in[i0:], in[i1:], y[o:o+g.OW], gy[o:o+g.OW])
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
	b := base{arity: 1, name: fmt.Sprintf("MaxPool{%d,s%d}", g.KH, g.SH), key: fmt.Sprintf("maxpool%+v", g)}
	return G.ApplyOp(MaxPoolOp{base: b, g: g, out: new(outBuf)}, x)
}

package autodiff

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"sync"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	_ "recog/internal/blas" // the program's one BLAS switch
)

// convGeom is the geometry of a 2-D convolution or pooling window.
type convGeom struct {
	C, H, W    int // input channels and size
	KH, KW     int // kernel size
	SH, SW     int // stride
	PH, PW     int // zero padding on each side
	OH, OW     int // output size
	K, P       int // K = C*KH*KW rows of the column matrix, P = OH*OW columns
	outChans   int // O, the number of filters (conv only)
	inputGrads bool
}

func newConvGeom(c, h, w, kh, kw, sh, sw, ph, pw int) (convGeom, error) {
	g := convGeom{C: c, H: h, W: w, KH: kh, KW: kw, SH: sh, SW: sw, PH: ph, PW: pw}
	if kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || ph < 0 || pw < 0 {
		return g, fmt.Errorf("bad window: kernel %dx%d, stride %dx%d, padding %dx%d", kh, kw, sh, sw, ph, pw)
	}
	g.OH = (h+2*ph-kh)/sh + 1
	g.OW = (w+2*pw-kw)/sw + 1
	if h+2*ph < kh || w+2*pw < kw || g.OH <= 0 || g.OW <= 0 {
		return g, fmt.Errorf("kernel %dx%d does not fit input %dx%d with padding %dx%d", kh, kw, h, w, ph, pw)
	}
	g.K = c * kh * kw
	g.P = g.OH * g.OW
	return g, nil
}

// im2col writes the K x P column matrix of one C x H x W image:
// col[(c*KH+i)*KW+j, oy*OW+ox] = im[c, oy*SH+i-PH, ox*SW+j-PW] (0 outside).
func (g *convGeom) im2col(im, col []float32) {
	for c := 0; c < g.C; c++ {
		plane := im[c*g.H*g.W : (c+1)*g.H*g.W]
		for i := 0; i < g.KH; i++ {
			for j := 0; j < g.KW; j++ {
				row := col[((c*g.KH+i)*g.KW+j)*g.P:][:g.P]
				k := 0
				for oy := 0; oy < g.OH; oy++ {
					y := oy*g.SH + i - g.PH
					if y < 0 || y >= g.H {
						for ox := 0; ox < g.OW; ox++ {
							row[k] = 0
							k++
						}
						continue
					}
					src := plane[y*g.W : (y+1)*g.W]
					if g.SW == 1 && g.PW == 0 {
						copy(row[k:k+g.OW], src[j:j+g.OW])
						k += g.OW
						continue
					}
					for ox := 0; ox < g.OW; ox++ {
						x := ox*g.SW + j - g.PW
						if x < 0 || x >= g.W {
							row[k] = 0
						} else {
							row[k] = src[x]
						}
						k++
					}
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: im[c, y, x] += Σ col entries that im2col
// copied from (c, y, x). im must be zeroed by the caller.
func (g *convGeom) col2im(col, im []float32) {
	for c := 0; c < g.C; c++ {
		plane := im[c*g.H*g.W : (c+1)*g.H*g.W]
		for i := 0; i < g.KH; i++ {
			for j := 0; j < g.KW; j++ {
				row := col[((c*g.KH+i)*g.KW+j)*g.P:][:g.P]
				k := 0
				for oy := 0; oy < g.OH; oy++ {
					y := oy*g.SH + i - g.PH
					if y < 0 || y >= g.H {
						k += g.OW
						continue
					}
					dst := plane[y*g.W : (y+1)*g.W]
					if g.SW == 1 && g.PW == 0 {
						d := dst[j : j+g.OW]
						for ox, v := range row[k : k+g.OW] {
							d[ox] += v
						}
						k += g.OW
						continue
					}
					for ox := 0; ox < g.OW; ox++ {
						x := ox*g.SW + j - g.PW
						if x >= 0 && x < g.W {
							dst[x] += row[k]
						}
						k++
					}
				}
			}
		}
	}
}

// chunks is the number of pieces parallel splits work into. It is fixed
// (not GOMAXPROCS) so that per-chunk partial sums, reduced in chunk order,
// give the same float32 results on any machine.
const chunks = 4

// parallel runs f(lo, hi, chunk) over [0, n) split into min(chunks, n)
// contiguous chunks, each in its own goroutine, and returns the number of
// chunks. The split depends only on n, so reductions done per chunk and
// then in chunk order are deterministic.
func parallel(n int, f func(lo, hi, chunk int)) int {
	w := min(chunks, n)
	if w <= 1 {
		f(0, n, 0)
		return 1
	}
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		lo, hi := k*n/w, (k+1)*n/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi, k)
		}()
	}
	wg.Wait()
	return w
}

// bufPool hands out float32 scratch slices; slices come back zero-length-safe
// (callers overwrite or clear them).
var bufPool sync.Pool

func getBuf(n int) []float32 {
	if p, ok := bufPool.Get().(*[]float32); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float32, n)
}

func putBuf(b []float32) { bufPool.Put(&b) }

func f32s(v G.Value) []float32 { return v.Data().([]float32) }

// ---- conv2d forward: y = act(W * im2col(x) + b) ----

// conv2dOp computes z[n, o, oy, ox] = b[o] + Σ_{c,i,j} W[o, c, i, j] x[n, c, oy*SH+i-PH, ox*SW+j-PW]
// for inputs x (N x C x H x W), W (O x C x KH x KW), b (O), and returns
// y = z, or y = max(z, 0) when relu is set (the ReLU is applied to each
// sample's output while it is still in cache). See
// docs/q7_autodiff.md#convolution.
type conv2dOp struct {
	g    convGeom
	relu bool
	out  *outBuf
}

func (op conv2dOp) Arity() int { return 3 }
func (op conv2dOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t4 := G.TensorType{Dims: 4, Of: a}
	return hm.NewFnType(t4, t4, G.TensorType{Dims: 1, Of: a}, t4)
}
func (op conv2dOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := in[0].(tensor.Shape)
	return tensor.Shape{s[0], op.g.outChans, op.g.OH, op.g.OW}, nil
}
func (op conv2dOp) ReturnsPtr() bool      { return false }
func (op conv2dOp) CallsExtern() bool     { return false }
func (op conv2dOp) OverwritesInput() int  { return -1 }
func (op conv2dOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "conv2d%v%+v", op.relu, op.g) }
func (op conv2dOp) Hashcode() uint32      { return hashOf(op) }
func (op conv2dOp) String() string {
	s := fmt.Sprintf("Conv2d{%dx%d,s%d,p%d}", op.g.KH, op.g.KW, op.g.SH, op.g.PH)
	if op.relu {
		s += "+ReLU"
	}
	return s
}

func hashOf(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op conv2dOp) Do(vals ...G.Value) (G.Value, error) {
	n := vals[0].Shape()[0]
	return op.UsePreallocDo(op.out.get(n, op.g.outChans, op.g.OH, op.g.OW), vals...)
}

func (op conv2dOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
	if !fits(prealloc, op, vals) {
		return op.Do(vals...)
	}
	x, w, b, y := f32s(vals[0]), f32s(vals[1]), f32s(vals[2]), f32s(prealloc)
	g := op.g
	n := vals[0].Shape()[0]
	O := g.outChans
	parallel(n, func(lo, hi, _ int) {
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

func (op conv2dOp) DiffWRT(int) []bool { return []bool{op.g.inputGrads, true, true} }

func (op conv2dOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	// With the fused ReLU, the output gradient is masked once,
	// gz = gy ⊙ [y > 0] (reluGradOp), and the three gradients take gz.
	var extra []*G.Node
	if op.relu {
		var err error
		if grad, err = G.ApplyOp(reluGradOp{dims: 4, out: new(outBuf)}, output, grad); err != nil {
			return nil, err
		}
		op.relu = false
	}
	var dx *G.Node
	var err error
	if op.g.inputGrads {
		if dx, err = G.ApplyOp(convGradOp{g: op.g, relu: op.relu, which: 0, out: new(outBuf)}, append([]*G.Node{w, grad}, extra...)...); err != nil {
			return nil, err
		}
	}
	dw, err := G.ApplyOp(convGradOp{g: op.g, relu: op.relu, which: 1, out: new(outBuf)}, append([]*G.Node{x, grad}, extra...)...)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(convGradOp{g: op.g, relu: op.relu, which: 2, out: new(outBuf)}, append([]*G.Node{grad}, extra...)...)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// convGradOp is one gradient of conv2dOp given the output gradient gy (with
// relu, first masked: gz = gy ⊙ [y > 0], y being the op's output, passed as
// the last input; else gz = gy):
// which=0: dx = col2im(Wᵀ gz_n) for each sample (inputs W, gy[, y]);
// which=1: dW = Σ_n gz_n im2col(x_n)ᵀ (inputs x, gy[, y]);
// which=2: db[o] = Σ_{n,p} gz[n, o, p] (inputs gy[, y]).
type convGradOp struct {
	g     convGeom
	relu  bool
	which int
	out   *outBuf
}

func (op convGradOp) Arity() int {
	n := 2
	if op.which == 2 {
		n = 1
	}
	if op.relu {
		n++
	}
	return n
}
func (op convGradOp) Type() hm.Type {
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
func (op convGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
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
func (op convGradOp) ReturnsPtr() bool     { return false }
func (op convGradOp) CallsExtern() bool    { return false }
func (op convGradOp) OverwritesInput() int { return -1 }
func (op convGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "conv2dgrad%d%v%+v", op.which, op.relu, op.g)
}
func (op convGradOp) Hashcode() uint32 { return hashOf(op) }
func (op convGradOp) String() string   { return fmt.Sprintf("Conv2dGrad%d", op.which) }

func (op convGradOp) Do(vals ...G.Value) (G.Value, error) {
	var shapes []G.DimSizer
	for _, v := range vals {
		shapes = append(shapes, v.Shape())
	}
	s, err := op.InferShape(shapes...)
	if err != nil {
		return nil, err
	}
	return op.UsePreallocDo(op.out.get(s...), vals...)
}

// reluMask writes gz = gy ⊙ [y > 0] without branches: y ≥ 0 is a ReLU
// output, so y > 0 exactly when its bit pattern is not zero.
func reluMask(gz, gy, y []float32) {
	gy = gy[:len(gz)]
	y = y[:len(gz)]
	for i, v := range y {
		m := math.Float32bits(v)
		mask := uint32(int32(m|-m) >> 31)
		gz[i] = math.Float32frombits(math.Float32bits(gy[i]) & mask)
	}
}

func (op convGradOp) UsePreallocDo(prealloc G.Value, vals ...G.Value) (G.Value, error) {
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
		parallel(n, func(lo, hi, _ int) {
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
		parallel(n, func(lo, hi, k int) {
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
		parallel(n, func(lo, hi, k int) {
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

func (op convGradOp) DiffWRT(n int) []bool { return make([]bool, n) }
func (op convGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("%v: second derivatives are not implemented", op)
}

// Conv2dOp adds y = conv2d(x, w) + b to the graph of x, computed by this
// package's im2col + GEMM op (see conv2dOp) with stride (sh, sw) and zero
// padding (ph, pw); with relu, y = max(conv2d(x, w) + b, 0). x is
// N x C x H x W, w is O x C x KH x KW, b has O values. No gradient is
// computed for x when x is an input node (the data).
func Conv2dOp(x, w, b *G.Node, stride, pad [2]int, relu bool) (*G.Node, error) {
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
	return G.ApplyOp(conv2dOp{g: g, relu: relu, out: new(outBuf)}, x, w, b)
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

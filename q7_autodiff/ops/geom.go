package ops

import "fmt"

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
// copied from (c, y, x). im must be zeroed by the caller. It walks the
// windows exactly as im2col does (the same loops, an add where im2col has a
// copy): the pair is kept as two loops rather than one walk with a
// callback, which would sit in the innermost loop of every training step.
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

// ConvOutput returns the output height and width of a convolution of a
// C x H x W input with K x K kernels, stride S and zero padding P on each
// side: OH = ⌊(H + 2P - K)/S⌋ + 1, OW likewise. It fails when the kernel
// does not fit.
func ConvOutput(c, h, w, k, stride, pad int) (oh, ow int, err error) {
	g, err := newConvGeom(c, h, w, k, k, stride, stride, pad, pad)
	return g.OH, g.OW, err
}

// PoolOutput returns the output height and width of max-pooling a C x H x W
// input over K x K windows with stride S (no padding): ⌊(H - K)/S⌋ + 1, or
// with ceil (PyTorch's ceil_mode) ⌈(H - K)/S⌉ + 1 minus a last window that
// would start outside the input.
func PoolOutput(c, h, w, k, stride int, ceil bool) (oh, ow int, err error) {
	g, err := poolGeom(c, h, w, k, stride, ceil)
	return g.OH, g.OW, err
}

// poolGeom is the geometry of a K x K pooling window with stride s.
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

// window returns the row and column ranges of output cell (oy, ox).
func (g *convGeom) window(oy, ox int) (y0, y1, x0, x1 int) {
	y0, x0 = oy*g.SH, ox*g.SW
	return y0, min(y0+g.KH, g.H), x0, min(x0+g.KW, g.W)
}

// tiles2x2 reports 2 x 2 windows with stride 2 that lie inside the input.
func (g *convGeom) tiles2x2() bool {
	return g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && 2*g.OH <= g.H && 2*g.OW <= g.W
}

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
					if g.SW == 1 {
						// x = ox + j - PW: one copy of the columns inside
						// the image, zeros for those in the padding.
						lo := min(max(0, g.PW-j), g.OW)
						hi := max(min(g.OW, g.W+g.PW-j), lo)
						out := row[k : k+g.OW]
						clear(out[:lo])
						copy(out[lo:hi], src[lo+j-g.PW:])
						clear(out[hi:])
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

// shifted reports whether a convolution multiplies shifted views of its
// input instead of an im2col matrix: for stride 1, with a 1x1 kernel (its
// im2col matrix is the input itself) or at least shiftedMinC input channels
// (each view's product has K = C, which must be long enough to pay for
// the KH·KW passes over the output).
func (g *convGeom) shifted() bool {
	return g.SH == 1 && g.SW == 1 && (g.KH*g.KW == 1 || g.C >= shiftedMinC)
}

// shiftedMinC is the fewest input channels for which a KxK convolution
// (K > 1) uses the shifted views: MNIST's first convolution (1 channel)
// keeps im2col, its second (32) and SqueezeNet's 3x3 expand convolutions
// (16-64) take the views.
const shiftedMinC = 16

// The shifted views. With stride 1, entry (c·KH·KW + i·KW + j, oy·OW + ox)
// of im2col's matrix is pixel (oy+i, ox+j) of the zero-padded plane c
// (Hp x Wp, Hp = H + 2PH, Wp = W + 2PW). Let the output be "wide": Wp
// columns per row, of which the first OW are the output and the last KW-1
// are not used, so column q = oy·Wp + ox. Then for the tap (i, j), the
// C x Pw matrix of those pixels, X_ij[c, q] = padded[c, q + i·Wp + j], is
// the padded image itself read from offset i·Wp + j with rows Hp·Wp apart:
// no copy. Hence, with W_ij the O x C matrix W[:, :, i, j],
//
//	z_wide = Σ_{i,j} W_ij X_ij              (KH·KW products with K = C)
//	dW_ij  = Σ_n gz_wide X_ijᵀ              (gz_wide: the output gradient, 0 in the unused columns)
//	dx     = Σ_{i,j} (W_ijᵀ gz_wide) placed at offset i·Wp + j of the padded plane
//
// where Pw = (OH-1)·Wp + OW leaves out the unused columns of the last row,
// so that every view ends inside the plane. The unused columns cost
// (Wp - OW)/Wp of the multiply-adds (2/26 for MNIST's 26 -> 24); in
// exchange nothing is copied into a K x P matrix (662 KB per MNIST image,
// more than the L2 cache), and col2im's scattered adds become products.

// padded returns the size of a padded plane, Hp x Wp.
func (g *convGeom) padded() (hp, wp int) { return g.H + 2*g.PH, g.W + 2*g.PW }

// wide returns Pw, the columns of the wide output.
func (g *convGeom) wide() int {
	_, wp := g.padded()
	return (g.OH-1)*wp + g.OW
}

// pad returns the padded C x Hp x Wp image of im: im itself without
// padding, else buf (of C·Hp·Wp elements) filled with im and zero borders.
func (g *convGeom) pad(im, buf []float32) []float32 {
	if g.PH == 0 && g.PW == 0 {
		return im
	}
	hp, wp := g.padded()
	clear(buf[:g.C*hp*wp])
	for c := range g.C {
		for y := range g.H {
			copy(buf[(c*hp+y+g.PH)*wp+g.PW:], im[(c*g.H+y)*g.W:(c*g.H+y+1)*g.W])
		}
	}
	return buf
}

// padBuf returns a buffer for pad (from the pool; nil without padding,
// which putBuf accepts).
func (g *convGeom) padBuf() []float32 {
	if g.PH == 0 && g.PW == 0 {
		return nil
	}
	hp, wp := g.padded()
	return getBuf(g.C * hp * wp)
}

// unpad adds the interior of the padded C x Hp x Wp image p to im (C x H x W).
func (g *convGeom) unpad(p, im []float32) {
	hp, wp := g.padded()
	for c := range g.C {
		for y := range g.H {
			copy(im[(c*g.H+y)*g.W:(c*g.H+y+1)*g.W], p[(c*hp+y+g.PH)*wp+g.PW:])
		}
	}
}

// tapWeights returns W rearranged as KH·KW matrices O x C, W_ij at
// [(i·KW+j)·O·C:], in buf: the A operands of the shifted views.
func (g *convGeom) tapWeights(w, buf []float32) []float32 {
	taps, o := g.KH*g.KW, g.outChans
	buf = buf[:taps*o*g.C]
	for oc := range o * g.C {
		for t := range taps {
			buf[t*o*g.C+oc] = w[oc*taps+t]
		}
	}
	return buf
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

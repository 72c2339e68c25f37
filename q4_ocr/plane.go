package ocr

import (
	"image"
	"image/color"
)

// plane is a w x h float32 image stored row by row: pixel (x, y) is pix[y*w+x].
type plane struct {
	w, h int
	pix  []float32
}

func newPlane(w, h int) *plane { return &plane{w: w, h: h, pix: make([]float32, w*h)} }

// binary is a w x h image of booleans (true = ink) stored row by row.
type binary struct {
	w, h int
	pix  []bool
}

func newBinary(w, h int) *binary { return &binary{w: w, h: h, pix: make([]bool, w*h)} }

func (b *binary) at(x, y int) bool { return b.pix[y*b.w+x] }

// workingFactor returns the integer downscale factor f = max(1, ⌊max(W, H) / target⌋)
// that brings the longer side of a W x H photo to at least target pixels.
func workingFactor(w, h, target int) int {
	f := max(w, h) / target
	return max(f, 1)
}

// lightness returns the (W/f) x (H/f) plane whose pixel is min(R, G, B) (0..255)
// of the mean colour of the f x f block of img it covers. The minimum channel
// makes coloured ink (blue, red) as dark as pencil or black ink, while white or
// tinted paper stays light. Pixels beyond the last whole block are dropped.
func lightness(img image.Image, f int) *plane {
	b := img.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	p := newPlane(w, h)
	if w == 0 || h == 0 {
		return p
	}
	switch m := img.(type) {
	case *image.YCbCr:
		lightnessYCbCr(m, f, p)
	case *image.Gray:
		lightnessGray(m, f, p)
	case *image.NRGBA:
		lightnessRGBA(m.Pix, m.Stride, b, f, p, true)
	case *image.RGBA:
		lightnessRGBA(m.Pix, m.Stride, b, f, p, false)
	default:
		lightnessGeneric(img, f, p)
	}
	return p
}

func min3(a, b, c float32) float32 { return min(a, min(b, c)) }

func lightnessYCbCr(m *image.YCbCr, f int, p *plane) {
	b := m.Rect
	inv := 1 / float32(f*f)
	sums := make([]float32, p.w)
	for y := 0; y < p.h; y++ {
		clear(sums)
		for dy := 0; dy < f; dy++ {
			row := m.Y[(y*f+dy)*m.YStride:]
			for x := 0; x < p.w; x++ {
				var s int
				for _, v := range row[x*f : x*f+f] {
					s += int(v)
				}
				sums[x] += float32(s)
			}
		}
		cy := b.Min.Y + y*f + f/2
		for x := 0; x < p.w; x++ {
			yy := sums[x] * inv
			ci := m.COffset(b.Min.X+x*f+f/2, cy)
			cb := float32(m.Cb[ci]) - 128
			cr := float32(m.Cr[ci]) - 128
			// JFIF YCbCr -> RGB.
			r := yy + 1.402*cr
			g := yy - 0.344136*cb - 0.714136*cr
			bl := yy + 1.772*cb
			p.pix[y*p.w+x] = clamp255(min3(r, g, bl))
		}
	}
}

func clamp255(v float32) float32 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return v
}

func lightnessGray(m *image.Gray, f int, p *plane) {
	inv := 1 / float32(f*f)
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			var s int
			for dy := 0; dy < f; dy++ {
				row := m.Pix[(y*f+dy)*m.Stride+x*f:]
				for dx := 0; dx < f; dx++ {
					s += int(row[dx])
				}
			}
			p.pix[y*p.w+x] = float32(s) * inv
		}
	}
}

// lightnessRGBA handles 8-bit RGBA pixels; with nonPremul the colour is
// composited over white using alpha (transparent = paper), otherwise it is
// premultiplied and white is added for the missing coverage.
func lightnessRGBA(pix []uint8, stride int, _ image.Rectangle, f int, p *plane, nonPremul bool) {
	inv := 1 / float32(f*f)
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			var r, g, bl float32
			for dy := 0; dy < f; dy++ {
				row := pix[(y*f+dy)*stride+x*f*4:]
				for dx := 0; dx < f; dx++ {
					q := row[dx*4 : dx*4+4]
					a := float32(q[3])
					if nonPremul {
						k := a / 255
						r += float32(q[0])*k + 255 - a
						g += float32(q[1])*k + 255 - a
						bl += float32(q[2])*k + 255 - a
					} else {
						r += float32(q[0]) + 255 - a
						g += float32(q[1]) + 255 - a
						bl += float32(q[2]) + 255 - a
					}
				}
			}
			p.pix[y*p.w+x] = clamp255(min3(r, g, bl) * inv)
		}
	}
}

func lightnessGeneric(img image.Image, f int, p *plane) {
	b := img.Bounds()
	inv := 1 / float32(f*f)
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			var r, g, bl float32
			for dy := 0; dy < f; dy++ {
				for dx := 0; dx < f; dx++ {
					c := color.NRGBAModel.Convert(img.At(b.Min.X+x*f+dx, b.Min.Y+y*f+dy)).(color.NRGBA)
					a := float32(c.A)
					k := a / 255
					r += float32(c.R)*k + 255 - a
					g += float32(c.G)*k + 255 - a
					bl += float32(c.B)*k + 255 - a
				}
			}
			p.pix[y*p.w+x] = clamp255(min3(r, g, bl) * inv)
		}
	}
}

package ocr

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// The synthetic pages of Failures (and of the tests): letters drawn as
// strokes on a grey page with mild noise.

// strokeFont draws capital letters as line segments in a unit box: x to the
// right 0..1, y down 0..1.
var strokeFont = map[rune][][4]float64{
	'H': {{0, 0, 0, 1}, {1, 0, 1, 1}, {0, .5, 1, .5}},
	'E': {{0, 0, 0, 1}, {0, 0, 1, 0}, {0, .5, .8, .5}, {0, 1, 1, 1}},
	'L': {{0, 0, 0, 1}, {0, 1, 1, 1}},
	'O': {{0, .2, 0, .8}, {1, .2, 1, .8}, {.2, 0, .8, 0}, {.2, 1, .8, 1}, {0, .2, .2, 0}, {.8, 0, 1, .2}, {1, .8, .8, 1}, {.2, 1, 0, .8}},
	'T': {{0, 0, 1, 0}, {.5, 0, .5, 1}},
	'I': {{.5, 0, .5, 1}, {.2, 0, .8, 0}, {.2, 1, .8, 1}},
	'N': {{0, 0, 0, 1}, {0, 0, 1, 1}, {1, 0, 1, 1}},
	'V': {{0, 0, .5, 1}, {.5, 1, 1, 0}},
	'A': {{0, 1, .5, 0}, {.5, 0, 1, 1}, {.2, .6, .8, .6}},
	'W': {{0, 0, .25, 1}, {.25, 1, .5, .3}, {.5, .3, .75, 1}, {.75, 1, 1, 0}},
}

// canvas is a grey page with paper brightness 235 and mild noise.
type canvas struct {
	img *image.Gray
}

func newCanvas(w, h int, rng *rand.Rand) *canvas {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = uint8(235 + rng.IntN(11) - 5)
	}
	return &canvas{g}
}

// segment darkens the pixels within width/2 of the segment (x0,y0)-(x1,y1)
// to level ink.
func (c *canvas) segment(x0, y0, x1, y1, width float64, ink uint8) {
	b := c.img.Bounds()
	r := width / 2
	for y := max(int(math.Min(y0, y1)-r-1), 0); y <= min(int(math.Max(y0, y1)+r+1), b.Dy()-1); y++ {
		for x := max(int(math.Min(x0, x1)-r-1), 0); x <= min(int(math.Max(x0, x1)+r+1), b.Dx()-1); x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			dx, dy := x1-x0, y1-y0
			t := 0.0
			if l2 := dx*dx + dy*dy; l2 > 0 {
				t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
			}
			ex, ey := x0+t*dx-px, y0+t*dy-py
			if ex*ex+ey*ey <= r*r {
				i := c.img.PixOffset(x, y)
				c.img.Pix[i] = min(c.img.Pix[i], ink)
			}
		}
	}
}

// text writes s with letters w x h pixels, the first at (x, y), advancing by
// w + gap; spaces advance by w + gap too.
func (c *canvas) text(s string, x, y, w, h, gap, width float64, ink uint8) {
	for _, r := range s {
		for _, sg := range strokeFont[r] {
			c.segment(x+sg[0]*w, y+sg[1]*h, x+sg[2]*w, y+sg[3]*h, width, ink)
		}
		x += w + gap
	}
}

// shade multiplies the brightness of the pixels with x ≥ edge by k (a hard
// shadow edge).
func (c *canvas) shade(edge int, k float64) {
	b := c.img.Bounds()
	for y := 0; y < b.Dy(); y++ {
		for x := edge; x < b.Dx(); x++ {
			i := c.img.PixOffset(x, y)
			c.img.Pix[i] = uint8(float64(c.img.Pix[i]) * k)
		}
	}
}

// rgb returns the page as an RGBA image (so Detect's colour path is used).
func (c *canvas) rgb() *image.RGBA {
	b := c.img.Bounds()
	out := image.NewRGBA(b)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			v := c.img.GrayAt(x, y).Y
			out.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	return out
}

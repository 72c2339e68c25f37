package pagegen

import (
	"math"
	"math/rand/v2"
)

// plane is a w x h float32 image stored row by row: pixel (x, y) covers the
// square [x, x+1) x [y, y+1) and is pix[y*w+x].
type plane struct {
	w, h int
	pix  []float32
}

func newPlane(w, h int) *plane { return &plane{w: w, h: h, pix: make([]float32, w*h)} }

// bilinear returns the plane's value at the point (x, y) in pixel units,
// interpolated bilinearly between the four nearest pixel centres (pixel (i, j)
// has its centre at (i + ½, j + ½)). Outside the plane the value is outside.
func (p *plane) bilinear(x, y float64, outside float32) float32 {
	fx, fy := x-0.5, y-0.5
	x0, y0 := int(math.Floor(fx)), int(math.Floor(fy))
	tx, ty := float32(fx-float64(x0)), float32(fy-float64(y0))
	at := func(i, j int) float32 {
		if i < 0 || j < 0 || i >= p.w || j >= p.h {
			return outside
		}
		return p.pix[j*p.w+i]
	}
	top := at(x0, y0)*(1-tx) + at(x0+1, y0)*tx
	bot := at(x0, y0+1)*(1-tx) + at(x0+1, y0+1)*tx
	return top*(1-ty) + bot*ty
}

// valueNoise returns a w x h plane of smooth noise in [0, 1]: independent
// uniform values on a grid of nodes cell pixels apart, interpolated between
// the nodes with the smoothstep weights s(t) = 3t² − 2t³, so the field has no
// visible grid lines. A cell of 40 px gives blotches of about that size.
func valueNoise(w, h int, cell float64, rng *rand.Rand) *plane {
	gw, gh := int(float64(w)/cell)+2, int(float64(h)/cell)+2
	grid := make([]float32, gw*gh)
	for i := range grid {
		grid[i] = rng.Float32()
	}
	smooth := func(t float64) float32 { return float32(t * t * (3 - 2*t)) }
	out := newPlane(w, h)
	for y := range h {
		fy := float64(y) / cell
		j := int(fy)
		ty := smooth(fy - float64(j))
		for x := range w {
			fx := float64(x) / cell
			i := int(fx)
			tx := smooth(fx - float64(i))
			a := grid[j*gw+i]*(1-tx) + grid[j*gw+i+1]*tx
			b := grid[(j+1)*gw+i]*(1-tx) + grid[(j+1)*gw+i+1]*tx
			out.pix[y*w+x] = a*(1-ty) + b*ty
		}
	}
	return out
}

// smoothstep returns 0 for v ≤ lo, 1 for v ≥ hi and 3t² − 2t³ in between,
// t = (v − lo)/(hi − lo).
func smoothstep(lo, hi, v float32) float32 {
	t := (v - lo) / (hi - lo)
	t = min(max(t, 0), 1)
	return t * t * (3 - 2*t)
}

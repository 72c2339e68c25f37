package ocr

import (
	"math"
	"slices"
)

// Otsu returns the threshold index t of a histogram that maximises the
// between-class variance
//
//	σ²_B(t) = ω₀(t) ω₁(t) (μ₀(t) − μ₁(t))²,
//
// where class 0 holds the bins i < t and class 1 the bins i ≥ t, ω are the
// class weights (sums of hist) and μ the class means of the bin index. When
// several t reach the maximum (an empty valley between two modes) it returns
// the middle one. It returns 0 when hist has fewer than two non-empty bins.
// See docs/q4_ocr.md#threshold.
func Otsu(hist []float64) int {
	var total, sum float64
	for i, h := range hist {
		total += h
		sum += float64(i) * h
	}
	if total <= 0 {
		return 0
	}
	best, first, last := -1.0, 0, 0
	var w0, s0 float64
	for t := 1; t < len(hist); t++ {
		w0 += hist[t-1]
		s0 += float64(t-1) * hist[t-1]
		w1 := total - w0
		if w0 <= 0 || w1 <= 0 {
			continue
		}
		d := s0/w0 - (sum-s0)/w1
		v := w0 * w1 * d * d
		switch {
		case v > best*(1+1e-12):
			best, first, last = v, t, t
		case v >= best*(1-1e-12):
			last = t
		}
	}
	if best < 0 {
		return 0
	}
	return (first + last) / 2
}

// otsuValue returns Otsu's threshold of values in [0, 1], using a 256-bin
// histogram: the value (t / 256) that separates bins i < t from bins i ≥ t.
func otsuValue(values []float32) float32 {
	hist := make([]float64, 256)
	for _, v := range values {
		hist[bin256(v)]++
	}
	return float32(Otsu(hist)) / 256
}

func bin256(v float32) int {
	i := int(v * 256)
	return min(max(i, 0), 255)
}

// background estimates the paper's brightness under uneven light: the plane
// is cut into blocks of about cell x cell pixels, each block's brightness is the q-quantile of
// its pixels to a grey level (paper, since strokes cover a small part of a
// block), a block much darker than its neighbours (ink covering most of it)
// takes their median instead (fillDarkBlocks), and the block values are
// interpolated bilinearly between block centres. Nothing else smooths the
// block values: a smoothing window clipped at the image border would shift a
// shadow's gradient there.
func background(p *plane, cell int, q float64) *plane {
	// gw x gh blocks of about cell x cell pixels tile the plane exactly:
	// block (i, j) covers columns ⌊i·w/gw⌋ ≤ x < ⌊(i+1)·w/gw⌋ and likewise rows.
	gw, gh := max(1, (p.w+cell/2)/cell), max(1, (p.h+cell/2)/cell)
	grid := make([]float32, gw*gh)
	var hist [256]int
	for gy := 0; gy < gh; gy++ {
		for gx := 0; gx < gw; gx++ {
			clear(hist[:])
			n := 0
			x0, x1 := gx*p.w/gw, (gx+1)*p.w/gw
			for y := gy * p.h / gh; y < (gy+1)*p.h/gh; y++ {
				for _, v := range p.pix[y*p.w+x0 : y*p.w+x1] {
					hist[int(clamp255(v))]++
					n++
				}
			}
			// The q-quantile to within one grey level: the smallest level
			// with at least ⌈q·n⌉ pixels at or below it.
			need, acc := int(math.Ceil(q*float64(n))), 0
			for l, c := range hist {
				acc += c
				if acc >= need {
					grid[gy*gw+gx] = float32(l) + 0.5
					break
				}
			}
		}
	}
	grid = fillDarkBlocks(grid, gw, gh)
	bg := newPlane(p.w, p.h)
	// Bilinear between block centres, extended linearly beyond the outer
	// centres (so a gradient continues to the border instead of flattening).
	for y := 0; y < p.h; y++ {
		y0, ty := interpCell((float64(y)+0.5)*float64(gh)/float64(p.h)-0.5, gh)
		for x := 0; x < p.w; x++ {
			x0, tx := interpCell((float64(x)+0.5)*float64(gw)/float64(p.w)-0.5, gw)
			x1, y1 := min(x0+1, gw-1), min(y0+1, gh-1)
			a := grid[y0*gw+x0]*(1-tx) + grid[y0*gw+x1]*tx
			b := grid[y1*gw+x0]*(1-tx) + grid[y1*gw+x1]*tx
			bg.pix[y*p.w+x] = max(a*(1-ty)+b*ty, 1)
		}
	}
	return bg
}

// darkBlock: a block darker than this fraction of its neighbours' median is
// taken to be covered by ink.
const darkBlock = 0.8

// fillDarkBlocks returns the gw x gh grid with each value g replaced by the
// median m of its (clipped) 3x3 neighbourhood when g < 0.8·m. A smooth
// gradient keeps its values (each is close to its neighbours' median).
func fillDarkBlocks(g []float32, gw, gh int) []float32 {
	out := make([]float32, len(g))
	nb := make([]float32, 0, 9)
	for y := 0; y < gh; y++ {
		for x := 0; x < gw; x++ {
			nb = nb[:0]
			for yy := max(y-1, 0); yy <= min(y+1, gh-1); yy++ {
				for xx := max(x-1, 0); xx <= min(x+1, gw-1); xx++ {
					nb = append(nb, g[yy*gw+xx])
				}
			}
			slices.Sort(nb)
			m := nb[len(nb)/2]
			v := g[y*gw+x]
			if v < darkBlock*m {
				v = m
			}
			out[y*gw+x] = v
		}
	}
	return out
}

// interpCell returns the cell i of the segment [i, i+1] used to interpolate
// at position f among n cell centres 0..n−1, and the weight f − i of cell
// i+1; beyond the outer centres the weight leaves [0, 1] (extrapolation).
func interpCell(f float64, n int) (int, float32) {
	if n < 2 {
		return 0, 0
	}
	i := clampInt(int(math.Floor(f)), 0, n-2)
	return i, float32(f - float64(i))
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

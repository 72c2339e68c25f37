package ocr

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
)

// Crop geometry, matched to the NIST36 training images (docs/q4_ocr.md#crops).
const (
	CropSide    = 32  // crops are CropSide x CropSide, like NIST36 rows
	cropLetter  = 26  // the letter's longer side in the crop, in crop pixels
	cropStroke  = 3.7 // target stroke width in crop pixels
	cropBlurSig = 0.6 // Gaussian σ (crop pixels) softening the edges as EMNIST's blur
)

// Crops returns one row per box of p.Work (N x 1024): each letter as a 32x32
// NIST36-style image (ink 0, background 1), stored column by column as
// data.ImageToRow does. For each box:
//
//  1. the mask is the box's ink pixels that belong to components inside the
//     box (a neighbour reaching into the box is left out);
//  2. the stroke width w = 2·ink/edge (edge: ink pixels with a background
//     4-neighbour) is measured, and thin strokes are dilated by a disk of
//     radius r = round((3.7/k − w)/2), k = 26/(longer side + 2r) being the
//     scale to the crop, so that strokes end up about 3.7 crop pixels wide;
//  3. a square of side (longer side + 2r)·32/26 centred on the box is
//     area-averaged down to 32x32 (so the letter's longer side is 26 px with a
//     3 px margin), blurred with σ = 0.6 px, and inverted (1 − ink).
func Crops(p *Page) (*mat.Dense, error) {
	if p == nil || p.bin == nil {
		return nil, fmt.Errorf("ocr: crops need a page from Detect")
	}
	n := len(p.Work)
	out := mat.NewDense(max(n, 1), CropSide*CropSide, nil)
	if n == 0 {
		return out.Slice(0, 0, 0, CropSide*CropSide).(*mat.Dense), nil
	}
	for i, b := range p.Work {
		img := cropLetterImage(p, b)
		out.SetRow(i, data.ImageToRow(img))
	}
	return out, nil
}

// letterMask returns the ink mask of box b with a pad-pixel border of background.
func letterMask(p *Page, b [4]int, pad int) *binary {
	h, w := boxH(b)+2*pad, boxW(b)+2*pad
	m := newBinary(w, h)
	inside := func(l int32) bool {
		if l == 0 {
			return false
		}
		c := p.comps[l-1].Box
		return c[0] >= b[0] && c[1] >= b[1] && c[2] <= b[2] && c[3] <= b[3]
	}
	for y := b[0]; y < b[2]; y++ {
		for x := b[1]; x < b[3]; x++ {
			i := y*p.Width + x
			if p.bin.pix[i] && inside(p.labels[i]) {
				m.pix[(y-b[0]+pad)*w+x-b[1]+pad] = true
			}
		}
	}
	return m
}

// strokeWidth returns 2·ink/edge for a mask: for a stroke of width w and
// length L, ink ≈ wL and edge ≈ 2L.
func strokeWidth(m *binary) float64 {
	var ink, edge int
	for y := 0; y < m.h; y++ {
		for x := 0; x < m.w; x++ {
			if !m.at(x, y) {
				continue
			}
			ink++
			if x == 0 || y == 0 || x == m.w-1 || y == m.h-1 ||
				!m.at(x-1, y) || !m.at(x+1, y) || !m.at(x, y-1) || !m.at(x, y+1) {
				edge++
			}
		}
	}
	if edge == 0 {
		return 0
	}
	return 2 * float64(ink) / float64(edge)
}

// cropLetterImage makes the 32x32 upright crop of box b (see Crops).
func cropLetterImage(p *Page, b [4]int) *mat.Dense {
	long := float64(max(boxH(b), boxW(b)))
	m0 := letterMask(p, b, 0)
	sw := strokeWidth(m0)
	r := 0
	for range 2 { // r changes k, which changes r: two rounds settle it
		k := cropLetter / (long + 2*float64(r))
		r = max(0, int(math.Round((cropStroke/k-sw)/2)))
	}
	m := dilateDisk(letterMask(p, b, r), r)
	side := (long + 2*float64(r)) * CropSide / cropLetter
	// Centre of the padded mask, in mask coordinates.
	cx, cy := float64(m.w)/2, float64(m.h)/2
	ink := resampleArea(m, cx-side/2, cy-side/2, side, CropSide)
	ink = gaussBlur(ink, CropSide, cropBlurSig)
	img := mat.NewDense(CropSide, CropSide, nil)
	for y := 0; y < CropSide; y++ {
		for x := 0; x < CropSide; x++ {
			img.Set(y, x, 1-ink[y*CropSide+x])
		}
	}
	return img
}

// resampleArea returns the n x n image (row by row) whose pixel is the mean of
// m over the square [x0 + side·j/n, x0 + side·(j+1)/n) x [y0 + side·i/n, …),
// pixels of m counting 1 for ink, with fractional overlaps weighted by area
// and everything outside m counting 0.
func resampleArea(m *binary, x0, y0, side float64, n int) []float64 {
	wx := areaWeights(x0, side, n, m.w)
	wy := areaWeights(y0, side, n, m.h)
	// tmp[y][j] = Σ_x m[y][x]·wx[j][x]
	tmp := make([]float64, m.h*n)
	for y := 0; y < m.h; y++ {
		for j := 0; j < n; j++ {
			var s float64
			for _, e := range wx[j] {
				if m.pix[y*m.w+e.i] {
					s += e.w
				}
			}
			tmp[y*n+j] = s
		}
	}
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for _, e := range wy[i] {
			for j := 0; j < n; j++ {
				out[i*n+j] += e.w * tmp[e.i*n+j]
			}
		}
	}
	return out
}

type weight struct {
	i int
	w float64
}

// areaWeights returns, for each of n output cells covering [x0 + s·j/n,
// x0 + s·(j+1)/n), the source pixels [i, i+1) ⊂ [0, size) it overlaps and the
// overlap length divided by the cell length s/n.
func areaWeights(x0, s float64, n, size int) [][]weight {
	cell := s / float64(n)
	out := make([][]weight, n)
	for j := 0; j < n; j++ {
		a := x0 + cell*float64(j)
		b := a + cell
		for i := max(int(math.Floor(a)), 0); i < min(int(math.Ceil(b)), size); i++ {
			ov := math.Min(b, float64(i+1)) - math.Max(a, float64(i))
			if ov > 0 {
				out[j] = append(out[j], weight{i, ov / cell})
			}
		}
	}
	return out
}

// gaussBlur returns the n x n image v blurred by a Gaussian of standard
// deviation sigma (pixels), truncated at 3σ, separable, with the kernel
// renormalised at the borders.
func gaussBlur(v []float64, n int, sigma float64) []float64 {
	if sigma <= 0 {
		return v
	}
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	for i := range k {
		d := float64(i - rad)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
	}
	pass := func(src []float64, horiz bool) []float64 {
		dst := make([]float64, len(src))
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				var s, ws float64
				for t := -rad; t <= rad; t++ {
					xx, yy := x, y
					if horiz {
						xx += t
					} else {
						yy += t
					}
					if xx < 0 || yy < 0 || xx >= n || yy >= n {
						continue
					}
					s += k[t+rad] * src[yy*n+xx]
					ws += k[t+rad]
				}
				dst[y*n+x] = s / ws
			}
		}
		return dst
	}
	return pass(pass(v, true), false)
}

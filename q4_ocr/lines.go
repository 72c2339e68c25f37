package ocr

import (
	"slices"
)

// lineOverlap is the least vertical overlap, as a fraction of the shorter
// box's height, for a box to continue a line.
const lineOverlap = 0.4

// GroupLines groups letter boxes [y1, x1, y2, x2] into text lines and returns
// the box indices of each line, each line left to right and the lines top to
// bottom. Boxes are visited left to right; a box joins the line whose last box
// overlaps it most vertically, if that overlap is at least 0.4 of the shorter
// height, and starts a new line otherwise. Comparing with the line's last box
// (not a fixed row band) follows lines that slant or curve slowly.
// See docs/q4_ocr.md#lines.
func GroupLines(boxes [][4]int) [][]int {
	order := make([]int, len(boxes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if boxes[a][1] != boxes[b][1] {
			return boxes[a][1] - boxes[b][1]
		}
		return boxes[a][0] - boxes[b][0]
	})
	var lines [][]int
	for _, i := range order {
		b := boxes[i]
		best, bestR := -1, lineOverlap
		for k, l := range lines {
			last := boxes[l[len(l)-1]]
			oy := overlap1(last[0], last[2], b[0], b[2])
			r := float64(oy) / float64(max(min(boxH(last), boxH(b)), 1))
			if r >= bestR {
				best, bestR = k, r
			}
		}
		if best < 0 {
			lines = append(lines, []int{i})
		} else {
			lines[best] = append(lines[best], i)
		}
	}
	centre := func(l []int) float64 {
		var s float64
		for _, i := range l {
			s += float64(boxes[i][0]+boxes[i][2]) / 2
		}
		return s / float64(len(l))
	}
	slices.SortStableFunc(lines, func(a, b []int) int {
		ca, cb := centre(a), centre(b)
		switch {
		case ca < cb:
			return -1
		case ca > cb:
			return 1
		}
		return 0
	})
	return lines
}

// Word-gap rule parameters, see Spaces.
const (
	spaceMinRatio = 2.5 // a photo has word gaps only if Otsu's two gap classes differ this much in mean
	spaceBins     = 512 // histogram bins for Otsu on normalised gaps
)

// Spaces decides which gaps between neighbouring letters are word breaks.
// The gap g between boxes k and k+1 of a line (x1 of k+1 minus x2 of k) is
// normalised by the line's median letter height h̃ (a font-size measure that,
// unlike widths, does not change between I and M): ĝ = g / h̃. Otsu's
// threshold t splits all normalised gaps of the photo into narrow and wide;
// the wide gaps are spaces when the classes are clearly apart, mean(wide) ≥
// 2.5·mean(narrow). Otherwise (letters evenly spaced, or one word per line)
// there are no spaces. The result holds, for each line, len(line)−1 flags:
// flag k says a space follows letter k. See docs/q4_ocr.md#spaces.
func Spaces(boxes [][4]int, lines [][]int) [][]bool {
	out := make([][]bool, len(lines))
	for li, l := range lines {
		out[li] = make([]bool, max(len(l)-1, 0))
	}
	norm, all := normalisedGaps(boxes, lines)
	t, ok := gapThreshold(all)
	if !ok {
		return out
	}
	for li := range lines {
		for k, g := range norm[li] {
			out[li][k] = g >= t
		}
	}
	return out
}

// normalisedGaps returns the gaps ĝ = g / h̃ of each line (Spaces) and all
// of them in one slice.
func normalisedGaps(boxes [][4]int, lines [][]int) (norm [][]float64, all []float64) {
	norm = make([][]float64, len(lines))
	for li, l := range lines {
		if len(l) < 2 {
			continue
		}
		lb := make([][4]int, len(l))
		for k, i := range l {
			lb[k] = boxes[i]
		}
		h := max(medianHeight(lb), 1)
		for k := 1; k < len(l); k++ {
			g := float64(boxes[l[k]][1]-boxes[l[k-1]][3]) / h
			norm[li] = append(norm[li], g)
			all = append(all, g)
		}
	}
	return norm, all
}

// gapThreshold returns Otsu's threshold of the normalised gaps and whether
// the two classes it makes are far enough apart to be letter and word gaps.
func gapThreshold(gaps []float64) (float64, bool) {
	if len(gaps) < 2 {
		return 0, false
	}
	lo, hi := slices.Min(gaps), slices.Max(gaps)
	if hi-lo < 1e-9 {
		return 0, false
	}
	hist := make([]float64, spaceBins)
	bin := func(g float64) int {
		return min(int((g-lo)/(hi-lo)*spaceBins), spaceBins-1)
	}
	for _, g := range gaps {
		hist[bin(g)]++
	}
	tb := Otsu(hist)
	t := lo + float64(tb)*(hi-lo)/spaceBins
	var s0, s1 float64
	var n0, n1 int
	for _, g := range gaps {
		if bin(g) < tb {
			s0 += g
			n0++
		} else {
			s1 += g
			n1++
		}
	}
	if n0 == 0 || n1 == 0 {
		return 0, false
	}
	m0, m1 := s0/float64(n0), s1/float64(n1)
	// Gaps may be ≤ 0 (touching or overlapping boxes), so the narrow class's
	// mean is floored at 0.05 h̃.
	return t, m1 >= spaceMinRatio*max(m0, 0.05)
}

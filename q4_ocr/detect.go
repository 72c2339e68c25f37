package ocr

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Detection parameters. Lengths are in working-resolution pixels or relative
// to the median letter height h̃ of the page; see docs/q4_ocr.md#find-letters.
const (
	workingSide   = 1000 // the working image's longer side is at least this
	bgCell        = 32   // block size of the background estimate
	bgQuantile    = 0.9  // paper brightness = this quantile of a block
	lowRatio      = 0.5  // hysteresis: keep pixels ≥ lowRatio·t joined to pixels ≥ t
	minArea       = 6    // components smaller than this are noise before statistics
	minSideRel    = 0.35 // drop components whose longer side < minSideRel·h̃ (dots, specks)
	maxSideRel    = 4.0  // drop components whose side > maxSideRel·h̃ (rules, shadow edges)
	containRel    = 0.7  // merge a box whose area overlaps another's by this fraction
	stackOverlap  = 0.6  // merge vertically stacked pieces overlapping by this fraction of the narrower width
	stackGapRel   = 0.5  // … separated by at most this many h̃ vertically
	sideGapRel    = 0.4  // merge side-by-side pieces at most this fraction of the median letter gap apart (or overlapping) …
	sideOverlap   = 0.5  // … overlapping vertically by this fraction of the shorter one …
	sideWidthRel  = 1.1  // … whose union is at most this many times as wide as it is high
	strokeRel     = 0.3  // a box narrower than this many h̃ is a stroke: two strokes …
	strokeGapRel  = 0.15 // … at most this many h̃ apart vertically and between centres horizontally are one
	pieceRel      = 0.5  // a piece lower than this many h̃ (a detached bar or arm) …
	pieceMinRel   = 0.4  // … whose longer side is at least this many h̃ …
	pieceElong    = 2.0  // … and this many times its shorter side (a stroke, not a dot) …
	pieceNearRel  = 0.1  // … joins the nearest box at most this many h̃ away horizontally …
	pieceGapRel   = 0.3  // … and this many h̃ vertically
	closingRadius = 1    // closing radius joining broken strokes before labelling
)

// Page is what FindLetters finds on a photo.
type Page struct {
	// Boxes are the letters' boxes [y1, x1, y2, x2] in the original image's
	// pixel coordinates (after EXIF orientation), half-open: the letter covers
	// rows y1 ≤ y < y2 and columns x1 ≤ x < x2.
	Boxes [][4]int
	// Work are the same boxes in the working image (BW, Ink).
	Work [][4]int
	// BW is the black-and-white working image: 0 = ink, 1 = background.
	BW *mat.Dense
	// Ink is the working image's ink strength 1 − L/B in [0, 1] (L lightness,
	// B estimated paper brightness), row by row.
	Ink []float32
	// Scale is the downscale factor: working pixel (x, y) covers original
	// pixels [Scale·x, Scale·x+Scale) x [Scale·y, Scale·y+Scale).
	Scale int
	// Threshold is Otsu's threshold t on the ink strength.
	Threshold float64
	// Width and Height are the working image's size; OrigWidth and OrigHeight
	// the original's.
	Width, Height, OrigWidth, OrigHeight int

	bin    *binary     // hysteresis ink mask
	labels []int32     // component label of each pixel of the closed mask (0 = none)
	comps  []Component // the components, label k+1 = comps[k]
}

// FindLetters returns the boxes [y1, x1, y2, x2] of the letters of img in
// img's coordinates (half-open, see Page.Boxes) and the black-and-white image
// (working resolution, 0 = ink, 1 = background). See Detect.
func FindLetters(img image.Image) ([][4]int, *mat.Dense, error) {
	p, err := Detect(img)
	if err != nil {
		return nil, nil, err
	}
	return p.Boxes, p.BW, nil
}

// Detect finds the letters of img:
//
//  1. downscale by an integer factor f to a working image whose longer side
//     is at least 1000 px, with lightness L = min(R, G, B) so blue ink is dark;
//  2. divide by the paper brightness B (a blockwise quantile, smoothed) to get
//     the ink strength s = 1 − L/B, flat under uneven light and shadows;
//  3. threshold with Otsu's t and hysteresis (pixels s ≥ t/2 joined to s ≥ t);
//  4. close with a 3x3 square to join broken strokes and label the
//     8-connected components;
//  5. merge the pieces of one letter (boxes contained in others, vertically
//     stacked pieces, side-by-side pieces and detached bars; see mergeBoxes
//     and attachPieces), then drop specks and dots (longer side < 0.35 h̃, h̃
//     the median height) and rules or shadow edges (a side > 4 h̃).
//
//recog:starter Q4.2
func Detect(img image.Image) (*Page, error) {
	if img == nil {
		return nil, errors.New("ocr: nil image")
	}
	b := img.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 {
		return nil, errors.New("ocr: empty image")
	}
	f := workingFactor(b.Dx(), b.Dy(), workingSide)
	light := lightness(img, f)
	if light.w == 0 || light.h == 0 {
		return nil, fmt.Errorf("%w: the image is %d x %d pixels, too thin to hold letters (its shorter side is under %d px)",
			ErrNoLetters, b.Dx(), b.Dy(), f)
	}
	bg := background(light, bgCell, bgQuantile)
	ink := light // reuse the buffer
	for i, l := range light.pix {
		r := l / max(bg.pix[i], 1)
		ink.pix[i] = min(max(1-r, 0), 1)
	}
	t := otsuValue(ink.pix)
	page := &Page{Ink: ink.pix, Scale: f, Threshold: float64(t), Width: ink.w, Height: ink.h,
		OrigWidth: b.Dx(), OrigHeight: b.Dy()}
	var bin *binary
	if inkContrast(ink.pix, t) {
		bin = hysteresis(ink, t, lowRatio*t)
	} else {
		bin = newBinary(ink.w, ink.h) // a blank page: no ink at all
	}
	page.bin = bin
	page.labels, page.comps = labelComponents(closing(bin, closingRadius))
	page.Work = filterBoxes(page.comps)
	page.Boxes = make([][4]int, len(page.Work))
	for i, w := range page.Work {
		page.Boxes[i] = [4]int{
			min(w[0]*f, b.Dy()) + b.Min.Y, min(w[1]*f, b.Dx()) + b.Min.X,
			min(w[2]*f, b.Dy()) + b.Min.Y, min(w[3]*f, b.Dx()) + b.Min.X,
		}
	}
	page.BW = mat.NewDense(ink.h, ink.w, nil)
	raw := page.BW.RawMatrix().Data
	for i, v := range bin.pix {
		if !v {
			raw[i] = 1
		}
	}
	return page, nil
}

// The rule telling ink from paper noise (inkContrast).
const (
	minInkContrast = 0.15 // Otsu thresholds from here up always split ink from paper
	minFaintGap    = 0.05 // below: the ink class at least this much darker than the paper class …
	minFaintSep    = 8    // … and this many standard deviations of the paper class
)

// inkContrast reports whether the page has ink at all: Otsu's threshold t
// always splits a histogram, so on a blank page it splits paper noise. Ink
// is accepted when t ≥ 0.15 (ink 15% darker than the paper or more splits
// there). Below, it is faint ink (a light pencil, a semi-transparent layer
// composited on white) when the classes t splits are far apart for the
// paper's own noise: the mean strength of the ink class (s ≥ t) is at least
// 0.05 above the paper class's (s < t) and at least 8 of the paper class's
// standard deviations above it. Crops of blank paper of the sample photos
// and test pages stay blank (TestBlankPaperStaysBlank).
func inkContrast(s []float32, t float32) bool {
	if t >= minInkContrast {
		return true
	}
	var n0, n1 int
	var s0, q0, s1 float64
	for _, v := range s {
		if v < t {
			n0, s0, q0 = n0+1, s0+float64(v), q0+float64(v)*float64(v)
		} else {
			n1, s1 = n1+1, s1+float64(v)
		}
	}
	if n0 == 0 || n1 == 0 {
		return false
	}
	m0, m1 := s0/float64(n0), s1/float64(n1)
	sd0 := math.Sqrt(max(q0/float64(n0)-m0*m0, 0))
	return m1-m0 >= minFaintGap && m1-m0 >= minFaintSep*sd0
}

// hysteresis keeps the pixels ≥ low that are 8-connected to a pixel ≥ high.
func hysteresis(p *plane, high, low float32) *binary {
	weak := newBinary(p.w, p.h)
	for i, v := range p.pix {
		weak.pix[i] = v >= low
	}
	labels, comps := labelComponents(weak)
	keep := make([]bool, len(comps)+1)
	for i, v := range p.pix {
		if v >= high {
			keep[labels[i]] = true
		}
	}
	out := newBinary(p.w, p.h)
	for i, l := range labels {
		out.pix[i] = l > 0 && keep[l]
	}
	return out
}

func boxH(b [4]int) int { return b[2] - b[0] }
func boxW(b [4]int) int { return b[3] - b[1] }

func union4(a, b [4]int) [4]int {
	return [4]int{min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])}
}

// overlap1 returns the length of the overlap of [a0, a1) and [b0, b1) (negative: the gap).
func overlap1(a0, a1, b0, b1 int) int { return min(a1, b1) - max(a0, b0) }

// medianHeight returns the median box height (0 for no boxes).
func medianHeight(boxes [][4]int) float64 {
	if len(boxes) == 0 {
		return 0
	}
	hs := make([]int, len(boxes))
	for i, b := range boxes {
		hs[i] = boxH(b)
	}
	slices.Sort(hs)
	n := len(hs)
	if n%2 == 1 {
		return float64(hs[n/2])
	}
	return float64(hs[n/2-1]+hs[n/2]) / 2
}

// filterBoxes turns components into letter boxes (step 5 of Detect), sorted
// by (y1, x1).
func filterBoxes(comps []Component) [][4]int {
	var boxes [][4]int
	for _, c := range comps {
		if c.Area >= minArea {
			boxes = append(boxes, c.Box)
		}
	}
	// Merge first (a letter's pieces and holes), then judge sizes. A bar
	// attached to one piece may make it a side-by-side neighbour of another
	// (the stems and crossbar of an H), so the merge runs again after it.
	hm0 := medianHeight(boxes)
	side := sideGapRel * letterGap(boxes, hm0)
	boxes = mergeBoxes(boxes, hm0, side)
	n := len(boxes)
	boxes = attachPieces(boxes, hm0)
	if len(boxes) < n {
		boxes = mergeBoxes(boxes, hm0, side)
	}
	hm := medianHeight(boxes)
	out := boxes[:0]
	for _, b := range boxes {
		long := float64(max(boxH(b), boxW(b)))
		if long < minSideRel*hm || float64(boxH(b)) > maxSideRel*hm || float64(boxW(b)) > maxSideRel*hm {
			continue
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b [4]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return out
}

// letterGap returns the median gap g̃ between letters: for each box at
// least 0.5 h̃ high, the horizontal gap to the nearest box to its right on
// the same row (vertical overlap ≥ half the shorter height), counting only
// gaps below h̃ (letters within words). It is 0 when there are none.
func letterGap(boxes [][4]int, hm float64) float64 {
	low := func(b [4]int) bool { return float64(boxH(b)) < pieceRel*hm }
	var gaps []int
	for _, a := range boxes {
		if low(a) {
			continue
		}
		g, found := 0, false
		for _, b := range boxes {
			if b[1] <= a[1] || low(b) || 2*overlap1(a[0], a[2], b[0], b[2]) < min(boxH(a), boxH(b)) {
				continue
			}
			if d := b[1] - a[3]; !found || d < g {
				g, found = d, true
			}
		}
		if found && float64(g) < hm {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	slices.Sort(gaps)
	n := len(gaps)
	return float64(gaps[(n-1)/2]+gaps[n/2]) / 2
}

// mergeBoxes repeatedly merges two boxes that are pieces of one letter (see
// shouldMerge; side is the largest gap between side-by-side pieces) until no
// pair merges.
func mergeBoxes(boxes [][4]int, hm, side float64) [][4]int {
	boxes = slices.Clone(boxes)
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(boxes); i++ {
			for j := i + 1; j < len(boxes); j++ {
				if shouldMerge(boxes[i], boxes[j], hm, side) {
					boxes[i] = union4(boxes[i], boxes[j])
					boxes = slices.Delete(boxes, j, j+1)
					merged = true
					j = i
				}
			}
		}
	}
	return boxes
}

// shouldMerge reports whether boxes a and b are pieces of one letter (hm is
// the median box height h̃):
//
//   - contained: one lies mostly inside the other (overlap area ≥ 0.7 of the
//     smaller box: holes, inner strokes);
//   - stacked: horizontal overlap ≥ 0.6 of the narrower width and vertical gap
//     ≤ 0.5 h̃ (the bar of a T above its stem);
//   - a broken stroke: both narrower than 0.3 h̃, one above the other with a
//     vertical gap ≤ 0.15 h̃ and their centres ≤ 0.15 h̃ apart horizontally
//     (a thin slanted I broken across, whose pieces barely overlap in x);
//   - side by side: both at least 0.5 h̃ high, horizontal gap ≤ side
//     (overlapping counts as a negative gap), vertical overlap ≥ 0.5 of the
//     shorter height, and the union no wider than 1.1 times its height (the
//     two strokes of a K or a U written apart, an N whose diagonal broke).
//     side is 0.4 of the page's median gap between letters (letterGap):
//     pieces of one letter are closer together than the writer's letters
//     are, and two neighbouring letters make a box wider than high unless one
//     of them is narrow (I, 1), which the gap tells apart.
func shouldMerge(a, b [4]int, hm, side float64) bool {
	ox := overlap1(a[1], a[3], b[1], b[3])
	oy := overlap1(a[0], a[2], b[0], b[2])
	if ox > 0 && oy > 0 && float64(ox*oy) >= containRel*float64(min(boxH(a)*boxW(a), boxH(b)*boxW(b))) {
		return true
	}
	if ox > 0 && float64(ox) >= stackOverlap*float64(min(boxW(a), boxW(b))) && float64(-oy) <= stackGapRel*hm {
		return true
	}
	if float64(max(boxW(a), boxW(b))) < strokeRel*hm && float64(-oy) <= strokeGapRel*hm &&
		math.Abs(float64(a[1]+a[3]-b[1]-b[3]))/2 <= strokeGapRel*hm {
		return true
	}
	u := union4(a, b)
	return float64(-ox) <= side && float64(min(boxH(a), boxH(b))) >= pieceRel*hm &&
		float64(oy) >= sideOverlap*float64(min(boxH(a), boxH(b))) &&
		float64(boxW(u)) <= sideWidthRel*float64(boxH(u))
}

// attachPieces merges each detached bar or arm into the box it belongs to. A
// piece is a box lower than 0.5 h̃ (a capital or digit is never that low)
// whose longer side is at least 0.4 h̃ and twice its shorter side (a
// stroke, not a dot such as the period after a list number); it joins the
// nearest box, by the sum of the horizontal and vertical gaps between the
// boxes (0 when they overlap), among the boxes at most 0.1 h̃ away
// horizontally and 0.3 h̃ vertically, full-height boxes before other pieces
// (the bar of a 5 or an E's arm written apart, the crossbar of a G). A piece
// with no box near it stays as it is.
func attachPieces(boxes [][4]int, hm float64) [][4]int {
	boxes = slices.Clone(boxes)
	isPiece := func(b [4]int) bool {
		long, short := float64(max(boxH(b), boxW(b))), float64(min(boxH(b), boxW(b)))
		return float64(boxH(b)) < pieceRel*hm && long >= pieceMinRel*hm && long >= pieceElong*short
	}
	for i := 0; i < len(boxes); {
		p := boxes[i]
		if !isPiece(p) {
			i++
			continue
		}
		best, bestD, bestFull := -1, 0, false
		for j, q := range boxes {
			if j == i {
				continue
			}
			gx := -overlap1(p[1], p[3], q[1], q[3])
			gy := -overlap1(p[0], p[2], q[0], q[2])
			if float64(gx) > pieceNearRel*hm || float64(gy) > pieceGapRel*hm {
				continue
			}
			d, full := max(gx, 0)+max(gy, 0), !isPiece(q)
			if best < 0 || (full && !bestFull) || (full == bestFull && d < bestD) {
				best, bestD, bestFull = j, d, full
			}
		}
		if best < 0 {
			i++
			continue
		}
		boxes[best] = union4(boxes[best], p)
		boxes = slices.Delete(boxes, i, i+1)
		i = 0 // the grown box may now reach other pieces
	}
	return boxes
}

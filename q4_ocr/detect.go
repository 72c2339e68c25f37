package ocr

import (
	"errors"
	"image"
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
//  5. drop specks and dots (longer side < 0.35 h̃, h̃ the median height) and
//     rules or shadow edges (a side > 4 h̃), merge boxes contained in others and
//     vertically stacked pieces of one letter.
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
		return nil, errors.New("ocr: image smaller than the working scale")
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
	if inkContrast(t) {
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

// inkContrast reports whether the page has ink at all: Otsu's threshold
// always splits a histogram, so on a blank page it splits paper noise. Ink is
// accepted when the threshold is at least 0.15 (15% darker than the paper).
func inkContrast(t float32) bool {
	return t >= 0.15
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
	// Merge first (a letter's pieces and holes), then judge sizes.
	boxes = mergeBoxes(boxes, medianHeight(boxes))
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

// mergeBoxes repeatedly merges two boxes when one lies mostly inside the other
// (overlap area ≥ containRel of the smaller box) or when they are stacked
// pieces of one letter (horizontal overlap ≥ stackOverlap of the narrower
// width and vertical gap ≤ stackGapRel·hm), until no pair merges.
func mergeBoxes(boxes [][4]int, hm float64) [][4]int {
	boxes = slices.Clone(boxes)
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(boxes); i++ {
			for j := i + 1; j < len(boxes); j++ {
				if shouldMerge(boxes[i], boxes[j], hm) {
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

func shouldMerge(a, b [4]int, hm float64) bool {
	ox := overlap1(a[1], a[3], b[1], b[3])
	oy := overlap1(a[0], a[2], b[0], b[2])
	if ox <= 0 && oy <= 0 {
		return false
	}
	small := min(boxH(a)*boxW(a), boxH(b)*boxW(b))
	if ox > 0 && oy > 0 && float64(ox*oy) >= containRel*float64(small) {
		return true
	}
	narrow := min(boxW(a), boxW(b))
	return float64(ox) >= stackOverlap*float64(narrow) && float64(-oy) <= stackGapRel*hm
}

package ocr

import (
	"image"

	"github.com/disintegration/imaging"

	"recog/internal/viz"
)

// Overlay returns img with each letter box of r outlined in its line's colour
// (viz.Colour(line)) and its recognised character written above it
// (viz.DrawBoxes).
func Overlay(img image.Image, r *Result) *image.RGBA {
	return overlayScaled(img, r, 1)
}

// OverlayMax is Overlay on img shrunk so that its longer side is at most
// maxSide pixels (area-averaged, imaging.Box): the shrink factor is
// k = min(1, maxSide / longer side), and a box [y1, x1, y2, x2] is drawn at
// [⌊k·y1⌋, ⌊k·x1⌋, ⌈k·y2⌉, ⌈k·x2⌉]. maxSide ≤ 0 means no shrinking.
// A 12-megapixel photo's overlay at full size is a 48 MB image and a
// multi-megabyte PNG; at 2000 px it is an eighth of that.
func OverlayMax(img image.Image, r *Result, maxSide int) *image.RGBA {
	b := img.Bounds()
	long := max(b.Dx(), b.Dy())
	if maxSide <= 0 || long <= maxSide {
		return Overlay(img, r)
	}
	k := float64(maxSide) / float64(long)
	w, h := max(1, int(float64(b.Dx())*k+0.5)), max(1, int(float64(b.Dy())*k+0.5))
	small := imaging.Resize(img, w, h, imaging.Box)
	// Boxes are in img's coordinates; move them to small's origin first.
	shifted := &Result{}
	for _, l := range r.Lines {
		sl := Line{Chars: l.Chars}
		for _, bx := range l.Boxes {
			sl.Boxes = append(sl.Boxes, [4]int{bx[0] - b.Min.Y, bx[1] - b.Min.X, bx[2] - b.Min.Y, bx[3] - b.Min.X})
		}
		shifted.Lines = append(shifted.Lines, sl)
	}
	return overlayScaled(small, shifted, k)
}

// overlayScaled draws r's boxes multiplied by k (see OverlayMax) on img.
func overlayScaled(img image.Image, r *Result, k float64) *image.RGBA {
	var boxes []viz.Box
	off := img.Bounds().Min
	lo := func(v int) int { return int(float64(v) * k) }
	hi := func(v int) int {
		f := float64(v) * k
		if i := int(f); float64(i) < f {
			return i + 1
		}
		return int(f)
	}
	for li, l := range r.Lines {
		for j, b := range l.Boxes {
			label := ""
			if j < len(l.Chars) {
				label = l.Chars[j]
			}
			if k == 1 {
				boxes = append(boxes, viz.Box{Y1: b[0] - off.Y, X1: b[1] - off.X, Y2: b[2] - off.Y, X2: b[3] - off.X, Line: li, Label: label})
				continue
			}
			boxes = append(boxes, viz.Box{Y1: lo(b[0]), X1: lo(b[1]), Y2: hi(b[2]), X2: hi(b[3]), Line: li, Label: label})
		}
	}
	return viz.DrawBoxes(img, boxes)
}

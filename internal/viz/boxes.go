package viz

import (
	"image"
	"image/color"
	"image/draw"
)

// Box is a rectangle on an image in pixel coordinates: rows Y1 ≤ y < Y2 and
// columns X1 ≤ x < X2 (as skimage's regionprops bbox, (minr, minc, maxr,
// maxc)). Line picks the colour, Colour(Line), so boxes of one text line
// share it; Label, if not empty, is written above the box.
type Box struct {
	Y1, X1, Y2, X2 int
	Line           int
	Label          string
}

// BoxStyle returns the line thickness and the text scale DrawBoxes uses on an
// image whose shorter side is s pixels: thickness max(1, round(s/400)) and
// text scale max(1, round(s/320)) (the font is 7 × 13 pixels at scale 1).
// A 4000 × 3000 photo gets 8-pixel lines and 117-pixel-tall labels.
func BoxStyle(s int) (thickness, textScale int) {
	return max(1, (s+200)/400), max(1, (s+160)/320)
}

// DrawBoxes returns a copy of img (as RGBA, bounds moved to start at (0, 0))
// with each box outlined just outside its pixels in Colour(box.Line), lines
// BoxStyle thick, and its label written on a tab of the same colour (white
// text, black on light colours) above the box, or below it when there is no
// room above. Parts of boxes outside the image are clipped; reversed corners
// are swapped.
func DrawBoxes(img image.Image, boxes []Box) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	t, ts := BoxStyle(min(b.Dx(), b.Dy()))
	// Outlines first, then labels, so no outline crosses a label.
	for _, bx := range boxes {
		r := image.Rect(bx.X1, bx.Y1, bx.X2, bx.Y2) // canonicalises reversed corners
		col := &image.Uniform{C: Colour(bx.Line)}
		outer := r.Inset(-t)
		for _, side := range []image.Rectangle{
			image.Rect(outer.Min.X, outer.Min.Y, outer.Max.X, r.Min.Y), // top
			image.Rect(outer.Min.X, r.Max.Y, outer.Max.X, outer.Max.Y), // bottom
			image.Rect(outer.Min.X, r.Min.Y, r.Min.X, r.Max.Y),         // left
			image.Rect(r.Max.X, r.Min.Y, outer.Max.X, r.Max.Y),         // right
		} {
			draw.Draw(out, side, col, image.Point{}, draw.Src)
		}
	}
	for _, bx := range boxes {
		if bx.Label == "" {
			continue
		}
		r := image.Rect(bx.X1, bx.Y1, bx.X2, bx.Y2).Inset(-t)
		tw, th := textSize(bx.Label, ts)
		pad := ts
		tab := image.Rect(r.Min.X, r.Min.Y-th-2*pad, r.Min.X+tw+2*pad, r.Min.Y)
		if tab.Min.Y < 0 {
			tab = tab.Add(image.Pt(0, r.Dy()+th+2*pad))
		}
		c := Colour(bx.Line)
		draw.Draw(out, tab, &image.Uniform{C: c}, image.Point{}, draw.Src)
		drawText(out, tab.Min.X+pad, tab.Min.Y+pad, bx.Label, ts, inkOn(c))
	}
	return out
}

// inkOn returns the text colour readable on background c: black when c's luma
// 0.299 R + 0.587 G + 0.114 B exceeds 150 (of 255), else white.
func inkOn(c color.RGBA) color.Color {
	if 299*int(c.R)+587*int(c.G)+114*int(c.B) > 150*1000 {
		return color.Black
	}
	return color.White
}

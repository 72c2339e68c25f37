package ocr

import (
	"image"

	"recog/internal/viz"
)

// Overlay returns img with each letter box of r outlined in its line's colour
// (viz.Colour(line)) and its recognised character written above it
// (viz.DrawBoxes).
func Overlay(img image.Image, r *Result) *image.RGBA {
	var boxes []viz.Box
	off := img.Bounds().Min
	for li, l := range r.Lines {
		for k, b := range l.Boxes {
			label := ""
			if k < len(l.Chars) {
				label = l.Chars[k]
			}
			boxes = append(boxes, viz.Box{Y1: b[0] - off.Y, X1: b[1] - off.X, Y2: b[2] - off.Y, X2: b[3] - off.X, Line: li, Label: label})
		}
	}
	return viz.DrawBoxes(img, boxes)
}

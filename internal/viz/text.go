package viz

import (
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Bitmap text for images (grids, boxes on photos): basicfont's 7 × 13 pixel
// face, enlarged by pixel replication so it stays crisp at any scale.
const (
	glyphW = 7  // advance of every basicfont.Face7x13 glyph, in pixels
	glyphH = 13 // line height of basicfont.Face7x13, in pixels
)

// textSize returns the size in pixels of s drawn at the given scale.
func textSize(s string, scale int) (w, h int) {
	return len([]rune(s)) * glyphW * scale, glyphH * scale
}

// drawText draws s with its top-left corner at (x, y) in dst, each font pixel
// becoming a scale × scale block of colour col; pixels outside dst's bounds
// are skipped. Characters basicfont lacks are drawn as its replacement box.
func drawText(dst draw.Image, x, y int, s string, scale int, col color.Color) {
	if s == "" || scale < 1 {
		return
	}
	w, _ := textSize(s, 1)
	mask := image.NewAlpha(image.Rect(0, 0, w, glyphH))
	d := font.Drawer{
		Dst:  mask,
		Src:  image.Opaque,
		Face: basicfont.Face7x13,
		Dot:  fixed.P(0, basicfont.Face7x13.Ascent),
	}
	d.DrawString(s)
	b := dst.Bounds()
	for my := range glyphH {
		for mx := range w {
			if mask.AlphaAt(mx, my).A < 128 {
				continue
			}
			r := image.Rect(x+mx*scale, y+my*scale, x+(mx+1)*scale, y+(my+1)*scale).Intersect(b)
			for py := r.Min.Y; py < r.Max.Y; py++ {
				for px := r.Min.X; px < r.Max.X; px++ {
					dst.Set(px, py, col)
				}
			}
		}
	}
}

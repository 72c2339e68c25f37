package viz

import "image/color"

// tab10 is the ten-colour qualitative palette of matplotlib's "tab10"
// (Tableau 10): distinct hues that stay distinct on white paper and on photos.
var tab10 = [...]color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

// Colour returns the i-th colour of the package's qualitative palette
// (matplotlib's tab10), wrapping around after 10 colours; negative i count
// from the end. Curves, per-line boxes and the like use Colour(0), Colour(1), ...
// so that callers can give related series the same colour.
func Colour(i int) color.RGBA {
	n := len(tab10)
	return tab10[((i%n)+n)%n]
}

// blues9 is ColorBrewer's sequential "Blues" scheme with 9 classes, from
// nearly white to dark blue.
var blues9 = [...]color.RGBA{
	{0xf7, 0xfb, 0xff, 0xff},
	{0xde, 0xeb, 0xf7, 0xff},
	{0xc6, 0xdb, 0xef, 0xff},
	{0x9e, 0xca, 0xe1, 0xff},
	{0x6b, 0xae, 0xd6, 0xff},
	{0x42, 0x92, 0xc6, 0xff},
	{0x21, 0x71, 0xb5, 0xff},
	{0x08, 0x51, 0x9c, 0xff},
	{0x08, 0x30, 0x6b, 0xff},
}

// blues returns the colour at t ∈ [0, 1] of the Blues scheme, linearly
// interpolated between its 9 classes in sRGB; t is clipped to [0, 1].
func blues(t float64) color.RGBA {
	if !(t > 0) { // also NaN
		t = 0
	}
	if t > 1 {
		t = 1
	}
	f := t * float64(len(blues9)-1)
	i := int(f)
	if i >= len(blues9)-1 {
		return blues9[len(blues9)-1]
	}
	u := f - float64(i)
	a, b := blues9[i], blues9[i+1]
	mix := func(x, y uint8) uint8 { return uint8(float64(x) + u*(float64(y)-float64(x)) + 0.5) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// bluesPalette is the Blues scheme sampled at n evenly spaced points; it
// implements palette.Palette.
type bluesPalette int

// Colors returns the n colours blues(k/(n-1)), k = 0..n-1.
func (p bluesPalette) Colors() []color.Color {
	n := int(p)
	cs := make([]color.Color, n)
	for k := range cs {
		cs[k] = blues(float64(k) / float64(n-1))
	}
	return cs
}

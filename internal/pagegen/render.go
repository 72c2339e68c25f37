package pagegen

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/disintegration/imaging"
)

// A hand writes characters: it returns the glyph of r and, for EMNIST, the
// test index of the image used (−1 for a font).
type hand interface {
	letter(r rune) (glyph, int, error)
}

func (h *fontHand) letter(r rune) (glyph, int, error) {
	g, err := h.glyph(r)
	return g, -1, err
}

func (p *emnistPool) letter(r rune) (glyph, int, error) { return p.take(string(r)) }

// Style is the look of one page, drawn from the page's random stream by
// drawStyle; the manifest records it.
type Style struct {
	Width       int      `json:"width"`
	Height      int      `json:"height"`
	LetterPx    float64  `json:"letter_height_px"` // h: the height of a capital
	LetterGap   float64  `json:"letter_gap"`       // mean gap between letters, in h
	WordGap     float64  `json:"word_gap"`         // mean gap between words, in h
	LinePitch   float64  `json:"line_pitch"`       // baseline to baseline, in h
	SlopeDeg    float64  `json:"slope_deg"`        // the lines' mean slope (positive: down to the right)
	Slant       float64  `json:"slant"`            // shear x += slant·(height above the baseline)
	Ink         [3]int   `json:"ink_rgb"`
	InkOpacity  float64  `json:"ink_opacity"`
	PenBlur     float64  `json:"pen_blur_px"` // stroke width: the coverage is blurred by this σ …
	PenLevel    float64  `json:"pen_level"`   // … and cut at this level (low: thick strokes)
	Paper       [3]int   `json:"paper_rgb"`
	Texture     float64  `json:"paper_texture"`         // relative amplitude of the paper's blotches
	LightDeg    float64  `json:"light_direction_deg"`   // direction in which the page gets darker
	LightDepth  float64  `json:"light_depth"`           // the far side is this much darker (fraction)
	Vignette    float64  `json:"vignette"`              // the photo's corners are this much darker
	Corners     [4]Point `json:"photo_corners_on_page"` // where the photo's corners TL, TR, BR, BL lie on the page
	Blur        float64  `json:"blur_px"`               // camera blur σ
	Noise       float64  `json:"noise"`                 // sensor noise σ, grey levels
	JPEGQuality int      `json:"jpeg_quality"`
}

// Page geometry and jitter, in letter heights h unless stated.
const (
	marginFrac  = 0.12 // the text stays this fraction of the page inside each edge
	maxLetterFr = 0.09 // h ≤ this fraction of the page's shorter side
	minLetterPx = 30   // pages whose text needs smaller letters are refused
	sizeJitter  = 0.06 // σ of a letter's relative size
	riseJitter  = 0.04 // σ of a letter's baseline offset
	turnJitter  = 3.0  // σ of a letter's rotation, degrees
	lineSlopeSD = 0.8  // σ of a line's slope around the page's, degrees
	wobble      = 0.05 // amplitude of the baseline's slow wave
	fillFrac    = 0.6  // short texts spread their lines to fill this fraction of the height …
	maxPitch    = 3.5  // … up to this line pitch
)

var inks = []struct {
	rgb     [3]int
	opacity float64
}{
	{[3]int{25, 45, 140}, 0.95}, // blue ballpoint
	{[3]int{30, 30, 35}, 0.95},  // black felt-tip
	{[3]int{20, 30, 75}, 0.95},  // blue-black
	{[3]int{85, 85, 90}, 0.75},  // pencil
	{[3]int{150, 30, 40}, 0.95}, // red
	{[3]int{25, 90, 55}, 0.95},  // green
}

var papers = [][3]int{
	{246, 245, 240}, // white
	{243, 237, 220}, // cream
	{226, 231, 236}, // grey-blue, as under a cool lamp
	{250, 242, 180}, // yellow sticky note
	{236, 236, 232}, // recycled grey
}

// uniform returns a number drawn uniformly from [lo, hi).
func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// normal returns a normal number of standard deviation sd, clipped to ±2.5 sd.
func normal(rng *rand.Rand, sd float64) float64 {
	return sd * min(max(rng.NormFloat64(), -2.5), 2.5)
}

// drawStyle draws a page's style (everything but the letter height, which
// the layout decides). Drawn values are rounded (to 0.001, corners to 0.01 px)
// so that the manifest records exactly what was used.
func drawStyle(rng *rand.Rand, portrait bool) Style {
	u := func(lo, hi float64) float64 { return math.Round(uniform(rng, lo, hi)*1000) / 1000 }
	w, h := 1600, 1200
	if portrait {
		w, h = 1200, 1600
	}
	s := Style{Width: w, Height: h}
	ink := inks[rng.IntN(len(inks))]
	s.Ink, s.InkOpacity = ink.rgb, ink.opacity
	s.Paper = papers[rng.IntN(len(papers))]
	s.LetterGap = u(0.12, 0.3)
	s.WordGap = u(1.0, 1.5)
	s.LinePitch = u(2.0, 2.8)
	s.SlopeDeg = u(-2.5, 2.5)
	s.Slant = u(-0.12, 0.2)
	s.PenBlur = u(0.8, 2.0)
	s.PenLevel = u(0.2, 0.55)
	s.Texture = u(0.01, 0.03)
	s.LightDeg = u(0, 360)
	s.LightDepth = u(0.1, 0.45)
	s.Vignette = u(0.05, 0.3)
	s.Blur = u(0.6, 1.6)
	s.Noise = u(0.8, 2.4)
	s.JPEGQuality = 55 + rng.IntN(31)
	// The camera: the photo's corners lie inside the page, each moved in by
	// a base inset, a tilt (top narrower than bottom, or one side narrower
	// than the other) and a jitter; the quadrilateral is then turned a little.
	tiltV, tiltH := u(-0.05, 0.05), u(-0.04, 0.04)
	in := func(t float64) float64 { return 0.03 + max(t, 0) + u(0, 0.015) }
	fw, fh := float64(w), float64(h)
	c := [4]Point{
		{fw * in(tiltV), fh * in(tiltH)},               // top left
		{fw * (1 - in(tiltV)), fh * in(-tiltH)},        // top right
		{fw * (1 - in(-tiltV)), fh * (1 - in(-tiltH))}, // bottom right
		{fw * in(-tiltV), fh * (1 - in(tiltH))},        // bottom left
	}
	turn := u(-1.5, 1.5) * math.Pi / 180
	r2 := func(v float64) float64 { return math.Round(v*100) / 100 }
	for i := range c {
		dx, dy := c[i].X-fw/2, c[i].Y-fh/2
		c[i] = Point{r2(fw/2 + dx*math.Cos(turn) - dy*math.Sin(turn)), r2(fh/2 + dx*math.Sin(turn) + dy*math.Cos(turn))}
	}
	s.Corners = c
	return s
}

// placed is a letter on the page: its glyph and the map from glyph units to
// page pixels.
type placed struct {
	g    glyph
	m    affine
	line int
}

// layout writes the page's lines with the hands, in letter-height units
// first and then scaled to pixels: each letter gets a size, a baseline offset
// and a rotation of its own, follows its line's sloping, slowly waving
// baseline and starts a gap after the previous letter's ink. It sets
// s.LetterPx and returns the letters and, per line, the EMNIST test indices
// used (nil for a font line).
func layout(spec Spec, hands []hand, s *Style, rng *rand.Rand) ([]placed, [][]int, error) {
	type unitLetter struct {
		g    glyph
		m    affine // glyph units → letter-height units
		line int
	}
	var letters []unitLetter
	indices := make([][]int, len(spec.Lines))
	var maxW float64
	y := 0.0
	var top, bottom float64
	for li, line := range spec.Lines {
		h := hands[li%len(hands)]
		slope := (s.SlopeDeg + normal(rng, lineSlopeSD)) * math.Pi / 180
		phase, period := uniform(rng, 0, 2*math.Pi), uniform(rng, 6, 14)
		x := uniform(rng, 0, 0.5) // indent
		if li > 0 {
			y += s.LinePitch * (1 + normal(rng, 0.04))
		}
		base := func(x float64) float64 {
			return y + math.Tan(slope)*x + wobble*math.Sin(2*math.Pi*x/period+phase)
		}
		first := true
		for _, r := range line {
			if r == ' ' {
				x += s.WordGap*(1+normal(rng, 0.1)) - s.LetterGap
				continue
			}
			g, idx, err := h.letter(r)
			if err != nil {
				return nil, nil, fmt.Errorf("page %s line %d: %w", spec.Name, li+1, err)
			}
			if idx >= 0 {
				indices[li] = append(indices[li], idx)
			}
			if !first {
				x += s.LetterGap * (1 + normal(rng, 0.2))
			}
			first = false
			k := (1 + normal(rng, sizeJitter)) / g.unit()
			turn := slope + normal(rng, turnJitter)*math.Pi/180
			rise := normal(rng, riseJitter)
			x0, _, _, _ := g.ink()
			anchor := Point{x0, g.baseline()}
			m := slanted(placement(anchor, Point{}, k, turn), s.Slant, anchor)
			lo, hi := inkSpan(g, m)
			at := Point{x - lo, base(x) + rise}
			m.c += at.X
			m.f += at.Y
			letters = append(letters, unitLetter{g, m, li})
			x += hi - lo
			maxW = max(maxW, x)
			_, y0, _, y1 := g.ink()
			for _, yy := range []float64{y0, y1} {
				p := m.apply(Point{x0, yy})
				top, bottom = min(top, p.Y), max(bottom, p.Y)
			}
		}
	}
	// Scale: the widest line and the text's height fit inside the margins,
	// and letters are at most maxLetterFr of the shorter side.
	fw, fh := float64(s.Width), float64(s.Height)
	availW, availH := fw*(1-2*marginFrac), fh*(1-2*marginFrac)
	hpx := min(availW/maxW, availH/(bottom-top), maxLetterFr*min(fw, fh)*uniform(rng, 0.75, 1))
	hpx = math.Round(hpx*10) / 10
	if hpx < minLetterPx {
		return nil, nil, fmt.Errorf("page %s: letters would be %.0f px high, want ≥ %d: too much text", spec.Name, hpx, minLetterPx)
	}
	s.LetterPx = hpx
	// A short text on a large page is written with wider line spacing: the
	// lines spread until the text fills fillFrac of the height, up to a
	// pitch of maxPitch.
	extra := 0.0
	if n := len(spec.Lines); n > 1 {
		extra = (fillFrac*availH/hpx - (bottom - top)) / float64(n-1)
		extra = math.Round(min(max(extra, 0), maxPitch-s.LinePitch)*1000) / 1000
		s.LinePitch += extra
		bottom += extra * float64(n-1)
	}
	ox := fw*marginFrac + (availW-maxW*hpx)*uniform(rng, 0, 0.4)
	oy := fh*marginFrac + (availH-(bottom-top)*hpx)*uniform(rng, 0.1, 0.6) - top*hpx
	out := make([]placed, len(letters))
	for i, l := range letters {
		m := l.m
		m.f += extra * float64(l.line)
		m.a, m.b, m.c = m.a*hpx, m.b*hpx, m.c*hpx+ox
		m.d, m.e, m.f = m.d*hpx, m.e*hpx, m.f*hpx+oy
		out[i] = placed{l.g, m, l.line}
	}
	return out, indices, nil
}

// slanted returns m with a shear in glyph space applied first: a point at
// height v above the anchor's baseline moves right by slant·v:
// p ↦ m(p + (slant·(anchor.y − p.y), 0)).
func slanted(m affine, slant float64, anchor Point) affine {
	return affine{
		a: m.a, b: m.b - slant*m.a, c: m.c + slant*anchor.Y*m.a,
		d: m.d, e: m.e - slant*m.d, f: m.f + slant*anchor.Y*m.d,
	}
}

// inkSpan returns the horizontal extent [lo, hi] of the glyph's ink box
// mapped by m.
func inkSpan(g glyph, m affine) (lo, hi float64) {
	x0, y0, x1, y1 := g.ink()
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, c := range [4]Point{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
		p := m.apply(c)
		lo, hi = min(lo, p.X), max(hi, p.X)
	}
	return lo, hi
}

// inkCoverage draws the letters into a coverage plane and gives the strokes
// the page's pen: the coverage c is blurred with σ = PenBlur and mapped
// through smoothstep(level − 0.15, level + 0.15, ·), so a low level makes
// strokes wider than the glyph's and a high one thinner, with soft edges; a
// slow pressure field then lightens the ink in places (×0.75 … 1).
func inkCoverage(letters []placed, s Style, rng *rand.Rand) *plane {
	cov := newPlane(s.Width, s.Height)
	for _, l := range letters {
		l.g.draw(cov, l.m)
	}
	g := image.NewGray(image.Rect(0, 0, s.Width, s.Height))
	for i, v := range cov.pix {
		g.Pix[i] = uint8(math.Round(float64(v) * 255))
	}
	b := imaging.Blur(g, s.PenBlur)
	pressure := valueNoise(s.Width, s.Height, 3*s.LetterPx, rng)
	lv := float32(s.PenLevel)
	for i := range cov.pix {
		v := float32(b.Pix[4*i]) / 255
		cov.pix[i] = smoothstep(lv-0.15, lv+0.15, v) * (0.75 + 0.25*pressure.pix[i])
	}
	return cov
}

// photograph makes the photo of a page whose ink coverage is cov:
//
//  1. paper: the tint times 1 + texture·(blotches − ½) + 0.02·(grain − ½),
//     two value-noise fields of 60 px and 3 px cells;
//  2. ink: colour = paper·(1 − α) + ink·α with α = opacity·coverage;
//  3. uneven light: × (1 − depth·t), t ∈ [0, 1] the position along the
//     light's direction;
//  4. perspective: the photo's pixel p shows the page at H(p), H the
//     homography taking the photo's corners to s.Corners, sampled
//     bilinearly;
//  5. vignette: × (1 − vignette·r²), r the distance from the centre over the
//     half diagonal;
//  6. camera blur (Gaussian, σ = s.Blur), then sensor noise (Gaussian,
//     σ = s.Noise grey levels, the same on the three channels) and rounding
//     to 8 bits.
func photograph(cov *plane, s Style, rng *rand.Rand) (*image.NRGBA, error) {
	w, h := s.Width, s.Height
	blotch := valueNoise(w, h, 60, rng)
	grain := valueNoise(w, h, 3, rng)
	dx, dy := math.Cos(s.LightDeg*math.Pi/180), math.Sin(s.LightDeg*math.Pi/180)
	// t = ((x, y) − corner)·d / extent, from the page corner where the
	// light is brightest.
	var tmin, tmax float64 = math.Inf(1), math.Inf(-1)
	for _, c := range [4]Point{{0, 0}, {float64(w), 0}, {0, float64(h)}, {float64(w), float64(h)}} {
		t := c.X*dx + c.Y*dy
		tmin, tmax = min(tmin, t), max(tmax, t)
	}
	var page [3]*plane
	for c := range page {
		page[c] = newPlane(w, h)
	}
	op := float32(s.InkOpacity)
	for y := range h {
		for x := range w {
			i := y*w + x
			tex := 1 + float32(s.Texture)*(blotch.pix[i]-0.5) + 0.02*(grain.pix[i]-0.5)
			t := (float64(x)*dx + float64(y)*dy - tmin) / (tmax - tmin)
			light := float32(1 - s.LightDepth*t)
			a := op * cov.pix[i]
			for c := range page {
				paper := float32(s.Paper[c]) * tex
				page[c].pix[i] = (paper*(1-a) + float32(s.Ink[c])*a) * light
			}
		}
	}
	hom, err := HomographyFrom([4]Point{{0, 0}, {float64(w), 0}, {float64(w), float64(h)}, {0, float64(h)}}, s.Corners)
	if err != nil {
		return nil, err
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	half := math.Hypot(float64(w), float64(h)) / 2
	for y := range h {
		for x := range w {
			q := hom.Apply(Point{float64(x) + 0.5, float64(y) + 0.5})
			r := math.Hypot(float64(x)+0.5-float64(w)/2, float64(y)+0.5-float64(h)/2) / half
			v := float32(1 - s.Vignette*r*r)
			o := img.PixOffset(x, y)
			for c := range page {
				img.Pix[o+c] = uint8(min(max(page[c].bilinear(q.X, q.Y, 60)*v+0.5, 0), 255))
			}
			img.Pix[o+3] = 255
		}
	}
	img = imaging.Blur(img, s.Blur)
	for i := 0; i < len(img.Pix); i += 4 {
		n := float32(s.Noise * rng.NormFloat64())
		for c := range 3 {
			img.Pix[i+c] = uint8(min(max(float32(img.Pix[i+c])+n+0.5, 0), 255))
		}
	}
	return img, nil
}

// letterBoxes returns, for each line, the box [y1, x1, y2, x2] (half-open,
// the convention of q4_ocr's boxes) of each letter's ink in the photo: the
// letter is drawn alone, the page pixels where its coverage is at least ½
// are bounded, and the corners of that page box are mapped to the photo by
// the inverse of the camera's homography (the one taking s.Corners to the
// photo's corners). The page's pen may widen or narrow the strokes by a
// pixel or two.
func letterBoxes(letters []placed, lines int, s Style) ([][][4]int, error) {
	w, h := float64(s.Width), float64(s.Height)
	toPhoto, err := HomographyFrom(s.Corners, [4]Point{{0, 0}, {w, 0}, {w, h}, {0, h}})
	if err != nil {
		return nil, err
	}
	out := make([][][4]int, lines)
	for _, l := range letters {
		// The page rectangle that holds the glyph's ink box, with a margin.
		x0, y0, x1, y1 := l.g.ink()
		bx0, by0, bx1, by1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, c := range [4]Point{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
			p := l.m.apply(c)
			bx0, by0, bx1, by1 = min(bx0, p.X), min(by0, p.Y), max(bx1, p.X), max(by1, p.Y)
		}
		ox, oy := int(math.Floor(bx0))-2, int(math.Floor(by0))-2
		cov := newPlane(int(math.Ceil(bx1))+2-ox, int(math.Ceil(by1))+2-oy)
		m := l.m
		m.c -= float64(ox)
		m.f -= float64(oy)
		l.g.draw(cov, m)
		ix0, iy0, ix1, iy1 := cov.w, cov.h, -1, -1
		for y := range cov.h {
			for x := range cov.w {
				if cov.pix[y*cov.w+x] >= 0.5 {
					ix0, iy0, ix1, iy1 = min(ix0, x), min(iy0, y), max(ix1, x+1), max(iy1, y+1)
				}
			}
		}
		if ix1 < 0 {
			return nil, fmt.Errorf("a letter of line %d has no ink", l.line+1)
		}
		px0, py0, px1, py1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, c := range [4]Point{{float64(ix0 + ox), float64(iy0 + oy)}, {float64(ix1 + ox), float64(iy0 + oy)},
			{float64(ix0 + ox), float64(iy1 + oy)}, {float64(ix1 + ox), float64(iy1 + oy)}} {
			p := toPhoto.Apply(c)
			px0, py0, px1, py1 = min(px0, p.X), min(py0, p.Y), max(px1, p.X), max(py1, p.Y)
		}
		out[l.line] = append(out[l.line], [4]int{int(math.Floor(py0)), int(math.Floor(px0)), int(math.Ceil(py1)), int(math.Ceil(px1))})
	}
	return out, nil
}

// encodeJPEG returns img as a JPEG of the given quality.
func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

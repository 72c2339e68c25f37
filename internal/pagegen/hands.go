package pagegen

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"recog/internal/data"
)

// A glyph is one written character in its own units (font units or EMNIST
// pixels), y pointing down.
type glyph interface {
	// ink returns the ink's bounding box [x0, x1) x [y0, y1) in glyph units.
	ink() (x0, y0, x1, y1 float64)
	// baseline returns the y of the line the glyph sits on, and unit the
	// glyph units in one letter height (a font's cap height; an EMNIST
	// character's ink height).
	baseline() float64
	unit() float64
	// draw writes the glyph's ink coverage, mapped to the page by m (glyph
	// units to page pixels), into cov as cov = max(cov, coverage).
	draw(cov *plane, m affine)
}

// Font is a handwriting-style font from a Debian package.
type Font struct {
	// Name names the font in the page specs and the manifest.
	Name string `json:"name"`
	// Package and Version are the Debian package and the version whose file
	// the committed pages were made with.
	Package string `json:"debian_package"`
	Version string `json:"debian_version"`
	// File is the font file's path under the fonts directory
	// (/usr/share/fonts on Debian) and SHA256 its checksum.
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Fonts are the fonts the pages are written in: handwriting fonts whose
// capitals and digits read as block letters (chosen by looking at each
// candidate's A-Z 0-9 specimen; cursive, outline and typeset-looking fonts
// were left out).
var Fonts = []Font{
	{"Breip", "fonts-breip", "1:0.5.1-3", "truetype/breip/Breip.ttf",
		"cded2aeeeb7d35baa8aa5b57df35a25836910498271d3d2eec502f6aa7033eb7"},
	{"HumorSans", "fonts-humor-sans", "1.0-4", "truetype/humor-sans/Humor-Sans.ttf",
		"2ded6a27448c9ed30aaff177744e2bcf1e52e0aab018b2a8be64565df633318f"},
	{"BecauseWeLearn", "fonts-bwht", "0.1-3", "opentype/bwht/BecauseWeLearn-Regular.otf",
		"d5551a6a1449de4ee2e8ddcd0bcc3e7d292d24c61fc6515d8db9b03a65b127dd"},
	{"BecauseWeOrganize", "fonts-bwht", "0.1-3", "opentype/bwht/BecauseWeOrganize-Regular.otf",
		"f97f8557caa4de42f743d8d4ea0851993b12c112e8713fd6d6d08881e6a24c5e"},
	{"BecauseWeMentor", "fonts-bwht", "0.1-3", "opentype/bwht/BecauseWeMentor-Regular.otf",
		"b71888fd9a79936e44a55baf1bf0bb4e594827be890882c4fc9918409e8c2509"},
	{"DKG", "fonts-dkg-handwriting", "0.17-1", "truetype/fifthhorseman/dkg.ttf",
		"93eb07f57b84f04fa975ebf49ecec43d9b2c85834a9b63864072c6b993efd131"},
	{"TomsonTalks", "fonts-tomsontalks", "1.1-9", "truetype/tomsontalks/TomsonTalks.ttf",
		"f7beeee4f3e11e38281f528dcf8a20218c6ce9b7a5b2acdca9f8bef303dd8526"},
	{"YuseiMagic", "fonts-yusei-magic", "1.000-20210130-2", "truetype/yusei-magic/YuseiMagic-Regular.ttf",
		"65e62d87973faaa92b473afd8fc36eeb81b738118e80223be0b2ecda74d05cb4"},
	{"SteveHand", "fonts-sjfonts", "2.1-2", "truetype/sjfonts/SteveHand.ttf",
		"51e0820b832b2cd3db9dc9a759520c868166ae291f19afc3d94689e668d0435e"},
	{"Rufscript", "fonts-rufscript", "010-6", "truetype/rufscript/Rufscript010.ttf",
		"99b16515f19ab35d18049235797b0dbe3ec73535d455994442b206c96405050f"},
}

// LookupFont returns the font called name.
func LookupFont(name string) (Font, bool) {
	i := slices.IndexFunc(Fonts, func(f Font) bool { return f.Name == name })
	if i < 0 {
		return Font{}, false
	}
	return Fonts[i], true
}

// ErrFontMissing is wrapped by the errors of LoadFont for a font file that is
// not installed or is another version.
var ErrFontMissing = errors.New("font not installed")

// fontHand is a parsed font: it makes glyphs of its characters.
type fontHand struct {
	f    *sfnt.Font
	buf  sfnt.Buffer
	upem fixed.Int26_6 // the font's units per em, so glyph units are font units
	cap  float64       // cap height: the ink height of "H" in font units
}

// LoadFont reads f from fontDir, checks its SHA-256 and parses it. A missing
// file or another version is an error wrapping ErrFontMissing that names the
// Debian package to install.
func LoadFont(f Font, fontDir string) (*fontHand, error) {
	path := filepath.Join(fontDir, filepath.FromSlash(f.File))
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w: %v (apt-get install %s, version %s)", f.Name, ErrFontMissing, err, f.Package, f.Version)
	}
	if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != f.SHA256 {
		return nil, fmt.Errorf("font %s: %w: %s has SHA-256 %s, want %s (Debian package %s version %s)",
			f.Name, ErrFontMissing, path, hex.EncodeToString(s[:]), f.SHA256, f.Package, f.Version)
	}
	sf, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("font %s: %s: %w", f.Name, path, err)
	}
	h := &fontHand{f: sf, upem: fixed.Int26_6(sf.UnitsPerEm()) << 6}
	g, err := h.glyph('H')
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", f.Name, err)
	}
	_, y0, _, y1 := g.ink()
	h.cap = y1 - y0
	if h.cap <= 0 {
		return nil, fmt.Errorf("font %s: the letter H has no ink", f.Name)
	}
	return h, nil
}

// fontGlyph is one character's outline in font units.
type fontGlyph struct {
	segs           sfnt.Segments
	x0, y0, x1, y1 float64
	cap            float64
}

// glyph returns the outline of r.
func (h *fontHand) glyph(r rune) (*fontGlyph, error) {
	x, err := h.f.GlyphIndex(&h.buf, r)
	if err != nil {
		return nil, fmt.Errorf("glyph %q: %w", r, err)
	}
	if x == 0 {
		return nil, fmt.Errorf("no glyph for %q", r)
	}
	segs, err := h.f.LoadGlyph(&h.buf, x, h.upem, nil)
	if err != nil {
		return nil, fmt.Errorf("glyph %q: %w", r, err)
	}
	b, _, err := h.f.GlyphBounds(&h.buf, x, h.upem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("glyph %q: %w", r, err)
	}
	return &fontGlyph{segs: slices.Clone(segs), cap: h.cap,
		x0: fx(b.Min.X), y0: fx(b.Min.Y), x1: fx(b.Max.X), y1: fx(b.Max.Y)}, nil
}

func fx(v fixed.Int26_6) float64 { return float64(v) / 64 }

func (g *fontGlyph) ink() (x0, y0, x1, y1 float64) { return g.x0, g.y0, g.x1, g.y1 }
func (g *fontGlyph) baseline() float64             { return 0 }
func (g *fontGlyph) unit() float64                 { return g.cap }

// draw rasterises the outline mapped by m with golang.org/x/image/vector
// (exact area coverage, non-zero winding) and takes the maximum with cov.
func (g *fontGlyph) draw(cov *plane, m affine) {
	pt := func(p fixed.Point26_6) Point { return m.apply(Point{fx(p.X), fx(p.Y)}) }
	// The page rectangle the glyph covers: its ink box's corners, mapped,
	// with a pixel of margin (control points lie within the box).
	bx0, by0, bx1, by1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4]Point{{g.x0, g.y0}, {g.x1, g.y0}, {g.x0, g.y1}, {g.x1, g.y1}} {
		p := m.apply(c)
		bx0, by0, bx1, by1 = min(bx0, p.X), min(by0, p.Y), max(bx1, p.X), max(by1, p.Y)
	}
	ox, oy := int(math.Floor(bx0))-1, int(math.Floor(by0))-1
	w, h := int(math.Ceil(bx1))+1-ox, int(math.Ceil(by1))+1-oy
	if w <= 0 || h <= 0 {
		return
	}
	r := vector.NewRasterizer(w, h)
	loc := func(p fixed.Point26_6) (float32, float32) {
		q := pt(p)
		return float32(q.X - float64(ox)), float32(q.Y - float64(oy))
	}
	for _, s := range g.segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			r.MoveTo(loc(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			r.LineTo(loc(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			bx, by := loc(s.Args[0])
			cx, cy := loc(s.Args[1])
			r.QuadTo(bx, by, cx, cy)
		case sfnt.SegmentOpCubeTo:
			bx, by := loc(s.Args[0])
			cx, cy := loc(s.Args[1])
			dx, dy := loc(s.Args[2])
			r.CubeTo(bx, by, cx, cy, dx, dy)
		}
	}
	r.ClosePath()
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	r.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	for y := range h {
		py := oy + y
		if py < 0 || py >= cov.h {
			continue
		}
		for x := range w {
			px := ox + x
			if px < 0 || px >= cov.w {
				continue
			}
			v := float32(mask.Pix[y*mask.Stride+x]) / 255
			i := py*cov.w + px
			cov.pix[i] = max(cov.pix[i], v)
		}
	}
}

// EMNISTSide is the side of an EMNIST image.
const EMNISTSide = 28

// EMNIST files of the test split, in data/emnist.
const (
	EMNISTTestImages = "emnist-balanced-test-images-idx3-ubyte.gz"
	EMNISTTestLabels = "emnist-balanced-test-labels-idx1-ubyte.gz"
	EMNISTMapping    = "emnist-balanced-mapping.txt"
)

// emnistSet is EMNIST Balanced's test split: n upright 28x28 images (ink 1
// on background 0) and their class names.
type emnistSet struct {
	images  [][]float32 // upright, row by row
	classes []string    // classes[i] names image i
	sums    map[string]string
}

// loadEMNIST reads the test split from dir (data/emnist) with the readers of
// recog/internal/data. The IDX files store each image transposed (column by
// column); the images are turned upright here.
func loadEMNIST(dir string) (*emnistSet, error) {
	names, err := data.ReadEMNISTMapping(filepath.Join(dir, EMNISTMapping))
	if err != nil {
		return nil, err
	}
	ip, lp := filepath.Join(dir, EMNISTTestImages), filepath.Join(dir, EMNISTTestLabels)
	img, err := data.ReadIDXFile(ip)
	if err != nil {
		return nil, err
	}
	lab, err := data.ReadIDXFile(lp)
	if err != nil {
		return nil, err
	}
	if len(img.Dims) != 3 || img.Dims[1] != EMNISTSide || img.Dims[2] != EMNISTSide {
		return nil, fmt.Errorf("%s: IDX dimensions %v, want N x 28 x 28", ip, img.Dims)
	}
	if len(lab.Dims) != 1 || lab.Dims[0] != img.Dims[0] {
		return nil, fmt.Errorf("%s: IDX dimensions %v, want %d labels", lp, lab.Dims, img.Dims[0])
	}
	s := &emnistSet{sums: map[string]string{}}
	for _, p := range []string{ip, lp} {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		s.sums[filepath.Base(p)] = hex.EncodeToString(sum[:])
	}
	const n2 = EMNISTSide * EMNISTSide
	for i, l := range lab.Data {
		if int(l) >= len(names) {
			return nil, fmt.Errorf("%s: label %d of image %d is outside the %d classes of %s", lp, l, i, len(names), EMNISTMapping)
		}
		raw := img.Data[i*n2 : (i+1)*n2]
		up := make([]float32, n2)
		for r := range EMNISTSide {
			for c := range EMNISTSide {
				up[r*EMNISTSide+c] = float32(raw[c*EMNISTSide+r]) / 255
			}
		}
		s.images = append(s.images, up)
		s.classes = append(s.classes, names[l])
	}
	return s, nil
}

// emnistInk is the least value counted as ink when measuring a glyph's box.
const emnistInk = 0.3

// emnistGlyph is one EMNIST image as a glyph: its units are the image's pixels.
type emnistGlyph struct {
	img            []float32
	x0, y0, x1, y1 float64
}

func newEMNISTGlyph(img []float32) *emnistGlyph {
	g := &emnistGlyph{img: img, x0: EMNISTSide, y0: EMNISTSide}
	for y := range EMNISTSide {
		for x := range EMNISTSide {
			if img[y*EMNISTSide+x] >= emnistInk {
				g.x0, g.y0 = min(g.x0, float64(x)), min(g.y0, float64(y))
				g.x1, g.y1 = max(g.x1, float64(x+1)), max(g.y1, float64(y+1))
			}
		}
	}
	return g
}

func (g *emnistGlyph) ink() (x0, y0, x1, y1 float64) { return g.x0, g.y0, g.x1, g.y1 }
func (g *emnistGlyph) baseline() float64             { return g.y1 }
func (g *emnistGlyph) unit() float64                 { return max(g.y1-g.y0, 1) }

// draw samples the image bilinearly at m⁻¹ of each page pixel centre of the
// mapped image square, v ↦ smoothstep(0.35, 0.85, v) (EMNIST's strokes are
// blurred and about twice as wide, relative to the letter, as the fonts'; this
// narrows them to a finer pen before the page's own pen), and takes the
// maximum with cov.
func (g *emnistGlyph) draw(cov *plane, m affine) {
	inv := m.invert()
	src := &plane{w: EMNISTSide, h: EMNISTSide, pix: g.img}
	bx0, by0, bx1, by1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4]Point{{0, 0}, {EMNISTSide, 0}, {0, EMNISTSide}, {EMNISTSide, EMNISTSide}} {
		p := m.apply(c)
		bx0, by0, bx1, by1 = min(bx0, p.X), min(by0, p.Y), max(bx1, p.X), max(by1, p.Y)
	}
	for py := max(int(by0), 0); py < min(int(math.Ceil(by1)), cov.h); py++ {
		for px := max(int(bx0), 0); px < min(int(math.Ceil(bx1)), cov.w); px++ {
			q := inv.apply(Point{float64(px) + 0.5, float64(py) + 0.5})
			v := smoothstep(0.35, 0.85, src.bilinear(q.X, q.Y, 0))
			i := py*cov.w + px
			cov.pix[i] = max(cov.pix[i], v)
		}
	}
}

// emnistPool hands out EMNIST test images of each class without replacement,
// in an order shuffled once by the set's seed, so no image appears twice in
// the page set.
type emnistPool struct {
	set   *emnistSet
	order map[string][]int
	next  map[string]int
}

// newEMNISTPool shuffles the test images of each class with rng. Images
// that show a lower-case letter where EMNIST Balanced merged it into a
// capital's class are left out (isLowerCase).
func newEMNISTPool(s *emnistSet, rng *rand.Rand) *emnistPool {
	p := &emnistPool{set: s, order: map[string][]int{}, next: map[string]int{}}
	for i, c := range s.classes {
		if isLowerCase(c, s.images[i]) {
			continue
		}
		p.order[c] = append(p.order[c], i)
	}
	classes := make([]string, 0, len(p.order))
	for c := range p.order {
		classes = append(classes, c)
	}
	slices.Sort(classes) // shuffle in a fixed order of classes
	for _, c := range classes {
		o := p.order[c]
		rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
	}
	return p
}

// isLowerCase reports whether an EMNIST image of class c is the lower-case
// letter EMNIST Balanced files under the capital: an "I" or "J" whose ink
// (values ≥ 0.3) falls into more than one 8-connected piece (the dot of i
// and j), or an "L" without a foot joined to its stem, the single stroke of
// l (the image is in more than one piece, or the widest row of the bottom
// quarter of the ink is less than twice the median row width).
func isLowerCase(c string, img []float32) bool {
	switch c {
	case "I", "J":
		return inkPieces(img) > 1
	case "L":
		if inkPieces(img) > 1 {
			return true
		}
		g := newEMNISTGlyph(img)
		var widths []float64
		foot := 0.0
		for y := int(g.y0); y < int(g.y1); y++ {
			lo, hi := -1, -1
			for x := range EMNISTSide {
				if img[y*EMNISTSide+x] >= emnistInk {
					if lo < 0 {
						lo = x
					}
					hi = x
				}
			}
			if lo < 0 {
				continue
			}
			w := float64(hi - lo + 1)
			widths = append(widths, w)
			if float64(y) >= g.y1-(g.y1-g.y0)/4 {
				foot = max(foot, w)
			}
		}
		if len(widths) == 0 {
			return true
		}
		slices.Sort(widths)
		return foot < 2*widths[len(widths)/2]
	}
	return false
}

// inkPieces returns the number of 8-connected pieces of ink (values ≥ 0.3)
// of a 28x28 image.
func inkPieces(img []float32) int {
	seen := make([]bool, len(img))
	n := 0
	var stack []int
	for i, v := range img {
		if v < emnistInk || seen[i] {
			continue
		}
		n++
		seen[i] = true
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			y, x := j/EMNISTSide, j%EMNISTSide
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					yy, xx := y+dy, x+dx
					if yy < 0 || xx < 0 || yy >= EMNISTSide || xx >= EMNISTSide {
						continue
					}
					k := yy*EMNISTSide + xx
					if img[k] >= emnistInk && !seen[k] {
						seen[k] = true
						stack = append(stack, k)
					}
				}
			}
		}
	}
	return n
}

// take returns the next unused test image of class c and its index.
func (p *emnistPool) take(c string) (*emnistGlyph, int, error) {
	o := p.order[c]
	k := p.next[c]
	if k >= len(o) {
		return nil, 0, fmt.Errorf("EMNIST test split: all %d images of class %q are used", len(o), c)
	}
	p.next[c] = k + 1
	return newEMNISTGlyph(p.set.images[o[k]]), o[k], nil
}

// FontPackages returns the Debian packages of Fonts, space-separated, each once.
func FontPackages() string {
	var ps []string
	for _, f := range Fonts {
		if !slices.Contains(ps, f.Package) {
			ps = append(ps, f.Package)
		}
	}
	return strings.Join(ps, " ")
}

package viz

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"gonum.org/v1/gonum/mat"
)

// grayLevel returns 255 · clip((v - lo) / (hi - lo), 0, 1) rounded to the
// nearest integer. With hi < lo the ramp is reversed (lo white, hi black);
// with hi == lo it is a step: v ≥ hi is white, v < hi black. NaN is black.
func grayLevel(v, lo, hi float64) uint8 {
	if math.IsNaN(v) {
		return 0
	}
	if hi == lo {
		if v >= hi {
			return 255
		}
		return 0
	}
	t := (v - lo) / (hi - lo)
	switch {
	case !(t > 0): // t ≤ 0, or NaN from ±Inf arithmetic
		return 0
	case t >= 1:
		return 255
	}
	return uint8(255*t + 0.5)
}

// GrayFromMatrix returns the r × c grey image of the r × c matrix m whose
// pixel (x, y) = (column j, row i) is
//
//	g = 255 · clip((m[i, j] - lo) / (hi - lo), 0, 1),
//
// so lo maps to black, hi to white and values outside [lo, hi] are clipped.
// hi < lo gives the reversed ramp; hi == lo a step at hi (v ≥ hi white).
// NaN entries are black.
func GrayFromMatrix(m mat.Matrix, lo, hi float64) *image.Gray {
	r, c := m.Dims()
	img := image.NewGray(image.Rect(0, 0, c, r))
	for i := range r {
		row := img.Pix[i*img.Stride : i*img.Stride+c]
		for j := range c {
			row[j] = grayLevel(m.At(i, j), lo, hi)
		}
	}
	return img
}

// Upscale returns img enlarged k times by pixel replication (nearest
// neighbour): output pixel (x, y) is input pixel (x/k, y/k), counted from
// the bounds' minimum; the result's bounds start at (0, 0).
// *image.Gray input gives *image.Gray, anything else *image.RGBA;
// k < 1 is taken as 1 (a copy).
func Upscale(img image.Image, k int) image.Image {
	k = max(k, 1)
	b := img.Bounds()
	out := image.Rect(0, 0, b.Dx()*k, b.Dy()*k)
	if g, ok := img.(*image.Gray); ok {
		dst := image.NewGray(out)
		for y := range out.Dy() {
			src := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y/k):]
			row := dst.Pix[y*dst.Stride : y*dst.Stride+out.Dx()]
			for x := range row {
				row[x] = src[x/k]
			}
		}
		return dst
	}
	dst := image.NewRGBA(out)
	for y := range b.Dy() {
		for x := range b.Dx() {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			draw.Draw(dst, image.Rect(x*k, y*k, (x+1)*k, (y+1)*k), &image.Uniform{C: c}, image.Point{}, draw.Src)
		}
	}
	return dst
}

// Scale says how Grid maps tile values to grey levels.
type Scale int

const (
	// ScaleFixed maps [Lo, Hi] to black..white for every tile (clipped).
	// Lo == Hi == 0 means [0, 1].
	ScaleFixed Scale = iota
	// ScaleTile maps each tile's own [min, max] to black..white, as for
	// pictures of weights; a constant tile is mid-grey.
	ScaleTile
	// ScaleGlobal maps the [min, max] over all tiles to black..white,
	// so tiles stay comparable; constant input is mid-grey.
	ScaleGlobal
)

// GridOptions controls Grid. The zero value gives tiles at their own size,
// values in [0, 1] (0 black, 1 white), no separators and no text.
type GridOptions struct {
	Scale  Scale   // how values map to grey levels
	Lo, Hi float64 // the range for ScaleFixed
	Invert bool    // swap black and white after scaling (e.g. ink shown black)

	Upscale int   // each tile pixel becomes Upscale × Upscale pixels; < 1 means 1
	Sep     int   // width in pixels of the lines between and around tiles
	SepGray uint8 // grey level of those lines (0 black, 255 white)

	// Captions, if not nil, holds one caption per image, written under its tile.
	Captions []string
	// RowLabels, if not nil, holds one label per grid row, written left of it.
	RowLabels []string
	// TextScale enlarges the 7 × 13 pixel font; < 1 means automatic:
	// max(1, tile height / 48), lowered until every caption fits its tile
	// width (a caption still too wide at scale 1 is left-aligned and cut).
	TextScale int
}

// GridLayout is the geometry of a grid: the image size and each tile's
// rectangle. Tile i is in row i / Cols, column i % Cols.
type GridLayout struct {
	Size         image.Point       // width and height of the whole image
	Tiles        []image.Rectangle // one per image, Upscale × the image size
	Captions     []image.Rectangle // the caption strip under each tile (empty when no captions)
	RowLabels    []image.Rectangle // the label area left of each row (empty when no row labels)
	Cols, Rows   int
	TextScale    int
	TileW, TileH int
}

// textPad is the margin in pixels (times the text scale) around grid text.
const textPad = 2

// Layout returns the geometry of a grid of n tiles of h × w pixels (before
// upscaling) in cols columns. Tile (row r, column c) has its top-left corner at
//
//	x = L + Sep + c·(W + Sep),   y = Sep + r·(H + C + Sep),
//
// where W = w·Upscale, H = h·Upscale, L is the row-label width (0 without
// labels) and C the caption height (0 without captions); the image is
// (L + Sep + cols·(W + Sep)) × (Sep + rows·(H + C + Sep)) with
// rows = ⌈n / cols⌉.
func (o GridOptions) Layout(n, h, w, cols int) (GridLayout, error) {
	switch {
	case n <= 0:
		return GridLayout{}, errors.New("viz: grid: no images")
	case h <= 0 || w <= 0:
		return GridLayout{}, fmt.Errorf("viz: grid: empty %d x %d tiles", h, w)
	case cols <= 0:
		return GridLayout{}, fmt.Errorf("viz: grid: %d columns, want > 0", cols)
	case o.Sep < 0:
		return GridLayout{}, fmt.Errorf("viz: grid: separator width %d, want >= 0", o.Sep)
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	if o.Captions != nil && len(o.Captions) != n {
		return GridLayout{}, fmt.Errorf("viz: grid: %d captions for %d images", len(o.Captions), n)
	}
	if o.RowLabels != nil && len(o.RowLabels) != rows {
		return GridLayout{}, fmt.Errorf("viz: grid: %d row labels for %d rows", len(o.RowLabels), rows)
	}
	k := max(o.Upscale, 1)
	tw, th := w*k, h*k
	ts := o.TextScale
	if ts < 1 {
		ts = max(1, th/48)
		for ; ts > 1; ts-- {
			widest := 0
			for _, s := range o.Captions {
				cw, _ := textSize(s, ts)
				widest = max(widest, cw)
			}
			if widest+2*textPad*ts <= tw {
				break
			}
		}
	}
	labelW, capH := 0, 0
	if o.RowLabels != nil {
		for _, s := range o.RowLabels {
			lw, _ := textSize(s, ts)
			labelW = max(labelW, lw)
		}
		labelW += 2 * textPad * ts
	}
	if o.Captions != nil {
		capH = glyphH*ts + 2*textPad*ts
	}
	L := GridLayout{
		Size: image.Pt(labelW+o.Sep+cols*(tw+o.Sep), o.Sep+rows*(th+capH+o.Sep)),
		Cols: cols, Rows: rows, TextScale: ts, TileW: tw, TileH: th,
	}
	if int64(L.Size.X)*int64(L.Size.Y) > maxPixels {
		return GridLayout{}, fmt.Errorf("viz: grid: image of %d x %d pixels is too large", L.Size.X, L.Size.Y)
	}
	for i := range n {
		r, c := i/cols, i%cols
		x, y := labelW+o.Sep+c*(tw+o.Sep), o.Sep+r*(th+capH+o.Sep)
		L.Tiles = append(L.Tiles, image.Rect(x, y, x+tw, y+th))
		if capH > 0 {
			L.Captions = append(L.Captions, image.Rect(x, y+th, x+tw, y+th+capH))
		}
	}
	if labelW > 0 {
		for r := range rows {
			y := o.Sep + r*(th+capH+o.Sep)
			L.RowLabels = append(L.RowLabels, image.Rect(0, y, labelW, y+th))
		}
	}
	return L, nil
}

// Grid tiles the images (all of the same size) in rows of cols, as grey
// levels scaled by opts.Scale, each pixel repeated opts.Upscale times, with
// opts.Sep-pixel lines of grey opts.SepGray between and around tiles;
// captions go under tiles and row labels left of rows, black on white.
// The geometry is GridOptions.Layout's. Grid returns an error for no images,
// a nil or differently sized image, cols < 1, a caption or label count that
// does not match, or non-finite values with ScaleTile or ScaleGlobal.
func Grid(images []*mat.Dense, cols int, opts GridOptions) (*image.Gray, error) {
	if len(images) == 0 {
		return nil, errors.New("viz: grid: no images")
	}
	if images[0] == nil {
		return nil, errors.New("viz: grid: image 0 is nil")
	}
	h, w := images[0].Dims()
	for i, m := range images {
		if m == nil {
			return nil, fmt.Errorf("viz: grid: image %d is nil", i)
		}
		if r, c := m.Dims(); r != h || c != w {
			return nil, fmt.Errorf("viz: grid: image %d is %d x %d, image 0 is %d x %d", i, r, c, h, w)
		}
	}
	L, err := opts.Layout(len(images), h, w, cols)
	if err != nil {
		return nil, err
	}
	lo, hi := opts.Lo, opts.Hi
	switch opts.Scale {
	case ScaleFixed:
		if lo == 0 && hi == 0 {
			hi = 1
		}
	case ScaleGlobal:
		lo, hi = math.Inf(1), math.Inf(-1)
		for i, m := range images {
			a, b, err := finiteRange(m)
			if err != nil {
				return nil, fmt.Errorf("viz: grid: image %d: %w", i, err)
			}
			lo, hi = min(lo, a), max(hi, b)
		}
	case ScaleTile:
	default:
		return nil, fmt.Errorf("viz: grid: unknown scale %d", opts.Scale)
	}

	img := image.NewGray(image.Rect(0, 0, L.Size.X, L.Size.Y))
	fillGray(img, img.Bounds(), 255)
	fillGray(img, image.Rect(L.Tiles[0].Min.X-opts.Sep, 0, L.Size.X, L.Size.Y), opts.SepGray)
	for i, m := range images {
		tlo, thi := lo, hi
		if opts.Scale == ScaleTile {
			if tlo, thi, err = finiteRange(m); err != nil {
				return nil, fmt.Errorf("viz: grid: image %d: %w", i, err)
			}
		}
		tile := GrayFromMatrix(m, tlo, thi)
		if opts.Scale != ScaleFixed && tlo == thi {
			fillGray(tile, tile.Bounds(), 128)
		}
		if opts.Invert {
			for p := range tile.Pix {
				tile.Pix[p] = 255 - tile.Pix[p]
			}
		}
		draw.Draw(img, L.Tiles[i], Upscale(tile, opts.Upscale), image.Point{}, draw.Src)
	}
	// Unused cells of the last row (tile and caption strip) are white.
	capH := 0
	if len(L.Captions) > 0 {
		capH = L.Captions[0].Dy()
	}
	for i := len(images); i < L.Rows*L.Cols; i++ {
		x, y := L.Tiles[i%L.Cols].Min.X, L.Tiles[i-i%L.Cols].Min.Y
		fillGray(img, image.Rect(x, y, x+L.TileW, y+L.TileH+capH), 255)
	}
	ts := L.TextScale
	for i, r := range L.Captions {
		fillGray(img, r, 255)
		tw, _ := textSize(opts.Captions[i], ts)
		sub := img.SubImage(r).(*image.Gray)
		x := r.Min.X + max((r.Dx()-tw)/2, textPad*ts) // centred, or left-aligned when too wide
		drawText(sub, x, r.Min.Y+textPad*ts, opts.Captions[i], ts, color.Black)
	}
	for i, r := range L.RowLabels {
		tw, th := textSize(opts.RowLabels[i], ts)
		drawText(img, r.Max.X-textPad*ts-tw, r.Min.Y+(r.Dy()-th)/2, opts.RowLabels[i], ts, color.Black)
	}
	return img, nil
}

// finiteRange returns the minimum and maximum of m's entries, or an error
// naming the first NaN or ±Inf.
func finiteRange(m *mat.Dense) (lo, hi float64, err error) {
	lo, hi = math.Inf(1), math.Inf(-1)
	r, c := m.Dims()
	for i := range r {
		for j := range c {
			v := m.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("entry (%d, %d) is %g, want finite", i, j, v)
			}
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi, nil
}

// fillGray sets the pixels of r ∩ img.Bounds() to level g.
func fillGray(img *image.Gray, r image.Rectangle, g uint8) {
	draw.Draw(img, r, &image.Uniform{C: color.Gray{Y: g}}, image.Point{}, draw.Src)
}

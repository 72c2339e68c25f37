package viz

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"recog/internal/datatest"
)

// assertPlotGolden checks that the PNG of a plot is w x h and compares it
// with golden/viz/name.png on every architecture, pixel by pixel within
// datatest.PixelTolerance (anti-aliased vector rendering depends on
// floating-point rounding, which Go may fuse differently, FMA, elsewhere).
func assertPlotGolden(t *testing.T, name string, b []byte, w, h int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, w, h), img.Bounds())
	datatest.AssertPNG(t, "viz", name, b)
}

// accuracyCurves are synthetic training curves: accuracy rising to ~0.9.
func accuracyCurves() []Series {
	var ep, tr, va []float64
	for e := 1; e <= 30; e++ {
		x := float64(e)
		ep = append(ep, x)
		tr = append(tr, 0.95-0.85*math.Exp(-x/5))
		va = append(va, 0.85-0.75*math.Exp(-x/6)+0.01*math.Sin(x))
	}
	return []Series{{Name: "train", X: ep, Y: tr}, {Name: "valid", X: ep, Y: va}}
}

// activationCurves are Q1's figure: sigmoid, tanh and their derivatives.
func activationCurves() []Series {
	var x, s, ds, th, dth []float64
	for i := 0; i <= 200; i++ {
		v := -6 + 12*float64(i)/200
		sg := 1 / (1 + math.Exp(-v))
		x = append(x, v)
		s = append(s, sg)
		ds = append(ds, sg*(1-sg))
		th = append(th, math.Tanh(v))
		dth = append(dth, 1-math.Tanh(v)*math.Tanh(v))
	}
	return []Series{
		{Name: "σ(x)", X: x, Y: s},
		{Name: "σ'(x)", X: x, Y: ds, Color: Colour(0), Dashed: true},
		{Name: "tanh(x)", X: x, Y: th, Color: Colour(1)},
		{Name: "tanh'(x)", X: x, Y: dth, Color: Colour(1), Dashed: true},
	}
}

// confusionCounts is a synthetic n-class confusion matrix: a strong diagonal
// and a few deterministic confusions.
func confusionCounts(n int) [][]int {
	c := make([][]int, n)
	for i := range c {
		c[i] = make([]int, n)
		c[i][i] = 60 + (i*37)%40
		c[i][(i+1)%n] = (i * 7) % 5
		c[i][(i*5+3)%n] += (i * 11) % 13
	}
	return c
}

func nist36Labels() []string {
	var l []string
	for c := 'A'; c <= 'Z'; c++ {
		l = append(l, string(c))
	}
	for c := '0'; c <= '9'; c++ {
		l = append(l, string(c))
	}
	return l
}

func TestCurvesGolden(t *testing.T) {
	for _, tc := range []struct {
		name, title, xl, yl string
		series              []Series
	}{
		{"curves_accuracy", "Accuracy", "epoch", "accuracy", accuracyCurves()},
		{"curves_activations", "Sigmoid and tanh", "x", "y", activationCurves()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Curves(tc.title, tc.xl, tc.yl, tc.series...)
			require.NoError(t, err)
			b, err := PNG(p, 640, 480)
			require.NoError(t, err)
			assertPlotGolden(t, tc.name+".png", b, 640, 480)
		})
	}
}

// TestCurvesLegendPlacement checks that the legend goes to the corner the
// curves leave free: bottom right for rising curves, top right for falling.
func TestCurvesLegendPlacement(t *testing.T) {
	rising := accuracyCurves()
	falling := make([]Series, len(rising))
	for i, s := range rising {
		y := make([]float64, len(s.Y))
		for k, v := range s.Y {
			y[k] = 1 - v
		}
		falling[i] = Series{Name: s.Name, X: s.X, Y: y}
	}
	for _, tc := range []struct {
		name      string
		series    []Series
		top, left bool
	}{
		{"rising", rising, false, false},
		{"falling", falling, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Curves("t", "x", "y", tc.series...)
			require.NoError(t, err)
			_, err = Render(p, 640, 480)
			require.NoError(t, err)
			require.Equal(t, tc.top, p.Legend.Top, "top")
			require.Equal(t, tc.left, p.Legend.Left, "left")
		})
	}
}

func TestCurvesErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		series []Series
	}{
		{"no series", nil},
		{"empty series", []Series{{Name: "a"}}},
		{"length mismatch", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}},
		{"NaN", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, math.NaN()}}}},
		{"Inf", []Series{{Name: "a", X: []float64{math.Inf(1), 2}, Y: []float64{1, 2}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Curves("t", "x", "y", tc.series...)
			require.Error(t, err)
			require.Nil(t, p)
		})
	}
}

func TestRenderErrors(t *testing.T) {
	p, err := Curves("t", "x", "y", accuracyCurves()...)
	require.NoError(t, err)
	for _, sz := range [][2]int{{0, 10}, {10, -1}, {1 << 20, 1 << 20}} {
		_, err := PNG(p, sz[0], sz[1])
		require.Error(t, err, "size %v", sz)
	}
	_, err = PNG(nil, 10, 10)
	require.Error(t, err)
	_, err = EncodePNG(nil)
	require.Error(t, err)
	_, err = EncodePNG(image.NewGray(image.Rect(0, 0, 0, 5)))
	require.Error(t, err)
}

// TestRenderSize checks that Render gives exactly the requested pixels.
func TestRenderSize(t *testing.T) {
	p, err := Curves("t", "x", "y", accuracyCurves()...)
	require.NoError(t, err)
	for _, sz := range [][2]int{{640, 480}, {333, 211}, {1200, 1200}} {
		img, err := Render(p, sz[0], sz[1])
		require.NoError(t, err)
		require.Equal(t, image.Rect(0, 0, sz[0], sz[1]), img.Bounds())
	}
}

func TestConfusionGolden(t *testing.T) {
	t.Run("confusion_nist36", func(t *testing.T) {
		p, err := Confusion(confusionCounts(36), nist36Labels(), "NIST36 test")
		require.NoError(t, err)
		b, err := PNG(p, 1200, 1200)
		require.NoError(t, err)
		assertPlotGolden(t, "confusion_nist36.png", b, 1200, 1200)
	})
	t.Run("confusion_small", func(t *testing.T) {
		counts := [][]int{{50, 2, 0}, {0, 47, 3}, {1, 0, 1234}}
		p, err := Confusion(counts, []string{"cat", "dog", "bird"}, "Three classes")
		require.NoError(t, err)
		b, err := PNG(p, 480, 480)
		require.NoError(t, err)
		assertPlotGolden(t, "confusion_small.png", b, 480, 480)
	})
}

func TestConfusionErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts [][]int
		labels []string
	}{
		{"no classes", nil, nil},
		{"ragged", [][]int{{1, 2}, {3}}, []string{"a", "b"}},
		{"not square", [][]int{{1, 2, 3}, {3, 4, 5}}, []string{"a", "b"}},
		{"label count", [][]int{{1, 2}, {3, 4}}, []string{"a"}},
		{"negative", [][]int{{1, -2}, {3, 4}}, []string{"a", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Confusion(tc.counts, tc.labels, "t")
			require.Error(t, err)
			require.Nil(t, p)
		})
	}
}

// TestConfusionAllZero checks an all-zero matrix renders (white cells, no
// division by zero).
func TestConfusionAllZero(t *testing.T) {
	p, err := Confusion([][]int{{0, 0}, {0, 0}}, []string{"a", "b"}, "empty")
	require.NoError(t, err)
	_, err = PNG(p, 200, 200)
	require.NoError(t, err)
}

// TestDeterministic renders every figure type twice and wants equal bytes.
func TestDeterministic(t *testing.T) {
	figs := map[string]func() ([]byte, error){
		"curves": func() ([]byte, error) {
			p, err := Curves("a", "x", "y", activationCurves()...)
			if err != nil {
				return nil, err
			}
			return PNG(p, 400, 300)
		},
		"confusion": func() ([]byte, error) {
			p, err := Confusion(confusionCounts(10), nist36Labels()[:10], "c")
			if err != nil {
				return nil, err
			}
			return PNG(p, 500, 500)
		},
		"grid": func() ([]byte, error) {
			img, err := Grid(weightTiles(8, 8), 4, GridOptions{Scale: ScaleTile, Upscale: 3, Sep: 1, Captions: []string{"a", "b", "c", "d", "e", "f", "g", "h"}})
			if err != nil {
				return nil, err
			}
			return EncodePNG(img)
		},
		"boxes": func() ([]byte, error) { return EncodePNG(DrawBoxes(photo(), photoBoxes())) },
	}
	for name, f := range figs {
		t.Run(name, func(t *testing.T) {
			a, err := f()
			require.NoError(t, err)
			b, err := f()
			require.NoError(t, err)
			require.True(t, bytes.Equal(a, b), "two renderings differ")
		})
	}
}

// Plot values must not be shared between renderings in a way that changes
// output: rendering one plot twice gives the same bytes too.
func TestRenderTwiceSamePlot(t *testing.T) {
	for _, mk := range []func() (*plot.Plot, error){
		func() (*plot.Plot, error) { return Curves("a", "x", "y", accuracyCurves()...) },
		func() (*plot.Plot, error) { return Confusion(confusionCounts(5), nist36Labels()[:5], "c") },
	} {
		p, err := mk()
		require.NoError(t, err)
		a, err := PNG(p, 300, 300)
		require.NoError(t, err)
		b, err := PNG(p, 300, 300)
		require.NoError(t, err)
		require.True(t, bytes.Equal(a, b))
	}
}

func TestColour(t *testing.T) {
	require.Equal(t, Colour(0), Colour(10))
	require.Equal(t, Colour(9), Colour(-1))
	seen := map[color.RGBA]bool{}
	for i := range 10 {
		seen[Colour(i)] = true
	}
	require.Len(t, seen, 10)
}

func TestBlues(t *testing.T) {
	require.Equal(t, blues9[0], blues(0))
	require.Equal(t, blues9[8], blues(1))
	require.Equal(t, blues9[4], blues(0.5))
	require.Equal(t, blues9[0], blues(math.NaN()))
	require.Equal(t, blues9[8], blues(7))
	// Halfway between classes 0 and 1.
	require.Equal(t, color.RGBA{0xeb, 0xf3, 0xfb, 0xff}, blues(1.0/16))
}

// weightTiles returns n synthetic h × h "weights": oriented sinusoids with
// offsets and amplitudes that differ per tile (so per-tile scaling matters).
func weightTiles(n, h int) []*mat.Dense {
	tiles := make([]*mat.Dense, n)
	for k := range tiles {
		theta := math.Pi * float64(k) / float64(n)
		m := mat.NewDense(h, h, nil)
		for i := range h {
			for j := range h {
				u := math.Cos(theta)*float64(j) + math.Sin(theta)*float64(i)
				m.Set(i, j, float64(k)+float64(k+1)*math.Sin(2*math.Pi*u/float64(h)*2))
			}
		}
		tiles[k] = m
	}
	return tiles
}

// glyphTiles returns synthetic 32 × 32 "letters" (white background 1, black
// ink 0): a ring, a bar, a cross, a diagonal, and blurred versions of them as
// "reconstructions".
func glyphTiles() (orig, recon []*mat.Dense) {
	shapes := []func(i, j float64) bool{
		func(i, j float64) bool { r := math.Hypot(i-16, j-16); return r > 8 && r < 12 },
		func(i, j float64) bool { return j > 13 && j < 19 && i > 4 && i < 28 },
		func(i, j float64) bool {
			return (math.Abs(i-16) < 3 || math.Abs(j-16) < 3) && i > 4 && i < 28 && j > 4 && j < 28
		},
		func(i, j float64) bool { return math.Abs(i-j) < 3 && i > 4 && i < 28 },
	}
	for _, s := range shapes {
		o, r := mat.NewDense(32, 32, nil), mat.NewDense(32, 32, nil)
		for i := range 32 {
			for j := range 32 {
				v := 1.0
				if s(float64(i), float64(j)) {
					v = 0
				}
				o.Set(i, j, v)
			}
		}
		for i := range 32 {
			for j := range 32 {
				var sum float64
				var n int
				for di := -2; di <= 2; di++ {
					for dj := -2; dj <= 2; dj++ {
						if i+di >= 0 && i+di < 32 && j+dj >= 0 && j+dj < 32 {
							sum += o.At(i+di, j+dj)
							n++
						}
					}
				}
				r.Set(i, j, sum/float64(n))
			}
		}
		orig, recon = append(orig, o), append(recon, r)
	}
	return orig, recon
}

func TestGridGolden(t *testing.T) {
	t.Run("grid_weights", func(t *testing.T) {
		img, err := Grid(weightTiles(64, 32), 8, GridOptions{Scale: ScaleTile, Upscale: 2, Sep: 2, SepGray: 128})
		require.NoError(t, err)
		b, err := EncodePNG(img)
		require.NoError(t, err)
		datatest.AssertPNG(t, "viz", "grid_weights.png", b)
	})
	t.Run("grid_reconstructions", func(t *testing.T) {
		orig, recon := glyphTiles()
		img, err := Grid(append(orig, recon...), 4, GridOptions{
			Upscale: 4, Sep: 2,
			Captions:  []string{"ring", "bar", "cross", "diag", "PSNR 14.1", "PSNR 15.0", "PSNR 13.2", "PSNR 16.8"},
			RowLabels: []string{"original", "reconstructed"},
		})
		require.NoError(t, err)
		b, err := EncodePNG(img)
		require.NoError(t, err)
		datatest.AssertPNG(t, "viz", "grid_reconstructions.png", b)
	})
}

// photo is a synthetic 480 × 360 "photo": a light grey gradient with dark
// blobs where the boxes go.
func photo() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 480, 360))
	for y := range 360 {
		for x := range 480 {
			g := uint8(200 + (x+y)*40/840)
			img.Set(x, y, color.RGBA{g, g, g - 10, 255})
		}
	}
	for _, b := range photoBoxes() {
		for y := b.Y1 + 4; y < b.Y2-4; y++ {
			for x := b.X1 + 4; x < b.X2-4; x++ {
				img.Set(x, y, color.RGBA{30, 30, 40, 255})
			}
		}
	}
	return img
}

func photoBoxes() []Box {
	return []Box{
		{Y1: 10, X1: 20, Y2: 60, X2: 60, Line: 0, Label: "H"},
		{Y1: 12, X1: 80, Y2: 58, X2: 115, Line: 0, Label: "I"},
		{Y1: 120, X1: 20, Y2: 170, X2: 58, Line: 1, Label: "G"},
		{Y1: 118, X1: 75, Y2: 172, X2: 120, Line: 1, Label: "0"},
		{Y1: 250, X1: 300, Y2: 330, X2: 360, Line: 8, Label: "W"},
		{Y1: 300, X1: 440, Y2: 400, X2: 520, Line: 3, Label: "clip"}, // partly outside
	}
}

func TestDrawBoxesGolden(t *testing.T) {
	out := DrawBoxes(photo(), photoBoxes())
	b, err := EncodePNG(out)
	require.NoError(t, err)
	datatest.AssertPNG(t, "viz", "boxes.png", b)
}

func TestDrawBoxesGeometry(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 200, 100)) // black, thickness 1, text scale 1
	th, ts := BoxStyle(100)
	require.Equal(t, 1, th)
	require.Equal(t, 1, ts)
	out := DrawBoxes(src, []Box{{Y1: 40, X1: 50, Y2: 60, X2: 80, Line: 2}})
	green := Colour(2)
	require.Equal(t, green, out.RGBAAt(49, 39), "outline corner")
	require.Equal(t, green, out.RGBAAt(80, 60), "outline far corner")
	require.Equal(t, green, out.RGBAAt(65, 39), "top side")
	require.Equal(t, color.RGBA{0, 0, 0, 255}, out.RGBAAt(50, 40), "box pixels untouched")
	require.Equal(t, color.RGBA{0, 0, 0, 255}, out.RGBAAt(48, 38), "outside untouched")
	require.Equal(t, src.Bounds(), out.Bounds())
	// The source is not modified, and boxes fully outside do not panic.
	require.Equal(t, uint8(0), src.GrayAt(49, 39).Y)
	DrawBoxes(src, []Box{{Y1: -50, X1: -50, Y2: -10, X2: -10, Label: "x"}, {Y1: 90, X1: 190, Y2: 500, X2: 500, Label: "yy"}})
}

func TestBoxStyle(t *testing.T) {
	for _, tc := range []struct{ s, th, ts int }{
		{0, 1, 1}, {100, 1, 1}, {599, 1, 2}, {750, 2, 2}, {1631, 4, 5}, {3000, 8, 9}, {3024, 8, 9},
	} {
		th, ts := BoxStyle(tc.s)
		require.Equal(t, [2]int{tc.th, tc.ts}, [2]int{th, ts}, "s=%d", tc.s)
	}
}

func TestGrayFromMatrix(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{
		-1, 0, 0.5,
		1, 2, math.NaN(),
	})
	for _, tc := range []struct {
		name   string
		lo, hi float64
		want   []uint8
	}{
		{"unit range", 0, 1, []uint8{0, 0, 128, 255, 255, 0}},
		{"wide range", -1, 2, []uint8{0, 85, 128, 170, 255, 0}},
		{"reversed", 1, 0, []uint8{255, 255, 128, 0, 0, 0}},
		{"step", 0.5, 0.5, []uint8{0, 0, 255, 255, 255, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := GrayFromMatrix(m, tc.lo, tc.hi)
			require.Equal(t, image.Rect(0, 0, 3, 2), g.Bounds())
			require.Equal(t, tc.want, g.Pix)
		})
	}
}

func TestUpscale(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 2, 1))
	g.Pix = []uint8{10, 200}
	up := Upscale(g, 3).(*image.Gray)
	require.Equal(t, image.Rect(0, 0, 6, 3), up.Bounds())
	for y := range 3 {
		require.Equal(t, []uint8{10, 10, 10, 200, 200, 200}, up.Pix[y*up.Stride:y*up.Stride+6])
	}
	// A sub-image with an offset origin, and k < 1.
	big := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range big.Pix {
		big.Pix[i] = uint8(i)
	}
	sub := big.SubImage(image.Rect(1, 2, 3, 4))
	require.Equal(t, []uint8{9, 10, 13, 14}, Upscale(sub, 0).(*image.Gray).Pix)
	// Colour images go through the generic path.
	rgba := image.NewRGBA(image.Rect(0, 0, 1, 2))
	rgba.Set(0, 1, color.RGBA{1, 2, 3, 255})
	u := Upscale(rgba, 2).(*image.RGBA)
	require.Equal(t, image.Rect(0, 0, 2, 4), u.Bounds())
	require.Equal(t, color.RGBA{1, 2, 3, 255}, u.RGBAAt(1, 3))
	require.Equal(t, color.RGBA{}, u.RGBAAt(1, 1))
}

func TestGridLayout(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, h, w, c int
		opts       GridOptions
		size       image.Point
		tiles      []image.Rectangle
	}{
		{"plain", 3, 2, 3, 2, GridOptions{}, image.Pt(6, 4),
			[]image.Rectangle{image.Rect(0, 0, 3, 2), image.Rect(3, 0, 6, 2), image.Rect(0, 2, 3, 4)}},
		{"sep and upscale", 4, 2, 3, 2, GridOptions{Upscale: 2, Sep: 1}, image.Pt(1+2*(6+1), 1+2*(4+1)),
			[]image.Rectangle{image.Rect(1, 1, 7, 5), image.Rect(8, 1, 14, 5), image.Rect(1, 6, 7, 10), image.Rect(8, 6, 14, 10)}},
		{"cols > n", 2, 1, 1, 5, GridOptions{Sep: 2}, image.Pt(2+2*3, 2+3),
			[]image.Rectangle{image.Rect(2, 2, 3, 3), image.Rect(5, 2, 6, 3)}},
		// Captions add 13+4 px under each tile; row labels 2·7+4 px at the left.
		{"text", 2, 10, 10, 1, GridOptions{Sep: 1, TextScale: 1, Captions: []string{"a", "b"}, RowLabels: []string{"r1", "r2"}},
			image.Pt(18+1+11, 1+2*(10+17+1)),
			[]image.Rectangle{image.Rect(19, 1, 29, 11), image.Rect(19, 29, 29, 39)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			L, err := tc.opts.Layout(tc.n, tc.h, tc.w, tc.c)
			require.NoError(t, err)
			require.Equal(t, tc.size, L.Size)
			require.Equal(t, tc.tiles, L.Tiles)
		})
	}
}

// TestGridPixels checks tile contents, separators, scaling modes and Invert.
func TestGridPixels(t *testing.T) {
	a := mat.NewDense(1, 2, []float64{0, 1})
	b := mat.NewDense(1, 2, []float64{2, 4})
	for _, tc := range []struct {
		name string
		opts GridOptions
		want []uint8 // the 1 × 2 pixels of each tile, tile a then b
	}{
		{"fixed default [0,1]", GridOptions{}, []uint8{0, 255, 255, 255}},
		{"fixed [0,4]", GridOptions{Lo: 0, Hi: 4}, []uint8{0, 64, 128, 255}},
		{"tile", GridOptions{Scale: ScaleTile}, []uint8{0, 255, 0, 255}},
		{"global", GridOptions{Scale: ScaleGlobal}, []uint8{0, 64, 128, 255}},
		{"global inverted", GridOptions{Scale: ScaleGlobal, Invert: true}, []uint8{255, 191, 127, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Sep, tc.opts.SepGray = 1, 77
			img, err := Grid([]*mat.Dense{a, b}, 2, tc.opts)
			require.NoError(t, err)
			require.Equal(t, image.Rect(0, 0, 7, 3), img.Bounds())
			got := []uint8{img.GrayAt(1, 1).Y, img.GrayAt(2, 1).Y, img.GrayAt(4, 1).Y, img.GrayAt(5, 1).Y}
			require.Equal(t, tc.want, got)
			for _, p := range []image.Point{{0, 0}, {3, 1}, {6, 2}, {2, 0}} {
				require.Equal(t, uint8(77), img.GrayAt(p.X, p.Y).Y, "separator at %v", p)
			}
		})
	}
	// A constant tile is mid-grey under per-tile scaling; an unused cell is white.
	c := mat.NewDense(1, 2, []float64{3, 3})
	img, err := Grid([]*mat.Dense{a, c, a}, 2, GridOptions{Scale: ScaleTile, Sep: 1})
	require.NoError(t, err)
	require.Equal(t, uint8(128), img.GrayAt(4, 1).Y)
	require.Equal(t, uint8(255), img.GrayAt(4, 3).Y)
	require.Equal(t, uint8(0), img.GrayAt(3, 3).Y, "separator around the unused cell")
}

func TestGridErrors(t *testing.T) {
	a := mat.NewDense(2, 2, nil)
	for _, tc := range []struct {
		name   string
		images []*mat.Dense
		cols   int
		opts   GridOptions
	}{
		{"no images", nil, 2, GridOptions{}},
		{"nil image", []*mat.Dense{a, nil}, 2, GridOptions{}},
		{"sizes differ", []*mat.Dense{a, mat.NewDense(2, 3, nil)}, 2, GridOptions{}},
		{"zero cols", []*mat.Dense{a}, 0, GridOptions{}},
		{"captions", []*mat.Dense{a, a}, 2, GridOptions{Captions: []string{"x"}}},
		{"row labels", []*mat.Dense{a, a}, 1, GridOptions{RowLabels: []string{"x"}}},
		{"negative sep", []*mat.Dense{a}, 1, GridOptions{Sep: -1}},
		{"NaN per tile", []*mat.Dense{mat.NewDense(1, 1, []float64{math.NaN()})}, 1, GridOptions{Scale: ScaleTile}},
		{"Inf global", []*mat.Dense{mat.NewDense(1, 1, []float64{math.Inf(1)})}, 1, GridOptions{Scale: ScaleGlobal}},
		{"bad scale", []*mat.Dense{a}, 1, GridOptions{Scale: 9}},
		{"too large", []*mat.Dense{a}, 1, GridOptions{Upscale: 1 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Grid(tc.images, tc.cols, tc.opts)
			require.Error(t, err)
			require.Nil(t, img)
		})
	}
}

func TestDrawText(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 30, 30))
	drawText(img, 1, 1, "I", 2, color.White)
	var lit int
	for _, p := range img.Pix {
		if p == 255 {
			lit++
		}
	}
	require.Positive(t, lit)
	require.Zero(t, lit%4, "each font pixel is a 2 × 2 block")
	// Nothing is drawn outside the text box (1,1)-(15,27).
	for y := range 30 {
		for x := range 30 {
			if x < 1 || x >= 15 || y < 1 || y >= 27 {
				require.Zero(t, img.GrayAt(x, y).Y, "(%d, %d)", x, y)
			}
		}
	}
	// Clipping at the edges does not panic.
	drawText(img, -5, 25, "WW", 3, color.White)
}

func TestNiceTicks(t *testing.T) {
	labels := func(lo, hi float64, target int) []string {
		var l []string
		for _, tk := range (niceTicks{Target: target}).Ticks(lo, hi) {
			if tk.Label != "" {
				l = append(l, tk.Label)
			}
		}
		return l
	}
	require.Equal(t, []string{"5", "10", "15", "20", "25", "30"}, labels(1, 30, 7))
	require.Equal(t, []string{"-1.0", "-0.5", "0.0", "0.5", "1.0"}, labels(-1.08, 1.08, 6))
	require.Equal(t, []string{"0.2", "0.4", "0.6", "0.8"}, labels(0.19, 0.99, 6))
	require.Equal(t, []string{"0", "200", "400"}, labels(0, 400, 3))
	require.Equal(t, 0.05, niceStep(0.3, 6))
	require.Equal(t, 2.0, niceStep(11, 6))
	// Degenerate ranges.
	require.Equal(t, []string{"1.5"}, labels(1.5, 1.5, 5))
	require.Empty(t, labels(2, 1, 5))
	require.Empty(t, labels(0, math.Inf(1), 5))
}

// TestCurvesNoLegend checks that unnamed series get no legend box.
func TestCurvesNoLegend(t *testing.T) {
	s := accuracyCurves()
	for i := range s {
		s[i].Name = ""
	}
	p, err := Curves("t", "x", "y", s...)
	require.NoError(t, err)
	img, err := Render(p, 300, 200)
	require.NoError(t, err)
	named, err := Curves("t", "x", "y", accuracyCurves()...)
	require.NoError(t, err)
	img2, err := Render(named, 300, 200)
	require.NoError(t, err)
	require.NotEqual(t, img.Pix, img2.Pix)
}

// TestCurvesSinglePoint checks a one-point series (zero X and Y range) renders.
func TestCurvesSinglePoint(t *testing.T) {
	p, err := Curves("one", "x", "y", Series{Name: "a", X: []float64{1}, Y: []float64{2}})
	require.NoError(t, err)
	_, err = PNG(p, 200, 150)
	require.NoError(t, err)
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	p, err := Curves("t", "x", "y", accuracyCurves()...)
	require.NoError(t, err)
	path := filepath.Join(dir, "c.png")
	require.NoError(t, SavePNG(p, p2w, p2h, path))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	require.NoError(t, err)
	require.Equal(t, [2]int{p2w, p2h}, [2]int{cfg.Width, cfg.Height})

	g := image.NewGray(image.Rect(0, 0, 3, 2))
	require.NoError(t, SaveImagePNG(g, filepath.Join(dir, "g.png")))
	err = SaveImagePNG(g, filepath.Join(dir, "missing", "g.png"))
	require.ErrorContains(t, err, "missing")
	err = SavePNG(p, 0, 10, filepath.Join(dir, "bad.png"))
	require.ErrorContains(t, err, "bad.png")
}

const p2w, p2h = 320, 240

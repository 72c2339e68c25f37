package ocr

// The ink rule of Detect (inkContrast) on faint ink and on blank paper
// (issue #14: a legible semi-transparent PNG must read; docs/q4_ocr.md,
// find letters, step 3).

import (
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

// TestFaintInk: three dark 10-px strokes of letter height at decreasing opacity,
// composited on white as Load does: from 100% to 8% opacity they are found
// (below 15% the second rule decides), at 4% the page is blank.
func TestFaintInk(t *testing.T) {
	for _, tc := range []struct {
		alpha uint8
		boxes int
	}{{255, 3}, {128, 3}, {64, 3}, {40, 3}, {20, 3}, {10, 0}} {
		img := image.NewNRGBA(image.Rect(0, 0, 900, 400))
		ink := image.NewUniform(color.NRGBA{30, 30, 60, tc.alpha})
		for i := range 3 { // three bars of letter height, 100 px apart
			draw.Draw(img, image.Rect(100+100*i, 60, 110+100*i, 150), ink, image.Point{}, draw.Src)
		}
		page := image.NewRGBA(img.Bounds())
		draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(page, page.Bounds(), img, image.Point{}, draw.Over)
		p, err := Detect(page)
		require.NoError(t, err)
		require.Len(t, p.Boxes, tc.boxes, "opacity %d/255, threshold %.3f", tc.alpha, p.Threshold)
	}
}

// TestBlankPaperStaysBlank cuts 20 random rectangles (1/8 to 11/24 of each
// side, seed PCG(1, 2)) out of each sample photo and test page: every one
// whose Otsu threshold is below 0.15 (blank paper, or a sliver of a stroke
// cut by the rectangle) gets no box, so the faint-ink rule takes no paper
// texture for ink. The photos and pages themselves split at t ≥ 0.15, where
// the rule is not used.
func TestBlankPaperStaysBlank(t *testing.T) {
	if testing.Short() {
		t.Skip("380 detections on real photos")
	}
	paths, err := filepath.Glob(filepath.Join(datatest.Dir(t, "images"), "*.jpg"))
	require.NoError(t, err)
	pages, err := filepath.Glob(datatest.Testdata(t, "pages", "*.jpg"))
	require.NoError(t, err)
	paths = append(paths, pages...)
	require.Len(t, paths, 19)
	rng := rand.New(rand.NewPCG(1, 2))
	var ts []float64
	low := 0
	for _, path := range paths {
		img, err := Load(path)
		require.NoError(t, err)
		whole, err := Detect(img)
		require.NoError(t, err)
		ts = append(ts, whole.Threshold)
		b := img.Bounds()
		for range 20 {
			w, h := b.Dx()/8+rng.IntN(b.Dx()/3), b.Dy()/8+rng.IntN(b.Dy()/3)
			x, y := rng.IntN(b.Dx()-w), rng.IntN(b.Dy()-h)
			p, err := Detect(imaging.Crop(img, image.Rect(x, y, x+w, y+h)))
			require.NoError(t, err)
			if p.Threshold < minInkContrast {
				low++
				require.Empty(t, p.Boxes, "%s crop (%d,%d)+(%d,%d): threshold %.3f", filepath.Base(path), x, y, w, h, p.Threshold)
			}
		}
	}
	require.GreaterOrEqual(t, slices.Min(ts), minInkContrast)
	t.Logf("photos and pages: thresholds %.3f to %.3f; %d of %d crops below %.2f, none with a box",
		slices.Min(ts), slices.Max(ts), low, 20*len(paths), minInkContrast)
	require.Greater(t, low, 20)
	// blank_paper.json: the numbers docs/q4_ocr.md#threshold gives.
	js, err := json.MarshalIndent(map[string]any{
		"images": len(paths), "min_threshold": round4(slices.Min(ts)), "max_threshold": round4(slices.Max(ts)),
		"crops": 20 * len(paths), "crops_below": low, "below": minInkContrast,
	}, "", " ")
	require.NoError(t, err)
	datatest.Golden(t, "q4_ocr").Assert(t, "blank_paper.json", js)
}

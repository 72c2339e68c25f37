package viz

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Figures are written as PNGs: a plot at its size (800 x 500 by default),
// an image as it is, a photo with 256 colours; a bad name or an empty
// figure is an error naming it.
func TestSaveFigures(t *testing.T) {
	p, err := Curves("t", "x", "y", Series{Name: "s", X: []float64{0, 1}, Y: []float64{0, 1}})
	require.NoError(t, err)
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(img.Pix, []uint8{0, 40, 80, 120, 200, 255})
	dir := filepath.Join(t.TempDir(), "new")
	figs := []Figure{PlotFigure("a.png", p, 0, 0), PlotFigure("b.png", p, 300, 200), ImageFigure("c.png", img),
		{Name: "d.png", Image: img, Photo: true}}
	require.NoError(t, SaveFigures(dir, figs))
	for i, name := range []string{"a.png", "b.png", "c.png", "d.png"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		want, err := figs[i].PNG()
		require.NoError(t, err)
		require.Equal(t, want, b, "%s is the figure's PNG", name)
		dec, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		size := map[string][2]int{"a.png": {800, 500}, "b.png": {300, 200}, "c.png": {3, 2}, "d.png": {3, 2}}[name]
		require.Equal(t, size, [2]int{dec.Bounds().Dx(), dec.Bounds().Dy()}, name)
		// An image's own pixels: exact in the lossless PNG, within 16 grey
		// levels in the photo PNG (256 colours of the Plan 9 palette).
		if tol, ok := map[string]float64{"c.png": 0, "d.png": 16}[name]; ok {
			for k, v := range img.Pix {
				r, _, _, _ := dec.At(k%3, k/3).RGBA()
				require.InDelta(t, float64(v), float64(r>>8), tol, "%s pixel %d", name, k)
			}
		}
	}
	f, err := FigureNamed(figs, "c.png")
	require.NoError(t, err)
	require.Equal(t, img, f.Image)
	_, err = FigureNamed(figs, "e.png")
	require.Error(t, err)
	require.ErrorContains(t, SaveFigures(dir, []Figure{{Name: "../x.png", Image: img}}), `"../x.png"`)
	require.ErrorContains(t, SaveFigures(dir, []Figure{{Name: "e.png"}}), "neither a plot nor an image")
}

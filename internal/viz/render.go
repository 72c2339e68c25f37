package viz

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"

	"gonum.org/v1/plot"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// DPI is the resolution at which plots are rasterised: a plot rendered at
// w × h pixels is w/DPI × h/DPI inches, and its text sizes are in points
// (1/72 inch), so 12 pt text is 16 px tall.
const DPI = 96

// plotMargin is the blank border Render leaves around a plot, so that edge
// tick labels and frames are not cut.
const plotMargin = 6 // points

// maxPixels bounds the size of a rendered plot (here 100 megapixels) so that
// a mistaken size is an error rather than an out-of-memory crash.
const maxPixels = 100 << 20

// Render draws p on a white wPx × hPx image at DPI dots per inch, inside a
// plotMargin-point blank border.
// It returns an error for a nil plot, a non-positive or huge size, or a panic
// inside gonum/plot (reported, not propagated).
func Render(p *plot.Plot, wPx, hPx int) (img *image.RGBA, err error) {
	if p == nil {
		return nil, errors.New("viz: render: nil plot")
	}
	if wPx <= 0 || hPx <= 0 || wPx > maxPixels/hPx {
		return nil, fmt.Errorf("viz: render: bad size %d x %d pixels", wPx, hPx)
	}
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("viz: render: plot %q: %v", p.Title.Text, r)
		}
	}()
	c := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, wPx, hPx))), vgimg.UseDPI(DPI))
	dc := vgdraw.New(c)
	p.Draw(vgdraw.Crop(dc, plotMargin, -plotMargin, plotMargin, -plotMargin))
	out, ok := c.Image().(*image.RGBA)
	if !ok { // not expected with vgimg's gg back end; convert to be safe.
		out = image.NewRGBA(c.Image().Bounds())
		draw.Draw(out, out.Bounds(), c.Image(), c.Image().Bounds().Min, draw.Src)
	}
	return out, nil
}

// PNG renders p at wPx × hPx pixels (see Render) and encodes it as PNG.
func PNG(p *plot.Plot, wPx, hPx int) ([]byte, error) {
	img, err := Render(p, wPx, hPx)
	if err != nil {
		return nil, err
	}
	return EncodePNG(img)
}

// SavePNG renders p at wPx × hPx pixels and writes it as a PNG file at path.
func SavePNG(p *plot.Plot, wPx, hPx int, path string) error {
	b, err := PNG(p, wPx, hPx)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeFile(path, b)
}

// EncodePNG encodes img as PNG with the standard library's default
// compression; equal images give equal bytes.
func EncodePNG(img image.Image) ([]byte, error) {
	if img == nil {
		return nil, errors.New("viz: encode png: nil image")
	}
	if b := img.Bounds(); b.Empty() {
		return nil, fmt.Errorf("viz: encode png: empty image %v", b)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("viz: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// SaveImagePNG encodes img as PNG and writes it to the file at path.
func SaveImagePNG(img image.Image, path string) error {
	b, err := EncodePNG(img)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeFile(path, b)
}

func writeFile(path string, b []byte) error {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("viz: %w", err)
	}
	return nil
}

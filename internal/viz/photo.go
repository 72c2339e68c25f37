package viz

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/png"
)

// EncodePhotoPNG encodes a photo-like image (an overlay on a photograph) as
// a small PNG: its colours reduced to the 256-colour Plan 9 palette with
// Floyd-Steinberg dithering, best compression. Docs and reports use it so
// that a figure over a 12 MP photo stays a few hundred kB.
func EncodePhotoPNG(img image.Image) ([]byte, error) {
	if img == nil {
		return nil, errors.New("viz: encode png: nil image")
	}
	if b := img.Bounds(); b.Empty() {
		return nil, fmt.Errorf("viz: encode png: empty image %v", b)
	}
	p := image.NewPaletted(img.Bounds(), palette.Plan9)
	draw.FloydSteinberg.Draw(p, p.Bounds(), img, img.Bounds().Min)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, p); err != nil {
		return nil, fmt.Errorf("viz: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// SavePhotoPNG writes EncodePhotoPNG(img) to path.
func SavePhotoPNG(img image.Image, path string) error {
	b, err := EncodePhotoPNG(img)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeFile(path, b)
}

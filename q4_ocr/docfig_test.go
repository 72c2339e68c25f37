package ocr

import (
	"bytes"
	"image"
	"image/color/palette"
	"image/draw"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"
)

func docsPNG(t *testing.T, img image.Image) []byte {
	p := image.NewPaletted(img.Bounds(), palette.Plan9)
	draw.FloydSteinberg.Draw(p, p.Bounds(), img, img.Bounds().Min)
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	require.NoError(t, enc.Encode(&b, p))
	return b.Bytes()
}

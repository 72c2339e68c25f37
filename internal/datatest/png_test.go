package datatest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
)

func encode(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// pngDiff passes changes within PixelTolerance and reports larger ones
// with their count, size and box, and a change of size.
func TestPNGDiff(t *testing.T) {
	base := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	for i := range base.Pix {
		base.Pix[i] = uint8(40 + i%200)
	}
	want := encode(t, base)
	for _, tc := range []struct {
		name string
		edit func(*image.NRGBA) *image.NRGBA
		msg  string
	}{
		{"same", func(m *image.NRGBA) *image.NRGBA { return m }, ""},
		{"within tolerance", func(m *image.NRGBA) *image.NRGBA {
			for i := range m.Pix {
				m.Pix[i] += PixelTolerance
			}
			return m
		}, ""},
		{"two pixels", func(m *image.NRGBA) *image.NRGBA {
			m.SetNRGBA(3, 4, color.NRGBA{0, 0, 0, 255})
			m.SetNRGBA(7, 2, color.NRGBA{255, 255, 255, 255})
			return m
		}, "2 of 200 pixels differ by more than 2"},
		{"one level too many", func(m *image.NRGBA) *image.NRGBA {
			m.Pix[4*(5*20+5)+1] += PixelTolerance + 1
			return m
		}, "1 of 200 pixels differ by more than 2 (at most 3), within (5,5)-(6,6)"},
		{"size", func(*image.NRGBA) *image.NRGBA { return image.NewNRGBA(image.Rect(0, 0, 20, 11)) }, "size (20,11), golden (20,10)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := image.NewNRGBA(base.Rect)
			copy(m.Pix, base.Pix)
			msg, err := pngDiff(want, encode(t, tc.edit(m)))
			require.NoError(t, err)
			if tc.msg == "" {
				require.Empty(t, msg)
			} else {
				require.Contains(t, msg, tc.msg)
			}
		})
	}
	_, err := pngDiff(want, []byte("not a png"))
	require.ErrorContains(t, err, "made now")
}

// modelDiff names the metadata keys and tensors that differ, with the
// number of values and the largest difference.
func TestModelDiff(t *testing.T) {
	ta := map[string]data.Tensor{"w": {Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}}, "b": {Shape: []int{2}, Data: []float32{0, 1}}}
	tb := map[string]data.Tensor{"w": {Shape: []int{2, 2}, Data: []float32{1, 2.5, 3, 4}}, "b": {Shape: []int{2}, Data: []float32{0, 1}}}
	got := modelDiff(ta, tb, map[string]string{"format": "recog-mlp", "lr": "0.005"}, map[string]string{"model": "recog-mlp", "lr": "0.005"})
	require.Contains(t, got, `metadata "format" only in the committed file: "recog-mlp"`)
	require.Contains(t, got, `metadata "model" only in the retrained file: "recog-mlp"`)
	require.NotContains(t, got, `"lr"`)
	require.Contains(t, got, `tensor "w": 1 of 4 values differ, largest difference 0.5`)
	require.Contains(t, got, "1 tensors identical bit for bit")

	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.safetensors"), filepath.Join(dir, "b.safetensors")
	require.NoError(t, data.WriteSafetensors(a, ta, map[string]string{"model": "x"}))
	require.NoError(t, data.WriteSafetensors(b, ta, map[string]string{"model": "x"}))
	require.True(t, CompareModelFiles(t, a, b))
	require.NoError(t, data.WriteSafetensors(b, tb, map[string]string{"model": "x"}))
	require.False(t, CompareModelFiles(t, a, b))
}

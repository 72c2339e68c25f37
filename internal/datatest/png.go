package datatest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// PixelTolerance is how far a channel of a pixel (0..255) may be from the
// golden figure's in AssertPNG. Figures are drawn by gonum/plot's
// anti-aliased vector rasteriser, whose coverage is computed in floating
// point: where Go fuses multiply-adds differently (FMA on arm64, ppc64,
// s390x) an edge pixel's coverage moves by about 1e-7, which rounds to at
// most one level; 2 leaves room for two such roundings. A change of
// content (a curve, a label, a tile) moves many pixels by tens of levels.
const PixelTolerance = 2

// AssertPNG compares the PNG got with golden/<sub>/<name> on every
// architecture: identical bytes pass; otherwise both are decoded and must
// have the same size and every channel of every pixel within
// PixelTolerance. On failure the message gives the number of pixels
// beyond the tolerance, the largest difference and the box they lie in,
// and got is written to $TMPDIR/recog-golden/<sub>/<name> to look at.
// `go test -update` rewrites the golden (outside CI).
func AssertPNG(t *testing.T, sub, name string, got []byte) {
	t.Helper()
	if Updating(t) {
		if err := Golden(t, sub).Update(t, name, got); err != nil {
			t.Fatalf("golden %s/%s: %v", sub, name, err)
		}
		return
	}
	path := GoldenPath(t, sub, name)
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to write the golden file)", err)
	}
	if bytes.Equal(want, got) {
		return
	}
	msg, err := pngDiff(want, got)
	if err != nil {
		t.Fatalf("golden/%s/%s: %v", sub, name, err)
	}
	if msg == "" {
		t.Logf("golden/%s/%s: bytes differ, pixels within ±%d", sub, name, PixelTolerance)
		return
	}
	out := filepath.Join(os.TempDir(), "recog-golden", sub, name)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err == nil {
		if os.WriteFile(out, got, 0o644) == nil {
			msg += "; the figure made now is " + out
		}
	}
	t.Fatalf("golden/%s/%s differs: %s", sub, name, msg)
}

// pngDiff decodes two PNGs and describes where they differ by more than
// PixelTolerance in a channel ("" when nowhere).
func pngDiff(want, got []byte) (string, error) {
	a, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		return "", fmt.Errorf("golden: %w", err)
	}
	b, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		return "", fmt.Errorf("made now: %w", err)
	}
	if a.Bounds() != b.Bounds() {
		return fmt.Sprintf("size %v, golden %v", b.Bounds().Size(), a.Bounds().Size()), nil
	}
	r := a.Bounds()
	var n, worst int
	box := image.Rectangle{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			d := channelDiff(a.At(x, y), b.At(x, y))
			if d > PixelTolerance {
				n++
				worst = max(worst, d)
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if n == 0 {
		return "", nil
	}
	return fmt.Sprintf("%d of %d pixels differ by more than %d (at most %d), within %v", n, r.Dx()*r.Dy(), PixelTolerance, worst, box), nil
}

// channelDiff returns the largest difference of the 8-bit R, G, B, A
// channels of two colours (non-premultiplied).
func channelDiff(c1, c2 color.Color) int {
	a := color.NRGBAModel.Convert(c1).(color.NRGBA)
	b := color.NRGBAModel.Convert(c2).(color.NRGBA)
	d := 0
	for _, p := range [][2]uint8{{a.R, b.R}, {a.G, b.G}, {a.B, b.B}, {a.A, b.A}} {
		d = max(d, abs(int(p[0])-int(p[1])))
	}
	return d
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

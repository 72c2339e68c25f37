package ocr

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime/metrics"
	"testing"
)

// fuzzLimits are the limits FuzzDecode decodes with: Load's code with a
// smaller MaxPixels and MaxSide, so that each run stays small and fast.
var fuzzLimits = limits{pixels: 1 << 18, side: 1 << 11}

// heapAllocs returns the bytes allocated on the heap since the program began.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// FuzzDecode feeds any bytes to the loader (decode with fuzzLimits): it must
// never panic, must return an image within the limits that is opaque or an
// error, and must never allocate more than maxBytesPerPixel for each pixel
// the limits allow (plus the JPEG's block padding, a fixed 1 MiB and twice the
// input, which the header is buffered in).
func FuzzDecode(f *testing.F) {
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(fixtureDir, e.Name())); err == nil && e.Name() != "README.md" {
			f.Add(b)
		}
	}
	for _, b := range bombs(f) {
		f.Add(b)
	}
	small := grad(6, 4)
	f.Add(pngOf(f, small))
	f.Add(withPNGOrientation(pngOf(f, image.NewNRGBA64(image.Rect(0, 0, 5, 3))), 5, true))
	f.Add(withOrientation(jpegOf(f, small), 3))
	f.Add(pngOf(f, image.NewPaletted(image.Rect(0, 0, 3, 3), color.Palette{color.Transparent, color.Black})))

	lim := fuzzLimits
	padded := lim.pixels + 32*2*lim.side + 32*32 // JPEG blocks up to 32 x 32 pixels
	f.Fuzz(func(t *testing.T, b []byte) {
		before := heapAllocs()
		img, err := decode(bytes.NewReader(b), "fuzz.png", lim)
		alloc := heapAllocs() - before
		if budget := uint64(maxBytesPerPixel*padded + 1<<20 + 2*len(b)); alloc > budget {
			t.Fatalf("allocated %d bytes, more than the %d allowed (err %v)", alloc, budget, err)
		}
		if err != nil {
			if img != nil {
				t.Fatalf("an image and an error: %v", err)
			}
			if !bytes.Contains([]byte(err.Error()), []byte("fuzz.png")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		r := img.Bounds()
		if r.Dx() < 1 || r.Dy() < 1 || r.Dx() > lim.side || r.Dy() > lim.side || r.Dx()*r.Dy() > lim.pixels {
			t.Fatalf("image %v beyond the limits", r)
		}
		if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
			t.Fatalf("%T is not opaque", img)
		}
	})
}

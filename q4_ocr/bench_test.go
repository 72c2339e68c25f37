package ocr

import (
	"path/filepath"
	"testing"

	"recog/internal/datatest"
)

// BenchmarkLoadDeep measures reading and decoding 04_deep.jpg (12 MP).
func BenchmarkLoadDeep(b *testing.B) {
	path := filepath.Join(datatest.Dir(b, "images"), "04_deep.jpg")
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindLettersDeep measures Detect + Crops on the decoded 04_deep.jpg.
func BenchmarkFindLettersDeep(b *testing.B) {
	img, err := Load(filepath.Join(datatest.Dir(b, "images"), "04_deep.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p, err := Detect(img)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Crops(p); err != nil {
			b.Fatal(err)
		}
	}
}

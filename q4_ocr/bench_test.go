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

// BenchmarkRecogniseDeep measures the whole pipeline after decoding on
// 04_deep.jpg: Recognise (detection, lines, spaces, crops, the embedded Q3
// network on the 41 crops), the model loaded once before the loop.
func BenchmarkRecogniseDeep(b *testing.B) {
	img, err := Load(filepath.Join(datatest.Dir(b, "images"), "04_deep.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	c := q3Model(b).Classifier()
	for b.Loop() {
		if _, err := Recognise(img, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadDeep measures what `recog ocr 04_deep.jpg` does after loading
// the model: Load (read, decode, EXIF orientation) + Recognise.
func BenchmarkReadDeep(b *testing.B) {
	path := filepath.Join(datatest.Dir(b, "images"), "04_deep.jpg")
	c := q3Model(b).Classifier()
	for b.Loop() {
		img, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Recognise(img, c); err != nil {
			b.Fatal(err)
		}
	}
}

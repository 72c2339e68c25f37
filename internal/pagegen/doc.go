// Package pagegen renders the held-out OCR page set of testdata/pages:
// photo-like pages of handwritten capital letters and digits with exact
// transcripts, for measuring how the OCR readers of q4_ocr and q7_autodiff
// do on handwriting no one trained on (issue #17).
//
// The pages are written in handwriting fonts from Debian packages (Fonts;
// outlines read with golang.org/x/image/font/opentype and rasterised with
// golang.org/x/image/vector) and with characters of EMNIST Balanced's test
// split, which no training run reads (each image is used once; the manifest
// records their indices). Generate lays the text out letter by letter with
// jitter, gives the strokes a pen and the page paper, ink and light, and
// photographs it: a homography with bilinear sampling, vignette, blur, noise
// and JPEG compression. Every choice comes from a seeded PCG stream, so the
// same seed, fonts and EMNIST files give the same bytes on the same
// architecture (floating-point results, and so the pixels, could differ on
// one that fuses multiply-adds).
//
// `go run ./cmd/pagegen --out testdata/pages` regenerates the set;
// testdata/pages/README.md describes it.
package pagegen

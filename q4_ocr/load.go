package ocr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // register PNG
	"io"
	"os"

	"github.com/disintegration/imaging"
)

// Load reads a PNG or JPEG photo and turns it upright according to its EXIF
// orientation tag (imaging.AutoOrientation). Errors name the file: a missing
// file, a file that is not a PNG or JPEG, or a truncated or corrupt image.
func Load(path string) (image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	return Decode(bytes.NewReader(b), path)
}

// Decode reads a PNG or JPEG image from r like Load; name is used in errors.
func Decode(r io.Reader, name string) (image.Image, error) {
	img, err := imaging.Decode(r, imaging.AutoOrientation(true))
	if err != nil {
		switch {
		case errors.Is(err, image.ErrFormat):
			return nil, fmt.Errorf("ocr: %s: not a PNG or JPEG image", name)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), isShortHuffman(err):
			// image/jpeg reports the end of the file inside the compressed
			// scan data as "short Huffman data".
			return nil, fmt.Errorf("ocr: %s: truncated image: %w", name, err)
		}
		return nil, fmt.Errorf("ocr: %s: cannot decode image: %w", name, err)
	}
	if b := img.Bounds(); b.Dx() < 1 || b.Dy() < 1 {
		return nil, fmt.Errorf("ocr: %s: empty image (%d x %d)", name, b.Dx(), b.Dy())
	}
	return img, nil
}

// isShortHuffman reports whether err is image/jpeg's error for scan data
// that ends early.
func isShortHuffman(err error) bool {
	var fe jpeg.FormatError
	return errors.As(err, &fe) && string(fe) == "short Huffman data"
}

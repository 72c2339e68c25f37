package ocr

import (
	"bufio"
	"bytes"
	endian "encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"github.com/disintegration/imaging"
)

// Size limits of Load and Decode. Image decoders allocate the whole image as
// soon as they have read its header, so a few hundred bytes that claim
// 300000 x 300000 pixels would ask for hundreds of gigabytes. Load and Decode
// therefore read the header first (image.DecodeConfig, as the image package
// advises for untrusted input) and refuse an image beyond these limits before
// any pixel is allocated.
const (
	// MaxPixels is the largest image accepted, width × height: 50 megapixels.
	// Phone and camera photos up to 40 MP (7296 x 5472 = 39.9 MP) load;
	// recognition works on a copy about 1000 pixels on its longer side, so a
	// larger photo only costs memory. Loading allocates, in total, about 1.6
	// bytes per pixel for a baseline colour JPEG from a phone (5.6 when its
	// EXIF orientation turns it: 64 MB and 224 MB for 40 MP) and at most
	// about 33 bytes per pixel for the costliest forms measured (a
	// progressive CMYK JPEG turned by its orientation: 33; an interlaced
	// 16-bit PNG with alpha, turned: 25), so at most about 1.7 GB at the
	// limit (TestLoadMemory; the fuzz test checks every input against it).
	MaxPixels = 50_000_000
	// MaxSide is the longest side accepted, in pixels: no camera makes a
	// longer one, and a side beyond it is a bomb or a mistake.
	MaxSide = 1 << 15 // 32768

	// maxHeader bounds the bytes read before the image's size is known
	// (JPEG segments before the frame header: EXIF, ICC profile, XMP); they
	// are kept to be read again, which allocates at most twice as much.
	maxHeader = 16 << 20
	// maxExif bounds the EXIF block kept to find the orientation tag.
	maxExif = 64 << 10
)

// Errors of Load and Decode, for errors.Is; the returned errors also name
// the file and say what was found.
var (
	ErrEmptyFile = errors.New("empty file")
	ErrFormat    = errors.New("not a PNG or JPEG image")
	ErrTooLarge  = errors.New("image too large")
	ErrTruncated = errors.New("truncated image")
	ErrCorrupt   = errors.New("corrupt image")
)

// limits are the bounds a decode enforces (Load and Decode: MaxPixels and
// MaxSide; the fuzz test lowers them to keep each run small).
type limits struct{ pixels, side int }

var defaultLimits = limits{MaxPixels, MaxSide}

// Load reads a PNG or JPEG photo, composites any transparency on white and
// turns the image upright according to its EXIF orientation (JPEG APP1 or
// PNG eXIf chunk). Errors name the file and the problem: a missing or empty
// file, another format (GIF, BMP, TIFF, WebP, HEIC, ...: named), an image
// beyond MaxPixels or MaxSide, a truncated or corrupt file.
func Load(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ocr: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("ocr: %s: is a directory, not a photo", path)
	}
	return decode(bufio.NewReaderSize(f, 64<<10), path, defaultLimits)
}

// Decode reads a PNG or JPEG image from r like Load; name is used in errors.
func Decode(r io.Reader, name string) (image.Image, error) {
	return decode(r, name, defaultLimits)
}

func decode(r io.Reader, name string, lim limits) (image.Image, error) {
	head := make([]byte, 16)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	switch {
	case n == 0 && err == io.EOF:
		return nil, fmt.Errorf("ocr: %s: %w", name, ErrEmptyFile)
	case err != nil && err != io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("ocr: %s: %w", name, err)
	}
	format := sniff(head)
	if format != "PNG" && format != "JPEG" {
		what := "unknown content"
		if format != "" {
			what = "a " + format + " image"
		}
		if format == "text" {
			what = "text"
		}
		return nil, fmt.Errorf("ocr: %s: %w: the file holds %s; convert it to PNG or JPEG", name, ErrFormat, what)
	}

	// The header, recorded so that the full decode can read it again.
	src := &eofReader{r: io.MultiReader(bytes.NewReader(head), r)}
	rec := &recorder{r: src, max: maxHeader}
	var cfg image.Config
	if format == "PNG" {
		cfg, err = png.DecodeConfig(rec)
	} else {
		cfg, err = jpeg.DecodeConfig(rec)
	}
	if err != nil {
		return nil, decodeError(name, format, err, src.eof)
	}
	if err := lim.check(cfg.Width, cfg.Height); err != nil {
		return nil, fmt.Errorf("ocr: %s: %w", name, err)
	}

	full := io.MultiReader(bytes.NewReader(rec.buf), src)
	var img image.Image
	var orient int
	if format == "PNG" {
		w := &pngExif{skip: 8}
		img, err = png.Decode(io.TeeReader(full, w))
		orient = exifOrientation(w.exif)
	} else {
		orient = exifOrientation(jpegExif(rec.buf))
		img, err = jpeg.Decode(full)
	}
	if err != nil {
		return nil, decodeError(name, format, err, src.eof)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("ocr: %s: %w: %s header says %d x %d, the image is %d x %d", name, ErrCorrupt, format, cfg.Width, cfg.Height, b.Dx(), b.Dy())
	}
	return orientImage(onWhite(img), orient), nil
}

// check returns an error when a w x h image is beyond the limits.
func (l limits) check(w, h int) error {
	switch {
	case w < 1 || h < 1:
		return fmt.Errorf("%w: empty image (%d x %d pixels)", ErrCorrupt, w, h)
	case w > l.side || h > l.side || int64(w)*int64(h) > int64(l.pixels):
		return fmt.Errorf("%w: %d x %d pixels (%.1f megapixels); the limit is %.0f megapixels and %d pixels a side: "+
			"scale it down (letters are found at about 1000 pixels on the longer side, so 4000 is plenty)",
			ErrTooLarge, w, h, float64(w)*float64(h)/1e6, float64(l.pixels)/1e6, l.side)
	}
	return nil
}

// decodeError says whether err from the PNG or JPEG decoder means the file
// ends early (the decoder asked for more after the last byte: atEOF) or its
// content is wrong.
func decodeError(name, format string, err error, atEOF bool) error {
	var fe jpeg.FormatError
	switch {
	case errors.Is(err, errHeaderTooLong):
		return fmt.Errorf("ocr: %s: %w: more than %d MiB of %s metadata before the image size", name, ErrCorrupt, maxHeader>>20, format)
	case atEOF, errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		// image/jpeg reports the end of the file inside the compressed
		// scan data as "short Huffman data".
		errors.As(err, &fe) && string(fe) == "short Huffman data":
		return fmt.Errorf("ocr: %s: %w: the %s file ends before its image data does (was it copied or downloaded completely?)", name, ErrTruncated, format)
	}
	return fmt.Errorf("ocr: %s: %w: %s: %v", name, ErrCorrupt, format, err)
}

// sniff names the format of a file from its first bytes: "PNG" and "JPEG"
// are read; the others are named in the error.
func sniff(b []byte) string {
	has := func(p string) bool { return bytes.HasPrefix(b, []byte(p)) }
	switch {
	case has("\x89PNG"):
		return "PNG"
	case has("\xff\xd8\xff"):
		return "JPEG"
	case has("GIF87a"), has("GIF89a"):
		return "GIF"
	case has("BM") && len(b) >= 16 && b[15] == 0 && bytes.IndexByte([]byte{12, 40, 52, 56, 64, 108, 124}, b[14]) >= 0:
		return "BMP" // "BM", file size, reserved, offset, DIB header size
	case has("II*\x00"), has("MM\x00*"):
		return "TIFF"
	case has("RIFF") && len(b) >= 12 && string(b[8:12]) == "WEBP":
		return "WebP"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "avif", "avis":
			return "AVIF"
		case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
			return "HEIC/HEIF"
		}
	case has("\x00\x00\x01\x00"):
		return "ICO"
	case has("%PDF"):
		return "PDF"
	case has("8BPS"):
		return "Photoshop (PSD)"
	case has("\x00\x00\x00\x0cjP  "), has("\xff\x4f\xff\x51"):
		return "JPEG 2000"
	case has("qoif"):
		return "QOI"
	}
	if isText(b) {
		return "text"
	}
	return ""
}

// isText reports whether b looks like the start of a text file.
func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			return false
		}
	}
	return len(b) > 0
}

// eofReader notes whether its reader has reported the end of the stream.
type eofReader struct {
	r   io.Reader
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}

var errHeaderTooLong = errors.New("header too long")

// recorder keeps the bytes read through it, at most max.
type recorder struct {
	r   io.Reader
	buf []byte
	max int
}

func (c *recorder) Read(p []byte) (int, error) {
	if len(c.buf) >= c.max {
		return 0, errHeaderTooLong
	}
	p = p[:min(len(p), c.max-len(c.buf))]
	n, err := c.r.Read(p)
	if len(c.buf)+n > cap(c.buf) { // grow by doubling: at most 2·max allocated in all
		buf := make([]byte, len(c.buf), min(max(2*cap(c.buf), len(c.buf)+n, 4096), c.max))
		copy(buf, c.buf)
		c.buf = buf
	}
	c.buf = append(c.buf, p[:n]...)
	return n, err
}

// pngExif watches a PNG stream as it is decoded and keeps the data of its
// first eXIf chunk (at most maxExif bytes). A PNG is an 8-byte signature,
// then chunks: length (4 bytes, big-endian), type (4), data, CRC (4).
// Start it with skip = 8 to pass the signature.
type pngExif struct {
	skip int64   // bytes left to skip (signature, chunk data and CRC)
	hdr  [8]byte // chunk header being read
	nhdr int     // bytes of hdr read
	keep int64   // bytes of the current chunk's data still to keep
	exif []byte  // the eXIf data kept
	done bool    // an eXIf chunk was seen
}

func (w *pngExif) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if w.skip > 0 {
			k := int(min(w.skip, int64(len(p))))
			if w.keep > 0 {
				c := int(min(w.keep, int64(k)))
				w.exif = append(w.exif, p[:c]...)
				w.keep -= int64(c)
			}
			p, w.skip = p[k:], w.skip-int64(k)
			continue
		}
		k := copy(w.hdr[w.nhdr:], p)
		p, w.nhdr = p[k:], w.nhdr+k
		if w.nhdr < 8 {
			continue
		}
		w.nhdr = 0
		length := int64(endian.BigEndian.Uint32(w.hdr[:4]))
		w.skip = length + 4
		if string(w.hdr[4:8]) == "eXIf" && !w.done {
			w.done, w.keep = true, min(length, maxExif)
		}
	}
	return n, nil
}

// jpegExif returns the TIFF block of the first APP1 "Exif" segment among
// the JPEG segments in b (which holds the file from its start), or nil.
func jpegExif(b []byte) []byte {
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return nil
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return nil
		}
		m := b[i+1]
		switch {
		case m == 0xff: // fill byte
			i++
			continue
		case m == 0xd8, m >= 0xd0 && m <= 0xd7, m == 0x01: // no length
			i += 2
			continue
		case m == 0xda || m == 0xd9: // start of scan, end of image
			return nil
		}
		size := int(endian.BigEndian.Uint16(b[i+2:]))
		end := i + 2 + size
		if size < 2 || end > len(b) {
			return nil
		}
		if seg := b[i+4 : end]; m == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg[6:]
		}
		i = end
	}
	return nil
}

// exifOrientation returns the orientation tag (0x0112, 1-8) of the first
// image file directory of a TIFF-structured EXIF block, or 0.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo endian.ByteOrder
	switch string(t[:4]) {
	case "MM\x00*":
		bo = endian.BigEndian
	case "II*\x00":
		bo = endian.LittleEndian
	default:
		return 0
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 0
	}
	n := int64(bo.Uint16(t[off:]))
	for i := range n {
		e := off + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 0
		}
		// entry: tag (2), type (2), count (4), value (4); SHORT = type 3
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 0
		}
	}
	return 0
}

// orientImage turns img upright for EXIF orientation o: 1 (or 0, unknown)
// keeps it, 2 mirrors it, 3 turns it 180°, 4 flips it, 5 transposes it,
// 6 turns it 90° clockwise, 7 transverses it, 8 turns it 90° anticlockwise.
func orientImage(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // 270° anticlockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}

// onWhite returns img composited over a white page when it has any pixel
// that is not opaque (out = α·colour + (1 − α)·white), else img itself.
func onWhite(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	out := image.NewRGBA(b)
	draw.Draw(out, b, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, b, img, b.Min, draw.Over)
	return out
}

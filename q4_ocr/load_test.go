package ocr

import (
	"bytes"
	"compress/zlib"
	endian "encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"recog/internal/datatest"
)

// fixtureDir holds the crafted input files of the load tests (committed,
// written by loadFixtures; TestLoadFixturesUpToDate checks them and rewrites
// them with -update). The files made with ImageMagick are described in its
// README.md. Image bombs are made by the tests and never committed.
var fixtureDir = filepath.Join("..", "testdata", "images")

// grad returns a w x h grey image whose pixel (x, y) is 10·x + 40·y: every
// pixel of a small image differs, so any flip or turn shows.
func grad(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g.Pix[y*g.Stride+x] = uint8(10*x + 40*y)
		}
	}
	return g
}

func encode(t testing.TB, enc func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, enc(&b))
	return b.Bytes()
}

func pngOf(t testing.TB, img image.Image) []byte {
	return encode(t, func(b *bytes.Buffer) error { return png.Encode(b, img) })
}

func jpegOf(t testing.TB, img image.Image) []byte {
	return encode(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, img, &jpeg.Options{Quality: 95}) })
}

// pngChunk returns one PNG chunk: length, type, data, CRC-32 of type and data.
func pngChunk(typ string, data []byte) []byte {
	out := endian.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return endian.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngHeader returns the signature and an IHDR chunk for a w x h image of
// 8-bit colour type ct (0 grey, 2 RGB, 6 RGBA).
func pngHeader(w, h uint32, ct byte) []byte {
	ihdr := endian.BigEndian.AppendUint32(nil, w)
	ihdr = endian.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, ct, 0, 0, 0)
	return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
}

// tiffOrientation returns a big-endian TIFF block holding only the EXIF
// orientation tag (0x0112, SHORT, value o).
func tiffOrientation(o uint16) []byte {
	return []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, // orientation
		0, 0, 0, 0} // no next IFD
}

// withPNGOrientation inserts an eXIf chunk with orientation o into a PNG,
// right after IHDR or, with late, right before IEND (both are allowed).
func withPNGOrientation(p []byte, o uint16, late bool) []byte {
	at := 8 + 25 // signature + IHDR
	if late {
		at = len(p) - 12 // IEND
	}
	return slices.Concat(p[:at], pngChunk("eXIf", tiffOrientation(o)), p[at:])
}

// withOrientation inserts an APP1 Exif segment holding only the orientation
// tag right after the JPEG's SOI marker.
func withOrientation(jpg []byte, o uint16) []byte {
	payload := append([]byte("Exif\x00\x00"), tiffOrientation(o)...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	return slices.Concat(jpg[:2], seg, payload, jpg[2:])
}

// loadFixtures returns the crafted files of testdata/images written by code.
func loadFixtures(t testing.TB) map[string][]byte {
	small := grad(6, 4)
	pal := image.NewPaletted(small.Bounds(), color.Palette{color.Black, color.White})
	page := grad(64, 64)
	pagePNG, pageJPG := pngOf(t, page), jpegOf(t, page)
	badCRC := bytes.Clone(pagePNG)
	badCRC[len(badCRC)-13]++ // last byte of the IDAT CRC
	badHuff := bytes.Clone(pageJPG)
	i := bytes.Index(badHuff, []byte{0xff, 0xc4}) // DHT: Huffman tables
	for k := i + 5; k < i+21; k++ {
		badHuff[k] = 0xff // code counts far beyond what 16 bits can hold
	}
	return map[string][]byte{
		"empty.png":     {},
		"notes.jpg":     []byte("TO DO LIST\nEGGS\nMILK\n"),
		"tiny.gif":      encode(t, func(b *bytes.Buffer) error { return gif.Encode(b, pal, nil) }),
		"tiny.bmp":      encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, small) }),
		"tiny.tif":      encode(t, func(b *bytes.Buffer) error { return tiff.Encode(b, small, nil) }),
		"header.webp":   []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"),
		"header.heic":   []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
		"cut.jpg":       pageJPG[:len(pageJPG)/2],
		"cut.png":       pagePNG[:len(pagePNG)/2],
		"signature.png": pagePNG[:6],
		"badcrc.png":    badCRC,
		"badhuff.jpg":   badHuff,
		"zerowidth.png": slices.Concat(pngHeader(0, 4, 0), pngChunk("IEND", nil)),
		"orient6.png":   withPNGOrientation(pngOf(t, small), 6, false),
		"orient8.jpg":   withOrientation(jpegOf(t, grad(24, 16)), 8),
	}
}

// TestLoadFixturesUpToDate checks that testdata/images holds what
// loadFixtures writes (go test ./q4_ocr -run Fixtures -update rewrites it).
func TestLoadFixturesUpToDate(t *testing.T) {
	for name, want := range loadFixtures(t) {
		p := filepath.Join(fixtureDir, name)
		if datatest.Updating(t) {
			require.NoError(t, os.MkdirAll(fixtureDir, 0o755))
			require.NoError(t, os.WriteFile(p, want, 0o644))
			continue
		}
		got, err := os.ReadFile(p)
		require.NoError(t, err, "run go test ./q4_ocr -run Fixtures -update")
		require.Equal(t, want, got, "%s differs from what loadFixtures makes: run go test ./q4_ocr -run Fixtures -update", name)
	}
}

// TestLoadBadInputs: every bad file gets an error that names the file, says
// what is wrong (and what was found) and matches one of the sentinel errors.
func TestLoadBadInputs(t *testing.T) {
	fx := func(name string) string { return filepath.Join(fixtureDir, name) }
	tests := []struct {
		name, path string
		is         error
		want       string
	}{
		{"missing file", fx("nope.jpg"), fs.ErrNotExist, "nope.jpg: no such file"},
		{"directory", fixtureDir, nil, "images: is a directory, not a photo"},
		{"zero bytes", fx("empty.png"), ErrEmptyFile, "empty.png: empty file"},
		{"text", fx("notes.jpg"), ErrFormat, "notes.jpg: not a PNG or JPEG image: the file holds text; convert it to PNG or JPEG"},
		{"GIF", fx("tiny.gif"), ErrFormat, "tiny.gif: not a PNG or JPEG image: the file holds a GIF image; convert it to PNG or JPEG"},
		{"BMP", fx("tiny.bmp"), ErrFormat, "tiny.bmp: not a PNG or JPEG image: the file holds a BMP image"},
		{"TIFF", fx("tiny.tif"), ErrFormat, "tiny.tif: not a PNG or JPEG image: the file holds a TIFF image"},
		{"WebP", fx("header.webp"), ErrFormat, "header.webp: not a PNG or JPEG image: the file holds a WebP image"},
		{"HEIC", fx("header.heic"), ErrFormat, "header.heic: not a PNG or JPEG image: the file holds a HEIC/HEIF image"},
		{"truncated JPEG", fx("cut.jpg"), ErrTruncated, "cut.jpg: truncated image: the JPEG file ends before its image data does"},
		{"truncated PNG", fx("cut.png"), ErrTruncated, "cut.png: truncated image: the PNG file ends before its image data does"},
		{"PNG signature only", fx("signature.png"), ErrTruncated, "signature.png: truncated image: the PNG file ends"},
		{"PNG bad checksum", fx("badcrc.png"), ErrCorrupt, "badcrc.png: corrupt image: PNG: png: invalid format: invalid checksum"},
		{"JPEG bad Huffman table", fx("badhuff.jpg"), ErrCorrupt, "badhuff.jpg: corrupt image: JPEG: "},
		{"PNG zero width", fx("zerowidth.png"), ErrCorrupt, "zerowidth.png: corrupt image: PNG: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Load(tc.path)
			require.Nil(t, img)
			require.ErrorContains(t, err, tc.want)
			require.ErrorContains(t, err, "ocr: ")
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
		})
	}
}

// bombs are images whose headers claim more than the limits: the error must
// come from the header alone, before any pixel is allocated.
func bombs(t testing.TB) map[string][]byte {
	// The bomb: 300000 x 300000 RGB in a few hundred bytes (the IDAT
	// holds the zlib stream of the first rows, all zero).
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = zw.Write(make([]byte, 3*(3*300000+1)))
	require.NoError(t, zw.Close())
	bomb := slices.Concat(pngHeader(300000, 300000, 2), pngChunk("IDAT", z.Bytes()), pngChunk("IEND", nil))
	require.Less(t, len(bomb), 4096)
	// A JPEG whose frame header claims 65535 x 65535: patch the SOF0 of a
	// small JPEG (marker, length, precision, then height and width).
	jb := jpegOf(t, grad(16, 16))
	sof := bytes.Index(jb, []byte{0xff, 0xc0})
	endian.BigEndian.PutUint16(jb[sof+5:], 65535)
	endian.BigEndian.PutUint16(jb[sof+7:], 65535)
	return map[string][]byte{
		"bomb.png":     bomb,
		"bomb.jpg":     jb,
		"tallside.png": slices.Concat(pngHeader(10, MaxSide+1, 0), pngChunk("IEND", nil)),
		"64mp.png":     slices.Concat(pngHeader(8000, 8000, 0), pngChunk("IEND", nil)),
	}
}

func TestLoadRejectsBombsBeforeDecoding(t *testing.T) {
	want := map[string]string{
		"bomb.png":     "bomb.png: image too large: 300000 x 300000 pixels (90000.0 megapixels); the limit is 50 megapixels and 32768 pixels a side: scale it down",
		"bomb.jpg":     "bomb.jpg: image too large: 65535 x 65535 pixels (4294.8 megapixels)",
		"tallside.png": "tallside.png: image too large: 10 x 32769 pixels (0.3 megapixels)",
		"64mp.png":     "64mp.png: image too large: 8000 x 8000 pixels (64.0 megapixels)",
	}
	dir := t.TempDir()
	for name, b := range bombs(t) {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, b, 0o644))
			var err error
			alloc := allocated(func() { _, err = Load(p) })
			require.ErrorIs(t, err, ErrTooLarge)
			require.ErrorContains(t, err, want[name])
			require.Less(t, alloc, uint64(1<<20), "bytes allocated before the error")
		})
	}
}

// A JPEG with more than maxHeader bytes of segments before its frame header
// is refused before the rest is read: the header is buffered, within a bound.
func TestLoadRejectsLongHeaders(t *testing.T) {
	jb := jpegOf(t, grad(16, 16))
	// One APP2 segment: marker, length 65533 (the length field and the data).
	app := make([]byte, 4+65531)
	app[0], app[1], app[2], app[3] = 0xff, 0xe2, 0xff, 0xfd
	var segs []byte
	for len(segs) <= maxHeader {
		segs = append(segs, app...)
	}
	file := slices.Concat(jb[:2], segs, jb[2:])
	var err error
	alloc := allocated(func() { _, err = Decode(bytes.NewReader(file), "meta.jpg") })
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorContains(t, err, "meta.jpg: corrupt image: more than 16 MiB of JPEG metadata before the image size")
	require.Less(t, alloc, uint64(2*maxHeader+1<<20))
}

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestLoadLimits(t *testing.T) {
	tests := []struct {
		w, h int
		is   error // nil: accepted
	}{
		{7296, 5472, nil}, // a 40 MP camera photo
		{4032, 3024, nil}, // 04_deep.jpg
		{7071, 7071, nil}, // 49.999 MP
		{7072, 7072, ErrTooLarge},
		{1, MaxSide, nil},
		{MaxSide, 1, nil},
		{MaxSide + 1, 1, ErrTooLarge},
		{1, MaxSide + 1, ErrTooLarge},
		{MaxSide, MaxSide, ErrTooLarge},
		{1 << 31, 1 << 31, ErrTooLarge}, // no overflow
		{0, 10, ErrCorrupt},
		{10, -1, ErrCorrupt},
	}
	for _, tc := range tests {
		err := defaultLimits.check(tc.w, tc.h)
		if tc.is == nil {
			require.NoError(t, err, "%d x %d", tc.w, tc.h)
		} else {
			require.ErrorIs(t, err, tc.is, "%d x %d", tc.w, tc.h)
		}
	}
}

// upright maps each EXIF orientation to where pixel (x, y) of the upright
// image is stored in a W x H file, from the EXIF definitions of the tag
// (which corner row 0 and column 0 of the stored image are).
var upright = map[int]func(x, y, w, h int) (int, int){
	1: func(x, y, w, h int) (int, int) { return x, y },
	2: func(x, y, w, h int) (int, int) { return w - 1 - x, y },
	3: func(x, y, w, h int) (int, int) { return w - 1 - x, h - 1 - y },
	4: func(x, y, w, h int) (int, int) { return x, h - 1 - y },
	5: func(x, y, w, h int) (int, int) { return y, x },
	6: func(x, y, w, h int) (int, int) { return y, h - 1 - x },
	7: func(x, y, w, h int) (int, int) { return w - 1 - y, h - 1 - x },
	8: func(x, y, w, h int) (int, int) { return w - 1 - y, x },
}

// checkUpright requires img to be the upright view of stored (W x H) for
// orientation o, grey values within tol.
func checkUpright(t *testing.T, img image.Image, stored *image.Gray, o int, tol int) {
	t.Helper()
	w, h := stored.Bounds().Dx(), stored.Bounds().Dy()
	uw, uh := w, h
	if o >= 5 {
		uw, uh = h, w
	}
	require.Equal(t, image.Rect(0, 0, uw, uh), img.Bounds(), "orientation %d", o)
	for y := range uh {
		for x := range uw {
			sx, sy := upright[o](x, y, w, h)
			got := int(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
			want := int(stored.GrayAt(sx, sy).Y)
			require.InDelta(t, want, got, float64(tol), "orientation %d, upright pixel (%d, %d) = stored (%d, %d)", o, x, y, sx, sy)
		}
	}
}

// TestLoadOrientation: the EXIF orientation of a PNG (eXIf chunk, before or
// after the image data) and of a JPEG (APP1) turns the image upright, pixel
// for pixel, for all eight values; a broken EXIF block is ignored.
func TestLoadOrientation(t *testing.T) {
	small := grad(6, 4)
	blocks := image.NewGray(image.Rect(0, 0, 24, 16)) // 3 x 2 blocks of 8x8: JPEG keeps them
	for y := range 16 {
		for x := range 24 {
			blocks.Pix[y*24+x] = uint8(20 + 40*(x/8) + 120*(y/8))
		}
	}
	for o := 1; o <= 8; o++ {
		for _, late := range []bool{false, true} {
			img, err := Decode(bytes.NewReader(withPNGOrientation(pngOf(t, small), uint16(o), late)), "x.png")
			require.NoError(t, err)
			checkUpright(t, img, small, o, 0)
		}
		img, err := Decode(bytes.NewReader(withOrientation(jpegOf(t, blocks), uint16(o))), "x.jpg")
		require.NoError(t, err)
		checkUprightBlocks(t, img, blocks, o)
	}
	for name, tiffBlock := range map[string][]byte{
		"no IFD":          []byte("MM\x00*\x00\x00\x00\x08"),
		"IFD beyond end":  []byte("II*\x00\xff\xff\x00\x00\x01\x00"),
		"bad byte order":  []byte("XX\x00*\x00\x00\x00\x08\x00\x00"),
		"value 9":         slices.Concat(tiffOrientation(9)),
		"entries cut off": tiffOrientation(6)[:14],
	} {
		require.Zero(t, exifOrientation(tiffBlock), name)
	}
	img, err := Load(filepath.Join(fixtureDir, "orient6.png"))
	require.NoError(t, err)
	checkUpright(t, img, small, 6, 0)
	img, err = Load(filepath.Join(fixtureDir, "orient8.jpg"))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 16, 24), img.Bounds())
}

// checkUprightBlocks is checkUpright for the 8x8 blocks image at the centre
// pixels of the blocks, within 6 grey levels.
func checkUprightBlocks(t *testing.T, img image.Image, stored *image.Gray, o int) {
	t.Helper()
	w, h := stored.Bounds().Dx(), stored.Bounds().Dy()
	uw, uh := w, h
	if o >= 5 {
		uw, uh = h, w
	}
	require.Equal(t, image.Rect(0, 0, uw, uh), img.Bounds(), "orientation %d", o)
	for y := 3; y < uh; y += 8 {
		for x := 3; x < uw; x += 8 {
			sx, sy := upright[o](x, y, w, h)
			got := int(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
			require.InDelta(t, int(stored.GrayAt(sx, sy).Y), got, 6, "JPEG orientation %d, pixel (%d, %d)", o, x, y)
		}
	}
}

// TestLoadTransparency: a PNG with transparency is composited on white, so
// the loaded image is opaque and a page whose ink is held in the alpha
// channel (8- and 16-bit RGBA, a palette with alpha) or that is half
// transparent reads like the opaque page.
func TestLoadTransparency(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := newCanvas(700, 300, rng)
	c.text("NEW HOTEL", 40, 80, 50, 80, 22, 7, 30)
	b := c.img.Bounds()
	alphaInk := image.NewNRGBA(b) // black, ink in alpha
	alphaInk16 := image.NewNRGBA64(b)
	half := image.NewNRGBA(b)       // the page at alpha 1/2
	pal := make(color.Palette, 256) // black at every opacity
	for i := range pal {
		pal[i] = color.NRGBA{0, 0, 0, uint8(255 - i)}
	}
	paletted := image.NewPaletted(b, pal)
	for y := range b.Dy() {
		for x := range b.Dx() {
			v := c.img.GrayAt(x, y).Y
			alphaInk.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 255 - v})
			alphaInk16.SetNRGBA64(x, y, color.NRGBA64{0, 0, 0, uint16(255-v) * 257})
			half.SetNRGBA(x, y, color.NRGBA{v, v, v, 128})
			paletted.SetColorIndex(x, y, v)
		}
	}
	ref, _, err := FindLetters(c.img)
	require.NoError(t, err)
	require.Len(t, ref, 8)
	for name, src := range map[string]image.Image{"RGBA 8-bit": alphaInk, "RGBA 16-bit": alphaInk16, "half transparent": half, "palette with alpha": paletted} {
		t.Run(name, func(t *testing.T) {
			img, err := Decode(bytes.NewReader(pngOf(t, src)), name+".png")
			require.NoError(t, err)
			require.True(t, img.(interface{ Opaque() bool }).Opaque(), "composited on white")
			boxes, _, err := FindLetters(img)
			require.NoError(t, err)
			require.Len(t, boxes, len(ref))
			for i := range boxes {
				for k := range 4 {
					require.InDelta(t, ref[i][k], boxes[i][k], 2, "box %d", i)
				}
			}
		})
	}
	// The compositing itself: out = α·colour + (1 − α)·white.
	px := image.NewNRGBA(image.Rect(0, 0, 4, 1))
	px.Pix = []uint8{0, 0, 0, 0, 0, 0, 0, 128, 200, 0, 0, 255, 255, 0, 0, 51}
	img, err := Decode(bytes.NewReader(pngOf(t, px)), "px.png")
	require.NoError(t, err)
	want := []color.RGBA{{255, 255, 255, 255}, {127, 127, 127, 255}, {200, 0, 0, 255}, {255, 204, 204, 255}}
	for x, w := range want {
		got := color.RGBAModel.Convert(img.At(x, 0)).(color.RGBA)
		for k, g := range []uint8{got.R, got.G, got.B, got.A} {
			require.InDelta(t, []uint8{w.R, w.G, w.B, w.A}[k], g, 1, "pixel %d", x)
		}
	}
}

// TestFormatsAndOrientation writes one synthetic page as grey PNG, RGBA PNG
// (with transparent margins), JPEG and a JPEG whose EXIF orientation tag says
// "rotate 90° clockwise to view" (6), stored sideways, and the same as a PNG
// with an eXIf chunk: all give the same letters, upright.
func TestFormatsAndOrientation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := newCanvas(700, 300, rng)
	c.text("NEW HOTEL", 40, 80, 50, 80, 22, 7, 30)
	const want = 8
	rgba := image.NewNRGBA(c.img.Bounds())
	for y := 0; y < 300; y++ {
		for x := 0; x < 700; x++ {
			v := c.img.GrayAt(x, y).Y
			a := uint8(255)
			if x < 20 {
				a = 0 // transparent margin counts as paper
			}
			rgba.SetNRGBA(x, y, color.NRGBA{v, v, v, a})
		}
	}
	sideways := imaging.Rotate90(c.img) // stored rotated 90° anticlockwise
	files := map[string][]byte{
		"grey.png":  pngOf(t, c.img),
		"rgba.png":  pngOf(t, rgba),
		"page.jpg":  jpegOf(t, c.rgb()),
		"exif6.jpg": withOrientation(jpegOf(t, sideways), 6),
		"exif6.png": withPNGOrientation(pngOf(t, sideways), 6, false),
	}
	dir := t.TempDir()
	var ref [][4]int
	for _, name := range []string{"grey.png", "rgba.png", "page.jpg", "exif6.jpg", "exif6.png"} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, files[name], 0o644))
		img, err := Load(p)
		require.NoError(t, err, p)
		require.Equal(t, image.Rect(0, 0, 700, 300), img.Bounds(), p)
		boxes, bw, err := FindLetters(img)
		require.NoError(t, err)
		require.Len(t, boxes, want, p)
		h, w := bw.Dims()
		require.Equal(t, [2]int{300, 700}, [2]int{h, w})
		if ref == nil {
			ref = boxes
			continue
		}
		for i := range boxes {
			for k := range 4 {
				require.InDelta(t, ref[i][k], boxes[i][k], 2, "%s box %d", p, i)
			}
		}
	}
}

// TestLoadImageMagickFiles loads files made by ImageMagick in forms Go's
// encoders do not write (see testdata/images/README.md): progressive and
// CMYK JPEGs, an interlaced 16-bit PNG with alpha.
func TestLoadImageMagickFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
	}{
		{"progressive.jpg", 400, 300},
		{"cmyk-progressive.jpg", 400, 300},
		{"interlaced16-alpha.png", 400, 300},
	} {
		img, err := Load(filepath.Join(fixtureDir, tc.name))
		require.NoError(t, err, tc.name)
		require.Equal(t, image.Rect(0, 0, tc.w, tc.h), img.Bounds(), tc.name)
	}
}

// TestLoadMemory measures the bytes allocated to load the costliest forms
// (16-bit RGBA PNG with alpha, interlaced or not; progressive JPEGs, CMYK)
// and the common one (a baseline colour JPEG), upright and turned by their
// EXIF orientation, against the figures in MaxPixels' doc comment.
func TestLoadMemory(t *testing.T) {
	const w, h = 1000, 800
	rgba := image.NewNRGBA64(image.Rect(0, 0, w, h))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 7)
	}
	rgb := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range rgb.Pix {
		rgb.Pix[i] = uint8(i*7) | 3
	}
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		require.NoError(t, err)
		return b
	}
	for _, tc := range []struct {
		name   string
		file   []byte
		pixels int
		maxPP  float64 // bytes allocated per pixel at most
	}{
		{"16-bit RGBA PNG, eXIf 6", withPNGOrientation(pngOf(t, rgba), 6, false), w * h, 17},
		{"interlaced 16-bit RGBA PNG, eXIf 6", withPNGOrientation(fixture("interlaced16-alpha.png"), 6, false), 400 * 300, 26},
		{"progressive JPEG, EXIF 6", withOrientation(fixture("progressive.jpg"), 6), 400 * 300, 20},
		{"progressive CMYK JPEG", fixture("cmyk-progressive.jpg"), 400 * 300, 25},
		{"progressive CMYK JPEG, EXIF 6", withOrientation(fixture("cmyk-progressive.jpg"), 6), 400 * 300, 33},
		{"JPEG 4:2:0", jpegOf(t, rgb), w * h, 1.7},
		{"JPEG 4:2:0, EXIF 6", withOrientation(jpegOf(t, rgb), 6), w * h, 5.7},
	} {
		var err error
		alloc := allocated(func() { _, err = Decode(bytes.NewReader(tc.file), tc.name) })
		require.NoError(t, err)
		pp := float64(alloc) / float64(tc.pixels)
		t.Logf("%s: %.2f bytes allocated per pixel", tc.name, pp)
		require.LessOrEqual(t, pp, tc.maxPP, tc.name)
		require.LessOrEqual(t, pp, float64(maxBytesPerPixel), tc.name)
	}
}

// maxBytesPerPixel is the most Load allocates per pixel, as MaxPixels' doc
// comment says (about 32 measured; the fuzz test allows this much).
const maxBytesPerPixel = 34

// TestDetectBadInputs: the pipeline's own checks on what it is given (moved
// here with the load tests from photos_test.go).
func TestDetectBadInputs(t *testing.T) {
	_, err := Detect(nil)
	require.Error(t, err)
	_, err = Detect(image.NewGray(image.Rect(0, 0, 0, 0)))
	require.Error(t, err)
	_, err = Recognise(image.NewGray(image.Rect(0, 0, 10, 10)), nil)
	require.ErrorContains(t, err, "nil classifier")
}

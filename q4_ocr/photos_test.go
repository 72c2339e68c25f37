package ocr

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/viz"
)

var photos = []string{"01_list", "02_letters", "03_haiku", "04_deep"}

type photoGolden struct {
	Photo     string     `json:"photo"`
	Size      [2]int     `json:"size_wh"`
	Scale     int        `json:"scale"`
	Threshold float64    `json:"threshold"`
	Want      []int      `json:"transcript_chars_per_line"`
	Found     []int      `json:"boxes_per_line"`
	Layout    []string   `json:"layout"` // x per box, space per word break
	LineBoxes [][][4]int `json:"boxes"`
}

// TestPhotos checks every photo: each transcript line gets exactly its
// number of non-space characters as boxes, the word breaks fall where the
// transcript has spaces, and the boxes match the golden JSON.
func TestPhotos(t *testing.T) {
	dir := datatest.Dir(t, "images")
	g := datatest.Golden(t, "q4_ocr")
	for _, name := range photos {
		t.Run(name, func(t *testing.T) {
			img, err := Load(filepath.Join(dir, name+".jpg"))
			require.NoError(t, err)
			tb, err := os.ReadFile(filepath.Join(dir, name+".txt"))
			require.NoError(t, err)
			truth := string(tb)
			r, err := Recognise(img, TranscriptClassifier(truth))
			require.NoError(t, err)
			s := ScoreBoxes(r.LineCounts(), truth)
			require.True(t, s.Exact, "boxes per line %v, transcript %v", s.Found, s.Want)
			// With the transcript's own letters, the only possible errors are
			// word breaks and line splits: the CER must be 0.
			cer, dist, _ := CER(r.Text, truth)
			require.Zero(t, dist, "CER %.3f:\n%s", cer, r.Text)
			out := photoGolden{Photo: name + ".jpg", Size: [2]int{img.Bounds().Dx(), img.Bounds().Dy()},
				Scale: r.Page.Scale, Threshold: r.Page.Threshold, Want: s.Want, Found: s.Found}
			for _, l := range r.Lines {
				out.LineBoxes = append(out.LineBoxes, l.Boxes)
				lay := ""
				for k := range l.Boxes {
					lay += "x"
					if k < len(l.Spaces) && l.Spaces[k] {
						lay += " "
					}
				}
				out.Layout = append(out.Layout, lay)
			}
			js, err := json.MarshalIndent(out, "", " ")
			require.NoError(t, err)
			g.Assert(t, name+"_boxes.json", js)
			// The overlays (recognised labels) are written by TestReadPhotos
			// to docs/figures; full-size photo overlays are no golden files.
		})
	}
}

func pngBytes(t *testing.T, img image.Image) []byte {
	b, err := viz.EncodePNG(img)
	require.NoError(t, err)
	return b
}

// TestCropsLikeNIST36 compares the crops of all four photos with NIST36
// training images: mean value and ink fraction (value < 0.5) within 0.03,
// and writes the figure (crops of 02_letters.jpg above training samples).
func TestCropsLikeNIST36(t *testing.T) {
	dir := datatest.Dir(t, "images")
	ds, err := data.LoadNIST36(filepath.Join(datatest.Dir(t, "nist36"), data.SplitFile("train")), "train")
	require.NoError(t, err)
	stats := func(rows *mat.Dense) (mean, ink float64) {
		raw := rows.RawMatrix()
		n := 0
		for i := range raw.Rows {
			for _, v := range rows.RawRowView(i) {
				mean += v
				if v < 0.5 {
					ink++
				}
				n++
			}
		}
		return mean / float64(n), ink / float64(n)
	}
	refMean, refInk := stats(ds.X)
	var figCrops *mat.Dense
	for _, name := range photos {
		img, err := Load(filepath.Join(dir, name+".jpg"))
		require.NoError(t, err)
		r, err := Recognise(img, TranscriptClassifier(""))
		require.NoError(t, err)
		m, ink := stats(r.Crops)
		t.Logf("%s: crop mean %.3f ink %.3f; NIST36 train mean %.3f ink %.3f", name, m, ink, refMean, refInk)
		require.InDelta(t, refMean, m, 0.03, name)
		require.InDelta(t, refInk, ink, 0.03, name)
		if name == "02_letters" {
			figCrops = r.Crops
		}
	}
	// Figure: 36 crops of 02_letters.jpg (A..Z, 1..9, 0) over the first
	// training sample of each class in the same order.
	var tiles []*mat.Dense
	n, _ := figCrops.Dims()
	for i := range n {
		m, err := data.RowToImage(figCrops.RawRowView(i), CropSide, CropSide)
		require.NoError(t, err)
		tiles = append(tiles, m)
	}
	labels := ds.Labels()
	order := "ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"
	for _, ch := range order {
		cls := strings.Index(strings.Join(data.NIST36Classes, ""), string(ch))
		for i, l := range labels {
			if l == cls {
				m, err := data.RowToImage(ds.X.RawRowView(i), CropSide, CropSide)
				require.NoError(t, err)
				tiles = append(tiles, m)
				break
			}
		}
	}
	require.Len(t, tiles, 72)
	fig, err := viz.Grid(tiles, 18, viz.GridOptions{Scale: viz.ScaleFixed, Lo: 0, Hi: 1, Upscale: 2, Sep: 2, SepGray: 160,
		RowLabels: []string{"photo", "photo", "NIST36", "NIST36"}})
	require.NoError(t, err)
	datatest.Golden(t, "q4_ocr").Assert(t, "crops_vs_nist36.png", pngBytes(t, fig))
}

func TestBlankPage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	c := newCanvas(900, 600, rng)
	c.shade(450, 0.8) // even a soft shadow edge is not ink
	for _, img := range []image.Image{c.img, c.rgb(), image.NewGray(image.Rect(0, 0, 50, 40))} {
		r, err := Recognise(img, TranscriptClassifier(""))
		require.NoError(t, err)
		require.Empty(t, r.Lines)
		require.Equal(t, "", r.Text)
		require.Nil(t, r.Crops)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	var jb bytes.Buffer
	require.NoError(t, jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 64, 64)), nil))
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.jpg"), "nope.jpg"},
		{"text file", write("notes.jpg", []byte("TO DO LIST\n")), "notes.jpg: not a PNG or JPEG image"},
		{"truncated JPEG", write("cut.jpg", jb.Bytes()[:jb.Len()/2]), "cut.jpg: truncated image"},
		{"empty file", write("empty.png", nil), "empty.png: not a PNG or JPEG image"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := Detect(nil)
	require.Error(t, err)
	_, err = Detect(image.NewGray(image.Rect(0, 0, 0, 0)))
	require.Error(t, err)
	_, err = Recognise(image.NewGray(image.Rect(0, 0, 10, 10)), nil)
	require.ErrorContains(t, err, "nil classifier")
}

// TestFormatsAndOrientation writes one synthetic page as grey PNG, RGBA PNG
// (with transparent margins), JPEG and a JPEG whose EXIF orientation tag says
// "rotate 90° clockwise to view" (6), stored sideways: all give the same
// letters, the EXIF one in upright coordinates.
func TestFormatsAndOrientation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := newCanvas(700, 300, rng)
	c.text("NEW HOTEL", 40, 80, 50, 80, 22, 7, 30)
	const want = 8
	dir := t.TempDir()
	save := func(name string, img image.Image, enc func(*bytes.Buffer, image.Image) error) string {
		var b bytes.Buffer
		require.NoError(t, enc(&b, img))
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
		return p
	}
	pngEnc := func(b *bytes.Buffer, img image.Image) error { return png.Encode(b, img) }
	jpgEnc := func(b *bytes.Buffer, img image.Image) error { return jpeg.Encode(b, img, &jpeg.Options{Quality: 90}) }
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
	var jb bytes.Buffer
	require.NoError(t, jpeg.Encode(&jb, sideways, &jpeg.Options{Quality: 90}))
	exifPath := filepath.Join(dir, "exif6.jpg")
	require.NoError(t, os.WriteFile(exifPath, withOrientation(jb.Bytes(), 6), 0o644))
	paths := []string{
		save("grey.png", c.img, pngEnc),
		save("rgba.png", rgba, pngEnc),
		save("page.jpg", c.rgb(), jpgEnc),
		exifPath,
	}
	var ref [][4]int
	for _, p := range paths {
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

// withOrientation inserts an APP1 Exif segment holding only the orientation
// tag (0x0112, SHORT) right after the JPEG's SOI marker.
func withOrientation(jpg []byte, orient uint16) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(orient >> 8), byte(orient), 0, 0, // orientation
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// TestCropGeometry checks one synthetic letter's crop: the ink's longer side
// is about 26 of 32 pixels, centred, strokes thickened to NIST36's width,
// background exactly 1 at the border.
func TestCropGeometry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		width float64
	}{{"thin pencil", 2}, {"marker", 9}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			c := newCanvas(400, 300, rng)
			c.text("L", 150, 80, 60, 120, 0, tc.width, 20) // tall L: height is the longer side
			p, err := Detect(c.img)
			require.NoError(t, err)
			require.Len(t, p.Boxes, 1)
			rows, err := Crops(p)
			require.NoError(t, err)
			img, err := data.RowToImage(rows.RawRowView(0), CropSide, CropSide)
			require.NoError(t, err)
			ys, xs := CropSide, CropSide
			ye, xe := -1, -1
			ink := newBinary(CropSide, CropSide)
			for y := range CropSide {
				for x := range CropSide {
					v := img.At(y, x)
					if y == 0 || x == 0 || y == CropSide-1 || x == CropSide-1 {
						require.InDelta(t, 1, v, 1e-9, "border pixel (%d,%d)", x, y)
					}
					if v < 0.5 {
						ink.pix[y*CropSide+x] = true
						ys, xs, ye, xe = min(ys, y), min(xs, x), max(ye, y), max(xe, x)
					}
				}
			}
			hgt := ye - ys + 1
			require.InDelta(t, 26, hgt, 2, "ink height")
			require.InDelta(t, float64(CropSide-1)/2, float64(ys+ye)/2, 1.5, "vertical centre")
			require.InDelta(t, float64(CropSide-1)/2, float64(xs+xe)/2, 1.5, "horizontal centre")
			sw := strokeWidth(ink)
			t.Logf("stroke width in the crop: %.2f px", sw)
			if tc.width < 5 {
				require.InDelta(t, cropStroke, sw, 1, "thin strokes are thickened")
			} else {
				require.Greater(t, sw, 3.0)
			}
		})
	}
}

// TestFailures draws the Q4.1 examples where the method's assumptions break
// (Failures, which `recog all` calls) and records what happens: figures and
// counts in golden/q4_ocr/.
func TestFailures(t *testing.T) {
	g := datatest.Golden(t, "q4_ocr")
	f, err := Failures()
	require.NoError(t, err)
	require.Len(t, f, 2)
	for name, ex := range f {
		require.NotEqual(t, ex.CharsPerLine, ex.BoxesPerLine, "%s: the example should break detection", name)
		g.Assert(t, "fail_"+name+".png", pngBytes(t, ex.Overlay))
	}
	js, err := json.MarshalIndent(f, "", " ")
	require.NoError(t, err)
	g.Assert(t, "failures.json", js)
	figs := FailureFigures(f)
	require.Len(t, figs, 2)
	require.Equal(t, "q4_fail_touching.png", figs[0].Name)
	b, err := figs[0].PNG()
	require.NoError(t, err)
	require.Equal(t, pngBytes(t, f["touching"].Overlay), b, "the figure is the golden overlay")
}

package ocr

import (
	"encoding/json"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/viz"
)

var photos = []string{"01_list", "02_letters", "03_haiku", "04_deep"}

type photoGolden struct {
	Photo     string   `json:"photo"`
	Size      [2]int   `json:"size_wh"`
	Scale     int      `json:"scale"`
	Threshold float64  `json:"threshold"`
	Want      []int    `json:"transcript_chars_per_line"`
	Found     []int    `json:"boxes_per_line"`
	Layout    []string `json:"layout"` // x per box, space per word break
	// The gaps between neighbouring letters over the line's median letter
	// height (Spaces): Otsu's threshold of them, whether it makes word
	// breaks, the largest gap inside a word and the smallest between words
	// (0 when there is none). docs/q4_ocr.md#spaces shows them.
	GapThreshold  float64    `json:"gap_threshold"`
	GapSpaces     bool       `json:"gap_spaces"`
	LargestLetter float64    `json:"largest_letter_gap"`
	SmallestWord  float64    `json:"smallest_word_gap"`
	LineBoxes     [][][4]int `json:"boxes"`
}

// gapStats fills the gap fields of out from the page's working boxes, as
// Recognise computes the word breaks.
func gapStats(p *Page, out *photoGolden) {
	lines := GroupLines(p.Work)
	spaces := Spaces(p.Work, lines)
	norm, all := normalisedGaps(p.Work, lines)
	out.GapThreshold, out.GapSpaces = gapThreshold(all)
	out.GapThreshold = round4(out.GapThreshold)
	for li := range norm {
		for k, g := range norm[li] {
			if spaces[li][k] {
				if out.SmallestWord == 0 || g < out.SmallestWord {
					out.SmallestWord = g
				}
			} else {
				out.LargestLetter = max(out.LargestLetter, g)
			}
		}
	}
	out.LargestLetter, out.SmallestWord = round4(out.LargestLetter), round4(out.SmallestWord)
}

// TestQ4_3_Photos checks every photo: each transcript line gets exactly its
// number of non-space characters as boxes, the word breaks fall where the
// transcript has spaces, and the boxes match the golden JSON.
func TestQ4_3_Photos(t *testing.T) {
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
			gapStats(r.Page, &out)
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
			// The overlays (recognised labels) are written by TestQ4_4_ReadPhotos
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
	// crops_vs_nist36.json: the mean value and ink fraction of each photo's
	// crops and of the training set, which docs/q4_ocr.md#crops shows.
	type cropStats struct {
		Of   string  `json:"of"`
		Mean float64 `json:"mean"`
		Ink  float64 `json:"ink_fraction"`
	}
	table := []cropStats{{"nist36_train", round4(refMean), round4(refInk)}}
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
		table = append(table, cropStats{name, round4(m), round4(ink)})
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
	datatest.AssertPNG(t, "q4_ocr", "crops_vs_nist36.png", pngBytes(t, fig))
	js, err := json.MarshalIndent(table, "", " ")
	require.NoError(t, err)
	datatest.Golden(t, "q4_ocr").Assert(t, "crops_vs_nist36.json", js)
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

// TestQ4_1_Failures draws the Q4.1 examples where the method's assumptions break
// (Failures, which `recog all` calls) and records what happens: figures and
// counts in golden/q4_ocr/.
func TestQ4_1_Failures(t *testing.T) {
	g := datatest.Golden(t, "q4_ocr")
	f, err := Failures()
	require.NoError(t, err)
	require.Len(t, f, 2)
	for name, ex := range f {
		require.NotEqual(t, ex.CharsPerLine, ex.BoxesPerLine, "%s: the example should break detection", name)
		datatest.AssertPNG(t, "q4_ocr", "fail_"+name+".png", pngBytes(t, ex.Overlay))
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

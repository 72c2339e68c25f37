package ocr

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// pieceFont adds to strokeFont letters written in pieces that do not touch
// (a few pixels apart with 8-px strokes in a 60 x 90 box): K as a stem and a
// separate "<", U as two hooks, and 5 with its top bar apart.
var pieceFont = map[rune][][4]float64{
	'K': {{0, 0, 0, 1}, {1, 0, .22, .5}, {.22, .5, 1, 1}},
	'U': {{0, 0, 0, .75}, {0, .75, .38, 1}, {.62, 1, 1, .75}, {1, .75, 1, 0}},
	'5': {{.15, 0, .15, .45}, {.15, .45, .8, .45}, {.8, .45, .95, .7}, {.95, .7, .75, 1}, {.75, 1, 0, .9}, {.3, -.13, 1, -.13}},
}

// line is one line of synthetic handwriting: its text, the top-left corner
// of its first letter, the letter size w x h, the gap between letters (a
// space advances by w + gap as a letter does), the stroke width, the slope
// (the line's letters step down by slope·Δx) and cut, the length taken off
// both ends of every stroke so that no two strokes of a letter meet.
type line struct {
	text                        string
	x, y, w, h, gap, width, cut float64
	slope                       float64
}

// draw writes the line on c and returns the box [y1, x1, y2, x2] of each
// letter's ink (its strokes' extent, plus half the stroke width).
func (l line) draw(c *canvas) [][4]int {
	var boxes [][4]int
	x := l.x
	for _, r := range l.text {
		if r == ' ' {
			x += l.w + l.gap
			continue
		}
		segs := strokeFont[r]
		if s, ok := pieceFont[r]; ok {
			segs = s
		}
		if segs == nil {
			panic("no strokes for " + string(r))
		}
		y := l.y + l.slope*(x-l.x)
		cut := l.cut
		b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for _, s := range segs {
			x0, y0, x1, y1 := x+s[0]*l.w, y+s[1]*l.h, x+s[2]*l.w, y+s[3]*l.h
			if d := math.Hypot(x1-x0, y1-y0); cut > 0 && d > 2*cut {
				ux, uy := (x1-x0)/d, (y1-y0)/d
				x0, y0, x1, y1 = x0+cut*ux, y0+cut*uy, x1-cut*ux, y1-cut*uy
			}
			c.segment(x0, y0, x1, y1, l.width, 40)
			b = [4]float64{min(b[0], y0, y1), min(b[1], x0, x1), max(b[2], y0, y1), max(b[3], x0, x1)}
		}
		r := l.width / 2
		boxes = append(boxes, [4]int{int(b[0] - r), int(b[1] - r), int(math.Ceil(b[2] + r)), int(math.Ceil(b[3] + r))})
		x += l.w + l.gap
	}
	return boxes
}

// iou returns the area of a ∩ b over the area of a ∪ b.
func iou(a, b [4]int) float64 {
	ox, oy := overlap1(a[1], a[3], b[1], b[3]), overlap1(a[0], a[2], b[0], b[2])
	if ox <= 0 || oy <= 0 {
		return 0
	}
	in := float64(ox * oy)
	return in / (float64(boxH(a)*boxW(a)+boxH(b)*boxW(b)) - in)
}

// TestQ4_2_Segmentation is the rubric for the segmentation failures of issue #17:
// letters broken into pieces, narrow letters close together, lines that
// slope, and touching letters. Each case is a synthetic page; the letters
// must be found line by line in reading order, each letter's box matching its
// drawn ink (IoU ≥ 0.6), with the word breaks in place (CER 0 with the
// transcript's own labels). A case with known set is a failure the method
// still has: it must fail the way it is documented to (known boxes per line),
// so a change of behaviour shows.
func TestQ4_2_Segmentation(t *testing.T) {
	tests := []struct {
		name  string
		lines []line
		text  string
		known []int // boxes per line of a known failure; nil: must pass
	}{
		{"separate letters", []line{
			{text: "THE LION", x: 60, y: 60, w: 60, h: 90, gap: 30, width: 8},
		}, "THE LION", nil},
		{"every stroke of every letter apart", []line{
			{text: "THE VAN", x: 60, y: 60, w: 60, h: 90, gap: 36, width: 7, cut: 7},
			{text: "WILL LEAN", x: 60, y: 240, w: 60, h: 90, gap: 36, width: 7, cut: 7},
		}, "THE VAN\nWILL LEAN", nil},
		{"K and U written in two strokes, the bar of 5 apart", []line{
			{text: "TUNE 55 KIT", x: 60, y: 60, w: 60, h: 90, gap: 34, width: 8},
			{text: "LUKE 5", x: 60, y: 240, w: 60, h: 90, gap: 34, width: 8},
		}, "TUNE 55 KIT\nLUKE 5", nil},
		{"narrow letters close together stay apart", []line{
			{text: "ILL HILL", x: 60, y: 60, w: 50, h: 90, gap: 14, width: 8},
			{text: "TILT", x: 60, y: 240, w: 50, h: 90, gap: 14, width: 8},
		}, "ILL HILL\nTILT", nil},
		{"lines sloping down 8 degrees", []line{
			{text: "TEN WHITE LION", x: 60, y: 40, w: 50, h: 80, gap: 26, width: 7, slope: math.Tan(8 * math.Pi / 180)},
			{text: "HAVE TEA", x: 60, y: 220, w: 50, h: 80, gap: 26, width: 7, slope: math.Tan(8 * math.Pi / 180)},
		}, "TEN WHITE LION\nHAVE TEA", nil},
		{"lines sloping up 10 degrees", []line{
			{text: "WAIT THEN", x: 60, y: 260, w: 50, h: 80, gap: 26, width: 7, slope: -math.Tan(10 * math.Pi / 180)},
			{text: "TEN LEAN HEN", x: 60, y: 460, w: 50, h: 80, gap: 26, width: 7, slope: -math.Tan(10 * math.Pi / 180)},
		}, "WAIT THEN\nTEN LEAN HEN", nil},
		{"letters 3 px apart", []line{
			{text: "NEW HOTEL", x: 60, y: 60, w: 60, h: 90, gap: 11, width: 8},
		}, "NEW HOTEL", nil},
		// Strokes that overlap make one connected component; nothing in the
		// method splits a component (width alone cannot: a single wide M or N
		// is as wide as two narrow letters), so each word is one box.
		{"touching letters: one box per word (known failure)", []line{
			{text: "NEW HOTEL", x: 60, y: 60, w: 60, h: 90, gap: -4, width: 8},
		}, "NEW HOTEL", []int{2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCanvas(1400, 620, rand.New(rand.NewPCG(21, 22)))
			var want [][4]int
			for _, l := range tc.lines {
				want = append(want, l.draw(c)...)
			}
			r, err := Recognise(c.rgb(), TranscriptClassifier(tc.text))
			require.NoError(t, err)
			s := ScoreBoxes(r.LineCounts(), tc.text)
			if tc.known != nil {
				require.Equal(t, tc.known, s.Found, "a known failure changed: update the case and docs/q4_ocr.md")
				return
			}
			require.True(t, s.Exact, "boxes per line %v, transcript %v", s.Found, s.Want)
			_, dist, _ := CER(r.Text, tc.text)
			require.Zero(t, dist, "read with the transcript's labels:\n%s", r.Text)
			k := 0
			for _, l := range r.Lines {
				for _, b := range l.Boxes {
					require.GreaterOrEqual(t, iou(b, want[k]), 0.6, "letter %d (%s): box %v, drawn %v", k, l.Chars, b, want[k])
					k++
				}
			}
		})
	}
}

// TestQ4_2_MergeRules checks each rule that joins the pieces of a letter on
// hand-made boxes [y1, x1, y2, x2] (h̃ = 90, side-by-side gap limit 5 px).
func TestQ4_2_MergeRules(t *testing.T) {
	const hm, side = 90.0, 5.0
	tests := []struct {
		name string
		a, b [4]int
		want bool
	}{
		{"a hole inside a letter", [4]int{0, 0, 90, 60}, [4]int{20, 10, 40, 30}, true},
		{"the bar of a T above its stem", [4]int{0, 10, 12, 50}, [4]int{15, 25, 90, 35}, true},
		{"the stem and the < of a K, 2 px apart", [4]int{0, 0, 90, 8}, [4]int{0, 10, 90, 60}, true},
		{"overlapping strokes of a U", [4]int{0, 0, 90, 34}, [4]int{5, 30, 90, 60}, true},
		{"letters 10 px apart", [4]int{0, 0, 90, 8}, [4]int{0, 18, 90, 60}, false},
		{"two full letters 2 px apart (union wider than high)", [4]int{0, 0, 90, 60}, [4]int{0, 62, 90, 122}, false},
		{"a low mark beside a letter", [4]int{0, 0, 90, 50}, [4]int{70, 52, 80, 60}, false},
		{"letters on two lines", [4]int{0, 0, 90, 60}, [4]int{200, 0, 290, 60}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, shouldMerge(tc.a, tc.b, hm, side))
			require.Equal(t, tc.want, shouldMerge(tc.b, tc.a, hm, side), "symmetric")
		})
	}
}

// TestQ4_2_AttachPieces: a detached bar joins the nearest full-height box, a dot
// and a far bar stay alone, and the merged box is the union.
func TestQ4_2_AttachPieces(t *testing.T) {
	const hm = 90.0
	letterE := [4]int{0, 0, 90, 12}    // the spine of an E
	letterN := [4]int{0, 100, 90, 160} // the next letter
	arm := [4]int{40, 14, 50, 55}      // the E's middle arm, written apart
	dot := [4]int{80, 170, 90, 180}    // a period
	far := [4]int{200, 300, 210, 360}  // a dash far from anything
	got := attachPieces([][4]int{letterE, letterN, arm, dot, far}, hm)
	require.ElementsMatch(t, [][4]int{{0, 0, 90, 55}, letterN, dot, far}, got)
}

// TestQ4_2_LetterGap: the median gap to the right-hand neighbour on the same row,
// leaving out word gaps (≥ h̃) and low pieces.
func TestQ4_2_LetterGap(t *testing.T) {
	boxes := [][4]int{
		{0, 0, 90, 50}, {0, 60, 90, 110}, {0, 130, 90, 180}, // gaps 10, 20
		{0, 300, 90, 350},                      // a word gap of 120
		{40, 355, 50, 390},                     // a low piece: not a letter
		{300, 0, 390, 50}, {300, 64, 390, 100}, // next line: gap 14
	}
	require.InDelta(t, 14, letterGap(boxes, 90), 1e-9)
	require.Zero(t, letterGap(nil, 90))
}

// heldOutPage is what TestQ4_3_HeldOutPages reads of testdata/pages/manifest.json
// (written by internal/pagegen): each page's name and, for each line, the
// boxes of its letters' ink in the photo.
type heldOutPage struct {
	Name  string     `json:"name"`
	Boxes [][][4]int `json:"letter_boxes"`
}

// TestQ4_3_HeldOutPages runs the segmentation on the held-out pages of
// testdata/pages (photo-like pages rendered from handwriting fonts and EMNIST
// test characters, issue #17): every line must get exactly its letters, in
// reading order, with the word breaks of the transcript, and each box must
// sit on the letter the generator drew there: IoU ≥ 0.5 with the box of the
// letter's ink as the generator records it (drawn alone, coverage ≥ ½; the
// page's pen widens or narrows strokes by a pixel or two, so on the committed
// pages the IoU is 0.65 at worst and 0.95 at the median).
func TestQ4_3_HeldOutPages(t *testing.T) {
	dir := filepath.Join("..", "testdata", "pages")
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var man struct {
		Pages []heldOutPage `json:"pages"`
	}
	require.NoError(t, json.Unmarshal(b, &man))
	require.GreaterOrEqual(t, len(man.Pages), 12)
	for _, p := range man.Pages {
		t.Run(p.Name, func(t *testing.T) {
			img, err := Load(filepath.Join(dir, p.Name+".jpg"))
			require.NoError(t, err)
			tb, err := os.ReadFile(filepath.Join(dir, p.Name+".txt"))
			require.NoError(t, err)
			truth := string(tb)
			r, err := Recognise(img, TranscriptClassifier(truth))
			require.NoError(t, err)
			s := ScoreBoxes(r.LineCounts(), truth)
			require.True(t, s.Exact, "boxes per line %v, transcript %v", s.Found, s.Want)
			_, dist, _ := CER(r.Text, truth)
			require.Zero(t, dist, "read with the transcript's labels:\n%s", r.Text)
			require.Len(t, p.Boxes, len(r.Lines))
			for li, l := range r.Lines {
				require.Len(t, p.Boxes[li], len(l.Boxes), "line %d", li+1)
				for k, b := range l.Boxes {
					require.GreaterOrEqual(t, iou(b, p.Boxes[li][k]), 0.5, "line %d letter %d (%s): box %v, drawn %v",
						li+1, k+1, l.Chars[k], b, p.Boxes[li][k])
				}
			}
		})
	}
}

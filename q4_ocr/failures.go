package ocr

import (
	"image"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"

	"recog/internal/viz"
)

// Failure is one example of Q4.1 where an assumption of the method breaks:
// a synthetic page whose letters are labelled with the intended characters
// (so that a misplaced box shows as a shifted label), and its box counts.
type Failure struct {
	BoxesPerLine []int   `json:"boxes_per_line"`
	Precision    float64 `json:"precision"`
	Recall       float64 `json:"recall"`
	CharsPerLine []int   `json:"transcript_chars_per_line"`
	// Overlay is the page with the boxes found, line by line in colours,
	// each labelled with the intended character in reading order.
	Overlay *image.RGBA `json:"-"`
}

// Failures draws the two examples of Q4.1, by name: "touching" (the same
// words twice, the second time with letters overlapping by 4 pixels: one
// box covers several letters, assumption 1) and "shadow" (a hard shadow edge
// across the page: the smooth-background estimate fails, assumption 2). The
// pages are made from fixed seeds, so the results are the same every time.
func Failures() (map[string]Failure, error) {
	examples := []struct {
		name, lines string
		draw        func(*canvas)
	}{
		{"touching", "NEW HOTEL\nNEW HOTEL", func(c *canvas) {
			c.text("NEW HOTEL", 60, 50, 60, 90, 30, 8, 40)  // separated letters
			c.text("NEW HOTEL", 60, 230, 60, 90, -4, 8, 40) // letters overlap by 4 px
		}},
		{"shadow", "TEN LITTLE\nWHITE LION", func(c *canvas) {
			c.text("TEN LITTLE", 60, 50, 60, 90, 30, 8, 40)
			c.text("WHITE LION", 60, 230, 60, 90, 30, 8, 40)
			c.shade(500, 0.45) // a hard shadow edge at x = 500
		}},
	}
	out := map[string]Failure{}
	for _, ex := range examples {
		c := newCanvas(1100, 380, rand.New(rand.NewPCG(11, 12)))
		ex.draw(c)
		page := c.rgb()
		r, err := Recognise(page, TranscriptClassifier(ex.lines))
		if err != nil {
			return nil, err
		}
		s := ScoreBoxes(r.LineCounts(), ex.lines)
		out[ex.name] = Failure{BoxesPerLine: s.Found, Precision: s.Precision, Recall: s.Recall, CharsPerLine: s.Want,
			Overlay: Overlay(page, r)}
	}
	return out, nil
}

// FailureFigures returns the overlays of the failures as figures
// q4_fail_<name>.png.
func FailureFigures(f map[string]Failure) []viz.Figure {
	var out []viz.Figure
	for _, name := range []string{"touching", "shadow"} {
		if x, ok := f[name]; ok {
			out = append(out, viz.ImageFigure("q4_fail_"+name+".png", x.Overlay))
		}
	}
	return out
}

// TranscriptClassifier labels the crops with the characters of truth in
// reading order ("?" past its end). It is not a recogniser: it lets an
// overlay show which character each box should hold, so that a split letter
// next to a merged pair (right count, wrong boxes) shows as a shifted label.
func TranscriptClassifier(truth string) Classifier {
	chars := strings.Split(strings.NewReplacer(" ", "", "\n", "").Replace(Normalise(truth)), "")
	return ClassifierFunc(func(rows *mat.Dense) ([]string, error) {
		n, _ := rows.Dims()
		out := make([]string, n)
		for i := range out {
			out[i] = "?"
			if i < len(chars) {
				out[i] = chars[i]
			}
		}
		return out, nil
	})
}

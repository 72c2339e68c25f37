package ocr

import (
	"fmt"
	"path/filepath"
	"strings"

	"recog/internal/viz"
)

// Options are the settings of Run.
type Options struct {
	Reader Reader // the model, one crop at a time (Q4) or with the word rule
	// Model describes the model in the metrics ("q3/q3_model.safetensors
	// (this run)").
	Model string
	// OverlayMax is the longer side of the overlay figures in pixels
	// (OverlayMax; 0 keeps the photo's size).
	OverlayMax int
	// Failures adds the two examples of Q4.1 (Failures) to the metrics and
	// the figures.
	Failures bool
}

// RunResult is question 4 on a set of photos: each photo read and scored,
// the figures and the metrics.
type RunResult struct {
	Readings []Reading
	Total    Tally
	Metrics  Metrics
	Figures  []viz.Figure
}

// Metrics are the numbers of question 4 under their metrics.json keys: one
// object per photo under its Photo.Key ("p01_list"), listed in Photos, and
// the totals.
type Metrics struct {
	Model    string                  `json:"model"`
	Photos   []string                `json:"photos"`
	PerPhoto map[string]PhotoMetrics `metrics:"inline"`
	Edits    int                     `json:"edits"`
	Chars    int                     `json:"chars"`
	CER      float64                 `json:"cer"` // Edits / Chars, Q4.4
	Failures map[string]Failure      `json:"failures,omitempty"`
}

// PhotoMetrics are one photo's numbers (Q4.3 and Q4.4).
type PhotoMetrics struct {
	Photo        string  `json:"photo"`  // file name
	Figure       string  `json:"figure"` // overlay figure's file name
	CER          float64 `json:"cer"`
	Edits        int     `json:"edits"`
	Chars        int     `json:"chars"`
	Boxes        int     `json:"boxes"`   // letters found
	Letters      int     `json:"letters"` // transcript characters
	BoxRecall    float64 `json:"box_recall"`
	BoxPrecision float64 `json:"box_precision"`
	BoxesPerLine []int   `json:"boxes_per_line"`
	CharsPerLine []int   `json:"chars_per_line"`
	// TextLines and TruthLines are the text read and the transcript after
	// Normalise, line by line, padded with "" to the same length.
	TextLines  []string `json:"text_lines"`
	TruthLines []string `json:"truth_lines"`
}

// Run is question 4 on photos (with transcripts): it reads each with
// opt.Reader, scores it (CER, box counts), draws its overlay q4_<name>.png
// and, with opt.Failures, the examples of Q4.1.
func Run(photos []Photo, opt Options) (*RunResult, error) {
	res := &RunResult{Metrics: Metrics{Model: opt.Model, PerPhoto: map[string]PhotoMetrics{}}}
	for _, p := range photos {
		if !p.HasTruth {
			return nil, fmt.Errorf("%s: no transcript", p.Path)
		}
		rd, err := opt.Reader.ReadPhoto(p)
		if err != nil {
			return nil, err
		}
		res.Readings = append(res.Readings, rd)
		res.Total.Add(rd.Score)
		fig := "q4_" + p.Name() + ".png"
		res.Figures = append(res.Figures, viz.Figure{Name: fig, Image: OverlayMax(p.Image, rd.Result, opt.OverlayMax), Photo: true})
		res.Metrics.Photos = append(res.Metrics.Photos, p.Key())
		res.Metrics.PerPhoto[p.Key()] = photoMetrics(rd, fig)
	}
	m := &res.Metrics
	m.Edits, m.Chars, m.CER = res.Total.Edits, res.Total.Chars, res.Total.CER()
	if opt.Failures {
		f, err := Failures()
		if err != nil {
			return nil, err
		}
		m.Failures = f
		res.Figures = append(res.Figures, FailureFigures(f)...)
	}
	return res, nil
}

func photoMetrics(rd Reading, fig string) PhotoMetrics {
	s := rd.Score
	got := strings.Split(Normalise(rd.Result.Text), "\n")
	want := strings.Split(Normalise(rd.Photo.Truth), "\n")
	rows := max(len(got), len(want))
	gotRows, wantRows := make([]string, rows), make([]string, rows)
	copy(gotRows, got)
	copy(wantRows, want)
	return PhotoMetrics{Photo: filepath.Base(rd.Photo.Path), Figure: fig,
		CER: s.CER, Edits: s.Edits, Chars: s.Chars,
		Boxes: sum(s.Boxes.Found), Letters: sum(s.Boxes.Want), BoxRecall: s.Boxes.Recall, BoxPrecision: s.Boxes.Precision,
		BoxesPerLine: s.Boxes.Found, CharsPerLine: s.Boxes.Want, TextLines: gotRows, TruthLines: wantRows}
}

func sum(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}

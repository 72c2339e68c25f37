package ocr

import (
	"errors"
	"fmt"
	"image"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Classifier names the character in each row of rows (N x 1024, one 32x32
// crop per row, stored column by column as data.ImageToRow does, ink 0 on
// background 1, like NIST36). It returns N labels.
type Classifier interface {
	Classify(rows *mat.Dense) ([]string, error)
}

// ClassifierFunc adapts a function to Classifier.
type ClassifierFunc func(rows *mat.Dense) ([]string, error)

// Classify calls f(rows).
func (f ClassifierFunc) Classify(rows *mat.Dense) ([]string, error) { return f(rows) }

// Line is one recognised text line.
type Line struct {
	// Boxes are the letters' boxes [y1, x1, y2, x2] in original-image
	// coordinates (half-open), left to right.
	Boxes [][4]int
	// Chars are the classifier's labels, one per box.
	Chars []string
	// Spaces[k] says a word break follows letter k (len(Boxes) − 1 flags).
	Spaces []bool
	// Text is the line's characters with a space at each word break.
	Text string
}

// Result is what Recognise reads on a photo.
type Result struct {
	Lines []Line
	// Text is the lines' texts joined by newlines (empty for a blank page).
	Text string
	// Page is the detection (working images, threshold, boxes).
	Page *Page
	// Crops are the classifier's input rows, in reading order (line by line,
	// left to right); nil when there are no letters.
	Crops *mat.Dense
}

// Recognise finds the letters of img (Detect), orders them into lines and
// words (GroupLines, Spaces), crops them (Crops) and names each crop with c.
func Recognise(img image.Image, c Classifier) (*Result, error) {
	if c == nil {
		return nil, errors.New("ocr: nil classifier")
	}
	p, err := Detect(img)
	if err != nil {
		return nil, err
	}
	lines := GroupLines(p.Work)
	spaces := Spaces(p.Work, lines)
	// Reorder the page's boxes into reading order so crops follow the text.
	var work, orig [][4]int
	for _, l := range lines {
		for _, i := range l {
			work = append(work, p.Work[i])
			orig = append(orig, p.Boxes[i])
		}
	}
	p.Work, p.Boxes = work, orig
	res := &Result{Page: p}
	if len(work) == 0 {
		return res, nil
	}
	crops, err := Crops(p)
	if err != nil {
		return nil, err
	}
	res.Crops = crops
	labels, err := c.Classify(crops)
	if err != nil {
		return nil, fmt.Errorf("ocr: classify: %w", err)
	}
	if len(labels) != len(work) {
		return nil, fmt.Errorf("ocr: classifier returned %d labels for %d crops", len(labels), len(work))
	}
	k := 0
	texts := make([]string, len(lines))
	for li, l := range lines {
		ln := Line{Spaces: spaces[li], Boxes: slices.Clone(orig[k : k+len(l)]), Chars: slices.Clone(labels[k : k+len(l)])}
		k += len(l)
		ln.Text = lineText(ln.Chars, ln.Spaces)
		texts[li] = ln.Text
		res.Lines = append(res.Lines, ln)
	}
	res.Text = strings.Join(texts, "\n")
	return res, nil
}

// lineText joins a line's characters with a space at each word break
// (spaces[j] after character j).
func lineText(chars []string, spaces []bool) string {
	var sb strings.Builder
	for j, ch := range chars {
		sb.WriteString(ch)
		if j < len(spaces) && spaces[j] {
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

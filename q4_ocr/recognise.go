package ocr

import (
	"errors"
	"fmt"
	"image"
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

// ArgmaxClassifier adapts a network that returns class probabilities
// (N x len(classes), e.g. a softmax output) to Classifier: the label of row i
// is classes[argmax_j probs[i, j]].
func ArgmaxClassifier(predict func(rows *mat.Dense) (*mat.Dense, error), classes []string) Classifier {
	return ClassifierFunc(func(rows *mat.Dense) ([]string, error) {
		p, err := predict(rows)
		if err != nil {
			return nil, err
		}
		n, c := p.Dims()
		if c != len(classes) {
			return nil, fmt.Errorf("ocr: classifier gives %d columns for %d classes", c, len(classes))
		}
		out := make([]string, n)
		for i := range n {
			row := p.RawRowView(i)
			best := 0
			for j, v := range row {
				if v > row[best] {
					best = j
				}
			}
			out[i] = classes[best]
		}
		return out, nil
	})
}

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
		ln := Line{Spaces: spaces[li]}
		var sb strings.Builder
		for j := range l {
			ln.Boxes = append(ln.Boxes, orig[k])
			ln.Chars = append(ln.Chars, labels[k])
			sb.WriteString(labels[k])
			if j < len(spaces[li]) && spaces[li][j] {
				sb.WriteByte(' ')
			}
			k++
		}
		ln.Text = sb.String()
		texts[li] = ln.Text
		res.Lines = append(res.Lines, ln)
	}
	res.Text = strings.Join(texts, "\n")
	return res, nil
}

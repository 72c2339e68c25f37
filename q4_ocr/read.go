package ocr

import (
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Reader reads the text of a photo with one model: one crop at a time (Q4's
// method, Probs.Classifier) or, with Words, a word at a time (ReadWords).
type Reader struct {
	Name  string // names the reader in tables and metrics ("q3", "emnist_words")
	Model Probs
	Words bool
}

// Read reads img.
func (r Reader) Read(img image.Image) (*Result, error) {
	if r.Words {
		return ReadWords(img, r.Model)
	}
	return Recognise(img, r.Model.Classifier())
}

// Photo is a photo to read: its file, its decoded image (nil: decoded from
// Path when it is read, and not kept) and, when HasTruth, its transcript.
type Photo struct {
	Path     string
	Image    image.Image
	Truth    string
	HasTruth bool
}

// Name returns the photo's file name without its extension:
// "data/images/01_list.jpg" → "01_list".
func (p Photo) Name() string {
	b := filepath.Base(p.Path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// Key returns the photo's key in metrics: "p" and its name with every
// character outside [A-Za-z0-9_] replaced by "_" ("p01_list"), a template
// field name.
func (p Photo) Key() string {
	return "p" + notKey.ReplaceAllString(p.Name(), "_")
}

var notKey = regexp.MustCompile(`[^A-Za-z0-9_]`)

// PhotosIn returns every *.jpg of dir in name order (the sample photos of
// data/images), as PhotoFiles.
func PhotosIn(dir string) ([]Photo, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("%s: no photos (*.jpg; run `recog data images` first)", dir)
	}
	slices.Sort(paths)
	return PhotoFiles(paths)
}

// PhotoFiles returns the photos at paths decoded, each with the transcript
// beside it: P.txt for P.jpg.
func PhotoFiles(paths []string) ([]Photo, error) {
	out := make([]Photo, len(paths))
	for i, path := range paths {
		truth, err := os.ReadFile(strings.TrimSuffix(path, filepath.Ext(path)) + ".txt")
		if err != nil {
			return nil, fmt.Errorf("transcript of %s: %w", path, err)
		}
		img, err := Load(path)
		if err != nil {
			return nil, err
		}
		out[i] = Photo{Path: path, Image: img, Truth: string(truth), HasTruth: true}
	}
	return out, nil
}

// Score is a reading scored against the photo's transcript: the character
// error rate CER = Edits / Chars (see CER) and the boxes per line against
// the transcript's characters per line (ScoreBoxes).
type Score struct {
	CER   float64
	Edits int
	Chars int
	Boxes BoxScore
}

// Reading is what a reader read on a photo, scored when the photo has a
// transcript.
type Reading struct {
	Photo  Photo
	Result *Result
	Score  Score
}

// ReadPhoto reads p with r (decoding p.Path when p.Image is nil) and scores
// the text against p.Truth when p has one. Errors name the photo.
func (r Reader) ReadPhoto(p Photo) (Reading, error) {
	img := p.Image
	if img == nil {
		var err error
		if img, err = Load(p.Path); err != nil {
			return Reading{}, err
		}
	}
	res, err := r.Read(img)
	if err != nil {
		return Reading{}, fmt.Errorf("%s: %w", p.Path, err)
	}
	out := Reading{Photo: p, Result: res}
	if p.HasTruth {
		out.Score.CER, out.Score.Edits, out.Score.Chars = CER(res.Text, p.Truth)
		out.Score.Boxes = ScoreBoxes(res.LineCounts(), p.Truth)
	}
	return out, nil
}

// Tally sums the scores of several photos: the overall character error
// rate is the total edit distance over the total transcript length,
// Σ Edits / Σ Chars (not the mean of the photos' rates).
type Tally struct {
	Edits, Chars int
}

// Add counts s.
func (t *Tally) Add(s Score) { t.Edits, t.Chars = t.Edits+s.Edits, t.Chars+s.Chars }

// CER returns Edits / Chars (Edits when Chars is 0).
func (t Tally) CER() float64 { return float64(t.Edits) / math.Max(float64(t.Chars), 1) }

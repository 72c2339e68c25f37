package ocr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrNoLetters is the error of ReadFile (and of Detect on an image too thin
// to be read) when no letter is found on a photo: a blank, black or white
// page, an image too small or too thin, or ink fainter than the detection's
// contrast rule (docs/q4_ocr.md#find-letters).
var ErrNoLetters = errors.New("no letters found")

// ErrTranscript is the error of ReadTranscript for a file that is not a
// transcript: empty, not UTF-8 text, with no letter or digit, or too large.
var ErrTranscript = errors.New("not a transcript")

// MaxTranscript is the largest transcript ReadTranscript accepts, in bytes:
// a page of handwriting holds a few thousand characters, and the CER's edit
// distance takes time proportional to the product of the two lengths.
const MaxTranscript = 1 << 20

// Reader reads the text of a photo with one model: one crop at a time (Q4's
// method, Probs.Classifier) or, with Words, a word at a time (ReadWords),
// then with Lexicon (not nil) by lexicon decoding with margin Margin.
type Reader struct {
	Name    string // names the reader in tables and metrics ("q3", "emnist_words")
	Model   Probs
	Words   bool
	Lexicon *Lexicon // with Words only
	Margin  float64
}

// Read reads img.
func (r Reader) Read(img image.Image) (*Result, error) {
	if r.Words {
		return ReadWords(img, r.Model, r.Lexicon, r.Margin)
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
// data/images, PhotoPaths), as PhotoFiles.
func PhotosIn(dir string) ([]Photo, error) {
	paths, err := PhotoPaths(dir)
	if err != nil {
		return nil, err
	}
	return PhotoFiles(paths)
}

// PhotoPaths returns the paths of every *.jpg of dir in name order; none is
// an error.
func PhotoPaths(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("%s: no photos (*.jpg; run `recog data images` first)", dir)
	}
	slices.Sort(paths)
	return paths, nil
}

// PhotoFiles returns the photos at paths decoded, each with the transcript
// beside it (LoadPhoto); the first that fails to load is the error.
func PhotoFiles(paths []string) ([]Photo, error) {
	photos, errs := LoadPhotos(paths)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return photos, nil
}

// LoadPhotos returns the photos at paths that load (LoadPhoto) and the
// error of each of the others.
func LoadPhotos(paths []string) ([]Photo, []error) {
	var out []Photo
	var errs []error
	for _, path := range paths {
		p, err := LoadPhoto(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, p)
	}
	return out, errs
}

// LoadPhoto returns the photo at path decoded (Load) with the transcript
// beside it, P.txt for P.jpg (ReadTranscript).
func LoadPhoto(path string) (Photo, error) {
	truth, err := ReadTranscript(strings.TrimSuffix(path, filepath.Ext(path)) + ".txt")
	if err != nil {
		return Photo{}, fmt.Errorf("transcript of %s: %w", path, err)
	}
	img, err := Load(path)
	if err != nil {
		return Photo{}, err
	}
	return Photo{Path: path, Image: img, Truth: truth, HasTruth: true}, nil
}

// ReadTranscript reads the transcript file at path: UTF-8 text, not empty,
// with at least one character that Normalise keeps (A-Z, a-z, 0-9), at most
// MaxTranscript bytes. Other files are refused with an error wrapping
// ErrTranscript that names the file and says what it holds.
func ReadTranscript(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return "", fmt.Errorf("%s: %w: it is a folder", path, ErrTranscript)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxTranscript+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	bad := func(what string) (string, error) {
		return "", fmt.Errorf("%s: %w: %s; a transcript is a UTF-8 text file of the photo's characters", path, ErrTranscript, what)
	}
	switch {
	case len(b) == 0:
		return bad("the file is empty")
	case len(b) > MaxTranscript:
		return bad(fmt.Sprintf("the file is larger than %d bytes", MaxTranscript))
	case !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0:
		if f := sniff(b[:min(len(b), 16)]); f != "" && f != "text" {
			return bad("the file holds a " + f + " image")
		}
		return bad("the file holds binary data, not UTF-8 text")
	case Normalise(string(b)) == "":
		return bad("the file has no letter or digit")
	}
	return string(b), nil
}

// ReadFile reads the photo p from its file (Load; p.Image is ignored) with
// r, scored against p.Truth when p.HasTruth: `recog ocr` on one photo. A
// photo on which no letter is found is an error wrapping ErrNoLetters ("no
// letters found on PHOTO"), as is an image too thin to be read.
func (r Reader) ReadFile(p Photo) (Reading, error) {
	img, err := Load(p.Path)
	if err != nil {
		return Reading{}, err
	}
	p.Image = img
	res, err := r.Read(img)
	switch {
	case errors.Is(err, ErrNoLetters):
		return Reading{}, fmt.Errorf("%w on %s: %v", ErrNoLetters, p.Path, strings.TrimPrefix(err.Error(), ErrNoLetters.Error()+": "))
	case err != nil:
		return Reading{}, fmt.Errorf("%s: %w", p.Path, err)
	case len(res.Lines) == 0:
		return Reading{}, fmt.Errorf("%w on %s (a blank page, ink too faint to tell from the paper, or nothing the size of a letter)", ErrNoLetters, p.Path)
	}
	return r.score(p, res), nil
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
	return r.score(p, res), nil
}

// score returns the reading res of p, scored when p has a transcript.
func (r Reader) score(p Photo, res *Result) Reading {
	out := Reading{Photo: p, Result: res}
	if p.HasTruth {
		out.Score.CER, out.Score.Edits, out.Score.Chars = CER(res.Text, p.Truth)
		out.Score.Boxes = ScoreBoxes(res.LineCounts(), p.Truth)
	}
	return out
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

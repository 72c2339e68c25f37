package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"recog/internal/viz"
	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
)

func init() {
	register(command{
		name:    "ocr",
		summary: "Q4 read handwritten capitals and digits from photos",
		usage:   "ocr PHOTO... [--model FILE|q3] [--words=false] [--boxes OUT.png] [--boxes-max PX] [--truth T.txt|DIR]",
		run:     runOCR,
	})
}

const ocrHelp = `
Finds the letters on each photo (PNG or JPEG, EXIF orientation honoured),
groups them into lines and words, crops each letter and names it with a
network, then prints the text. With several photos each text follows a line
"== PHOTO ==". The method is in docs/q4_ocr.md. The model used is named on
stderr.

--model FILE  the network that names the letters: a model saved by
              "recog q3 --save FILE" (the Q3 network, 32x32 NIST36-style
              crops) or by "recog q7 emnist-small" / "recog q7 emnist" (an
              EMNIST CNN, crops shrunk to 28x28 white on black); the file's
              metadata says which. "--model q3" is the Q3 network embedded
              in the program (q3_train/model/README.md; a file named q3: ./q3).
              Default: the small EMNIST CNN embedded in the program
              (q7_autodiff/model/README.md).
--words       the word rule (default on): each word of two or more
              characters is read as letters only or as digits only, whichever
              the network finds more probable as a whole ("T0" becomes "TO").
              --words=false names each letter on its own (Q4's method).
--boxes OUT.png
              writes the photo with the letter boxes drawn line by line in
              different colours and the recognised character above each box.
              With several photos OUT.png is a pattern: the photo's base name
              is added, OUT_01_list.png for 01_list.jpg (two photos with the
              same base name are an error).
--boxes-max PX
              shrinks the overlay so its longer side is at most PX pixels
              (0: the photo's own size)
--truth T.txt scores the text against the transcript T.txt: the character error
              rate CER = edit distance / transcript length (after upper-casing,
              keeping A-Z, 0-9, spaces and line breaks) and the box recall and
              precision (boxes per line against the transcript's characters
              per line). With several photos give a directory: the transcript
              of PHOTO is DIR/<base name of PHOTO>.txt, and the overall CER
              (total distance / total transcript length) is printed last.`

func runOCR(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ocr", ocrHelp, stderr)
	model := fs.String("model", "", "model `FILE` saved by recog q3 --save or recog q7 emnist[-small], or q3 for the embedded Q3 network (default: the embedded small EMNIST CNN)")
	words := fs.Bool("words", true, "read each word as all letters or all digits (the word rule)")
	boxes := fs.String("boxes", "", "write the overlay of boxes and labels to `OUT.png` (OUT_<photo>.png for several photos)")
	boxesMax := fs.Int("boxes-max", 2000, "longer side of the overlay in `PX` (0: full size)")
	truth := fs.String("truth", "", "transcript `T.txt` (one photo) or DIR of <photo>.txt transcripts: print CER and box recall/precision")
	photos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(photos) == 0 {
		return usagef("no photo given")
	}
	if err := checkFlags(want{*boxesMax < 0, "boxes-max", *boxesMax, "≥ 0"},
		want{*boxes != "" && !strings.EqualFold(filepath.Ext(*boxes), ".png"), "boxes", fmt.Sprintf("%q", *boxes), "a .png file name"}); err != nil {
		return err
	}
	overlays, err := overlayFiles(photos, *boxes)
	if err != nil {
		return err
	}
	truths, err := truthFiles(photos, *truth)
	if err != nil {
		return err
	}
	m, err := autodiff.OpenOCRModel(*model)
	if err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintf(stderr, "recog ocr: model %s; %s\n", m.Desc, map[bool]string{true: "word rule on", false: "word rule off"}[*words])
	var total ocr.Tally
	for i, path := range photos {
		r, err := readPhoto(ocr.Reader{Model: m.Probs, Words: *words}, path, truths[i])
		if err != nil {
			return err
		}
		if err := printReading(stdout, r, i, len(photos), overlays[i], *boxesMax); err != nil {
			return err
		}
		total.Add(r.Score)
	}
	if *truth != "" && len(photos) > 1 {
		if total.Chars == 0 {
			return errors.New("--truth: the transcripts are empty")
		}
		fmt.Fprintf(stdout, "-- overall CER %.3f (%d edits / %d characters, %d photos)\n", total.CER(), total.Edits, total.Chars, len(photos))
	}
	return nil
}

// overlayFiles returns the overlay file of each photo for --boxes pattern:
// the pattern itself for one photo, OUT_<base name>.png for several (two
// photos with the same base name are a usage error); "" without --boxes.
func overlayFiles(photos []string, pattern string) ([]string, error) {
	out := make([]string, len(photos))
	if pattern == "" {
		return out, nil
	}
	seen := map[string]string{}
	for i, p := range photos {
		out[i] = pattern
		if len(photos) > 1 {
			base := baseName(p)
			ext := filepath.Ext(pattern)
			out[i] = strings.TrimSuffix(pattern, ext) + "_" + base + ext
			if q, dup := seen[base]; dup {
				return nil, usagef("--boxes with photos %q and %q: both would write %s", q, p, out[i])
			}
			seen[base] = p
		}
	}
	return out, nil
}

// truthFiles returns the transcript of each photo for --truth: the file
// itself for one photo, DIR/<base name>.txt for a directory; "" without
// --truth.
func truthFiles(photos []string, truth string) ([]string, error) {
	out := make([]string, len(photos))
	if truth == "" {
		return out, nil
	}
	st, err := os.Stat(truth)
	if err != nil {
		return nil, fmt.Errorf("--truth: %w", err)
	}
	for i, p := range photos {
		switch {
		case st.IsDir():
			out[i] = filepath.Join(truth, baseName(p)+".txt")
		case len(photos) > 1:
			return nil, usagef("--truth %s is a file but %d photos are given: give a directory of <photo>.txt transcripts", truth, len(photos))
		default:
			out[i] = truth
		}
	}
	return out, nil
}

// readPhoto reads the photo at path with r, scored against the transcript
// file truth when it is not "".
func readPhoto(r ocr.Reader, path, truth string) (ocr.Reading, error) {
	p := ocr.Photo{Path: path, HasTruth: truth != ""}
	if p.HasTruth {
		b, err := os.ReadFile(truth)
		if err != nil {
			return ocr.Reading{}, fmt.Errorf("transcript: %w", err)
		}
		p.Truth = string(b)
	}
	img, err := ocr.Load(path)
	if err != nil {
		return ocr.Reading{}, err
	}
	p.Image = img
	return r.ReadPhoto(p)
}

// printReading prints the text of photo i of n (after a line "== PHOTO =="
// when there are several), writes its overlay when overlay is set and
// prints its score when it has a transcript.
func printReading(stdout io.Writer, r ocr.Reading, i, n int, overlay string, boxesMax int) error {
	if n > 1 {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "== %s ==\n", r.Photo.Path)
	}
	if r.Result.Text != "" {
		fmt.Fprintln(stdout, r.Result.Text)
	}
	if overlay != "" {
		if err := viz.SaveImagePNG(ocr.OverlayMax(r.Photo.Image, r.Result, boxesMax), overlay); err != nil {
			return err
		}
	}
	if r.Photo.HasTruth {
		s := r.Score
		fmt.Fprintf(stdout, "-- %s: CER %.3f (%d edits / %d characters); boxes recall %.3f, precision %.3f; boxes per line %v, transcript %v\n",
			filepath.Base(r.Photo.Path), s.CER, s.Edits, s.Chars, s.Boxes.Recall, s.Boxes.Precision, s.Boxes.Found, s.Boxes.Want)
	}
	return nil
}

// baseName returns the file name of path without its extension:
// "data/images/01_list.jpg" → "01_list".
func baseName(path string) string {
	return ocr.Photo{Path: path}.Name()
}

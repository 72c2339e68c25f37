package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"recog/internal/data"
	"recog/internal/modelio"
	"recog/internal/viz"
	nn "recog/q2_nn"
	train "recog/q3_train"
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
	if *boxesMax < 0 {
		return usagef("--boxes-max %d: want ≥ 0", *boxesMax)
	}
	if *boxes != "" && !strings.EqualFold(filepath.Ext(*boxes), ".png") {
		return usagef("--boxes %q: want a .png file name", *boxes)
	}
	overlays := make([]string, len(photos))
	if *boxes != "" {
		seen := map[string]string{}
		for i, p := range photos {
			overlays[i] = *boxes
			if len(photos) > 1 {
				base := baseName(p)
				if q, dup := seen[base]; dup {
					return usagef("--boxes with photos %q and %q: both would write %s", q, p, overlayName(*boxes, base))
				}
				seen[base] = p
				overlays[i] = overlayName(*boxes, base)
			}
		}
	}
	truths := make([]string, len(photos))
	if *truth != "" {
		st, err := os.Stat(*truth)
		if err != nil {
			return fmt.Errorf("--truth: %w", err)
		}
		for i, p := range photos {
			switch {
			case st.IsDir():
				truths[i] = filepath.Join(*truth, baseName(p)+".txt")
			case len(photos) > 1:
				return usagef("--truth %s is a file but %d photos are given: give a directory of <photo>.txt transcripts", *truth, len(photos))
			default:
				truths[i] = *truth
			}
		}
	}

	rd, desc, closeModel, err := loadOCRReader(*model, *words)
	if err != nil {
		return err
	}
	defer closeModel()
	rule := map[bool]string{true: "word rule on", false: "word rule off"}[*words]
	fmt.Fprintf(stderr, "recog ocr: model %s; %s\n", desc, rule)

	var total ocr.Tally
	for i, path := range photos {
		p := ocr.Photo{Path: path, HasTruth: truths[i] != ""}
		if p.HasTruth {
			b, err := os.ReadFile(truths[i])
			if err != nil {
				return fmt.Errorf("transcript: %w", err)
			}
			p.Truth = string(b)
		}
		if p.Image, err = ocr.Load(path); err != nil {
			return err
		}
		r, err := rd.ReadPhoto(p)
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
		fmt.Fprintf(stdout, "-- overall CER %.3f (%d edits / %d characters, %d photos)\n",
			total.CER(), total.Edits, total.Chars, len(photos))
	}
	return nil
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
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// overlayName returns the overlay file of a photo when --boxes names a
// pattern: "out/boxes.png", "01_list" → "out/boxes_01_list.png".
func overlayName(pattern, base string) string {
	ext := filepath.Ext(pattern)
	return strings.TrimSuffix(pattern, ext) + "_" + base + ext
}

// loadOCRReader returns the reader of `recog ocr --model spec`, a
// description of its model for stderr and the function that releases it:
// spec "" is the embedded small EMNIST CNN (autodiff.DefaultOCRModel), "q3"
// the Q3 network embedded in q3_train, anything else a model file whose
// header says what it holds (internal/modelio): a q2 network saved by
// `recog q3 --save` (nn.LoadModel) or an EMNIST CNN saved by `recog q7
// emnist[-small]` (autodiff.LoadOCRModel). With words, each word is read
// with the word rule.
func loadOCRReader(spec string, words bool) (ocr.Reader, string, func(), error) {
	none := func() {}
	switch spec {
	case "":
		m, err := autodiff.DefaultOCRModel()
		if err != nil {
			return ocr.Reader{}, "", none, err
		}
		desc := fmt.Sprintf("embedded small EMNIST CNN (q7_autodiff/model/%s, %d parameters)", autodiff.DefaultOCRModelFile, m.NumParams())
		return ocr.Reader{Model: autodiff.EMNISTProbs(m, nil), Words: words}, desc, m.Close, nil
	case "q3":
		net, h, err := train.DefaultModel()
		if err != nil {
			return ocr.Reader{}, "", none, err
		}
		p, err := q3Probs(net, h)
		return ocr.Reader{Model: p, Words: words}, "embedded Q3 network (q3_train/model/" + train.DefaultModelFile + ")", none, err
	}
	_, h, err := modelio.Read(spec)
	if err != nil {
		return ocr.Reader{}, "", none, fmt.Errorf("--model: %w", err)
	}
	switch {
	case h.Model == nn.ModelName:
		net, h, err := nn.LoadModel(spec)
		if err != nil {
			return ocr.Reader{}, "", none, err
		}
		p, err := q3Probs(net, h)
		if err != nil {
			return ocr.Reader{}, "", none, fmt.Errorf("%s: %w", spec, err)
		}
		return ocr.Reader{Model: p, Words: words}, "Q3 network " + spec, none, nil
	case h.Input != nil:
		m, err := autodiff.LoadOCRModel(spec)
		if err != nil {
			return ocr.Reader{}, "", none, err
		}
		if m.InputSize() != autodiff.EMNISTSide*autodiff.EMNISTSide || len(m.Input) != 3 {
			m.Close()
			return ocr.Reader{}, "", none, fmt.Errorf("%s: model %s takes %v inputs, want an EMNIST model of [1 %d %d]", spec, m.Name, m.Input, autodiff.EMNISTSide, autodiff.EMNISTSide)
		}
		desc := fmt.Sprintf("%s %s (%d parameters)", m.Name, spec, m.NumParams())
		return ocr.Reader{Model: autodiff.EMNISTProbs(m, nil), Words: words}, desc, m.Close, nil
	}
	return ocr.Reader{}, "", none, fmt.Errorf("%s: not a model of recog q3 --save (model %q) or of recog q7 emnist[-small] (a model with an input shape)", spec, nn.ModelName)
}

// q3Probs returns a Q3 network as a model of q4_ocr, its outputs named by
// the file's classes (NIST36's when it names none).
func q3Probs(net *nn.Network, h modelio.Header) (ocr.Probs, error) {
	classes := h.Classes
	if classes == nil {
		classes = data.NIST36Classes
	}
	return ocr.NetworkProbs(net, classes)
}

package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"recog/internal/viz"
	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
)

func init() {
	register(command{
		name:    "ocr",
		summary: "Q4 read handwritten capitals and digits from photos",
		usage:   "ocr PHOTO... [--model FILE|q3] [--words=false] [--lexicon=false] [--lexicon-margin NATS] [--boxes OUT.png] [--boxes-max PX] [--truth T.txt|DIR]",
		run:     runOCR,
	})
}

func runOCR(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ocr", helpText("ocr"), stderr)
	model := fs.String("model", "", "model `FILE` saved by recog q3 --save or recog q7 emnist[-small|-plus|-ocr], or q3 for the embedded Q3 network (default: the embedded EMNIST CNN)")
	words := fs.Bool("words", true, "read each word as all letters or all digits (the word rule)")
	lexicon := fs.Bool("lexicon", true, "with the word rule, replace a word by the most probable English word of its length when it is nearly as probable (lexicon decoding)")
	margin := fs.FloatRange("lexicon-margin", ocr.DefaultLexiconMargin, 0, 100, "how much less probable, in `NATS` of log-probability, an English word may be than the word read and still replace it")
	boxes := fs.OutFile("boxes", "", ".png", "write the overlay of boxes and labels to `OUT.png` (OUT_<photo>.png for several photos)")
	boxesMax := fs.IntRange("boxes-max", 2000, 0, ocr.MaxSide, "longer side of the overlay in `PX` (0: the photo's own size)")
	truth := fs.String("truth", "", "transcript `T.txt` (one photo) or DIR of <photo>.txt transcripts: print CER and box recall/precision")
	photos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(photos) == 0:
		return usagef("no photo given")
	case fs.Set("model") && *model == "":
		return usagef("--model is empty: give a model FILE or q3, or leave --model out for the embedded EMNIST CNN")
	}
	overlays, err := ocr.OverlayFiles(photos, *boxes)
	if err != nil {
		return usagef("--boxes: %v", err)
	}
	reads, err := ocr.TranscriptPhotos(photos, *truth)
	switch {
	case errors.Is(err, ocr.ErrTruthFile):
		return usagef("--truth %v", err)
	case err != nil:
		return fmt.Errorf("--truth: %w", err)
	}
	m, err := autodiff.OpenOCRModel(*model)
	if err != nil {
		return fmt.Errorf("--model: %w", err)
	}
	defer m.Close()
	reader := ocr.Reader{Model: m.Probs, Words: *words}
	mode := "word rule off"
	if *words {
		mode = "word rule on; lexicon off"
		if *lexicon {
			reader.Lexicon, reader.Margin = ocr.DefaultLexicon(), *margin
			mode = fmt.Sprintf("word rule on; lexicon on, margin %g", *margin)
		}
	}
	fmt.Fprintf(stderr, "recog ocr: model %s; %s\n", m.Desc, mode)
	var total ocr.Tally
	var failed []error
	for i, p := range reads {
		r, err := reader.ReadFile(p)
		if err == nil {
			err = printReading(stdout, r, i-len(failed), len(photos), overlays[i], *boxesMax)
		}
		if err != nil {
			failed = append(failed, err)
			continue
		}
		total.Add(r.Score)
	}
	if n := len(photos) - len(failed); *truth != "" && len(photos) > 1 && n > 0 {
		fmt.Fprintf(stdout, "-- overall CER %.3f (%d edits / %d characters, %d photos)\n", total.CER(), total.Edits, total.Chars, n)
	}
	return photosFailed(stderr, "ocr", failed, len(photos))
}

// printReading writes the overlay of a reading when overlay is set, then
// prints its text (after a line "== PHOTO ==" when there are n > 1 photos,
// and a blank line when i > 0 were printed before) and its score when it
// has a transcript.
func printReading(stdout io.Writer, r ocr.Reading, i, n int, overlay string, boxesMax int) error {
	if overlay != "" {
		if err := viz.SaveImagePNG(ocr.OverlayMax(r.Photo.Image, r.Result, boxesMax), overlay); err != nil {
			return fmt.Errorf("--boxes: %w", err)
		}
	}
	if n > 1 {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "== %s ==\n", r.Photo.Path)
	}
	fmt.Fprintln(stdout, r.Result.Text)
	if r.Photo.HasTruth {
		s := r.Score
		fmt.Fprintf(stdout, "-- %s: CER %.3f (%d edits / %d characters); boxes recall %.3f, precision %.3f; boxes per line %v, transcript %v\n",
			filepath.Base(r.Photo.Path), s.CER, s.Edits, s.Chars, s.Boxes.Recall, s.Boxes.Precision, s.Boxes.Found, s.Boxes.Want)
	}
	return nil
}

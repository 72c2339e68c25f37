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
)

func init() {
	register(command{
		name:    "ocr",
		summary: "Q4 read handwritten capitals and digits from photos",
		usage:   "ocr PHOTO... [--model FILE] [--boxes OUT.png] [--boxes-max PX] [--truth T.txt|DIR]",
		run:     runOCR,
	})
}

const ocrHelp = `
Finds the letters on each photo (PNG or JPEG, EXIF orientation honoured),
groups them into lines and words, crops each to a 32x32 NIST36-style image and
names it with the Q3 network, then prints the text. With several photos each
text follows a line "== PHOTO ==". The method is in docs/q4_ocr.md.

--model FILE  a model saved by "recog q3 --save FILE" (default: the model
              embedded in the program, q4_ocr/model/README.md)
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
	model := fs.String("model", "", "model `FILE` saved by recog q3 --save (default: the embedded model)")
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

	var clf ocr.Classifier
	if *model == "" {
		clf, _, err = ocr.DefaultClassifier()
	} else {
		clf, _, err = ocr.LoadClassifier(*model)
	}
	if err != nil {
		return err
	}

	var totalDist, totalLen int
	for i, p := range photos {
		var want string
		if truths[i] != "" {
			b, err := os.ReadFile(truths[i])
			if err != nil {
				return fmt.Errorf("transcript: %w", err)
			}
			want = string(b)
		}
		img, err := ocr.Load(p)
		if err != nil {
			return err
		}
		res, err := ocr.Recognise(img, clf)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if len(photos) > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "== %s ==\n", p)
		}
		if res.Text != "" {
			fmt.Fprintln(stdout, res.Text)
		}
		if overlays[i] != "" {
			if err := viz.SaveImagePNG(ocr.OverlayMax(img, res, *boxesMax), overlays[i]); err != nil {
				return err
			}
		}
		if truths[i] == "" {
			continue
		}
		cer, dist, n := ocr.CER(res.Text, want)
		totalDist, totalLen = totalDist+dist, totalLen+n
		s := ocr.ScoreBoxes(res.LineCounts(), want)
		fmt.Fprintf(stdout, "-- %s: CER %.3f (%d edits / %d characters); boxes recall %.3f, precision %.3f; boxes per line %v, transcript %v\n",
			filepath.Base(p), cer, dist, n, s.Recall, s.Precision, s.Found, s.Want)
	}
	if *truth != "" && len(photos) > 1 {
		if totalLen == 0 {
			return errors.New("--truth: the transcripts are empty")
		}
		fmt.Fprintf(stdout, "-- overall CER %.3f (%d edits / %d characters, %d photos)\n",
			float64(totalDist)/float64(totalLen), totalDist, totalLen, len(photos))
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

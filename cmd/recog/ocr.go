package main

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"recog/internal/data"
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
              in the program (q4_ocr/model/README.md; a file named q3: ./q3).
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

	rd, err := loadOCRReader(*model, *words)
	if err != nil {
		return err
	}
	defer rd.close()
	rule := "word rule on"
	if !*words {
		rule = "word rule off"
	}
	fmt.Fprintf(stderr, "recog ocr: model %s; %s\n", rd.desc, rule)

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
		res, err := rd.read(img)
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

// ocrReader reads a photo with one model.
type ocrReader struct {
	desc  string // the model, for the message on stderr
	read  func(img image.Image) (*ocr.Result, error)
	close func()
}

// loadOCRReader returns the reader of `recog ocr --model spec`: spec "" is
// the embedded small EMNIST CNN (autodiff.DefaultOCRModel), "q3" the
// embedded Q3 network (ocr.DefaultModel), anything else a file whose
// safetensors metadata says what it holds: "format" = "recog-mlp" for a Q3
// network (train.LoadModel), a "model" name and an "input" shape for a q7
// EMNIST CNN (autodiff.LoadOCRModel). With words, each word is read with the
// word rule (autodiff.ReadWords); otherwise each crop is named on its own
// (ocr.Recognise).
func loadOCRReader(spec string, words bool) (*ocrReader, error) {
	switch spec {
	case "":
		m, err := autodiff.DefaultOCRModel()
		if err != nil {
			return nil, err
		}
		return emnistReader(m, fmt.Sprintf("embedded small EMNIST CNN (q7_autodiff/model/%s, %d parameters)", autodiff.DefaultOCRModelFile, m.NumParams()), words), nil
	case "q3":
		net, meta, err := ocr.DefaultModel()
		if err != nil {
			return nil, err
		}
		return q3Reader(net, meta, "embedded Q3 network (q4_ocr/model/"+ocr.DefaultModelFile+")", words)
	}
	_, meta, err := data.ReadSafetensors(spec)
	if err != nil {
		return nil, fmt.Errorf("--model: %w", err)
	}
	switch {
	case meta[train.MetaFormat] == train.ModelFormat:
		net, meta, err := train.LoadModel(spec)
		if err != nil {
			return nil, err
		}
		r, err := q3Reader(net, meta, "Q3 network "+spec, words)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec, err)
		}
		return r, nil
	case meta["model"] != "" && meta["input"] != "":
		m, err := autodiff.LoadOCRModel(spec)
		if err != nil {
			return nil, err
		}
		if m.InputSize() != autodiff.EMNISTSide*autodiff.EMNISTSide || len(m.Input) != 3 {
			m.Close()
			return nil, fmt.Errorf("%s: model %s takes %v inputs, want an EMNIST model of [1 %d %d]", spec, m.Name, m.Input, autodiff.EMNISTSide, autodiff.EMNISTSide)
		}
		return emnistReader(m, fmt.Sprintf("%s %s (%d parameters)", m.Name, spec, m.NumParams()), words), nil
	}
	return nil, fmt.Errorf("%s: not a model of recog q3 --save (metadata format %q) or of recog q7 emnist[-small] (metadata model and input)", spec, train.ModelFormat)
}

// emnistReader reads with an EMNIST model (autodiff.EMNISTProbs: crops
// shrunk to 28x28 white on black, lower-case classes counted as capitals).
func emnistReader(m *autodiff.Model, desc string, words bool) *ocrReader {
	r := &ocrReader{desc: desc, close: m.Close}
	if words {
		probs, labels := autodiff.EMNISTProbs(m, nil)
		r.read = func(img image.Image) (*ocr.Result, error) { return autodiff.ReadWords(img, probs, labels) }
	} else {
		c := autodiff.NewEMNISTClassifier(m, nil)
		r.read = func(img image.Image) (*ocr.Result, error) { return ocr.Recognise(img, c) }
	}
	return r
}

// q3Reader reads with a Q3 network (ocr.NetworkClassifier; with words, its
// softmax outputs feed the word rule).
func q3Reader(net *nn.Network, meta map[string]string, desc string, words bool) (*ocrReader, error) {
	c, err := ocr.NetworkClassifier(net, meta)
	if err != nil {
		return nil, err
	}
	r := &ocrReader{desc: desc, close: func() {}}
	if !words {
		r.read = func(img image.Image) (*ocr.Result, error) { return ocr.Recognise(img, c) }
		return r, nil
	}
	labels := data.NIST36Classes
	if s := meta[train.MetaClasses]; s != "" {
		labels = strings.Split(s, ",")
	}
	probs := autodiff.NetworkProbs(net)
	r.read = func(img image.Image) (*ocr.Result, error) { return autodiff.ReadWords(img, probs, labels) }
	return r, nil
}

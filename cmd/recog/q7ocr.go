package main

import (
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"recog/internal/data"
	train "recog/q3_train"
	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
)

func init() {
	q7Runners["ocr"] = runQ7OCR
}

const q7OCRHelp = `
Q7.1.4: reads the photos with q4_ocr's pipeline and an EMNIST CNN saved by
` + "`recog q7 emnist`" + ` or ` + "`recog q7 emnist-small`" + ` (DIR/q7_<task>.safetensors), and,
for comparison, with the Q3 network (embedded in q4_ocr, or --q3-model),
each plain (one crop at a time) and with the word rule (a word with more
letters than digits is read as letters only, and the other way round).
Each crop is shrunk from q4_ocr's 32x32 NIST36 style to EMNIST's upright
28x28 white-on-black (autodiff.NISTToEMNIST); lower-case EMNIST classes
count as their capitals. Without PHOTO arguments it reads every NN_name.jpg
of DATA/images. The truth of P.jpg is P.txt beside it; the CER is q4_ocr's
(ocr.CER), overall = total edit distance / total truth length. Prints a
table and each photo's text, and writes DIR/metrics.json.`

func runQ7OCR(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("q7 ocr", q7OCRHelp, stderr)
	model := fs.String("model", "", "EMNIST CNN `FILE` saved by `recog q7 emnist` or `recog q7 emnist-small` (required)")
	q3Model := fs.String("q3-model", "", "Q3 network `FILE` saved by `recog q3 --save` (default: the embedded one)")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	out := fs.String("out", "out/q7ocr", "output `DIR`")
	photos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model FILE is required (train one with `recog q7 emnist --out DIR`)")
	}
	if len(photos) == 0 {
		if *dataDir == "" {
			*dataDir = data.DefaultDir()
		}
		photos, err = filepath.Glob(filepath.Join(*dataDir, "images", "*.jpg"))
		if err != nil {
			return err
		}
		if len(photos) == 0 {
			return fmt.Errorf("%s: no photos (run `recog data images` first)", filepath.Join(*dataDir, "images"))
		}
		slices.Sort(photos)
	}
	m, err := autodiff.LoadOCRModel(*model)
	if err != nil {
		return err
	}
	defer m.Close()
	net, meta, err := ocr.DefaultModel()
	if *q3Model != "" {
		net, meta, err = train.LoadModel(*q3Model)
	}
	if err != nil {
		return err
	}
	q3Labels := data.NIST36Classes
	if c := meta[train.MetaClasses]; c != "" {
		q3Labels = strings.Split(c, ",")
	}
	if net.In() != ocr.CropSide*ocr.CropSide || net.Out() != len(q3Labels) {
		return fmt.Errorf("q3 model: %d inputs and %d outputs, want %d and %d", net.In(), net.Out(), ocr.CropSide*ocr.CropSide, len(q3Labels))
	}
	q3Probs := autodiff.NetworkProbs(net)
	emProbs, emLabels := autodiff.EMNISTProbs(m, nil)
	emClassifier := autodiff.NewEMNISTClassifier(m, nil)
	q3Classifier, err := ocr.NetworkClassifier(net, meta)
	if err != nil {
		return err
	}
	plain := func(c ocr.Classifier) func(image.Image) (*ocr.Result, error) {
		return func(img image.Image) (*ocr.Result, error) { return ocr.Recognise(img, c) }
	}
	words := func(f autodiff.ProbFunc, labels []string) func(image.Image) (*ocr.Result, error) {
		return func(img image.Image) (*ocr.Result, error) { return autodiff.ReadWords(img, f, labels) }
	}
	readers := []struct {
		name string
		read func(image.Image) (*ocr.Result, error)
	}{
		{"emnist", plain(emClassifier)},
		{"emnist_words", words(emProbs, emLabels)},
		{"q3", plain(q3Classifier)},
		{"q3_words", words(q3Probs, q3Labels)},
	}
	dist := make([]int, len(readers))
	total := 0
	metrics := map[string]any{"model": *model, "photos": len(photos)}
	fmt.Fprintf(stdout, "CER per photo (word rule: autodiff.ReadWords)\n%-12s %6s", "photo", "chars")
	for _, r := range readers {
		fmt.Fprintf(stdout, " %13s", r.name)
	}
	fmt.Fprintln(stdout)
	var texts strings.Builder
	for _, p := range photos {
		img, err := ocr.Load(p)
		if err != nil {
			return err
		}
		tp := strings.TrimSuffix(p, filepath.Ext(p)) + ".txt"
		tb, err := os.ReadFile(tp)
		if err != nil {
			return fmt.Errorf("%s: truth: %w", p, err)
		}
		name := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		cers := make([]float64, len(readers))
		var n int
		for i, r := range readers {
			res, err := r.read(img)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			var d int
			cers[i], d, n = ocr.CER(res.Text, string(tb))
			dist[i] += d
			metrics[r.name+"_cer_"+name] = cers[i]
			if strings.HasPrefix(r.name, "emnist") {
				fmt.Fprintf(&texts, "--- %s (%s)\n%s\n", name, r.name, res.Text)
			}
		}
		total += n
		fmt.Fprintf(stdout, "%-12s %6d", name, n)
		for _, c := range cers {
			fmt.Fprintf(stdout, " %13.4f", c)
		}
		fmt.Fprintln(stdout)
	}
	for i, r := range readers {
		c := 0.0
		if total > 0 {
			c = float64(dist[i]) / float64(total)
		}
		metrics[r.name+"_cer"] = c
		metrics[r.name+"_edits"] = dist[i]
	}
	metrics["truth_chars"] = total
	fmt.Fprintf(stdout, "%-12s %6d", "overall", total)
	for _, r := range readers {
		fmt.Fprintf(stdout, " %13.4f", metrics[r.name+"_cer"])
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, texts.String())
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	return writeQMetrics(filepath.Join(*out, "metrics.json"), metrics)
}

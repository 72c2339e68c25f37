package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"recog/internal/data"
	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
)

func init() {
	q7Runners["ocr"] = runQ7OCR
}

const q7OCRHelp = `
Q7.1.4: reads the photos with q4_ocr's pipeline and the EMNIST CNN saved by
` + "`recog q7 emnist`" + ` (DIR/q7_emnist.safetensors), and, for comparison,
with the Q3 network (the embedded default of ` + "`recog ocr`" + `, or --q3-model).
Each crop is shrunk from q4_ocr's 32x32 NIST36 style to EMNIST's upright
28x28 white-on-black (autodiff.NISTToEMNIST); lower-case EMNIST classes
count as their capitals. Without PHOTO arguments it reads every NN_name.jpg
of DATA/images. The truth of P.jpg is P.txt beside it; the CER is q4_ocr's
(ocr.CER), overall = total edit distance / total truth length. Prints a
table and each photo's text, and writes DIR/metrics.json.`

func runQ7OCR(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("q7 ocr", q7OCRHelp, stderr)
	model := fs.String("model", "", "EMNIST CNN `FILE` saved by `recog q7 emnist` (required)")
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
	m, err := autodiff.LoadSimpleCNN(*model)
	if err != nil {
		return err
	}
	defer m.Close()
	q3, _, err := ocr.DefaultClassifier()
	if *q3Model != "" {
		q3, _, err = ocr.LoadClassifier(*q3Model)
	}
	if err != nil {
		return err
	}
	readers := []struct {
		name string
		c    ocr.Classifier
	}{{"emnist", autodiff.NewEMNISTClassifier(m, nil)}, {"q3", q3}}
	dist := make([]int, len(readers))
	total := 0
	metrics := map[string]any{"model": *model, "photos": len(photos)}
	fmt.Fprintf(stdout, "%-14s %6s %12s %12s\n", "photo", "chars", "CER emnist", "CER q3")
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
			res, err := ocr.Recognise(img, r.c)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			var d int
			cers[i], d, n = ocr.CER(res.Text, string(tb))
			dist[i] += d
			metrics[r.name+"_cer_"+name] = cers[i]
			if r.name == "emnist" {
				fmt.Fprintf(&texts, "--- %s (emnist)\n%s\n", name, res.Text)
			}
		}
		total += n
		fmt.Fprintf(stdout, "%-14s %6d %12.4f %12.4f\n", name, n, cers[0], cers[1])
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
	fmt.Fprintf(stdout, "%-14s %6d %12.4f %12.4f\n", "overall", total, metrics["emnist_cer"], metrics["q3_cer"])
	fmt.Fprint(stdout, texts.String())
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	return writeQMetrics(filepath.Join(*out, "metrics.json"), metrics)
}

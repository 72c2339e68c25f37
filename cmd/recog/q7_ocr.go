package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	nn "recog/q2_nn"
	train "recog/q3_train"
	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
	"recog/q7_autodiff/nets"
)

const q7OCRHelp = `
Q7.1.4: reads the photos with q4_ocr's pipeline and an EMNIST CNN saved by
` + "`recog q7 emnist`" + ` or ` + "`recog q7 emnist-small`" + ` (DIR/q7_<task>.safetensors), and,
for comparison, with the Q3 network (embedded in q3_train, or --q3-model),
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
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model FILE is required (train one with `recog q7 emnist --out DIR`)")
	}
	photos, err := ocr.PhotoFiles(paths)
	if len(paths) == 0 {
		photos, err = ocr.PhotosIn(filepath.Join(dataOr(*dataDir), "images"))
	}
	if err != nil {
		return err
	}
	m, err := nets.LoadOCRModel(*model)
	if err != nil {
		return err
	}
	defer m.Close()
	net, h, err := train.DefaultModel()
	if *q3Model != "" {
		net, h, err = nn.LoadModel(*q3Model)
	}
	if err != nil {
		return err
	}
	q3, err := ocr.NetworkProbs(net, h.Classes)
	if err != nil {
		return fmt.Errorf("q3 model: %w", err)
	}
	em := autodiff.EMNISTProbs(m, nil)
	c, err := ocr.Compare(photos, []ocr.Reader{{Name: "emnist", Model: em}, {Name: "emnist_words", Model: em, Words: true},
		{Name: "q3", Model: q3}, {Name: "q3_words", Model: q3, Words: true}})
	if err != nil {
		return err
	}
	printComparison(stdout, c)
	return writeRun(*out, struct {
		Model string             `json:"model"`
		C     ocr.CompareMetrics `metrics:"inline"`
	}{*model, c.Metrics}, nil)
}

// printComparison prints the CER of each reader on each photo and overall,
// then the texts of the EMNIST readers.
func printComparison(w io.Writer, c *ocr.Comparison) {
	fmt.Fprintf(w, "CER per photo (word rule: ocr.ReadWords)\n%-12s %6s", "photo", "chars")
	for _, r := range c.Readers {
		fmt.Fprintf(w, " %13s", r)
	}
	fmt.Fprintln(w)
	var texts strings.Builder
	for j, rd := range c.Readings[0] {
		fmt.Fprintf(w, "%-12s %6d", rd.Photo.Name(), rd.Score.Chars)
		for i, r := range c.Readers {
			fmt.Fprintf(w, " %13.4f", c.Readings[i][j].Score.CER)
			if strings.HasPrefix(r, "emnist") {
				fmt.Fprintf(&texts, "--- %s (%s)\n%s\n", rd.Photo.Name(), r, c.Readings[i][j].Result.Text)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-12s %6d", "overall", c.Totals[0].Chars)
	for _, t := range c.Totals {
		fmt.Fprintf(w, " %13.4f", t.CER())
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, texts.String())
}

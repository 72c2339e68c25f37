package main

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"

	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
)

func runQ7OCR(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("q7 ocr", helpText("q7_ocr"), stderr)
	model := fs.String("model", "", "EMNIST CNN `FILE` saved by `recog q7 emnist` or `recog q7 emnist-ocr` (required)")
	q3Model := fs.String("q3-model", "", "Q3 network `FILE` saved by `recog q3 --save` (default: the embedded one)")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	out := fs.OutDir("out", "out/q7ocr", "output `DIR`")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *model == "":
		return usagef("--model FILE is required (train one with `recog q7 emnist --out DIR`)")
	case fs.Set("q3-model") && *q3Model == "":
		return usagef("--q3-model is empty: give a FILE saved by recog q3 --save, or leave it out for the embedded Q3 network")
	}
	if len(paths) == 0 {
		if paths, err = ocr.PhotoPaths(filepath.Join(dataOr(*dataDir), "images")); err != nil {
			return err
		}
	}
	em, err := autodiff.OpenOCRModel(*model)
	if err != nil {
		return fmt.Errorf("--model: %w", err)
	}
	defer em.Close()
	q3, err := autodiff.OpenOCRModel(cmp.Or(*q3Model, "q3"))
	if err != nil {
		return fmt.Errorf("--q3-model: %w", err)
	}
	defer q3.Close()
	switch {
	case !em.CNN:
		return fmt.Errorf("--model %s: a Q3 network, want an EMNIST CNN (give the Q3 network with --q3-model)", *model)
	case q3.CNN:
		return fmt.Errorf("--q3-model %s: an EMNIST CNN, want a network saved by recog q3 --save", *q3Model)
	}
	photos, failed := ocr.LoadPhotos(paths)
	c, err := ocr.Compare(photos, []ocr.Reader{{Name: "emnist", Model: em.Probs}, {Name: "emnist_words", Model: em.Probs, Words: true},
		{Name: "q3", Model: q3.Probs}, {Name: "q3_words", Model: q3.Probs, Words: true}})
	if err != nil {
		return err
	}
	if failed = append(failed, c.NoLetters()...); len(photos) > 0 {
		c.WriteTable(stdout)
		err = writeRun(*out, struct {
			Model string             `json:"model"`
			C     ocr.CompareMetrics `metrics:"inline"`
		}{*model, c.Metrics}, nil, "q7 ocr: "+em.Desc, stdout)
	}
	return cmp.Or(err, photosFailed(stderr, "q7 ocr", failed, len(paths)))
}

package ocr

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Comparison is several readers on the same photos (Compare).
type Comparison struct {
	Readers  []string
	Readings [][]Reading // [reader][photo]
	Totals   []Tally     // per reader
	Metrics  CompareMetrics
}

// CompareMetrics are a comparison's numbers under their metrics.json keys.
// Each reader's numbers are named by its Name: "<name>_cer" and
// "<name>_edits" (just "cer" and "edits" for the reader named ""). One
// object per photo under its Photo.Key, listed in Photos, holds the photo's
// file name, its transcript length "chars" and each reader's numbers; the
// totals hold "chars" and each reader's.
type CompareMetrics struct {
	Photos   []string                  `json:"photos"`
	PerPhoto map[string]map[string]any `metrics:"inline"`
	Totals   map[string]any            `metrics:"inline"`
}

// Compare reads every photo (with its transcript) with every reader, one
// photo at a time, and scores each reading.
func Compare(photos []Photo, readers []Reader) (*Comparison, error) {
	c := &Comparison{Readings: make([][]Reading, len(readers)), Totals: make([]Tally, len(readers)),
		Metrics: CompareMetrics{PerPhoto: map[string]map[string]any{}, Totals: map[string]any{}}}
	for _, r := range readers {
		c.Readers = append(c.Readers, r.Name)
	}
	for _, p := range photos {
		if !p.HasTruth {
			return nil, fmt.Errorf("%s: no transcript", p.Path)
		}
		row := map[string]any{"photo": filepath.Base(p.Path)}
		for i, r := range readers {
			rd, err := r.ReadPhoto(p)
			if err != nil {
				return nil, err
			}
			c.Readings[i] = append(c.Readings[i], rd)
			c.Totals[i].Add(rd.Score)
			row[key(r.Name, "cer")], row[key(r.Name, "edits")], row["chars"] = rd.Score.CER, rd.Score.Edits, rd.Score.Chars
		}
		c.Metrics.Photos = append(c.Metrics.Photos, p.Key())
		c.Metrics.PerPhoto[p.Key()] = row
	}
	for i, r := range readers {
		c.Metrics.Totals[key(r.Name, "cer")], c.Metrics.Totals[key(r.Name, "edits")] = c.Totals[i].CER(), c.Totals[i].Edits
		c.Metrics.Totals["chars"] = c.Totals[i].Chars
	}
	return c, nil
}

// NoLetters returns, for each photo on which no letter was found, an error
// wrapping ErrNoLetters that names it (the readers all find the same
// letters: the first reader's readings are looked at).
func (c *Comparison) NoLetters() []error {
	var errs []error
	if len(c.Readings) == 0 {
		return nil
	}
	for _, rd := range c.Readings[0] {
		if len(rd.Result.Lines) == 0 {
			errs = append(errs, fmt.Errorf("%w on %s", ErrNoLetters, rd.Photo.Path))
		}
	}
	return errs
}

// key returns "<name>_<measure>", or measure when name is "".
func key(name, measure string) string {
	if name == "" {
		return measure
	}
	return name + "_" + measure
}

// WriteTable writes the CER of each reader on each photo and overall, then
// the texts of the readers whose name starts with "emnist" (`recog q7 ocr`).
func (c *Comparison) WriteTable(w io.Writer) {
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

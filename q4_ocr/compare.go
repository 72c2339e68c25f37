package ocr

import (
	"fmt"
	"path/filepath"
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

// key returns "<name>_<measure>", or measure when name is "".
func key(name, measure string) string {
	if name == "" {
		return measure
	}
	return name + "_" + measure
}

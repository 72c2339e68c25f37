package main

import (
	"fmt"
	"io"
	"path/filepath"

	"recog/internal/data"
	"recog/internal/metrics"
	"recog/internal/progress"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

// writeRun writes a run's figures and its metrics.json into dir.
func writeRun(dir string, m any, figs []viz.Figure) error {
	if err := viz.SaveFigures(dir, figs); err != nil {
		return err
	}
	return metrics.Write(filepath.Join(dir, "metrics.json"), m)
}

// dataOr returns dir, or data.DefaultDir() when dir is "".
func dataOr(dir string) string {
	if dir == "" {
		return data.DefaultDir()
	}
	return dir
}

// noArgs is a usage error for positional arguments of a command that takes
// none.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return usagef("unexpected arguments %q", pos)
	}
	return nil
}

// want is one check of a flag's value: when bad, the usage error is
// "--flag value: want ...".
type want struct {
	bad   bool
	flag  string
	value any
	want  string
}

// checkFlags returns the usage error of the first bad flag.
func checkFlags(ws ...want) error {
	for _, w := range ws {
		if w.bad {
			return usagef("--%s %v: want %s", w.flag, w.value, w.want)
		}
	}
	return nil
}

// epochBar returns a progress bar over epochs and the callback advancing it
// with the latest numbers.
func epochBar(stderr io.Writer, total int, desc string) (*progress.Bar, func(nn.EpochMetrics)) {
	bar := progress.New(stderr, int64(total), desc)
	return bar, func(m nn.EpochMetrics) {
		bar.Describe(fmt.Sprintf("%s: train %.3f valid %.3f", desc, m.TrainAcc, m.ValidAcc))
		bar.Add(1)
	}
}

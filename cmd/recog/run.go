package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"recog/internal/data"
	"recog/internal/pipeline"
	"recog/internal/viz"
)

// writeRun writes a run's figures and its metrics.json into dir
// (pipeline.Write), then prints the run's summary and the folder.
func writeRun(dir string, m any, figs []viz.Figure, summary string, stdout io.Writer) error {
	if err := pipeline.Write(dir, m, figs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\nwrote %s\n", summary, dir)
	return nil
}

// dataOr returns dir, or data.DefaultDir() when dir is "".
func dataOr(dir string) string {
	if dir == "" {
		return data.DefaultDir()
	}
	return dir
}

// needData returns an error naming the first of sets missing from the data
// folder dir, with the command that fetches it.
func needData(dir string, sets ...string) error {
	for _, set := range sets {
		if _, err := os.Stat(filepath.Join(dir, set)); err != nil {
			return fmt.Errorf("%w (run `recog data %s` first)", err, set)
		}
	}
	return nil
}

// photosFailed prints the error of each photo that failed and returns an
// error counting them ("N of M photos failed"), or nil when none did.
func photosFailed(stderr io.Writer, cmd string, errs []error, total int) error {
	for _, err := range errs {
		fmt.Fprintf(stderr, "recog %s: %s\n", cmd, strings.TrimPrefix(err.Error(), "ocr: "))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d photos failed (the reasons are above)", len(errs), total)
}

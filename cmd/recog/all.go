package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"recog/internal/cli"
	"recog/internal/pipeline"
)

func init() {
	register(command{
		name:    "all",
		summary: "every question end to end: report.md, metrics.json and figures",
		usage:   "all [--out DIR] [--quick] [--data DIR] [--mirror DIR] [--docs DIR]",
		run:     runAll,
	})
}

func runAll(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("all", helpText("all"), stderr)
	out := fs.OutDir("out", "out/all", "output `DIR`")
	quick := fs.Bool("quick", false, "a few epochs on subsets (under 90 s; marked in the report)")
	dataDir := fs.OutDir("data", "", "data `DIR` (default <repo>/data)")
	mirror := fs.String("mirror", "", "mirror `DIR` for the data stage (default $RECOG_MIRROR, else ../shared/data)")
	docs := fs.OutDir("docs", "", "also write `DIR`/RESULTS.md and its figures in DIR/results/")
	reportOnly := fs.Bool("report-only", false, "run nothing: render report.md again from --out's metrics.json (after editing docs/report)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cli.NoArgs(pos); err != nil {
		return err
	}
	if *reportOnly {
		return pipeline.ReportAgain(*out, *docs)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(*out, "log.txt"))
	if err != nil {
		return err
	}
	defer logf.Close()
	r := &pipeline.Run{DataDir: dataOr(*dataDir), Mirror: *mirror, Set: pipeline.Defaults(*quick), Log: logf}
	defer r.Close()
	sum := r.RunAll(*out, stderr)
	if err := sum.WriteReport(*out, *docs, *quick); err != nil {
		return err
	}
	sum.PrintTimes(stderr)
	fmt.Fprintf(stdout, "recog all: wrote %s and %s in %.0f s\n", filepath.Join(*out, "report.md"), filepath.Join(*out, "metrics.json"), sum.Seconds)
	if len(sum.Failed) > 0 {
		return fmt.Errorf("%d stages failed: %s (details in %s)", len(sum.Failed), strings.Join(sum.Failed, ", "), filepath.Join(*out, "log.txt"))
	}
	return nil
}

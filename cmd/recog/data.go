package main

import (
	"cmp"
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"recog/internal/data"
)

func init() {
	register(command{
		name:    "data",
		summary: "fetch and verify the data sets into ./data",
		usage:   "data [SET...] [--mirror DIR] [--dir DIR] [--no-download]",
		run:     runData,
	})
}

func runData(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data", helpText("data"), stderr)
	mirror := fs.String("mirror", "", "mirror `DIR` holding one folder per set (default $RECOG_MIRROR, else ../shared/data)")
	dir := fs.OutDir("dir", "", "data `DIR` to fill (default <repo>/data)")
	noDownload := fs.Bool("no-download", false, "never download; use only ./data and the mirror")
	names, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	sets, err := data.SetsNamed(names)
	if err != nil {
		return usageError{Err: err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return data.FetchSets(ctx, sets, data.FetchOptions{Dir: cmp.Or(*dir, data.DefaultDir()), Mirror: cmp.Or(*mirror, data.DefaultMirror()), Progress: stderr, NoDownload: *noDownload}, stdout, stderr)
}

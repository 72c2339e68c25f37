package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

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

const dataHelp = `
Makes DIR/<set> complete for each SET (default: all of them), file by file:
a file already there with the right SHA-256 is kept; else it is copied from
the mirror and verified; else it is downloaded from the original source and
verified. A wrong file is replaced only by a verified one. See docs/DATA.md.

Sets: nist36 images mnist emnist flowers17 squeezenet.
The mirror is --mirror, else $RECOG_MIRROR, else ../shared/data when it exists.`

func runData(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data", dataHelp, stderr)
	mirror := fs.String("mirror", "", "mirror `DIR` holding one folder per set (default $RECOG_MIRROR, else ../shared/data)")
	dir := fs.String("dir", "", "data `DIR` to fill (default <repo>/data)")
	noDownload := fs.Bool("no-download", false, "never download; use only ./data and the mirror")
	names, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	var sets []data.Set
	seen := map[string]bool{}
	for _, n := range names {
		s, err := data.LookupSet(n)
		if err != nil {
			return usageError{err}
		}
		if !seen[n] {
			seen[n] = true
			sets = append(sets, s)
		}
	}
	if len(sets) == 0 {
		sets = data.Sets()
	}
	if *mirror == "" {
		*mirror = data.DefaultMirror()
	}
	if *dir == "" {
		*dir = data.DefaultDir()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	start := time.Now()
	mirrorText := *mirror
	if mirrorText == "" {
		mirrorText = "none"
	}
	fmt.Fprintf(stdout, "data dir %s, mirror %s\n", *dir, mirrorText)
	var failed []string
	var files, bytes int64
	count := map[data.Status]int{}
	for _, s := range sets {
		rep, err := data.Fetch(ctx, s, data.FetchOptions{Dir: *dir, Mirror: *mirror, Progress: stderr, NoDownload: *noDownload})
		printSetReport(stdout, s, rep)
		if err != nil {
			failed = append(failed, s.Name)
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintf(stdout, "  error: %s\n", line)
			}
		}
		for _, f := range rep.Files {
			count[f.Status]++
			files++
			bytes += f.Bytes
		}
	}
	summary := fmt.Sprintf("%d ok, %d copied, %d downloaded, %d failed", count[data.StatusOK], count[data.StatusCopied], count[data.StatusDownloaded], count[data.StatusFailed])
	elapsed := time.Since(start).Round(10 * time.Millisecond)
	if len(failed) > 0 {
		fmt.Fprintf(stdout, "data: %d of %d sets incomplete (%s); %d files: %s (%v)\n", len(failed), len(sets), strings.Join(failed, ", "), files, summary, elapsed)
		return fmt.Errorf("%d of %d sets incomplete: %s", len(failed), len(sets), strings.Join(failed, ", "))
	}
	fmt.Fprintf(stdout, "data: %d sets complete in %s: %d files, %s; %s (%v)\n", len(sets), *dir, files, data.FormatBytes(bytes), summary, elapsed)
	return nil
}

// printSetReport prints one line per set and one per notable file (another
// accepted version, a rejected file that was replaced).
func printSetReport(w io.Writer, s data.Set, rep data.SetReport) {
	var parts []string
	for _, st := range []data.Status{data.StatusOK, data.StatusCopied, data.StatusDownloaded, data.StatusFailed} {
		if n := rep.Count(st); n > 0 {
			p := fmt.Sprintf("%d %s", n, st)
			if st == data.StatusCopied || st == data.StatusDownloaded {
				p += " (" + data.FormatBytes(rep.Bytes(st)) + ")"
			}
			parts = append(parts, p)
		}
	}
	var total int64
	labels := map[string]int{}
	for _, f := range rep.Files {
		total += f.Bytes
		if f.Identity != "" {
			labels[f.Identity]++
		}
	}
	line := fmt.Sprintf("%-10s %5d files %9s: %s", s.Name, len(rep.Files), data.FormatBytes(total), strings.Join(parts, ", "))
	if len(labels) == 1 {
		for l := range labels {
			line += "; " + l
		}
	}
	fmt.Fprintln(w, line)
	for _, f := range rep.Files {
		if len(labels) > 1 && f.Identity != "" && f.Identity != s.MirrorLabel {
			fmt.Fprintf(w, "  %s: %s\n", f.Name, f.Identity)
		}
		if f.Rejected != "" && f.Status != data.StatusFailed {
			fmt.Fprintf(w, "  %s: rejected a file with SHA-256 %s, %s a verified one\n", f.Name, f.Rejected, f.Status)
		}
	}
}

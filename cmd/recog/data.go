package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
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
verified (also when the mirror's copy is wrong). A wrong file is replaced
only by a verified one; a copy or download that fails or is interrupted
leaves nothing behind. A download fails when the server sends nothing for
1 minute or it takes over 2 hours. Ctrl-C stops at once. Exit
status: 0 when every set is complete, 1 when one is not (or on Ctrl-C),
2 on a usage mistake. See docs/DATA.md.

Sets: nist36 images mnist emnist flowers17 squeezenet.
The mirror is --mirror, else $RECOG_MIRROR, else ../shared/data when it exists;
a mirror that is not a directory is reported, and files already in DIR are
still checked and kept.`

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return fetchSets(ctx, sets, data.FetchOptions{Dir: *dir, Mirror: *mirror, Progress: stderr, NoDownload: *noDownload}, stdout, stderr)
}

// fetchSets runs data.Fetch on each set, prints what it did, and returns an
// error when a set is incomplete or ctx is canceled (Ctrl-C), after which
// the remaining sets are not checked.
func fetchSets(ctx context.Context, sets []data.Set, opt data.FetchOptions, stdout, stderr io.Writer) error {
	start := time.Now()
	mirrorText := opt.Mirror
	if mirrorText == "" {
		mirrorText = "none"
	}
	fmt.Fprintf(stdout, "data dir %s, mirror %s\n", opt.Dir, mirrorText)
	if err := data.CheckMirror(opt.Mirror); err != nil {
		fmt.Fprintf(stderr, "recog data: warning: %v; files already in %s are checked, the others must be downloaded\n", err, opt.Dir)
	}
	var failed, unchecked []string
	var files, bytes int64
	count := map[data.Status]int{}
	for _, s := range sets {
		if ctx.Err() != nil {
			unchecked = append(unchecked, s.Name)
			continue
		}
		rep, err := data.Fetch(ctx, s, opt)
		printSetReport(stdout, s, rep)
		if err != nil {
			failed = append(failed, s.Name)
			printSetErrors(stdout, rep, err)
		}
		for _, f := range rep.Files {
			count[f.Status]++
			files++
			bytes += f.Bytes
		}
	}
	summary := fmt.Sprintf("%d ok, %d copied, %d downloaded, %d failed", count[data.StatusOK], count[data.StatusCopied], count[data.StatusDownloaded], count[data.StatusFailed])
	elapsed := time.Since(start).Round(10 * time.Millisecond)
	if ctx.Err() != nil {
		done := len(sets) - len(failed) - len(unchecked)
		fmt.Fprintf(stdout, "data: interrupted: %d of %d sets complete, %d not checked; %d files: %s; no partial file was left (%v)\n", done, len(sets), len(unchecked), files, summary, elapsed)
		return fmt.Errorf("%w: run recog data again to finish", data.ErrInterrupted)
	}
	if len(failed) > 0 {
		fmt.Fprintf(stdout, "data: %d of %d sets incomplete (%s); %d files: %s (%v)\n", len(failed), len(sets), strings.Join(failed, ", "), files, summary, elapsed)
		return fmt.Errorf("%d of %d sets incomplete: %s", len(failed), len(sets), strings.Join(failed, ", "))
	}
	fmt.Fprintf(stdout, "data: %d sets complete in %s: %d files, %s; %s (%v)\n", len(sets), opt.Dir, files, data.FormatBytes(bytes), summary, elapsed)
	return nil
}

// printSetErrors prints the error lines of a set; the files Ctrl-C left
// undone are counted on one line instead.
func printSetErrors(w io.Writer, rep data.SetReport, err error) {
	undone := 0
	for _, f := range rep.Files {
		if f.Status == data.StatusFailed && errors.Is(f.Err, data.ErrInterrupted) {
			undone++
		}
	}
	if undone > 0 {
		var errs []error
		for _, f := range rep.Files {
			if f.Status == data.StatusFailed && !errors.Is(f.Err, data.ErrInterrupted) {
				errs = append(errs, f.Err)
			}
		}
		if n := len(errs); n > 5 {
			errs = append(errs[:5], fmt.Errorf("%s: ... and %d more files failed", rep.Set, n-5))
		}
		err = errors.Join(errs...)
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(w, "  error: %s\n", line)
		}
	}
	if undone > 0 {
		fmt.Fprintf(w, "  interrupted: %d files not done; nothing partial was left\n", undone)
	}
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

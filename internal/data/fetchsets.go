package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// SetsNamed returns the sets named (LookupSet), each once, in the order
// given; every set when names is empty.
func SetsNamed(names []string) ([]Set, error) {
	if len(names) == 0 {
		return Sets(), nil
	}
	var sets []Set
	for _, n := range names {
		s, err := LookupSet(n)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(sets, func(t Set) bool { return t.Name == s.Name }) {
			sets = append(sets, s)
		}
	}
	return sets, nil
}

// FetchSets runs Fetch on each set (`recog data`, and the data stage of
// `recog all`), prints one line per set and per notable file to stdout (a
// file of another accepted version, a rejected file that was replaced, the
// errors) and a summary whose counts add up, warns on stderr about a mirror
// that is not a folder, and returns an error when a set is incomplete or
// ctx is canceled (Ctrl-C), after which the remaining sets are not checked.
func FetchSets(ctx context.Context, sets []Set, opt FetchOptions, stdout, stderr io.Writer) error {
	start := time.Now()
	mirrorText := opt.Mirror
	if mirrorText == "" {
		mirrorText = "none"
	}
	fmt.Fprintf(stdout, "data dir %s, mirror %s\n", opt.Dir, mirrorText)
	if err := CheckMirror(opt.Mirror); err != nil {
		fmt.Fprintf(stderr, "recog data: warning: %v; files already in %s are checked, the others must be downloaded\n", err, opt.Dir)
	}
	var failed, unchecked []string
	var files, bytes int64
	count := map[Status]int{}
	for _, s := range sets {
		if ctx.Err() != nil {
			unchecked = append(unchecked, s.Name)
			continue
		}
		rep, err := Fetch(ctx, s, opt)
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
	summary := fmt.Sprintf("%d ok, %d copied, %d downloaded, %d failed", count[StatusOK], count[StatusCopied], count[StatusDownloaded], count[StatusFailed])
	elapsed := time.Since(start).Round(10 * time.Millisecond)
	if ctx.Err() != nil {
		done := len(sets) - len(failed) - len(unchecked)
		fmt.Fprintf(stdout, "data: interrupted: %d of %d sets complete, %d not checked; %d files: %s; no partial file was left (%v)\n", done, len(sets), len(unchecked), files, summary, elapsed)
		return fmt.Errorf("%w: run recog data again to finish", ErrInterrupted)
	}
	if len(failed) > 0 {
		fmt.Fprintf(stdout, "data: %d of %d sets incomplete (%s); %d files: %s (%v)\n", len(failed), len(sets), strings.Join(failed, ", "), files, summary, elapsed)
		return fmt.Errorf("%d of %d sets incomplete: %s", len(failed), len(sets), strings.Join(failed, ", "))
	}
	fmt.Fprintf(stdout, "data: %d sets complete in %s: %d files, %s; %s (%v)\n", len(sets), opt.Dir, files, FormatBytes(bytes), summary, elapsed)
	return nil
}

// printSetErrors prints the error lines of a set; the files Ctrl-C left
// undone are counted on one line instead.
func printSetErrors(w io.Writer, rep SetReport, err error) {
	undone := 0
	for _, f := range rep.Files {
		if f.Status == StatusFailed && errors.Is(f.Err, ErrInterrupted) {
			undone++
		}
	}
	if undone > 0 {
		var errs []error
		for _, f := range rep.Files {
			if f.Status == StatusFailed && !errors.Is(f.Err, ErrInterrupted) {
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
func printSetReport(w io.Writer, s Set, rep SetReport) {
	var parts []string
	for _, st := range []Status{StatusOK, StatusCopied, StatusDownloaded, StatusFailed} {
		if n := rep.Count(st); n > 0 {
			p := fmt.Sprintf("%d %s", n, st)
			if st == StatusCopied || st == StatusDownloaded {
				p += " (" + FormatBytes(rep.Bytes(st)) + ")"
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
	line := fmt.Sprintf("%-10s %5d files %9s: %s", s.Name, len(rep.Files), FormatBytes(total), strings.Join(parts, ", "))
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
		if f.Rejected != "" && f.Status != StatusFailed {
			fmt.Fprintf(w, "  %s: rejected a file with SHA-256 %s, %s a verified one\n", f.Name, f.Rejected, f.Status)
		}
	}
}

package grade

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// Outcome is what happened to one test in a run.
type Outcome string

// The outcomes of a test.
const (
	Pass    Outcome = "pass"
	Fail    Outcome = "fail"
	Skip    Outcome = "skip"
	Missing Outcome = "did not run" // its package ran but the test has no result (build failure, crash)
)

// Status is the state of an item after grading.
type Status string

// The states of an item.
const (
	OK     Status = "ok"      // every test passed: full points
	Failed Status = "failed"  // a test failed, skipped or did not run: 0 points
	NotRun Status = "not run" // not scored: its tier or its packages were not run
)

// ItemResult is the grade of one item. The rule is all-or-nothing: an item
// earns its points when every one of its tests passed, else 0.
type ItemResult struct {
	Number  string   `json:"number"`
	Title   string   `json:"title"`
	Kind    Kind     `json:"kind"`
	Extra   bool     `json:"extra_credit,omitempty"`
	Full    bool     `json:"full_tier,omitempty"`
	Points  int      `json:"points"`
	Earned  int      `json:"earned"`
	Status  Status   `json:"status"`
	Reason  string   `json:"reason,omitempty"`  // why it was not run
	Failing []string `json:"failing,omitempty"` // "pkg.TestX (fail)"
}

// Result is the grade of a run: every item of the rubric and the totals of
// the items that were scored (Q1 to Q6, and the extra credit apart).
type Result struct {
	Items         []ItemResult `json:"items"`
	Earned        int          `json:"earned"`
	Possible      int          `json:"possible"`
	NotRun        int          `json:"not_run"` // points of Q1 to Q6 not scored
	ExtraEarned   int          `json:"extra_earned"`
	ExtraPossible int          `json:"extra_possible"`
	ExtraNotRun   int          `json:"extra_not_run"`
	FullTier      bool         `json:"full_tier"`
}

// Options says what Run grades.
type Options struct {
	// Dir is the module to grade (the reference or a starter copy).
	Dir string
	// Pkgs are the package patterns given to go test, relative to Dir
	// ("./q2_nn"); nil means "./...". Items with a test in a package that
	// did not run are not scored.
	Pkgs []string
	// Full runs the full tier too (RECOG_FULL=1, timeout 3h); without it the
	// items that need it are not scored.
	Full bool
	// Stderr receives go test's standard error (build errors); nil discards it.
	Stderr io.Writer
}

// Run runs `go test -json` on the packages of opt in opt.Dir and grades the
// rubric from its events. A failing go test is not an error (failing tests
// are what grading reports); an error is returned when go test cannot be run
// or its output is not a stream of test events.
func Run(opt Options) (*Result, error) {
	mod, err := modulePath(opt.Dir)
	if err != nil {
		return nil, err
	}
	pkgs := opt.Pkgs
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	args := []string{"test", "-json"}
	if opt.Full {
		args = append(args, "-timeout", "3h")
	}
	args = append(args, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = opt.Dir
	cmd.Env = os.Environ()
	if opt.Full {
		cmd.Env = append(cmd.Env, "RECOG_FULL=1")
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = opt.Stderr
	if cmd.Stderr == nil {
		cmd.Stderr = io.Discard
	}
	runErr := cmd.Run()
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return nil, fmt.Errorf("grade: go test in %s: %w", opt.Dir, runErr)
	}
	outcomes, ran, err := Parse(&stdout, mod)
	if err != nil {
		return nil, err
	}
	if len(ran) == 0 {
		return nil, fmt.Errorf("grade: go test %s in %s ran no package (%v)", strings.Join(pkgs, " "), opt.Dir, runErr)
	}
	return Score(outcomes, ran, opt.Full), nil
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
}

// Parse reads the events of `go test -json` for the module mod and returns
// the outcome of every top-level test and the set of packages that ran
// (paths relative to the module root, "" for the root package). Subtests
// are folded into their test's outcome by go test itself.
func Parse(r io.Reader, mod string) (map[Test]Outcome, map[string]bool, error) {
	outcomes := map[Test]Outcome{}
	ran := map[string]bool{}
	dec := json.NewDecoder(r)
	for n := 1; ; n++ {
		var e event
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("grade: event %d of go test -json: %w", n, err)
		}
		if e.Package == "" {
			continue
		}
		pkg, ok := relPkg(e.Package, mod)
		if !ok {
			continue
		}
		ran[pkg] = true
		if e.Test == "" || strings.Contains(e.Test, "/") {
			continue
		}
		switch Outcome(e.Action) {
		case Pass, Fail, Skip:
			outcomes[Test{pkg, e.Test}] = Outcome(e.Action)
		}
	}
	return outcomes, ran, nil
}

// relPkg returns the import path p relative to the module mod.
func relPkg(p, mod string) (string, bool) {
	if p == mod {
		return "", true
	}
	rel, ok := strings.CutPrefix(p, mod+"/")
	return rel, ok
}

// Score grades the rubric from the outcomes of a run in which the packages
// ran were tested, with or without the full tier.
func Score(outcomes map[Test]Outcome, ran map[string]bool, full bool) *Result {
	res := &Result{FullTier: full}
	for _, it := range Rubric {
		r := ItemResult{Number: it.Number, Title: it.Title, Kind: it.Kind, Extra: it.Extra, Full: it.Full(), Points: it.Points}
		var missingPkgs []string
		for _, t := range it.Tests {
			if !ran[t.Pkg] {
				missingPkgs = append(missingPkgs, t.Pkg)
			}
		}
		switch {
		case it.Full() && !full:
			r.Status, r.Reason = NotRun, "needs the full tier (--full)"
		case len(missingPkgs) > 0:
			r.Status, r.Reason = NotRun, "package "+strings.Join(dedupe(missingPkgs), ", ")+" not run"
		default:
			for _, t := range it.Tests {
				o, ok := outcomes[t]
				if !ok {
					o = Missing
				}
				if o != Pass {
					r.Failing = append(r.Failing, fmt.Sprintf("%s (%s)", t, o))
				}
			}
			r.Status = OK
			if len(r.Failing) > 0 {
				r.Status = Failed
			} else {
				r.Earned = it.Points
			}
		}
		switch {
		case r.Status == NotRun && it.Extra:
			res.ExtraNotRun += it.Points
		case r.Status == NotRun:
			res.NotRun += it.Points
		case it.Extra:
			res.ExtraEarned += r.Earned
			res.ExtraPossible += it.Points
		default:
			res.Earned += r.Earned
			res.Possible += it.Points
		}
		res.Items = append(res.Items, r)
	}
	return res
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// WriteText writes the grade as a table: one row per item (number, kind,
// points earned/possible or "not run", title), the failing tests under the
// row, then the totals.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-7s %-8s %7s  %s\n", "item", "kind", "points", "title")
	for _, it := range r.Items {
		pts := fmt.Sprintf("%d/%d", it.Earned, it.Points)
		if it.Status == NotRun {
			pts = fmt.Sprintf("-/%d", it.Points)
		}
		title := it.Title
		if it.Extra {
			title += " (extra credit)"
		}
		if it.Status == NotRun {
			title += " [not run: " + it.Reason + "]"
		}
		fmt.Fprintf(&b, "%-7s %-8s %7s  %s\n", it.Number, it.Kind, pts, title)
		for _, f := range it.Failing {
			fmt.Fprintf(&b, "%-7s %-8s %7s    failing: %s\n", "", "", "", f)
		}
	}
	fmt.Fprintf(&b, "total %d/%d", r.Earned, r.Possible)
	if r.NotRun > 0 {
		fmt.Fprintf(&b, " (%d more points not run)", r.NotRun)
	}
	fmt.Fprintf(&b, "; extra credit %d/%d", r.ExtraEarned, r.ExtraPossible)
	if r.ExtraNotRun > 0 {
		fmt.Fprintf(&b, " (%d more points not run)", r.ExtraNotRun)
	}
	if !r.FullTier {
		b.WriteString("; full tier not run")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the grade as indented JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

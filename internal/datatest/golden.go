package datatest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"recog/internal/data"
)

// This file is the one way tests find the repository's folders: golden/
// for the outputs they compare (Golden, GoldenPath), testdata/ for their
// input fixtures (Testdata) and any other path (RepoPath, for the figures
// of docs/ that a test rewrites under -update).

// Golden returns a goldie comparer whose fixtures live in <repo>/golden/<sub>
// under their own names (no suffix). `go test ./... -update` rewrites them.
//
// Importing this package also registers goldie's -update flag, so every test
// binary of the module accepts `go test ./... -update`.
func Golden(t *testing.T, sub string) *goldie.Goldie {
	t.Helper()
	noUpdateInCI(t)
	return goldie.New(t, goldie.WithFixtureDir(RepoPath(t, "golden", sub)), goldie.WithNameSuffix(""))
}

// GoldenPath returns the absolute path of <repo>/golden/<sub>/<name>.
func GoldenPath(t testing.TB, sub, name string) string {
	t.Helper()
	return RepoPath(t, "golden", sub, name)
}

// Fixtures returns a goldie comparer for the input fixtures of
// <repo>/testdata/<sub>: a test that makes fixtures by code compares them
// with the committed files, and `go test ./... -update` rewrites them.
func Fixtures(t *testing.T, sub string) *goldie.Goldie {
	t.Helper()
	noUpdateInCI(t)
	return goldie.New(t, goldie.WithFixtureDir(Testdata(t, sub)), goldie.WithNameSuffix(""))
}

// Testdata returns the absolute path of <repo>/testdata/<elem...>, an input
// fixture (README.md there lists them).
func Testdata(t testing.TB, elem ...string) string {
	t.Helper()
	return RepoPath(t, append([]string{"testdata"}, elem...)...)
}

// RepoPath returns the absolute path of <repo>/<elem...>, the repository
// root being the folder of the go.mod of module recog (data.RepoRoot).
func RepoPath(t testing.TB, elem ...string) string {
	t.Helper()
	root, err := data.RepoRoot()
	if err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return filepath.Join(append([]string{root}, elem...)...)
}

// Updating reports whether goldie's -update flag was given (or
// GOLDIE_UPDATE=true, its default), for tests that also write figures
// outside golden/ (docs/figures) when goldens are rewritten. Under CI=true
// it fails t instead: CI compares, it never rewrites.
func Updating(t testing.TB) bool {
	t.Helper()
	noUpdateInCI(t)
	return flagOn("update")
}

func flagOn(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() == "true"
}

// updateEnv are goldie's environment variables that turn comparing into
// rewriting (the defaults of its -update and -clean flags).
var updateEnv = []string{"GOLDIE_UPDATE", "GOLDIE_CLEAN"}

// rewriteSwitches returns the -update and -clean flags and the GOLDIE_*
// variables that are on, "" when none.
func rewriteSwitches() string {
	var on []string
	for _, f := range []string{"update", "clean"} {
		if flagOn(f) {
			on = append(on, "-"+f)
		}
	}
	for _, e := range updateEnv {
		if v := os.Getenv(e); truthy(v) {
			on = append(on, e+"="+v)
		}
	}
	return strings.Join(on, ", ")
}

// truthy is goldie's reading of its environment variables.
func truthy(v string) bool {
	return slices.Contains([]string{"1", "true", "t"}, strings.ToLower(v))
}

// noUpdateInCI fails t when golden files would be rewritten under CI=true:
// with -update or GOLDIE_UPDATE every comparison passes by writing what the
// code makes, so a CI run with it would check nothing.
func noUpdateInCI(t testing.TB) {
	t.Helper()
	if !inCI() {
		return
	}
	if on := rewriteSwitches(); on != "" {
		t.Fatalf("%s", updateInCIMessage(on))
	}
}

func updateInCIMessage(on string) string {
	return fmt.Sprintf("CI=true with %s: golden files would be rewritten instead of compared, and CI would check nothing. "+
		"Run CI without them; rewrite goldens on purpose outside CI (`go test ./... -update`) and commit the reviewed diff.", on)
}

func init() {
	// The environment variables are known before any test runs: a CI run
	// with them fails at once, in every test binary that compares goldens.
	if inCI() {
		var on []string
		for _, e := range updateEnv {
			if v := os.Getenv(e); truthy(v) {
				on = append(on, e+"="+v)
			}
		}
		if len(on) > 0 {
			fmt.Fprintln(os.Stderr, updateInCIMessage(strings.Join(on, ", ")))
			os.Exit(2)
		}
	}
}

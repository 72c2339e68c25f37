package datatest

import (
	"flag"
	"path/filepath"
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

// Updating reports whether goldie's -update flag was given, for tests that
// also write figures outside golden/ (docs/figures) when goldens are rewritten.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

package datatest

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/sebdah/goldie/v2"

	"recog/internal/data"
)

// Golden returns a goldie comparer whose fixtures live in <repo>/golden/<sub>
// under their own names (no suffix). `go test ./... -update` rewrites them.
//
// Importing this package also registers goldie's -update flag, so every test
// binary of the module accepts `go test ./... -update`.
func Golden(t *testing.T, sub string) *goldie.Goldie {
	t.Helper()
	root, err := data.RepoRoot()
	if err != nil {
		t.Fatalf("golden files: %v", err)
	}
	return goldie.New(t, goldie.WithFixtureDir(filepath.Join(root, "golden", sub)), goldie.WithNameSuffix(""))
}

// GoldenPath returns the absolute path of <repo>/golden/<sub>/<name>.
func GoldenPath(t testing.TB, sub, name string) string {
	t.Helper()
	root, err := data.RepoRoot()
	if err != nil {
		t.Fatalf("golden files: %v", err)
	}
	return filepath.Join(root, "golden", sub, name)
}

// Updating reports whether goldie's -update flag was given, for tests that
// also write figures outside golden/ (docs/figures) when goldens are rewritten.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

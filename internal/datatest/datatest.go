// Package datatest gives tests the real datasets: Dir makes sure
// <repo>/data/<set> is complete and verified (copying it from the mirror, see
// docs/DATA.md) and returns its absolute path.
//
// When a set cannot be made available the test is skipped, or fails when the
// environment variable CI is "true", so that CI never passes by skipping.
package datatest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"recog/internal/data"
)

type result struct {
	once sync.Once
	dir  string
	err  error
}

var (
	mu    sync.Mutex
	cache = map[string]*result{}
)

// Dir returns the absolute path of <repo>/data/<set> after making it complete
// with data.Fetch (mirror from RECOG_MIRROR, else ../shared/data beside the
// repository; downloading is left to `recog data`). Each set is checked once
// per test process. If the set cannot be made available, Dir calls t.Fatalf
// under CI=true and t.Skipf otherwise.
func Dir(t testing.TB, set string) string {
	t.Helper()
	dir, err := ensure(set)
	if err != nil {
		fail(t, "data set %s is not available: %v\n(run `go run ./cmd/recog data %s`, or set RECOG_MIRROR to the mirror folder)", set, err, set)
	}
	return dir
}

// File returns the absolute path of one file of a set, after Dir(t, set).
// name is the slash-separated path inside the set's folder.
func File(t testing.TB, set, name string) string {
	t.Helper()
	dir := Dir(t, set)
	s, err := data.LookupSet(set)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if _, ok := s.File(name); !ok {
		t.Fatalf("data set %s has no file %q", set, name)
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

func ensure(set string) (string, error) {
	mu.Lock()
	r, ok := cache[set]
	if !ok {
		r = &result{}
		cache[set] = r
	}
	mu.Unlock()
	r.once.Do(func() { r.dir, r.err = fetch(set) })
	return r.dir, r.err
}

func fetch(set string) (string, error) {
	s, err := data.LookupSet(set)
	if err != nil {
		return "", err
	}
	root, err := data.RepoRoot()
	if err != nil {
		return "", err
	}
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{
		Dir:        filepath.Join(root, "data"),
		Mirror:     data.DefaultMirror(),
		NoDownload: true,
	})
	if err != nil {
		return "", err
	}
	return rep.Dir, nil
}

// fail is t.Fatalf under CI=true and t.Skipf otherwise.
func fail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: "+format, args...)
		return
	}
	t.Skipf(format, args...)
}

// Failf is what Dir does when a set is missing, for tests that find out
// themselves that real data is unusable: t.Fatalf under CI=true, else t.Skipf.
func Failf(t testing.TB, format string, args ...any) {
	t.Helper()
	fail(t, format, args...)
}

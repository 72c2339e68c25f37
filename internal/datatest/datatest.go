// Package datatest gives tests the real datasets, the repository's folders
// and the test tiers.
//
// Data: Dir makes sure <repo>/data/<set> is complete and verified, exactly
// as `recog data` does (kept if verified, else copied from the mirror, else
// downloaded from the original source; docs/DATA.md), and returns its
// absolute path. When a set cannot be made available the test fails with
// the reason and the command that fetches it: no test skips for want of
// data, in CI or out of it.
//
// Pinning: a golden made from real data records the SHA-256 of the files it
// came from, and RequireSameData fails the comparison on other data, naming
// the file, both checksums and the two fixes.
//
// Tiers: `go test -short ./...` skips the tests that train (Trains);
// `go test ./...` runs them at short settings; RECOG_FULL=1 adds the full
// tier (Full), which trains at the settings the docs report and asserts
// the targets.
package datatest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
// with data.Fetch as `recog data` does: a verified file is kept, a missing
// or wrong one is copied from the mirror (RECOG_MIRROR, else ../shared/data
// beside the repository) or else downloaded from the original source. Each
// set is checked once per test process. If the set cannot be made available
// Dir fails the test (t.Fatalf) with the reason and how to get the data; it
// never skips.
func Dir(t testing.TB, set string) string {
	t.Helper()
	dir, err := ensure(set)
	if err != nil {
		t.Fatalf("data set %s is not available: %v\n"+
			"Get it with `go run ./cmd/recog data %s` (it copies from the mirror --mirror DIR or $RECOG_MIRROR, else downloads; docs/DATA.md).",
			set, err, set)
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

// fetch is `recog data SET` with the default data folder and mirror.
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
		Dir:    filepath.Join(root, "data"),
		Mirror: data.DefaultMirror(),
	})
	if err != nil {
		return "", err
	}
	return rep.Dir, nil
}

// inCI reports whether the environment variable CI is "true" (.ci/run sets it).
func inCI() bool { return os.Getenv("CI") == "true" }

// Failf is for prerequisites other than the data sets, which Dir fetches:
// something only the machine's administrator can provide (the Debian fonts
// of the page set, a mirror to compare checksums with). It is t.Fatalf
// under CI=true (.ci/run installs them) and t.Skipf otherwise, the message
// saying what is missing and how to install it.
func Failf(t testing.TB, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true: "+format, args...)
		return
	}
	t.Skipf(format, args...)
}

// FullEnv is the environment variable that turns the full tier on.
const FullEnv = "RECOG_FULL"

// FullTier reports whether RECOG_FULL=1.
func FullTier() bool { return os.Getenv(FullEnv) == "1" }

// Full marks a test of the full tier, named Test..._Full: it trains at the
// settings a docs page reports and asserts the targets (minutes to tens of
// minutes). It runs only with RECOG_FULL=1 (.ci/run runs
// `RECOG_FULL=1 go test -run '_Full$' ./...` in the default build) and
// never with -short; otherwise it skips, saying how to run it. what says
// what the test trains and roughly how long it takes.
func Full(t testing.TB, what string) {
	t.Helper()
	if !strings.HasSuffix(t.Name(), "_Full") {
		t.Fatalf("full-tier test %s must be named Test..._Full: .ci/run and the README select the tier with -run '_Full$'", t.Name())
	}
	if testing.Short() {
		t.Skipf("full tier, not with -short: %s", what)
	}
	if !FullTier() {
		t.Skipf("full tier: %s; run with %s=1", what, FullEnv)
	}
}

// Trains marks a test of the default tier that trains a model (seconds to
// a minute or two): it is skipped with -short, the quick tier, and runs in
// `go test ./...`. what says what it trains.
func Trains(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("trains (%s): skipped with -short", what)
	}
}

// RequireSameData fails t when ./data holds another version of the data
// that a golden file was made from. file is the golden's path in the
// repository ("golden/q3_train/short_run.json"); sums maps each data file,
// as a path under data/ ("nist36/nist36_train.mat"), to {the SHA-256
// recorded in the golden, the SHA-256 of ./data's file}. The message names
// each file that differs with both checksums, and the two ways out: the
// pinned version (`recog data` after deleting the file; the mirror holds
// it), or a golden remade on purpose (-update) and reviewed. Threshold
// checks (accuracy, PSNR) run on any data; only golden comparisons are
// pinned.
func RequireSameData(t testing.TB, file string, sums map[string][2]string) {
	t.Helper()
	if msg := otherData(file, sums); msg != "" {
		t.Fatal(msg)
	}
}

// otherData returns RequireSameData's message, "" when the data is the
// pinned version.
func otherData(file string, sums map[string][2]string) string {
	var diff, sets string
	seen := map[string]bool{}
	for _, f := range sortedKeys(sums) {
		s := sums[f]
		if s[0] == s[1] {
			continue
		}
		rec := s[0]
		if rec == "" {
			rec = "(none recorded)"
		}
		diff += fmt.Sprintf("\n  data/%s: made from SHA-256 %s, ./data has %s", f, rec, s[1])
		if set, _, _ := strings.Cut(f, "/"); !seen[set] {
			seen[set] = true
			sets += " " + set
		}
	}
	if diff == "" {
		return ""
	}
	return fmt.Sprintf("%s was made from other data than ./data holds:%s\n"+
		"Its comparison is pinned to the data it was made from. Either put the pinned version back "+
		"(delete those files and run `go run ./cmd/recog data%s`: it copies the mirror's version), "+
		"or, if the new data is meant, remake the golden on purpose (go test with -update for this test) and review the diff.",
		file, diff, sets)
}

package datatest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeTB records Skipf and Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Skipf(format string, args ...any)  { f.skipped = fmt.Sprintf(format, args...) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }
func (f *fakeTB) Fatal(args ...any)                 { f.fatal = fmt.Sprint(args...) }

func TestDirFetchesSets(t *testing.T) {
	dir := Dir(t, "images")
	require.True(t, filepath.IsAbs(dir))
	require.Equal(t, "images", filepath.Base(dir))
	p := File(t, "images", "01_list.jpg")
	st, err := os.Stat(p)
	require.NoError(t, err)
	require.EqualValues(t, 640400, st.Size())
	// Cached: the second call returns the same path without fetching again.
	require.Equal(t, dir, Dir(t, "images"))
}

// A set that cannot be made available fails the test, in CI and out of it,
// and the message says how to get the data: no test skips for want of data.
func TestFetchFailureFails(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		f := &fakeTB{TB: t}
		Dir(f, "no-such-set")
		require.Contains(t, f.fatal, `unknown data set "no-such-set"`, "CI=%q", ci)
		require.Contains(t, f.fatal, "go run ./cmd/recog data no-such-set", "CI=%q", ci)
		require.Empty(t, f.skipped, "CI=%q", ci)
	}
}

func TestFileNotInSets(t *testing.T) {
	Dir(t, "images")
	f := &fakeTB{TB: t}
	File(f, "images", "05_none.jpg")
	require.Contains(t, f.fatal, `no file "05_none.jpg"`)
}

// Failf (prerequisites other than data: fonts, a mirror) fails under
// CI=true and skips otherwise.
func TestFailf(t *testing.T) {
	t.Setenv("CI", "")
	f := &fakeTB{TB: t}
	Failf(f, "no font %s", "x")
	require.Equal(t, "no font x", f.skipped)
	require.Empty(t, f.fatal)
	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	Failf(f, "no font %s", "x")
	require.Equal(t, "CI=true: no font x", f.fatal)
	require.Empty(t, f.skipped)
}

// On the data a golden was made from, RequireSameData passes; on other
// data it fails, in CI and out of it, naming the golden, each differing
// file with both checksums, and the two ways out.
func TestRequireSameData(t *testing.T) {
	a, b := "ae08989743245701c3da4e28c19672508e2136c40b12773a166dac80e5048458", "c46ac54a65e595cd35bf5ac2cc908f590b8d584d"
	f := &fakeTB{TB: t}
	RequireSameData(f, "golden/q3_train/short_run.json", map[string][2]string{"nist36/nist36_train.mat": {a, a}})
	require.Empty(t, f.fatal)
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		f = &fakeTB{TB: t}
		RequireSameData(f, "golden/q3_train/short_run.json", map[string][2]string{
			"nist36/nist36_train.mat": {a, b}, "nist36/nist36_valid.mat": {a, a}, "nist36/nist36_test.mat": {"", a}})
		require.Empty(t, f.skipped)
		for _, want := range []string{
			"golden/q3_train/short_run.json was made from other data",
			"data/nist36/nist36_train.mat: made from SHA-256 " + a + ", ./data has " + b,
			"data/nist36/nist36_test.mat: made from SHA-256 (none recorded), ./data has " + a,
			"go run ./cmd/recog data nist36`", "-update",
		} {
			require.Contains(t, f.fatal, want, "CI=%q", ci)
		}
		require.NotContains(t, f.fatal, "nist36_valid.mat")
	}
}

// Under CI=true, -update and GOLDIE_UPDATE (which would turn every golden
// comparison into a rewrite) fail the test with a message naming them.
func TestNoUpdateInCI(t *testing.T) {
	upd := flag.Lookup("update")
	require.NotNil(t, upd, "goldie registers -update")
	old := upd.Value.String()
	defer upd.Value.Set(old)

	t.Setenv("GOLDIE_UPDATE", "")
	t.Setenv("GOLDIE_CLEAN", "")
	t.Setenv("CI", "true")
	require.NoError(t, upd.Value.Set("false"))
	f := &fakeTB{TB: t}
	require.False(t, Updating(f))
	require.Empty(t, f.fatal)

	require.NoError(t, upd.Value.Set("true"))
	f = &fakeTB{TB: t}
	Updating(f)
	require.Contains(t, f.fatal, "CI=true with -update")
	f = &fakeTB{TB: t}
	noUpdateInCI(f) // what Golden, Fixtures and GoldenNumbers call first
	require.Contains(t, f.fatal, "-update")

	require.NoError(t, upd.Value.Set("false"))
	t.Setenv("GOLDIE_UPDATE", "TRUE")
	f = &fakeTB{TB: t}
	noUpdateInCI(f)
	require.Contains(t, f.fatal, "CI=true with GOLDIE_UPDATE=TRUE")
	t.Setenv("GOLDIE_UPDATE", "no")
	t.Setenv("GOLDIE_CLEAN", "1")
	f = &fakeTB{TB: t}
	noUpdateInCI(f)
	require.Contains(t, f.fatal, "GOLDIE_CLEAN=1")
	require.NotContains(t, f.fatal, "GOLDIE_UPDATE")

	// Outside CI, -update is how goldens are rewritten on purpose.
	t.Setenv("CI", "")
	require.NoError(t, upd.Value.Set("true"))
	f = &fakeTB{TB: t}
	require.True(t, Updating(f))
	require.Empty(t, f.fatal)
}

// A test binary started under CI=true with GOLDIE_UPDATE set stops before
// running any test (this package's init), with the message.
func TestUpdateEnvInCIStopsBinary(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFailf$")
	cmd.Env = append(os.Environ(), "CI=true", "GOLDIE_UPDATE=true")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	require.Equal(t, 2, exit.ExitCode())
	require.Contains(t, string(out), "CI=true with GOLDIE_UPDATE=true")
	require.NotContains(t, string(out), "PASS")
}

// The tiers: Trains skips only with -short; Full runs only with
// RECOG_FULL=1 and never with -short.
func TestTiers(t *testing.T) {
	t.Setenv(FullEnv, "")
	f := &fakeTB{TB: t}
	Full(f, "50 epochs")
	require.Contains(t, f.fatal, "must be named Test..._Full", "this test's name does not end in _Full")
	t.Run("named_Full", func(t *testing.T) {
		f := &fakeTB{TB: t}
		Full(f, "50 epochs")
		require.Empty(t, f.fatal)
		require.Contains(t, f.skipped, "RECOG_FULL=1")
		require.Contains(t, f.skipped, "50 epochs")
		t.Setenv(FullEnv, "1")
		f = &fakeTB{TB: t}
		Full(f, "50 epochs")
		if testing.Short() {
			require.Contains(t, f.skipped, "not with -short")
		} else {
			require.Empty(t, f.skipped)
		}
	})
	f = &fakeTB{TB: t}
	Trains(f, "5 epochs")
	require.Equal(t, testing.Short(), f.skipped != "")
	require.Empty(t, f.fatal)
}

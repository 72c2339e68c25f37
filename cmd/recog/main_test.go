package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

// recog runs the command line and returns the exit status, stdout and stderr.
func recog(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// skipTrainingIfShort skips a test that trains a network under go test
// -short (the quick tier).
func skipTrainingIfShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("trains a network: not in the -short tier")
	}
}

func TestUsageAndUnknownSets(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{nil, 2, "", "usage: recog COMMAND"},
		{[]string{"help"}, 0, "data     fetch and verify", ""},
		{[]string{"--help"}, 0, "commands:", ""},
		{[]string{"help", "data"}, 0, "usage: recog data [SET...]", ""},
		{[]string{"help", "nope"}, 2, "", `unknown command "nope"`},
		{[]string{"help", "a", "b"}, 2, "", "at most one command"},
		{[]string{"frobnicate"}, 2, "", `recog: unknown command "frobnicate"`},
		{[]string{"data", "-h"}, 0, "", "-mirror DIR"},
		{[]string{"data", "--bogus"}, 2, "", "flag provided but not defined: -bogus"},
		{[]string{"data", "cifar"}, 2, "", `unknown data set "cifar"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := recog(tc.args...)
			require.Equal(t, tc.code, code, "stdout %q stderr %q", out, errs)
			require.Contains(t, out, tc.out)
			require.Contains(t, errs, tc.err)
		})
	}
}

// fakeMirror copies the images set into a new mirror folder the test may spoil.
func fakeMirror(t *testing.T) string {
	src := datatest.Dir(t, "images")
	mirror := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(mirror, "images"), 0o755))
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(mirror, "images", e.Name()), b, 0o644))
	}
	return mirror
}

func TestDataCommandFetches(t *testing.T) {
	mirror := fakeMirror(t)
	dir := t.TempDir()

	code, out, errs := recog("data", "images", "--mirror", mirror, "--dir", dir, "--no-download")
	require.Equal(t, 0, code, "stdout %s\nstderr %s", out, errs)
	require.Contains(t, out, "images         8 files    3.3 MB: 8 copied (3.3 MB); original\n")
	require.Contains(t, out, "data: 1 sets complete in "+dir+": 8 files, 3.3 MB; 0 ok, 8 copied, 0 downloaded, 0 failed")
	require.Empty(t, errs, "no progress bar when stderr is not a terminal")

	code, out, _ = recog("data", "--dir", dir, "--mirror", mirror, "images")
	require.Equal(t, 0, code)
	require.Contains(t, out, "images         8 files    3.3 MB: 8 ok; original\n")

	// A spoiled file in ./data is reported and replaced from the mirror.
	p := filepath.Join(dir, "images", "02_letters.txt")
	require.NoError(t, os.WriteFile(p, []byte("WRONG\n"), 0o644))
	code, out, _ = recog("data", "--dir", dir, "--mirror", mirror, "images")
	require.Equal(t, 0, code)
	require.Contains(t, out, "7 ok, 1 copied (41 B)")
	wrong := sha256.Sum256([]byte("WRONG\n"))
	require.Contains(t, out, "  02_letters.txt: rejected a file with SHA-256 "+hex.EncodeToString(wrong[:])+", copied a verified one\n")

	// A spoiled mirror file is an error naming the file and both sums.
	require.NoError(t, os.Remove(p))
	require.NoError(t, os.WriteFile(filepath.Join(mirror, "images", "02_letters.txt"), []byte("WRONG\n"), 0o644))
	code, out, errs = recog("data", "--dir", dir, "--mirror", mirror, "images")
	require.Equal(t, 1, code)
	require.Contains(t, out, "images/02_letters.txt: mirror file "+filepath.Join(mirror, "images", "02_letters.txt")+" has SHA-256 "+hex.EncodeToString(wrong[:]))
	require.Contains(t, out, "want fee00df69956ca6458355966142d5b92b0f38cbb81cf751e4852e9df78ce80f7")
	require.Contains(t, out, "data: 1 of 1 sets incomplete (images)")
	require.Contains(t, errs, "recog data: 1 of 1 sets incomplete: images")
	_, err := os.Stat(p)
	require.True(t, os.IsNotExist(err), "an unverified file is never installed")
}

func TestDataCommandFetchWithoutSource(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RECOG_MIRROR", filepath.Join(dir, "no-mirror"))
	code, out, _ := recog("data", "squeezenet", "--dir", dir, "--no-download")
	require.Equal(t, 1, code)
	require.Contains(t, out, "is not a directory (check --mirror or RECOG_MIRROR)")

	empty := t.TempDir()
	code, out, _ = recog("data", "squeezenet", "--dir", dir, "--mirror", empty, "--no-download")
	require.Equal(t, 1, code)
	require.Contains(t, out, "squeezenet    59 files       0 B: 59 failed")
	require.Contains(t, out, "squeezenet/"+"imagenet_labels1000.txt: not in the mirror "+filepath.Join(empty, "squeezenet")+", and downloading is off")
	require.Contains(t, out, "... and 54 more files failed")
}

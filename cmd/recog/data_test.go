package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
)

// requireCountsAddUp checks the summary line of recog data: "N files: a ok,
// b copied, c downloaded, d failed" with a + b + c + d = N.
func requireCountsAddUp(t *testing.T, out string) {
	t.Helper()
	m := regexp.MustCompile(`(\d+) files(?:, [^;]+;|:) (\d+) ok, (\d+) copied, (\d+) downloaded, (\d+) failed`).FindStringSubmatch(out)
	require.NotNil(t, m, "no summary line in\n%s", out)
	n := make([]int, len(m)-1)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	require.Equal(t, n[0], n[1]+n[2]+n[3]+n[4], "counts do not add up: %s", m[0])
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A wrong mirror path: complete sets stay ok (exit 0) with a warning naming
// the path; a file that needs the mirror fails naming it; counts add up.
func TestDataWrongMirror(t *testing.T) {
	mirror := fakeMirror(t)
	dir := t.TempDir()
	code, out, errs := recog("data", "images", "--mirror", mirror, "--dir", dir, "--no-download")
	require.Equal(t, 0, code, "stdout %s\nstderr %s", out, errs)

	wrong := filepath.Join(t.TempDir(), "mirorr")
	code, out, errs = recog("data", "images", "--mirror", wrong, "--dir", dir, "--no-download")
	require.Equal(t, 0, code, "stdout %s\nstderr %s", out, errs)
	require.Contains(t, out, "images         8 files    3.3 MB: 8 ok; original\n")
	require.Contains(t, errs, "recog data: warning: mirror "+wrong+" is not a directory (check --mirror or RECOG_MIRROR); files already in "+dir+" are checked, the others must be downloaded\n")
	requireCountsAddUp(t, out)

	require.NoError(t, os.Remove(filepath.Join(dir, "images", "02_letters.txt")))
	code, out, errs = recog("data", "images", "--mirror", wrong, "--dir", dir, "--no-download")
	require.Equal(t, 1, code, "stdout %s\nstderr %s", out, errs)
	require.Contains(t, out, "  error: images/02_letters.txt: mirror "+wrong+" is not a directory (check --mirror or RECOG_MIRROR), and downloading is off\n")
	require.Contains(t, out, "data: 1 of 1 sets incomplete (images); 8 files: 7 ok, 0 copied, 0 downloaded, 1 failed")
	requireCountsAddUp(t, out)
}

// A corrupt file in ./data whose replacement fails: both its own checksum and
// the mirror's are reported, and it is left as it is.
func TestDataCorruptLocalAndMirror(t *testing.T) {
	mirror := fakeMirror(t)
	dir := t.TempDir()
	code, _, _ := recog("data", "images", "--mirror", mirror, "--dir", dir, "--no-download")
	require.Equal(t, 0, code)
	local := filepath.Join(dir, "images", "02_letters.txt")
	require.NoError(t, os.WriteFile(local, []byte("LOCAL JUNK\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mirror, "images", "02_letters.txt"), []byte("MIRROR JUNK\n"), 0o644))
	code, out, _ := recog("data", "images", "--mirror", mirror, "--dir", dir, "--no-download")
	require.Equal(t, 1, code)
	want := "fee00df69956ca6458355966142d5b92b0f38cbb81cf751e4852e9df78ce80f7"
	require.Contains(t, out, "  error: "+local+" has SHA-256 "+sha256Hex([]byte("LOCAL JUNK\n"))+", want "+want+"; it was left as it is: "+
		"images/02_letters.txt: mirror file "+filepath.Join(mirror, "images", "02_letters.txt")+" has SHA-256 "+sha256Hex([]byte("MIRROR JUNK\n"))+", want "+want+", and downloading is off\n")
	requireCountsAddUp(t, out)
	got, err := os.ReadFile(local)
	require.NoError(t, err)
	require.Equal(t, "LOCAL JUNK\n", string(got))
}

// cancelAfter is a context whose Err reports Canceled from its n+1-th call on
// (data.Fetch checks it before every read): Ctrl-C at a chosen point.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// Ctrl-C (the context of data.FetchSets canceled, as signal.NotifyContext does in
// runData) before or during a copy: recog data stops, says so, reports
// counts that add up, leaves no partial file and exits 1.
func TestDataInterrupted(t *testing.T) {
	images, err := data.LookupSet("images")
	require.NoError(t, err)
	nist36, err := data.LookupSet("nist36")
	require.NoError(t, err)
	mirror := fakeMirror(t)
	for _, tc := range []struct {
		after int64
		want  string
	}{
		{0, "data: interrupted: 0 of 2 sets complete, 2 not checked; 0 files: 0 ok, 0 copied, 0 downloaded, 0 failed; no partial file was left"},
		{30, "  interrupted: 8 files not done; nothing partial was left\n" +
			"data: interrupted: 0 of 2 sets complete, 1 not checked; 8 files: 0 ok, 0 copied, 0 downloaded, 8 failed"},
		{80, " files not done; nothing partial was left\n" +
			"data: interrupted: 0 of 2 sets complete, 1 not checked; 8 files: 0 ok, "},
	} {
		ctx := &cancelAfter{Context: context.Background()}
		ctx.n.Store(tc.after)
		dir := t.TempDir()
		var out, errs bytes.Buffer
		err := data.FetchSets(ctx, []data.Set{images, nist36}, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true}, &out, &errs)
		require.ErrorIs(t, err, data.ErrInterrupted)
		require.ErrorContains(t, err, "interrupted: run recog data again to finish")
		require.Contains(t, out.String(), tc.want)
		requireCountsAddUp(t, out.String())
		var partial []string
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), ".") {
				partial = append(partial, p)
			}
			return err
		}))
		require.Empty(t, partial)
	}
}

// The help states the exit statuses and the download time limits.
func TestDataHelp(t *testing.T) {
	code, out, _ := recog("help", "data")
	require.Equal(t, 0, code)
	for _, s := range []string{"Exit\nstatus: 0 when every set is complete, 1 when one is not (or on Ctrl-C),\n2 on a usage mistake",
		"sends nothing for\n1 minute or it takes over 2 hours", "Ctrl-C stops at once"} {
		require.Contains(t, out, s)
	}
	require.Equal(t, time.Minute, data.DefaultIdleTimeout, "update dataHelp")
	require.Equal(t, 2*time.Hour, data.DefaultTimeout, "update dataHelp")
}

package data_test

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
)

// Hostile conditions for Fetch (issue #14): corrupt files everywhere, a
// wrong mirror, stalled servers, Ctrl-C. Every case checks that each file
// gets a status, that nothing partial is left and that a good file stays.

// requireAllStatus requires every file of rep to have a status.
func requireAllStatus(t *testing.T, rep data.SetReport) {
	t.Helper()
	for _, f := range rep.Files {
		require.Contains(t, []data.Status{data.StatusOK, data.StatusCopied, data.StatusDownloaded, data.StatusFailed}, f.Status, f.Name)
		require.Equal(t, f.Status == data.StatusFailed, f.Err != nil, f.Name)
	}
}

// server serves the given paths; anything else is 404.
func server(t *testing.T, files map[string][]byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// spoil overwrites a file of a (read-only) mirror or data folder.
func spoil(t *testing.T, p string, b []byte) {
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	_ = os.Chmod(p, 0o644)
	require.NoError(t, os.WriteFile(p, b, 0o644))
}

func TestFetchCorruptEverywhere(t *testing.T) {
	good := toyFiles["a.bin"]
	srv := server(t, map[string][]byte{"/a.bin": good, "/bad.bin": []byte("served wrong")})
	tests := []struct {
		name       string
		local      []byte // file already in ./data (nil: none)
		mirror     []byte // the mirror's copy (nil: the good one)
		url        string // "" no online source
		noDownload bool
		status     data.Status
		want       []string // in the error
	}{
		{name: "corrupt mirror falls back to download", mirror: []byte("rotten"), url: "/a.bin", status: data.StatusDownloaded},
		{name: "corrupt local and mirror, download works", local: []byte("local junk"), mirror: []byte("rotten"), url: "/a.bin", status: data.StatusDownloaded},
		{name: "corrupt local, mirror and download", local: []byte("local junk"), mirror: []byte("rotten"), url: "/bad.bin", status: data.StatusFailed, want: []string{
			"has SHA-256 " + sha([]byte("local junk")) + ", want " + sha(good) + "; it was left as it is: toy/a.bin: ",
			"has SHA-256 " + sha([]byte("rotten")) + ", want " + sha(good) + ", and ",
			"download SRV/bad.bin has SHA-256 " + sha([]byte("served wrong")),
			"(download it by hand from SRV/bad.bin to ",
		}},
		{name: "corrupt local, mirror; download 404", local: []byte("local junk"), mirror: []byte("rotten"), url: "/gone.bin", status: data.StatusFailed, want: []string{
			"has SHA-256 " + sha([]byte("local junk")),
			"mirror file MIRROR/toy/a.bin has SHA-256 " + sha([]byte("rotten")),
			"GET SRV/gone.bin: 404 Not Found",
		}},
		{name: "corrupt local and mirror, downloads off", local: []byte("local junk"), mirror: []byte("rotten"), url: "/a.bin", noDownload: true, status: data.StatusFailed, want: []string{
			"has SHA-256 " + sha([]byte("local junk")),
			"mirror file MIRROR/toy/a.bin has SHA-256 " + sha([]byte("rotten")) + ", want " + sha(good) + ", and downloading is off",
		}},
		{name: "corrupt local, no online source", local: []byte("local junk"), mirror: []byte("rotten"), status: data.StatusFailed, want: []string{
			"has SHA-256 " + sha([]byte("local junk")),
			"has SHA-256 " + sha([]byte("rotten")) + ", want " + sha(good) + ", and the file has no online source",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, mirror := testSet(t, map[string][]byte{"a.bin": good})
			if tc.url != "" {
				s.Files[0].URL = srv.URL + tc.url
			}
			if tc.mirror != nil {
				spoil(t, filepath.Join(mirror, "toy", "a.bin"), tc.mirror)
			}
			dir := t.TempDir()
			dst := filepath.Join(dir, "toy", "a.bin")
			if tc.local != nil {
				spoil(t, dst, tc.local)
			}
			rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, Client: srv.Client(), NoDownload: tc.noDownload})
			requireAllStatus(t, rep)
			require.Equal(t, tc.status, rep.Files[0].Status)
			require.Empty(t, leftovers(t, dir))
			got, _ := os.ReadFile(dst)
			if tc.status == data.StatusFailed {
				require.Error(t, err)
				for _, w := range tc.want {
					require.ErrorContains(t, err, strings.NewReplacer("SRV", srv.URL, "MIRROR", mirror).Replace(w))
				}
				require.Equal(t, tc.local, nilIfEmpty(got), "the local file is left as it was")
				return
			}
			require.NoError(t, err)
			require.Equal(t, good, got)
			if tc.local != nil {
				require.Equal(t, sha(tc.local), rep.Files[0].Rejected)
			}
		})
	}
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// A mirror path that is not a directory does not fail a set that is complete
// in ./data; a file that needs the mirror fails naming it, and every file of
// the report has a status (so counts add up).
func TestFetchWrongMirror(t *testing.T) {
	s, mirror := testSet(t, toyFiles)
	dir := t.TempDir()
	_, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
	require.NoError(t, err)

	wrong := filepath.Join(t.TempDir(), "no-such-mirror")
	require.ErrorContains(t, data.CheckMirror(wrong), "mirror "+wrong+" is not a directory (check --mirror or RECOG_MIRROR)")
	require.NoError(t, data.CheckMirror(""))
	require.NoError(t, data.CheckMirror(mirror))
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: wrong, NoDownload: true})
	require.NoError(t, err)
	require.Equal(t, map[string]data.Status{"a.bin": data.StatusOK, "sub/b.txt": data.StatusOK}, statuses(rep))
	require.Empty(t, rep.Mirror)

	require.NoError(t, os.Remove(filepath.Join(dir, "toy", "a.bin")))
	rep, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: wrong, NoDownload: true})
	require.ErrorContains(t, err, "toy/a.bin: mirror "+wrong+" is not a directory (check --mirror or RECOG_MIRROR), and downloading is off")
	require.Equal(t, map[string]data.Status{"a.bin": data.StatusFailed, "sub/b.txt": data.StatusOK}, statuses(rep))
	requireAllStatus(t, rep)

	// A mirror that is a file, not a folder, is the same mistake.
	rep, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: filepath.Join(mirror, "toy", "a.bin"), NoDownload: true})
	require.ErrorContains(t, err, "a.bin is not a directory")
	requireAllStatus(t, rep)

	// Even when Fetch cannot start, every file is reported.
	rep, err = data.Fetch(context.Background(), s, data.FetchOptions{})
	require.ErrorContains(t, err, "no data directory given")
	require.Len(t, rep.Files, 2)
	requireAllStatus(t, rep)
}

// A server that answers and then stops sending, one that never answers, and
// one that trickles forever: the download fails with a message saying so,
// within the idle or overall limit, leaving nothing behind.
func TestFetchStalledServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stall-body.bin", "/stall.zip":
			w.Header().Set("Content-Length", "1000000")
			_, _ = w.Write(make([]byte, 1000))
			w.(http.Flusher).Flush()
		case "/stall-headers.bin":
		case "/trickle.bin":
			for {
				_, _ = w.Write([]byte{1})
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-release:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	tests := []struct {
		name, url, archive string
		timeout, idle      time.Duration
		want               string
	}{
		{"stalls in the body", "/stall-body.bin", "", time.Minute, 200 * time.Millisecond, "the server sent nothing for 200ms (it stalled; try again later)"},
		{"never answers", "/stall-headers.bin", "", time.Minute, 200 * time.Millisecond, "the server sent nothing for 200ms"},
		{"trickles past the time limit", "/trickle.bin", "", 300 * time.Millisecond, time.Minute, "not complete after 300ms, the download time limit"},
		{"archive stalls", "", "/stall.zip", time.Minute, 200 * time.Millisecond, "the server sent nothing for 200ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := data.Set{Name: "toy", Files: []data.File{{Name: "a.bin", SHA256: sha([]byte("x"))}}}
			if tc.url != "" {
				s.Files[0].URL = srv.URL + tc.url
			} else {
				s.Archive, s.Files[0].Member = srv.URL+tc.archive, "a.bin"
			}
			dir := t.TempDir()
			rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Client: srv.Client(), Timeout: tc.timeout, IdleTimeout: tc.idle})
			require.ErrorContains(t, err, "toy/a.bin: no mirror (give --mirror DIR or set RECOG_MIRROR), and GET "+srv.URL)
			require.ErrorContains(t, err, tc.want)
			requireAllStatus(t, rep)
			require.Empty(t, leftovers(t, dir))
		})
	}
}

// cancelAfter is a context whose Err reports Canceled from its n+1-th call
// on: Fetch checks its context before every read, so this cancels it at a
// chosen point inside a copy, deterministically.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func newCancelAfter(n int64) *cancelAfter {
	c := &cancelAfter{Context: context.Background()}
	c.n.Store(n)
	return c
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// Ctrl-C (a canceled context) at any point of checking or copying: Fetch
// stops, every file not finished fails with ErrInterrupted, no temporary
// file is left, finished files are whole and verified, and a rerun
// completes the set.
func TestFetchInterrupted(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB: 32 reads
	files := map[string][]byte{"a.bin": big, "sub/b.txt": []byte("hello\n"), "c.gz": big[:100000]}
	for _, tc := range []struct {
		name  string
		local bool  // a.bin is already in ./data (interrupted while hashing)
		after int64 // context checks before the cancel
	}{
		{"before anything", false, 0},
		{"inside the first copy", false, 10},
		{"between copies", false, 38},
		{"inside the last copy", false, 41},
		{"while hashing ./data", true, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, mirror := testSet(t, files)
			dir := t.TempDir()
			wrong := append(bytes.Clone(big[:len(big)-1]), 'X')
			if tc.local {
				spoil(t, filepath.Join(dir, "toy", "a.bin"), wrong)
			}
			rep, err := data.Fetch(newCancelAfter(tc.after), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
			require.ErrorIs(t, err, data.ErrInterrupted)
			require.ErrorContains(t, err, "interrupted before the file was complete; nothing partial was left (run recog data again to finish)")
			requireAllStatus(t, rep)
			require.Empty(t, leftovers(t, dir))
			for i, f := range rep.Files {
				b, rerr := os.ReadFile(f.Path)
				switch f.Status {
				case data.StatusCopied:
					require.NoError(t, rerr)
					require.Equal(t, s.Files[i].SHA256, sha(b), f.Name)
				case data.StatusFailed:
					require.ErrorIs(t, f.Err, data.ErrInterrupted)
					if tc.local && f.Name == "a.bin" {
						require.Equal(t, wrong, b, "the file in ./data is left as it was")
					} else {
						require.ErrorIs(t, rerr, fs.ErrNotExist, "%s: nothing partial", f.Name)
					}
				}
			}
			rep, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
			require.NoError(t, err)
			requireAllStatus(t, rep)
		})
	}
}

// Ctrl-C during a download: the request is canceled at once and the
// temporary file removed.
func TestFetchInterruptedDownload(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000000")
		_, _ = w.Write(make([]byte, 64<<10))
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	for _, archive := range []bool{false, true} {
		started = make(chan struct{})
		s := data.Set{Name: "toy", Files: []data.File{{Name: "a.bin", SHA256: sha([]byte("x")), URL: srv.URL + "/a.bin"}}}
		if archive {
			s.Files[0].URL, s.Files[0].Member, s.Archive = "", "a.bin", srv.URL+"/toy.tgz"
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; cancel() }()
		dir := t.TempDir()
		rep, err := data.Fetch(ctx, s, data.FetchOptions{Dir: dir, Client: srv.Client()})
		require.ErrorIs(t, err, data.ErrInterrupted)
		requireAllStatus(t, rep)
		require.Empty(t, leftovers(t, dir))
		cancel()
	}
}

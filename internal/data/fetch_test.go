package data_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// testSet returns a set named "toy" whose files have the given contents and a
// mirror root holding them.
func testSet(t *testing.T, files map[string][]byte) (data.Set, string) {
	t.Helper()
	mirror := t.TempDir()
	s := data.Set{Name: "toy", Title: "toy", MirrorLabel: "mirror copy", Source: "nowhere"}
	for _, name := range []string{"a.bin", "sub/b.txt", "c.gz"} {
		b, ok := files[name]
		if !ok {
			continue
		}
		p := filepath.Join(mirror, "toy", filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, b, 0o444))
		s.Files = append(s.Files, data.File{Name: name, SHA256: sha(b)})
	}
	return s, mirror
}

func statuses(r data.SetReport) map[string]data.Status {
	out := map[string]data.Status{}
	for _, f := range r.Files {
		out[f.Name] = f.Status
	}
	return out
}

// leftovers lists temporary files (".part-", ".archive-") under dir.
func leftovers(t *testing.T, dir string) []string {
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") && d.Name() != "." {
			out = append(out, p)
		}
		return err
	}))
	return out
}

var toyFiles = map[string][]byte{"a.bin": bytes.Repeat([]byte{1, 2, 3}, 1000), "sub/b.txt": []byte("hello\n")}

func TestFetchCopiesThenKeeps(t *testing.T) {
	s, mirror := testSet(t, toyFiles)
	dir := t.TempDir()
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
	require.NoError(t, err)
	require.Equal(t, map[string]data.Status{"a.bin": data.StatusCopied, "sub/b.txt": data.StatusCopied}, statuses(rep))
	require.Equal(t, filepath.Join(dir, "toy"), rep.Dir)
	require.EqualValues(t, 3006, rep.Bytes(data.StatusCopied))
	require.Equal(t, 2, rep.Count(data.StatusCopied))
	require.Equal(t, "mirror copy", rep.Files[0].Identity)
	got, err := os.ReadFile(filepath.Join(dir, "toy", "sub", "b.txt"))
	require.NoError(t, err)
	require.Equal(t, "hello\n", string(got))
	st, err := os.Stat(filepath.Join(dir, "toy", "a.bin"))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o644), st.Mode().Perm(), "copies are writable by the owner though the mirror is read-only")
	require.Empty(t, leftovers(t, dir))

	// Second run: everything is there; a broken mirror does not matter.
	rep, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: t.TempDir(), NoDownload: true})
	require.NoError(t, err)
	require.Equal(t, map[string]data.Status{"a.bin": data.StatusOK, "sub/b.txt": data.StatusOK}, statuses(rep))
	require.EqualValues(t, 3006, rep.Bytes(data.StatusOK))
}

func TestFetchReplacesWrongFileOnlyWithVerifiedOne(t *testing.T) {
	s, mirror := testSet(t, toyFiles)
	dir := t.TempDir()
	bad := filepath.Join(dir, "toy", "sub", "b.txt")
	require.NoError(t, os.MkdirAll(filepath.Dir(bad), 0o755))
	require.NoError(t, os.WriteFile(bad, []byte("tampered\n"), 0o644))

	// No source: the wrong file is reported with both sums and kept.
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, NoDownload: true})
	require.Error(t, err)
	require.Contains(t, err.Error(), sha([]byte("tampered\n")))
	require.Contains(t, err.Error(), sha([]byte("hello\n")))
	require.Contains(t, err.Error(), "left as it is")
	require.Equal(t, data.StatusFailed, statuses(rep)["sub/b.txt"])
	got, _ := os.ReadFile(bad)
	require.Equal(t, "tampered\n", string(got))

	// With the mirror it is replaced, and the report says what was rejected.
	rep, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
	require.NoError(t, err)
	require.Equal(t, data.StatusCopied, statuses(rep)["sub/b.txt"])
	require.Equal(t, sha([]byte("tampered\n")), rep.Files[1].Rejected)
	got, _ = os.ReadFile(bad)
	require.Equal(t, "hello\n", string(got))
}

func TestFetchMirrorMismatch(t *testing.T) {
	s, mirror := testSet(t, toyFiles)
	good := filepath.Join(mirror, "toy", "a.bin")
	require.NoError(t, os.Chmod(good, 0o644))
	require.NoError(t, os.WriteFile(good, []byte("corrupt"), 0o644))
	dir := t.TempDir()
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, "toy/a.bin")
	require.Contains(t, msg, sha([]byte("corrupt")))
	require.Contains(t, msg, s.Files[0].SHA256)
	require.Equal(t, map[string]data.Status{"a.bin": data.StatusFailed, "sub/b.txt": data.StatusCopied}, statuses(rep))
	_, err = os.Stat(filepath.Join(dir, "toy", "a.bin"))
	require.ErrorIs(t, err, fs.ErrNotExist, "an unverified copy must not be left in place")
	require.Empty(t, leftovers(t, dir))
}

func TestFetchGoodFileIsNeverTouched(t *testing.T) {
	s, mirror := testSet(t, toyFiles)
	dir := t.TempDir()
	p := filepath.Join(dir, "toy", "a.bin")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, toyFiles["a.bin"], 0o600))
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, os.Chtimes(p, old, old))
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
	require.NoError(t, err)
	require.Equal(t, data.StatusOK, statuses(rep)["a.bin"])
	st, err := os.Stat(p)
	require.NoError(t, err)
	require.True(t, st.ModTime().Equal(old))
	require.Equal(t, fs.FileMode(0o600), st.Mode().Perm())
}

func TestFetchErrors(t *testing.T) {
	s, _ := testSet(t, toyFiles)
	s.Note = "toy files exist only in the mirror"
	_, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: t.TempDir()})
	require.ErrorContains(t, err, "toy/a.bin: no mirror (give --mirror DIR or set RECOG_MIRROR), and the file has no online source (toy files exist only in the mirror)")

	_, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: t.TempDir(), Mirror: filepath.Join(t.TempDir(), "none")})
	require.ErrorContains(t, err, "is not a directory")

	_, err = data.Fetch(context.Background(), s, data.FetchOptions{})
	require.ErrorContains(t, err, "no data directory")

	s.Archive, s.Source = "http://127.0.0.1:1/toy.zip", "toy.zip at http://127.0.0.1:1/toy.zip"
	s.Files[0].Member = "a.bin"
	_, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: t.TempDir(), NoDownload: true})
	require.ErrorContains(t, err, "downloading is off")
}

// Alternative identities: the course's original file (git blob id) and a
// re-compressed gzip (SHA-256 of the decompressed bytes).
func TestFetchAcceptsAlternativeIdentities(t *testing.T) {
	var gz1, gz2 bytes.Buffer
	raw := bytes.Repeat([]byte("0123456789"), 500)
	for i, b := range []*bytes.Buffer{&gz1, &gz2} {
		zw, err := gzip.NewWriterLevel(b, []int{1, 9}[i])
		require.NoError(t, err)
		zw.Name = []string{"x", "y"}[i]
		_, _ = zw.Write(raw)
		require.NoError(t, zw.Close())
	}
	require.NotEqual(t, gz1.Bytes(), gz2.Bytes())

	s, mirror := testSet(t, map[string][]byte{"sub/b.txt": []byte("stand-in\n"), "c.gz": gz1.Bytes()})
	// `git hash-object` of "hello\n" is ce013625030ba8dba906f756967f9e9ca394464a.
	s.Files[0].Alt = []data.Identity{{Kind: data.GitBlob, Sum: "ce013625030ba8dba906f756967f9e9ca394464a", Label: "original course file"}}
	s.Files[1].Alt = []data.Identity{{Kind: data.GunzipSHA256, Sum: sha(raw), Label: "original (checked uncompressed)"}}
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "toy", "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "toy", "sub", "b.txt"), []byte("hello\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "toy", "c.gz"), gz2.Bytes(), 0o644))
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
	require.NoError(t, err)
	require.Equal(t, map[string]data.Status{"sub/b.txt": data.StatusOK, "c.gz": data.StatusOK}, statuses(rep))
	require.Equal(t, "original course file", rep.Files[0].Identity)
	require.Equal(t, "original (checked uncompressed)", rep.Files[1].Identity)

	// A different blob is rejected and replaced by the mirror's stand-in.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "toy", "sub", "b.txt"), []byte("hello!\n"), 0o644))
	rep, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Mirror: mirror, NoDownload: true})
	require.NoError(t, err)
	require.Equal(t, data.StatusCopied, statuses(rep)["sub/b.txt"])
	require.Equal(t, "mirror copy", rep.Files[0].Identity)
}

func TestFetchDownloadsURL(t *testing.T) {
	payload := bytes.Repeat([]byte("recog"), 20000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.bin":
			_, _ = w.Write(payload)
		case "/wrong.bin":
			_, _ = w.Write([]byte("not it"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	s := data.Set{Name: "toy", MirrorLabel: "original", Files: []data.File{{Name: "a.bin", SHA256: sha(payload), URL: srv.URL + "/a.bin"}}}
	dir := t.TempDir()
	rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Client: srv.Client(), Progress: &bytes.Buffer{}})
	require.NoError(t, err)
	require.Equal(t, data.StatusDownloaded, rep.Files[0].Status)
	require.EqualValues(t, len(payload), rep.Files[0].Bytes)
	got, err := os.ReadFile(filepath.Join(dir, "toy", "a.bin"))
	require.NoError(t, err)
	require.Equal(t, payload, got)

	s.Files[0].URL = srv.URL + "/wrong.bin"
	_, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: t.TempDir(), Client: srv.Client()})
	require.ErrorContains(t, err, "has SHA-256 "+sha([]byte("not it"))+", want "+sha(payload))

	s.Files[0].URL = srv.URL + "/missing.bin"
	d := t.TempDir()
	_, err = data.Fetch(context.Background(), s, data.FetchOptions{Dir: d, Client: srv.Client()})
	require.ErrorContains(t, err, "404 Not Found")
	require.ErrorContains(t, err, "download it by hand from "+srv.URL+"/missing.bin")
	require.Empty(t, leftovers(t, d))
}

func zipOf(t *testing.T, members map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"__MACOSX/data/._a.bin", "data/", "data/a.bin", "data/sub/b.txt", "other.txt"} {
		b, ok := members[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, _ = w.Write(b)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func tgzOf(t *testing.T, members map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "jpg/", Typeflag: tar.TypeDir, Mode: 0o755}))
	for _, name := range []string{"jpg/a.bin", "jpg/b.txt"} {
		b := members[name]
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b))}))
		_, _ = tw.Write(b)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestFetchExtractsArchiveMembers(t *testing.T) {
	a, b := toyFiles["a.bin"], toyFiles["sub/b.txt"]
	zipBytes := zipOf(t, map[string][]byte{"__MACOSX/data/._a.bin": []byte("resource fork"), "data/": nil, "data/a.bin": a, "data/sub/b.txt": b, "other.txt": []byte("x")})
	tgzBytes := tgzOf(t, map[string][]byte{"jpg/a.bin": a, "jpg/b.txt": b})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/toy.zip":
			_, _ = w.Write(zipBytes)
		case "/toy.tgz":
			_, _ = w.Write(tgzBytes)
		case "/bad.zip":
			_, _ = w.Write([]byte("this is not a zip"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, archive := range []string{"/toy.zip", "/toy.tgz"} {
		t.Run(archive, func(t *testing.T) {
			s := data.Set{Name: "toy", MirrorLabel: "original", Archive: srv.URL + archive, Source: "toy archive", Files: []data.File{
				{Name: "a.bin", SHA256: sha(a), Member: "a.bin"},
				{Name: "sub/b.txt", SHA256: sha(b), Member: "b.txt"},
			}}
			dir := t.TempDir()
			rep, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: dir, Client: srv.Client()})
			require.NoError(t, err)
			require.Equal(t, map[string]data.Status{"a.bin": data.StatusDownloaded, "sub/b.txt": data.StatusDownloaded}, statuses(rep))
			got, err := os.ReadFile(filepath.Join(dir, "toy", "sub", "b.txt"))
			require.NoError(t, err)
			require.Equal(t, b, got)
			require.Empty(t, leftovers(t, dir), "the archive is removed")
		})
	}
	t.Run("missing member", func(t *testing.T) {
		s := data.Set{Name: "toy", Archive: srv.URL + "/toy.zip", Files: []data.File{{Name: "z.bin", SHA256: sha(a), Member: "z.bin"}}}
		_, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: t.TempDir(), Client: srv.Client()})
		require.ErrorContains(t, err, `toy/z.bin: no mirror (give --mirror DIR or set RECOG_MIRROR), and `+srv.URL+`/toy.zip has no member "z.bin"`)
	})
	t.Run("not an archive", func(t *testing.T) {
		s := data.Set{Name: "toy", Archive: srv.URL + "/bad.zip", Files: []data.File{{Name: "a.bin", SHA256: sha(a), Member: "a.bin"}}}
		d := t.TempDir()
		_, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: d, Client: srv.Client()})
		require.ErrorContains(t, err, "zip: not a valid zip file")
		require.ErrorContains(t, err, "download "+srv.URL+"/bad.zip by hand and extract it to "+filepath.Join(d, "toy"))
		require.Empty(t, leftovers(t, d))
	})
	t.Run("unreachable", func(t *testing.T) {
		s := data.Set{Name: "toy", Archive: srv.URL + "/gone.tgz", Files: []data.File{{Name: "a.bin", SHA256: sha(a), Member: "a.bin"}}}
		_, err := data.Fetch(context.Background(), s, data.FetchOptions{Dir: t.TempDir(), Client: srv.Client()})
		require.ErrorContains(t, err, "404 Not Found")
	})
}

func TestFetchRepoRootAndDefaults(t *testing.T) {
	root, err := data.RepoRoot()
	require.NoError(t, err)
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(mod), "module recog\n"))
	require.Equal(t, filepath.Join(root, "data"), data.DefaultDir())

	t.Setenv("RECOG_MIRROR", "/some/mirror")
	require.Equal(t, "/some/mirror", data.DefaultMirror())
}

func TestFetchFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 4946960: "4.9 MB", 60599376: "60.6 MB", 3e9: "3.0 GB"} {
		require.Equal(t, want, data.FormatBytes(n))
	}
}

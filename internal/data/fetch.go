package data

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"recog/internal/progress"
)

// Status says how a file came to be in ./data.
type Status string

const (
	StatusOK         Status = "ok"         // already there with an accepted checksum
	StatusCopied     Status = "copied"     // copied from the mirror and verified
	StatusDownloaded Status = "downloaded" // downloaded from the original source and verified
	StatusFailed     Status = "failed"     // missing or wrong, and could not be replaced
)

// FileReport is what Fetch did with one file.
type FileReport struct {
	Name     string // path inside the set folder, slash-separated
	Path     string // absolute path in ./data
	Status   Status
	Bytes    int64  // size of the file in ./data (0 when failed)
	Identity string // the accepted version: the set's MirrorLabel or an Alt label
	// Rejected is the SHA-256 of a file that was in ./data with a checksum
	// that matches no accepted version. The file was replaced when Status is
	// copied or downloaded, and left untouched when Status is failed.
	Rejected string
	Err      error // why the file failed
}

// SetReport is what Fetch did with one set.
type SetReport struct {
	Set    string
	Dir    string // absolute path of ./data/<set>
	Mirror string // mirror folder of the set that was used, "" if none
	Files  []FileReport
}

// Count returns how many files have status st.
func (r SetReport) Count(st Status) int {
	n := 0
	for _, f := range r.Files {
		if f.Status == st {
			n++
		}
	}
	return n
}

// Bytes returns the total size of the files with status st.
func (r SetReport) Bytes(st Status) int64 {
	var n int64
	for _, f := range r.Files {
		if f.Status == st {
			n += f.Bytes
		}
	}
	return n
}

// FetchOptions configures Fetch.
type FetchOptions struct {
	// Dir is the data root (<repo>/data); the set goes to Dir/<set>.
	Dir string
	// Mirror is the mirror root holding <set>/ folders; "" means none. A
	// mirror that is not a directory (CheckMirror) serves nothing: files
	// already in Dir are still checked and kept, and the others are
	// downloaded or fail with an error naming the mirror.
	Mirror string
	// Progress receives progress bars (os.Stderr); nothing is drawn unless
	// it is a terminal. Nil means no bars.
	Progress io.Writer
	// Client downloads; nil means http.DefaultClient. Timeout and
	// IdleTimeout apply whatever the client.
	Client *http.Client
	// NoDownload turns step 3 (the original source) off.
	NoDownload bool
	// Timeout bounds each download (one file, or one archive), from the
	// request to the last byte; 0 means DefaultTimeout.
	Timeout time.Duration
	// IdleTimeout bounds the wait for the server's answer and then for each
	// piece of the body: a server silent that long has stalled and the
	// download fails. 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
}

// Download time limits (FetchOptions.Timeout and IdleTimeout).
const (
	// DefaultTimeout lets the largest download, NIST's 536 MB EMNIST
	// gzip.zip, arrive at 75 kB/s.
	DefaultTimeout = 2 * time.Hour
	// DefaultIdleTimeout is how long a server may send nothing.
	DefaultIdleTimeout = time.Minute
)

// ErrInterrupted marks the files Fetch did not finish because its context
// was canceled (Ctrl-C in recog data). Nothing partial is left behind.
var ErrInterrupted = errors.New("interrupted")

// CheckMirror returns an error naming mirror when it is given but is not a
// directory, and nil otherwise (also for "", no mirror).
func CheckMirror(mirror string) error {
	if mirror == "" {
		return nil
	}
	if st, err := os.Stat(mirror); err != nil || !st.IsDir() {
		return fmt.Errorf("mirror %s is not a directory (check --mirror or RECOG_MIRROR)", mirror)
	}
	return nil
}

// RepoRoot returns the directory of the go.mod declaring "module recog",
// found by walking up from the working directory.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && isRecogMod(b) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod with \"module recog\" in %s or any parent directory", wd)
		}
		dir = parent
	}
}

func isRecogMod(b []byte) bool {
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" && strings.Trim(f[1], `"`) == "recog" {
			return true
		}
	}
	return false
}

// DefaultDir returns <repo root>/data, or ./data (absolute) outside the repository.
func DefaultDir() string {
	if root, err := RepoRoot(); err == nil {
		return filepath.Join(root, "data")
	}
	if abs, err := filepath.Abs("data"); err == nil {
		return abs
	}
	return "data"
}

// DefaultMirror returns the mirror root to use when no --mirror flag is
// given: $RECOG_MIRROR if set, else <repo root>/../shared/data or
// ./../shared/data, whichever exists first; "" when there is none.
func DefaultMirror() string {
	if m := os.Getenv("RECOG_MIRROR"); m != "" {
		return m
	}
	var cands []string
	if root, err := RepoRoot(); err == nil {
		cands = append(cands, filepath.Join(root, "..", "shared", "data"))
	}
	if wd, err := os.Getwd(); err == nil {
		cands = append(cands, filepath.Join(wd, "..", "shared", "data"))
	}
	for _, c := range cands {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			if abs, err := filepath.Abs(c); err == nil {
				return abs
			}
			return c
		}
	}
	return ""
}

// Fetch makes dir/<set> complete and verified, file by file:
//  1. a file already there whose checksum matches an accepted version is kept;
//  2. else it is copied from the mirror (Mirror/<set>/<file>) to a temporary
//     file beside its destination, verified, and renamed into place;
//  3. else (also when the mirror's copy is wrong) it is downloaded from the
//     original source (the file's URL or a member of the set's archive),
//     verified and renamed into place, within opt.Timeout and
//     opt.IdleTimeout.
//
// A good file is never removed: a wrong file is reported and replaced only by
// a verified one, and a copy or download that fails or is interrupted leaves
// no temporary file. Every file of the report gets a status. The returned
// error joins the failures, each naming the file and saying what each step
// found: the wrong file's checksum and the accepted one, the mirror's, the
// download's. When ctx is canceled Fetch stops within one read and the
// unfinished files fail with ErrInterrupted.
func Fetch(ctx context.Context, s Set, opt FetchOptions) (SetReport, error) {
	rep := SetReport{Set: s.Name, Files: make([]FileReport, len(s.Files))}
	for i, f := range s.Files {
		rep.Files[i].Name = f.Name
	}
	if opt.Dir == "" {
		return rep, failAll(&rep, errors.New("fetch: no data directory given"))
	}
	root, err := filepath.Abs(opt.Dir)
	if err != nil {
		return rep, failAll(&rep, err)
	}
	dir := filepath.Join(root, s.Name)
	rep.Dir = dir
	for i, f := range s.Files {
		rep.Files[i].Path = filepath.Join(dir, filepath.FromSlash(f.Name))
	}
	mirrorErr := CheckMirror(opt.Mirror)
	if opt.Mirror != "" && mirrorErr == nil {
		if m, err := filepath.Abs(filepath.Join(opt.Mirror, s.Name)); err == nil {
			rep.Mirror = m
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return rep, failAll(&rep, fmt.Errorf("%s: %w", s.Name, err))
	}

	// 1. What is there already.
	var need []int
	for i, f := range s.Files {
		fr := &rep.Files[i]
		if ctx.Err() != nil {
			need = append(need, i)
			continue
		}
		st, err := os.Stat(fr.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			fr.Err = err
		case !st.Mode().IsRegular():
			fr.Err = fmt.Errorf("%s is not a regular file", fr.Path)
		default:
			label, sum, err := identifyCached(ctx, fr.Path, st, f, s)
			switch {
			case err != nil && ctx.Err() != nil:
			case err != nil:
				fr.Err = err
			case label != "":
				fr.Status, fr.Bytes, fr.Identity = StatusOK, st.Size(), label
				continue
			default:
				fr.Rejected = sum
			}
		}
		if fr.Err != nil {
			fr.Status = StatusFailed
			continue
		}
		need = append(need, i)
	}

	// 2. The mirror, 3. the original source; why[i] keeps what each said.
	why := make([]stepErrors, len(s.Files))
	if rep.Mirror != "" && len(need) > 0 && ctx.Err() == nil {
		need = copyFromMirror(ctx, s, rep.Mirror, need, &rep, why, opt.Progress)
	}
	if len(need) > 0 && !opt.NoDownload && ctx.Err() == nil {
		need = download(ctx, s, need, &rep, why, opt)
	}
	for _, i := range need { // still missing: explain
		fr := &rep.Files[i]
		fr.Status, fr.Err = StatusFailed, explain(ctx, s, s.Files[i], fr, rep, why[i], mirrorErr, opt.NoDownload)
	}
	return rep, joinFailures(s.Name, rep.Files)
}

// stepErrors is why the mirror and the download could not serve a file.
type stepErrors struct{ mirror, download error }

// explain returns the error of a file that no step could serve:
// "<set>/<file>: <what the mirror step found>, and <what the download step
// found>", after the wrong file's own checksums when one was in ./data.
func explain(ctx context.Context, s Set, f File, fr *FileReport, rep SetReport, why stepErrors, mirrorErr error, noDownload bool) error {
	var err error
	if ctx.Err() != nil {
		err = fmt.Errorf("%s/%s: %w before the file was complete; nothing partial was left (run recog data again to finish)", s.Name, f.Name, ErrInterrupted)
	} else {
		var m, d error
		switch {
		case why.mirror != nil:
			m = why.mirror
		case mirrorErr != nil:
			m = mirrorErr
		case rep.Mirror == "":
			m = errors.New("no mirror (give --mirror DIR or set RECOG_MIRROR)")
		default:
			m = fmt.Errorf("not in the mirror %s", rep.Mirror)
		}
		switch {
		case why.download != nil:
			d = why.download
		case noDownload:
			d = errors.New("downloading is off")
		case f.URL == "" && (f.Member == "" || s.Archive == ""):
			msg := "the file has no online source"
			if s.Note != "" {
				msg += " (" + s.Note + ")"
			}
			d = errors.New(msg)
		default:
			d = fmt.Errorf("%s must be downloaded from %s; extract it to %s", s.Name, s.Source, rep.Dir)
		}
		err = fmt.Errorf("%s/%s: %w, and %w", s.Name, f.Name, m, d)
	}
	if fr.Rejected != "" {
		err = fmt.Errorf("%s has SHA-256 %s, want %s%s; it was left as it is: %w", fr.Path, fr.Rejected, f.SHA256, altText(f), err)
	}
	return err
}

// failAll marks every file without a status failed with err and returns
// the joined failures.
func failAll(rep *SetReport, err error) error {
	for i := range rep.Files {
		if rep.Files[i].Status == "" {
			rep.Files[i].Status, rep.Files[i].Err = StatusFailed, err
		}
	}
	if len(rep.Files) == 0 {
		return err
	}
	return joinFailures(rep.Set, rep.Files)
}

func joinFailures(set string, files []FileReport) error {
	var errs []error
	n := 0
	for _, f := range files {
		if f.Status != StatusFailed {
			continue
		}
		n++
		if len(errs) < 5 {
			errs = append(errs, f.Err)
		}
	}
	if n == 0 {
		return nil
	}
	if n > len(errs) {
		errs = append(errs, fmt.Errorf("%s: ... and %d more files failed", set, n-len(errs)))
	}
	return errors.Join(errs...)
}

// copyFromMirror handles step 2 and returns the indices it could not serve,
// with the reason in why[i].mirror when the mirror has the file but its copy
// failed (so that step 3 still runs).
func copyFromMirror(ctx context.Context, s Set, mirror string, need []int, rep *SetReport, why []stepErrors, pw io.Writer) []int {
	var total int64
	var todo, rest []int
	for _, i := range need {
		src := filepath.Join(mirror, filepath.FromSlash(s.Files[i].Name))
		st, err := os.Stat(src)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			why[i].mirror = err
		case !st.Mode().IsRegular():
			why[i].mirror = fmt.Errorf("mirror file %s is not a regular file", src)
		default:
			total += st.Size()
			todo = append(todo, i)
			continue
		}
		rest = append(rest, i)
	}
	if len(todo) == 0 {
		return rest
	}
	bar := progress.NewBytes(pw, total, "copy "+s.Name)
	defer bar.Finish()
	for _, i := range todo {
		f, fr := s.Files[i], &rep.Files[i]
		src := filepath.Join(mirror, filepath.FromSlash(f.Name))
		in, err := os.Open(src)
		if err != nil {
			why[i].mirror = err
			rest = append(rest, i)
			continue
		}
		n, label, err := install(ctx, io.TeeReader(in, bar), fr.Path, f, s, "mirror file "+src)
		in.Close()
		if err != nil {
			why[i].mirror = err
			rest = append(rest, i)
			continue
		}
		fr.Status, fr.Bytes, fr.Identity, fr.Err = StatusCopied, n, label, nil
	}
	slices.Sort(rest)
	return rest
}

// install writes r to a temporary file beside dst, checks it against f's
// accepted versions and renames it to dst; the temporary file is removed on
// any failure, also when ctx is canceled. what names the source in errors.
func install(ctx context.Context, r io.Reader, dst string, f File, s Set, what string) (int64, string, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".part-*")
	if err != nil {
		return 0, "", err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err := io.Copy(tmp, ctxReader{ctx, r})
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", what, err)
	}
	if err := tmp.Close(); err != nil {
		return 0, "", err
	}
	label, sum, err := identify(ctx, tmp.Name(), f, s)
	if err != nil {
		return 0, "", err
	}
	if label == "" {
		return 0, "", fmt.Errorf("%s has SHA-256 %s, want %s%s", what, sum, f.SHA256, altText(f))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, "", err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return 0, "", err
	}
	ok = true
	if st, err := os.Stat(dst); err == nil {
		remember(dst, st, label)
	}
	return n, label, nil
}

func altText(f File) string {
	var b strings.Builder
	for _, a := range f.Alt {
		fmt.Fprintf(&b, " or %s %s (%s)", a.Kind, a.Sum, a.Label)
	}
	return b.String()
}

// identify returns the label of the accepted version the file at p is, or
// "" when it is none of them, and the file's SHA-256. It stops with ctx's
// error when ctx is canceled.
func identify(ctx context.Context, p string, f File, s Set) (label, sum string, err error) {
	fh, err := os.Open(p)
	if err != nil {
		return "", "", err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return "", "", err
	}
	h256 := sha256.New()
	hashes := []io.Writer{h256}
	var blob hash.Hash
	var gz bool
	for _, a := range f.Alt {
		switch a.Kind {
		case GitBlob:
			if blob == nil {
				blob = sha1.New()
				fmt.Fprintf(blob, "blob %d\x00", st.Size())
				hashes = append(hashes, blob)
			}
		case GunzipSHA256:
			gz = true
		}
	}
	if _, err := io.Copy(io.MultiWriter(hashes...), ctxReader{ctx, fh}); err != nil {
		return "", "", fmt.Errorf("%s: %w", p, err)
	}
	sum = hex.EncodeToString(h256.Sum(nil))
	var blobSum string
	if blob != nil {
		blobSum = hex.EncodeToString(blob.Sum(nil))
	}
	var gzSum string
	for _, id := range f.Identities(s) {
		switch id.Kind {
		case SHA256:
			if sum == id.Sum {
				return id.Label, sum, nil
			}
		case GitBlob:
			if blobSum == id.Sum {
				return id.Label, sum, nil
			}
		case GunzipSHA256:
			if gz && gzSum == "" {
				gzSum = gunzipSum(ctx, fh) // "" when the file is not gzip
				gz = false
				if err := ctx.Err(); err != nil {
					return "", "", err
				}
			}
			if gzSum != "" && gzSum == id.Sum {
				return id.Label, sum, nil
			}
		}
	}
	return "", sum, nil
}

// gunzipSum returns the SHA-256 of the decompressed content of fh, or "" if
// fh is not a valid gzip stream.
func gunzipSum(ctx context.Context, fh *os.File) string {
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	zr, err := gzip.NewReader(ctxReader{ctx, fh})
	if err != nil {
		return ""
	}
	defer zr.Close()
	h := sha256.New()
	if _, err := io.Copy(h, zr); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// verified remembers files checked in this process, keyed by path, size and
// modification time, so a set is hashed once per run however often it is fetched.
var verified sync.Map // path -> verifiedEntry

type verifiedEntry struct {
	size  int64
	mtime time.Time
	label string
}

func remember(p string, st fs.FileInfo, label string) {
	verified.Store(p, verifiedEntry{st.Size(), st.ModTime(), label})
}

func identifyCached(ctx context.Context, p string, st fs.FileInfo, f File, s Set) (label, sum string, err error) {
	if v, ok := verified.Load(p); ok {
		e := v.(verifiedEntry)
		if e.size == st.Size() && e.mtime.Equal(st.ModTime()) {
			return e.label, "", nil
		}
	}
	label, sum, err = identify(ctx, p, f, s)
	if err == nil && label != "" {
		remember(p, st, label)
	}
	return label, sum, err
}

// download handles step 3 and returns the indices it could not serve, with
// the reason in why[i].download.
func download(ctx context.Context, s Set, need []int, rep *SetReport, why []stepErrors, opt FetchOptions) []int {
	var rest, members []int
	for _, i := range need {
		f, fr := s.Files[i], &rep.Files[i]
		switch {
		case ctx.Err() != nil:
			rest = append(rest, i)
		case f.URL != "":
			err := fetchURL(ctx, f.URL, opt, s.Name+"/"+f.Name, func(r io.Reader) error {
				n, label, err := install(ctx, r, fr.Path, f, s, "download "+f.URL)
				if err == nil {
					fr.Status, fr.Bytes, fr.Identity, fr.Err = StatusDownloaded, n, label, nil
				}
				return err
			})
			if err != nil {
				why[i].download = fmt.Errorf("%w (download it by hand from %s to %s)", err, f.URL, fr.Path)
				rest = append(rest, i)
			}
		case f.Member != "" && s.Archive != "":
			members = append(members, i)
		default:
			rest = append(rest, i)
		}
	}
	if len(members) > 0 {
		rest = append(rest, fromArchive(ctx, s, members, rep, why, opt)...)
	}
	slices.Sort(rest)
	return rest
}

// fromArchive downloads the set's archive once into a temporary file in
// ./data/<set>, installs the wanted members (matched by base name) and removes
// the archive. It returns the files it could not serve, with the reason in
// why[i].download.
func fromArchive(ctx context.Context, s Set, idx []int, rep *SetReport, why []stepErrors, opt FetchOptions) []int {
	want := map[string][]int{} // member base name -> file indices
	for _, i := range idx {
		want[s.Files[i].Member] = append(want[s.Files[i].Member], i)
	}
	fail := func(err error) []int {
		var rest []int
		for _, i := range idx {
			if rep.Files[i].Status != StatusDownloaded {
				why[i].download = fmt.Errorf("%w; download %s by hand and extract it to %s", err, s.Archive, rep.Dir)
				rest = append(rest, i)
			}
		}
		return rest
	}
	kind := archiveKind(s.Archive)
	if kind == "" {
		return fail(fmt.Errorf("archive %s is neither .zip nor .tgz/.tar.gz", s.Archive))
	}
	tmp, err := os.CreateTemp(rep.Dir, ".archive-*"+kind)
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	err = fetchURL(ctx, s.Archive, opt, s.Name+" "+path.Base(s.Archive), func(r io.Reader) error {
		_, err := io.Copy(tmp, r)
		return err
	})
	if err != nil {
		return fail(err)
	}
	take := func(name string, r io.Reader) {
		base := path.Base(name)
		if strings.Contains(name, "__MACOSX/") || strings.HasPrefix(base, "._") {
			return
		}
		for _, i := range want[base] {
			fr := &rep.Files[i]
			if fr.Status == StatusDownloaded {
				continue
			}
			what := path.Base(s.Archive) + " member " + name
			n, label, err := install(ctx, r, fr.Path, s.Files[i], s, what)
			if err != nil {
				why[i].download = err
				continue
			}
			fr.Status, fr.Bytes, fr.Identity, fr.Err = StatusDownloaded, n, label, nil
			return
		}
	}
	switch kind {
	case ".zip":
		err = readZip(ctx, tmp, take)
	default:
		err = readTgz(ctx, tmp, take)
	}
	if err != nil {
		return fail(fmt.Errorf("%s: %w", s.Archive, err))
	}
	var rest []int
	for _, i := range idx {
		if rep.Files[i].Status == StatusDownloaded {
			continue
		}
		if why[i].download == nil {
			why[i].download = fmt.Errorf("%s has no member %q", s.Archive, s.Files[i].Member)
		}
		rest = append(rest, i)
	}
	return rest
}

func archiveKind(url string) string {
	u := strings.ToLower(url)
	switch {
	case strings.HasSuffix(u, ".zip"):
		return ".zip"
	case strings.HasSuffix(u, ".tgz"), strings.HasSuffix(u, ".tar.gz"):
		return ".tgz"
	}
	return ""
}

func readZip(ctx context.Context, f *os.File, take func(string, io.Reader)) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return err
	}
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("member %s: %w", zf.Name, err)
		}
		take(zf.Name, rc)
		rc.Close()
	}
	return nil
}

func readTgz(ctx context.Context, f *os.File, take func(string, io.Reader)) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	zr, err := gzip.NewReader(ctxReader{ctx, f})
	if err != nil {
		return err
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg {
			take(h.Name, tr)
		}
	}
}

// FormatBytes returns n in decimal units: "812 B", "4.9 MB", "1.2 GB".
func FormatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

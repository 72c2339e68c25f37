package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
	train "recog/q3_train"
	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
)

// page returns a white 900 x 400 page with the capitals L, T, H (and, when
// two is set, a second line T, L) drawn as 10-pixel-wide dark bars.
func page(two bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 900, 400))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{235, 235, 230, 255}), image.Point{}, draw.Src)
	ink := image.NewUniform(color.RGBA{30, 30, 60, 255})
	bar := func(x0, y0, x1, y1 int) { draw.Draw(img, image.Rect(x0, y0, x1, y1), ink, image.Point{}, draw.Src) }
	letter := func(c byte, x, y int) { // 60 wide, 90 tall
		switch c {
		case 'L':
			bar(x, y, x+10, y+90)
			bar(x, y+80, x+60, y+90)
		case 'T':
			bar(x, y, x+60, y+10)
			bar(x+25, y, x+35, y+90)
		case 'H':
			bar(x, y, x+10, y+90)
			bar(x+50, y, x+60, y+90)
			bar(x, y+40, x+60, y+50)
		}
	}
	for i, c := range []byte("LTH") {
		letter(c, 100+i*100, 60)
	}
	if two {
		letter('T', 100, 240)
		letter('L', 200, 240)
	}
	return img
}

func writeFile(t testing.TB, dir, name string, b []byte) string {
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}))
	return b.Bytes()
}

func TestOCRUsage(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.png", encodePNG(t, page(false)))
	b := writeFile(t, dir, "b.png", encodePNG(t, page(false)))
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	a2 := writeFile(t, sub, "a.png", encodePNG(t, page(false)))
	tr := writeFile(t, dir, "a.txt", []byte("LTH\n"))
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"ocr"}, "no photo given"},
		{[]string{"ocr", a, "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"ocr", a, "--boxes-max", "-1"}, "--boxes-max -1"},
		{[]string{"ocr", a, "--lexicon-margin", "-1"}, "--lexicon-margin -1"},
		{[]string{"ocr", a, "--lexicon-margin", "x"}, "invalid value \"x\" for flag -lexicon-margin"},
		{[]string{"ocr", a, "--boxes", filepath.Join(dir, "o.jpg")}, "want a .png file name"},
		{[]string{"ocr", a, b, "--truth", tr}, "give a folder of <photo>.txt transcripts"},
		{[]string{"ocr", a, a2, "--boxes", filepath.Join(dir, "o.png")}, "would both write"},
	} {
		code, _, errs := recog(tc.args...)
		require.Equal(t, 2, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, tc.err)
		require.Contains(t, errs, "recog help ocr")
	}
	code, _, errs := recog("ocr", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, errs, "OUT_01_list.png")
}

// TestOCRBadFiles: each unreadable input fails with status 1 and a message
// naming the file.
func TestOCRBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.png", encodePNG(t, page(false)))
	jpg := encodeJPEG(t, page(false))
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"missing photo", []string{filepath.Join(dir, "nope.jpg")}, "nope.jpg: no such file"},
		{"text file", []string{writeFile(t, dir, "notes.jpg", []byte("TO DO LIST\n"))}, "notes.jpg: not a PNG or JPEG image"},
		{"truncated JPEG", []string{writeFile(t, dir, "cut.jpg", jpg[:len(jpg)/2])}, "cut.jpg: truncated image"},
		{"empty file", []string{writeFile(t, dir, "empty.png", nil)}, "empty.png: empty file"},
		{"missing transcript", []string{good, "--truth", filepath.Join(dir, "none.txt")}, "none.txt"},
		{"missing transcript in dir", []string{good, good, "--truth", dir}, "good.txt"},
		{"missing model", []string{good, "--model", filepath.Join(dir, "m.safetensors")}, "m.safetensors"},
		{"model not a model", []string{good, "--model", good}, "good.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := recog(append([]string{"ocr"}, tc.args...)...)
			require.Equal(t, 1, code, errs)
			require.Contains(t, errs, tc.err)
			require.NotContains(t, errs, "panic")
		})
	}
}

// TestOCRGenerated reads generated pages: the text has the page's layout
// (one line of three letters, then two), the overlays are written (one file
// per photo for several photos, shrunk to --boxes-max), and --truth prints
// the CER and the box counts. A blank page among them is reported on stderr
// and the others are still read (TestHostilePhotos has the rest).
func TestOCRGenerated(t *testing.T) {
	dir := t.TempDir()
	one := writeFile(t, dir, "one.png", encodePNG(t, page(false)))
	two := writeFile(t, dir, "two.jpg", encodeJPEG(t, page(true)))
	blank := writeFile(t, dir, "blank.png", encodePNG(t, image.NewGray(image.Rect(0, 0, 300, 200))))
	writeFile(t, dir, "one.txt", []byte("LTH\n"))
	writeFile(t, dir, "two.txt", []byte("LTH\nTL\n"))
	writeFile(t, dir, "blank.txt", []byte("X\n"))

	code, stdout, errs := recog("ocr", one)
	require.Equal(t, 0, code, errs)
	require.Regexp(t, `^[A-Z0-9]{3}\n$`, stdout)

	out := filepath.Join(dir, "boxes.png")
	code, stdout, errs = recog("ocr", one, blank, two, "--boxes", out, "--boxes-max", "450", "--truth", dir)
	require.Equal(t, 1, code, errs)
	require.Contains(t, errs, "recog ocr: no letters found on "+blank+" (")
	require.Contains(t, errs, "recog ocr: 1 of 3 photos failed")
	require.Regexp(t, `^== .*one.png ==\n[A-Z0-9]{3}\n-- one.png: CER [0-9.]+ \(\d+ edits / 3 characters\); boxes recall 1.000, precision 1.000; boxes per line \[3\], transcript \[3\]\n`, stdout)
	require.Regexp(t, `\n\n== .*two.jpg ==\n[A-Z0-9]{3}\n[A-Z0-9]{2}\n-- two.jpg: CER .*boxes per line \[3 2\], transcript \[3 2\]`, stdout)
	require.NotContains(t, stdout, "blank")
	require.Regexp(t, `-- overall CER [0-9.]+ \(\d+ edits / 9 characters, 2 photos\)\n$`, stdout)
	for _, name := range []string{"boxes_one.png", "boxes_two.png"} {
		img, err := imaging.Open(filepath.Join(dir, name))
		require.NoError(t, err, name)
		require.LessOrEqual(t, max(img.Bounds().Dx(), img.Bounds().Dy()), 450, name)
	}
	_, err := os.Stat(filepath.Join(dir, "boxes_blank.png"))
	require.True(t, os.IsNotExist(err), "no overlay for a photo without letters")
	img, err := imaging.Open(filepath.Join(dir, "boxes_one.png"))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 450, 200), img.Bounds())

	// One photo: --boxes is the file name itself, --truth a file; the
	// default --boxes-max (2000) keeps this small page at its size.
	single := filepath.Join(dir, "single.png")
	code, stdout, errs = recog("ocr", two, "--boxes", single, "--truth", filepath.Join(dir, "two.txt"))
	require.Equal(t, 0, code, errs)
	require.NotContains(t, stdout, "==")
	require.NotContains(t, stdout, "overall")
	img, err = imaging.Open(single)
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 900, 400), img.Bounds())
}

// TestOCRModelFlag: --model reads both kinds of model file (told apart by
// their metadata) and gives the same text as the embedded copies (default:
// the small EMNIST CNN; --model q3: the Q3 network), with and without the
// word rule; stderr names the model; a safetensors file that is neither
// kind is an error naming the file.
func TestOCRModelFlag(t *testing.T) {
	dir := t.TempDir()
	photo := writeFile(t, dir, "p.png", encodePNG(t, page(true)))
	_, h, err := train.DefaultModel()
	require.NoError(t, err)
	require.Equal(t, "recog q3", h.Meta["trained_by"])
	q3 := filepath.Join(dir, "q3.safetensors")
	b, err := os.ReadFile(filepath.Join("..", "..", "q3_train", "model", train.DefaultModelFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(q3, b, 0o644))
	cnn := filepath.Join(dir, "cnn.safetensors")
	b, err = os.ReadFile(filepath.Join("..", "..", "q7_autodiff", "model", autodiff.DefaultOCRModelFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cnn, b, 0o644))

	for _, words := range []string{"--words=true", "--words=false"} {
		code, want, errs := recog("ocr", photo, words)
		require.Equal(t, 0, code, errs)
		require.Contains(t, errs, "embedded EMNIST CNN")
		code, got, errs := recog("ocr", photo, words, "--model", cnn)
		require.Equal(t, 0, code, errs)
		require.Contains(t, errs, "emnist-ocr-cnn "+cnn)
		require.Equal(t, want, got)

		code, want, errs = recog("ocr", photo, words, "--model", "q3")
		require.Equal(t, 0, code, errs)
		require.Contains(t, errs, "embedded Q3 network")
		code, got, errs = recog("ocr", photo, words, "--model", q3)
		require.Equal(t, 0, code, errs)
		require.Contains(t, errs, "Q3 network "+q3)
		require.Equal(t, want, got)
	}
	code, _, errs := recog("ocr", photo, "--words=false")
	require.Equal(t, 0, code)
	require.Contains(t, errs, "word rule off")

	code, _, errs = recog("ocr", photo, "--model", datatest.Testdata(t, "models", "not_a_model.safetensors"))
	require.Equal(t, 1, code)
	require.Contains(t, errs, "not_a_model.safetensors: not a model")
	code, _, errs = recog("ocr", photo, "--model", datatest.Testdata(t, "models", "truncated.safetensors"))
	require.Equal(t, 1, code)
	require.Contains(t, errs, "truncated.safetensors: not a model file, or a truncated one: its first 8 bytes give a header of 432 bytes, and only 258 follow")
}

var overallRe = regexp.MustCompile(`-- overall CER ([0-9.]+) \((\d+) edits / (\d+) characters, 4 photos\)`)

// photoSections splits the stdout of `recog ocr` on several photos into
// each photo's text (the lines after "== PHOTO ==" up to the first "-- "
// score line), keyed by the photo's base name.
func photoSections(stdout string) map[string]string {
	out := map[string]string{}
	var name string
	var lines []string
	flush := func() {
		if name != "" {
			out[name] = strings.Join(lines, "\n") + "\n"
		}
	}
	for _, l := range strings.Split(stdout, "\n") {
		switch {
		case strings.HasPrefix(l, "== ") && strings.HasSuffix(l, " =="):
			flush()
			name, lines = ocr.Photo{Path: strings.TrimSuffix(strings.TrimPrefix(l, "== "), " ==")}.Name(), nil
		case strings.HasPrefix(l, "-- ") || l == "":
		default:
			lines = append(lines, l)
		}
	}
	flush()
	return out
}

// readPhotos runs `recog ocr --truth DIR` on the four sample photos with
// extra flags and returns stdout, stderr and the overall CER.
func readPhotos(t *testing.T, dir string, extra ...string) (string, string, float64) {
	t.Helper()
	args := append([]string{"ocr", "--truth", dir}, extra...)
	for _, n := range []string{"01_list", "02_letters", "03_haiku", "04_deep"} {
		args = append(args, filepath.Join(dir, n+".jpg"))
	}
	code, stdout, errs := recog(args...)
	require.Equal(t, 0, code, errs)
	t.Log(stdout)
	require.Equal(t, 4, strings.Count(stdout, "boxes recall 1.000, precision 1.000"))
	m := overallRe.FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	cer, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	require.Equal(t, "296", m[3])
	return stdout, errs, cer
}

// TestOCRPhotos reads the four sample photos: by default (the embedded
// EMNIST CNN, the word rule and lexicon decoding) every character is boxed
// once (box recall and precision 1 on each), the overall CER is at most
// 0.02 (issue #17's target; measured 0.003), the texts are the goldens
// golden/cmd_ocr/NN_name.txt, and one overlay per photo is written; without
// the lexicon the CER stays at most 0.03 (0.014); the embedded Q3 network
// without the word rule (Q4's own method) stays at most 0.15 (0.125), the
// texts of golden/q4_ocr.
func TestOCRPhotos(t *testing.T) {
	dir := datatest.Dir(t, "images")
	out := t.TempDir()
	stdout, errs, cer := readPhotos(t, dir, "--boxes", filepath.Join(out, "ov.png"), "--boxes-max", "600")
	require.Contains(t, errs, "embedded EMNIST CNN")
	require.Contains(t, errs, "lexicon on, margin 8")
	require.LessOrEqual(t, cer, 0.02)
	texts := photoSections(stdout)
	g := datatest.Golden(t, "cmd_ocr")
	for _, n := range []string{"01_list", "02_letters", "03_haiku", "04_deep"} {
		g.Assert(t, n+".txt", []byte(texts[n]))
		img, err := imaging.Open(filepath.Join(out, "ov_"+n+".png"))
		require.NoError(t, err)
		require.Equal(t, 600, max(img.Bounds().Dx(), img.Bounds().Dy()))
	}

	_, errs, cer = readPhotos(t, dir, "--lexicon=false")
	require.Contains(t, errs, "word rule on; lexicon off")
	require.LessOrEqual(t, cer, 0.03)

	stdout, _, cer = readPhotos(t, dir, "--model", "q3", "--words=false")
	require.LessOrEqual(t, cer, 0.15)
	for n, text := range photoSections(stdout) {
		want, err := os.ReadFile(datatest.GoldenPath(t, "q4_ocr", n+".txt"))
		require.NoError(t, err)
		require.Equal(t, strings.TrimSpace(string(want)), strings.TrimSpace(text), n)
	}
}

// TestMain lets BenchmarkOCRPeakRSS40MP run `recog` in child processes:
// this test binary behaves as the command with RECOG_MAIN=1, and writes the
// 40-megapixel JPEG with RECOG_MAKE_BIG=SRC,DST.
func TestMain(m *testing.M) {
	if os.Getenv("RECOG_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if s := os.Getenv("RECOG_MAKE_BIG"); s != "" {
		src, dst, _ := strings.Cut(s, ",")
		if err := makeBig(src, dst); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// makeBig writes src enlarged to 7338 x 5504 (40.4 megapixels) to dst as a
// JPEG of quality 90.
func makeBig(src, dst string) error {
	img, err := ocr.Load(src)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, imaging.Resize(img, 7338, 5504, imaging.Linear), &jpeg.Options{Quality: 90}); err != nil {
		return err
	}
	return os.WriteFile(dst, b.Bytes(), 0o644)
}

// child runs this test binary with env added and args; it returns stdout and
// the child's peak resident set size in kilobytes (getrusage ru_maxrss).
func child(env string, args ...string) (string, int64, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), env)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", 0, fmt.Errorf("%v %v: %v\n%s", env, args, err, errb.String())
	}
	return out.String(), cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, nil
}

// BenchmarkOCRPeakRSS40MP makes a 40-megapixel JPEG (04_deep.jpg enlarged
// 1.82x to 7338 x 5504, in a child process) and runs `recog ocr` on it in
// another child process, reporting that child's peak resident set size as
// peak-RSS-MB. (Both are children because a child started while this
// process holds a large image would be charged this process's pages until
// it execs.) With RECOG_BIG_JPEG=PATH the JPEG is written to PATH and kept,
// for `/usr/bin/time -v recog ocr PATH`.
func BenchmarkOCRPeakRSS40MP(b *testing.B) {
	src := filepath.Join(datatest.Dir(b, "images"), "04_deep.jpg")
	path := os.Getenv("RECOG_BIG_JPEG")
	if path == "" {
		path = filepath.Join(b.TempDir(), "big.jpg")
	}
	if _, _, err := child("RECOG_MAKE_BIG="+src+","+path, "-test.run=^$"); err != nil {
		b.Fatal(err)
	}
	var peak int64
	for b.Loop() {
		out, rss, err := child("RECOG_MAIN=1", "ocr", path)
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(out, "DEEP") {
			b.Fatalf("recog ocr %s: unexpected text %q", path, out)
		}
		peak = max(peak, rss) // kilobytes on Linux
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
}

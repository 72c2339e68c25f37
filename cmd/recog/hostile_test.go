package main

// The rows of issue #14 (hostile input) that reach the command line, each
// with its error or its documented behaviour: flags, photos, transcripts
// and model files. The crafted inputs are made here (the bombs) or read
// from testdata/ (small crafted files made by the tests of their readers).

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
	autodiff "recog/q7_autodiff"
)

// TestHostileFlags: every flag is checked before any data is loaded or any
// folder created. Each row exits with status 2 and a message naming the
// flag, the value and what is wanted; --data points to a folder that does
// not exist (loading it would be status 1) and --out to a folder that must
// not appear.
func TestHostileFlags(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "file", []byte("x"))
	photo := writeFile(t, dir, "p.png", encodePNG(t, page(false)))
	none, out := filepath.Join(dir, "no-data"), filepath.Join(dir, "out")
	pngDir := filepath.Join(dir, "o.png")
	require.NoError(t, os.Mkdir(pngDir, 0o755))
	q := func(args ...string) []string { return append(args, "--data", none, "--out", out) }
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{q("q3", "--hidden", "2000000000"), "--hidden 2000000000: want a whole number from 1 to 4096"},
		{q("q3", "--batch", "99999999"), "--batch 99999999: want a whole number from 1 to 16384"},
		{q("q3", "--lr", "1e308"), "--lr 1e+308: want a number above 0 and at most 10"},
		{q("q3", "--lr", "inf"), "--lr +Inf: want a number above 0"},
		{q("q3", "--lr", "NaN"), "--lr NaN: want a number above 0"},
		{q("q3", "--lr", "0"), "--lr 0: want a number above 0"},
		{q("q3", "--epochs", "0"), "--epochs 0: want a whole number from 1 to 10000"},
		{q("q3", "--epochs", "1000000000000"), "--epochs 1000000000000: want a whole number from 1 to 10000"},
		{q("q3", "--epochs", "1e9999"), `invalid value "1e9999" for flag -epochs`},
		{q("q3", "--seed", "-1"), `invalid value "-1" for flag -seed`},
		{q("q3", "--classes", "A,B"), `--classes: "A,B": want three classes`},
		{q("q3", "--save", filepath.Join(dir, "m.png")), "--save \"" + filepath.Join(dir, "m.png") + "\": want a .safetensors file name"},
		{q("q3", "--save", filepath.Join(file, "m.safetensors")), file + " is a file, not a folder; choose a file in a writable folder"},
		{q("q3", "sweep", "--save", filepath.Join(dir, "m.safetensors")), "--save: recog q3 sweep trains three networks and saves none"},
		{[]string{"q3", "--data", none, "--out", file}, "--out " + file + ": is a file, not a folder; choose another folder with --out DIR"},
		{[]string{"q3", "--data", none, "--out", "/proc/recog-out"}, "--out /proc/recog-out: cannot write in /proc"},
		{q("q5", "--epochs", "0"), "--epochs 0: want a whole number from 1 to 10000"},
		{q("q5", "--lr", "inf"), "--lr +Inf: want a number above 0 and at most 10"},
		{q("q5", "--batch", "0"), "--batch 0: want a whole number from 1 to 16384"},
		{q("q5", "--mode", "fast"), `--mode: `},
		{[]string{"q5", "--data", none, "--out", file}, "--out " + file + ": is a file"},
		{q("q6", "--k", "0"), "--k 0: want a whole number from 1 to 1024"},
		{q("q6", "--k", "2000"), "--k 2000: want a whole number from 1 to 1024"},
		{[]string{"q6", "--data", none, "--out", file}, "--out " + file + ": is a file"},
		{q("q7", "mnist", "--epochs", "0"), "--epochs 0: want a whole number from 1 to 10000"},
		{q("q7", "mnist", "--epochs", "99999"), "--epochs 99999: want a whole number from 1 to 10000"},
		{q("q7", "mnist", "--limit", "-1"), "--limit -1: want a whole number from 0 to 1000000"},
		{q("q7", "flowers", "--per-class", "-1"), "--per-class -1: want a whole number from 0 to 1000000"},
		{q("q7", "flowers", "--scratch-epochs", "0"), "--scratch-epochs 0: want a whole number from 1 to 10000"},
		{q("q7", "ocr"), "--model FILE is required"},
		{q("q7", "ocr", "--model", file, "--q3-model="), "--q3-model is empty"},
		{[]string{"q7", "nosuch"}, `unknown task "nosuch"`},
		{[]string{"bench", "--threads", "-3"}, "--threads -3: want a whole number from 0 to 1024"},
		{[]string{"bench", "--repeat", "2000000000"}, "--repeat 2000000000: want a whole number from 1 to 1000"},
		{[]string{"bench", "--repeat", "0"}, "--repeat 0: want a whole number from 1 to 1000"},
		{[]string{"ocr", photo, "--model="}, "--model is empty: give a model FILE or q3"},
		{[]string{"ocr", photo, "--boxes-max", "-1"}, "--boxes-max -1: want a whole number from 0 to 32768"},
		{[]string{"ocr", photo, "--boxes-max", "40000"}, "--boxes-max 40000: want"},
		{[]string{"ocr", photo, "--boxes", filepath.Join(file, "o.png")}, "--boxes " + filepath.Join(file, "o.png") + ": " + file + " is a file, not a folder"},
		{[]string{"ocr", photo, "--boxes", pngDir}, "--boxes " + pngDir + ": is a folder; give a file name such as " + filepath.Join(pngDir, "out.png")},
		{[]string{"ocr", photo, "--boxes="}, "--boxes is empty"},
		{[]string{"data", "--dir", file}, "--dir " + file + ": is a file, not a folder"},
		{[]string{"all", "--out", file}, "--out " + file + ": is a file"},
		{[]string{"all", "--out", out, "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"frobnicate"}, `recog: unknown command "frobnicate"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, errs := recog(tc.args...)
			require.Equal(t, 2, code, "stdout %s\nstderr %s", stdout, errs)
			require.Contains(t, errs, tc.err)
			_, err := os.Stat(out)
			require.True(t, os.IsNotExist(err), "--out was created")
		})
	}
}

// TestHelpEverywhere: -h works on every command and task, exits 0 and
// prints the usage; `recog help` states the exit statuses and the rule for
// 0 in numeric flags.
func TestHelpEverywhere(t *testing.T) {
	for name := range commands {
		code, _, errs := recog(name, "-h")
		require.Equal(t, 0, code, name)
		require.Contains(t, errs, "usage: recog ", name)
	}
	for name := range q7Runners {
		code, _, errs := recog("q7", name, "-h")
		require.Equal(t, 0, code, name)
		require.Contains(t, errs, "usage: recog q7", name)
		require.Contains(t, errs, "-out DIR", name)
	}
	code, stdout, _ := recog("help")
	require.Equal(t, 0, code)
	for _, s := range []string{"Exit status: 0 when the command did what it was asked; 1 when it failed", "2 on a\nusage mistake",
		"0 is outside it unless the help says what 0\nmeans", "at most 50 megapixels and 32768 pixels a\nside", "at most 128 MiB"} {
		require.Contains(t, stdout, s)
	}
	code, stdout, _ = recog("help", "ocr")
	require.Equal(t, 0, code)
	for _, s := range []string{"PNG or JPEG files (GIF, BMP, TIFF, WebP, HEIC... are refused", "at most 50 megapixels and 32768\npixels a side",
		"transparency\nis composited on white", "EXIF orientation", `"no letters found on PHOTO"`, "exits with status 1\n(\"N of M photos failed\")",
		"(0: the photo's own size); 0 to 32768"} {
		require.Contains(t, stdout, s)
	}
}

// pngBomb returns a valid PNG signature and IHDR chunk claiming w x h RGB
// pixels, and nothing else: a few dozen bytes that would ask a decoder for
// w·h·4 bytes.
func pngBomb(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.WriteString("IHDR")
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	return b.Bytes()
}

// faint returns page(false) drawn in ink of opacity alpha on a transparent
// page (a semi-transparent PNG layer).
func faint(alpha uint8) image.Image {
	src := page(false)
	img := image.NewNRGBA(src.Bounds())
	for y := range src.Bounds().Dy() {
		for x := range src.Bounds().Dx() {
			if c := src.RGBAAt(x, y); c.R < 100 {
				img.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, alpha})
			}
		}
	}
	return img
}

func uniform(w, h int, v uint8) image.Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.Gray{v}), image.Point{}, draw.Src)
	return img
}

// TestHostilePhotos: `recog ocr` on photos a hostile but fair user would
// try. Each row gives the exit status and what stdout or stderr must hold.
func TestHostilePhotos(t *testing.T) {
	dir := t.TempDir()
	w := func(name string, b []byte) string { return writeFile(t, dir, name, b) }
	good := w("good.png", encodePNG(t, page(false)))
	var g bytes.Buffer
	require.NoError(t, gif.Encode(&g, page(false), nil))
	sub := filepath.Join(dir, "folder.png")
	require.NoError(t, os.Mkdir(sub, 0o755))
	for _, tc := range []struct {
		name   string
		photos []string
		code   int
		stdout string
		stderr string
	}{
		{"white page", []string{w("white.png", encodePNG(t, uniform(400, 300, 255)))}, 1, "", "no letters found on " + filepath.Join(dir, "white.png") + " (a blank page"},
		{"black page", []string{w("black.png", encodePNG(t, uniform(400, 300, 0)))}, 1, "", "no letters found on " + filepath.Join(dir, "black.png")},
		{"grey page", []string{w("grey.jpg", encodeJPEG(t, uniform(400, 300, 128)))}, 1, "", "no letters found on " + filepath.Join(dir, "grey.jpg")},
		{"1x1", []string{w("dot.png", encodePNG(t, uniform(1, 1, 0)))}, 1, "", "no letters found on " + filepath.Join(dir, "dot.png")},
		{"3x3000", []string{w("strip.png", encodePNG(t, uniform(3, 3000, 255)))}, 1, "", "no letters found on " + filepath.Join(dir, "strip.png")},
		{"1x5000", []string{w("line.png", encodePNG(t, uniform(1, 5000, 0)))}, 1, "",
			"no letters found on " + filepath.Join(dir, "line.png") + ": the image is 1 x 5000 pixels, too thin to hold letters"},
		{"semi-transparent, 25% opaque ink", []string{w("faint.png", encodePNG(t, faint(64)))}, 0, "LTH\n", "word rule on; lexicon on, margin 8\n"},
		{"semi-transparent, 8% opaque ink", []string{w("fainter.png", encodePNG(t, faint(20)))}, 0, "LTH\n", "word rule on; lexicon on, margin 8\n"},
		{"invisible ink, 4% opaque", []string{w("ghost.png", encodePNG(t, faint(10)))}, 1, "", "no letters found on " + filepath.Join(dir, "ghost.png")},
		{"image bomb", []string{w("bomb.png", pngBomb(300000, 300000))}, 1, "", "bomb.png: image too large"},
		{"20000 x 20000", []string{w("big.png", pngBomb(20000, 20000))}, 1, "", "big.png: image too large"},
		{"GIF", []string{w("anim.gif", g.Bytes())}, 1, "", "anim.gif: not a PNG or JPEG image: the file holds a GIF image; convert it to PNG or JPEG"},
		{"zero bytes", []string{w("zero.jpg", nil)}, 1, "", "zero.jpg: empty file"},
		{"a folder", []string{sub}, 1, "", sub + ": is a directory, not a photo"},
		{"/dev/zero", []string{"/dev/zero"}, 1, "", "/dev/zero: not a PNG or JPEG image: the file holds unknown content"},
		{"missing", []string{filepath.Join(dir, "none.jpg")}, 1, "", "none.jpg: no such file or directory"},
		{"bad photo first, the others read", []string{filepath.Join(dir, "zero.jpg"), good, sub}, 1,
			"== " + good + " ==\nLTH\n", "zero.jpg: empty file\nrecog ocr: " + sub + ": is a directory, not a photo\nrecog ocr: 2 of 3 photos failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, errs := recog(append([]string{"ocr"}, tc.photos...)...)
			require.Equal(t, tc.code, code, "stdout %s\nstderr %s", stdout, errs)
			require.Contains(t, stdout, tc.stdout)
			require.Contains(t, errs, tc.stderr)
			require.NotContains(t, errs, "ocr: ocr: ", "one prefix")
			if tc.code == 1 {
				require.Contains(t, errs, "photos failed (the reasons are above)")
			}
		})
	}
}

// TestHostileTruth: --truth must be UTF-8 text with a letter or digit; every
// transcript is checked before any photo is read (status 1 naming the flag
// and the file), a transcript file for several photos is a usage mistake.
func TestHostileTruth(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.png", encodePNG(t, page(false)))
	jpg := writeFile(t, dir, "photo.jpg", encodeJPEG(t, page(false)))
	for _, tc := range []struct {
		name  string
		truth []byte
		err   string
	}{
		{"empty", nil, "not a transcript: the file is empty"},
		{"a JPEG", encodeJPEG(t, page(false)), "not a transcript: the file holds a JPEG image"},
		{"binary", []byte{0, 1, 2, 3, 'A'}, "not a transcript: the file holds binary data, not UTF-8 text"},
		{"Latin-1", []byte("CAF\xc9 AU LAIT\n"), "not a transcript: the file holds binary data, not UTF-8 text"},
		{"no letter", []byte("... --- ...\n"), "not a transcript: the file has no letter or digit"},
		{"too large", bytes.Repeat([]byte("A"), 1<<20+1), "not a transcript: the file is larger than 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := writeFile(t, dir, "t.txt", tc.truth)
			code, stdout, errs := recog("ocr", good, "--truth", tr)
			require.Equal(t, 1, code, errs)
			require.Contains(t, errs, "recog ocr: --truth: "+tr+": "+tc.err)
			require.Empty(t, stdout)
		})
	}
	code, _, errs := recog("ocr", good, jpg, "--truth", jpg)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "one transcript file for several photos: give a folder of <photo>.txt transcripts")
	code, _, errs = recog("ocr", good, jpg, "--truth", dir)
	require.Equal(t, 1, code)
	require.Contains(t, errs, "recog ocr: --truth: open "+filepath.Join(dir, "good.txt"))
	code, _, errs = recog("ocr", good, "--truth", filepath.Join(dir, "none.txt"))
	require.Equal(t, 1, code)
	require.Contains(t, errs, "recog ocr: --truth: stat "+filepath.Join(dir, "none.txt")+": no such file")
}

// craft returns the model file src with its header changed by edit (the
// header as JSON: tensors by name, "__metadata__") and its data by data
// (both may be nil): the crafted model files of TestHostileModels.
func craft(t *testing.T, src []byte, edit func(h map[string]any), data func(d []byte) []byte) []byte {
	n := binary.LittleEndian.Uint64(src)
	var h map[string]any
	require.NoError(t, json.Unmarshal(src[8:8+n], &h))
	d := bytes.Clone(src[8+n:])
	if edit != nil {
		edit(h)
	}
	if data != nil {
		d = data(d)
	}
	hb, err := json.Marshal(h)
	require.NoError(t, err)
	hb = append(hb, bytes.Repeat([]byte(" "), (8-len(hb)%8)%8)...)
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(hb)))
	return append(append(out, hb...), d...)
}

// meta sets the metadata key k of a crafted header.
func meta(k, v string) func(h map[string]any) {
	return func(h map[string]any) { h["__metadata__"].(map[string]any)[k] = v }
}

// TestHostileModels: --model files that are broken or crafted fail with
// status 1 and a message naming the file and what is wrong, before any
// network is built from them.
func TestHostileModels(t *testing.T) {
	dir := t.TempDir()
	photo := writeFile(t, dir, "p.png", encodePNG(t, page(false)))
	cnn, err := os.ReadFile(filepath.Join("..", "..", "q7_autodiff", "model", autodiff.DefaultOCRModelFile))
	require.NoError(t, err)
	offset := func(name string) func(d []byte) []byte { // poison the first value of tensor name
		return func(d []byte) []byte {
			var h map[string]any
			n := binary.LittleEndian.Uint64(cnn)
			require.NoError(t, json.Unmarshal(cnn[8:8+n], &h))
			o := int(h[name].(map[string]any)["data_offsets"].([]any)[0].(float64))
			binary.LittleEndian.PutUint32(d[o:], math.Float32bits(float32(math.NaN())))
			return d
		}
	}
	models := datatest.Testdata(t, "models")
	for _, tc := range []struct {
		name string
		file []byte // crafted here, or
		path string // a file of testdata/models or the system
		err  string
	}{
		{name: "side 1500", file: craft(t, cnn, meta("input", "[1,1500,1500]"), nil), err: "takes inputs of shape [1 1500 1500], want an EMNIST model of [1 28 28]"},
		{name: "side 100000", file: craft(t, cnn, meta("input", "[1,100000,100000]"), nil), err: "takes inputs of shape [1 100000 100000]"},
		{name: "side 2^31", file: craft(t, cnn, meta("input", "[1,2147483648,2147483648]"), nil), err: "takes inputs of shape [1 2147483648 2147483648]"},
		{name: "side overflowing", file: craft(t, cnn, meta("input", "[1,3037000500,3037000500]"), nil), err: "takes inputs of shape [1 3037000500 3037000500]"},
		{name: "negative side", file: craft(t, cnn, meta("input", "[1,-28,-28]"), nil), err: "takes inputs of shape [1 -28 -28]"},
		{name: "input not a list", file: craft(t, cnn, meta("input", "28x28"), nil), err: `metadata "input" is "28x28": want a JSON list of integers`},
		{name: "no classes", file: craft(t, cnn, meta("classes", "[]"), nil), err: `metadata "classes" is missing or empty`},
		{name: "another architecture", file: craft(t, cnn, func(h map[string]any) { h["4.weight"].(map[string]any)["shape"] = []int{64, 288} }, nil),
			err: `tensor "0.weight" has shape [16 1 3 3], want [32 1 3 3] (architecture emnist-ocr-cnn)`},
		{name: "NaN weight", file: craft(t, cnn, nil, offset("7.weight")), err: `tensor "7.weight" holds NaN at index 0: the weights are broken`},
		{name: "F64 dtype", file: craft(t, cnn, func(h map[string]any) { h["0.weight"].(map[string]any)["dtype"] = "F64" }, nil),
			err: `tensor "0.weight" has dtype F64: recog's model files hold F32 (float32) tensors only`},
		{name: "data cut", file: cnn[:len(cnn)-100], err: "bytes follow the header: the file is truncated"},
		{name: "header cut", file: cnn[:100], err: "not a model file, or a truncated one: its first 8 bytes give a header of 1056 bytes, and only 92 follow"},
		{name: "extra bytes", file: append(bytes.Clone(cnn), 1, 2, 3, 4), err: "4 bytes after the last tensor's data belong to no tensor"},
		{name: "q2 NaN", path: filepath.Join(models, "q3_v1_nan.safetensors"), err: `q3_v1_nan.safetensors: tensor "output.W" holds NaN at index 4`},
		{name: "q2 Inf", path: filepath.Join(models, "q3_v1_inf.safetensors"), err: `tensor "output.W" holds +Inf at index 4`},
		{name: "q2 F64", path: filepath.Join(models, "q3_v1_f64.safetensors"), err: `tensor "layer1.W" has dtype F64`},
		{name: "q2 cut", path: filepath.Join(models, "q3_v1_cut.safetensors"), err: "the file is truncated"},
		{name: "q2 input", path: filepath.Join(models, "q3_v1_input.safetensors"), err: `metadata "input" is [100000000] but the first layer takes 4 inputs`},
		{name: "q2 too small for photos", path: filepath.Join(models, "q3_v1.safetensors"), err: "model takes 4 inputs, want 1024 (32x32 crops)"},
		{name: "/dev/zero", path: "/dev/zero", err: "/dev/zero: is a device or socket, not a model file"},
		{name: "a folder", path: dir, err: dir + ": is a folder, not a model file"},
		{name: "a photo", path: photo, err: "p.png: not a model file, or a truncated one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = writeFile(t, dir, "m.safetensors", tc.file)
			}
			code, stdout, errs := recog("ocr", photo, "--model", path)
			require.Equal(t, 1, code, "stdout %s\nstderr %s", stdout, errs)
			require.Contains(t, errs, "recog ocr: --model: "+path)
			require.Contains(t, errs, tc.err)
			require.Empty(t, stdout)
		})
	}
}

// TestHostileQ7OCR: `recog q7 ocr` goes on past a photo it cannot load (or
// whose transcript is missing) and one on which no letter is found, prints
// the table of the others and exits with status 1 naming each.
func TestHostileQ7OCR(t *testing.T) {
	dir := t.TempDir()
	cnn, err := os.ReadFile(filepath.Join("..", "..", "q7_autodiff", "model", autodiff.DefaultOCRModelFile))
	require.NoError(t, err)
	model := writeFile(t, dir, "cnn.safetensors", cnn)
	good := writeFile(t, dir, "good.png", encodePNG(t, page(false)))
	writeFile(t, dir, "good.txt", []byte("LTH\n"))
	blank := writeFile(t, dir, "blank.png", encodePNG(t, uniform(300, 200, 255)))
	writeFile(t, dir, "blank.txt", []byte("X\n"))
	lone := writeFile(t, dir, "lone.png", encodePNG(t, page(false)))
	out := filepath.Join(dir, "out")
	code, stdout, errs := recog("q7", "ocr", "--model", model, "--out", out, good, blank, lone)
	require.Equal(t, 1, code, "stdout %s\nstderr %s", stdout, errs)
	require.Contains(t, errs, "recog q7 ocr: transcript of "+lone+": open "+filepath.Join(dir, "lone.txt"))
	require.Contains(t, errs, "recog q7 ocr: no letters found on "+blank)
	require.Contains(t, errs, "recog q7: 2 of 3 photos failed")
	require.Regexp(t, `(?m)^good +3 `, stdout)
	require.Contains(t, stdout, "--- good (emnist_words)\nLTH\n")
	_, err = os.Stat(filepath.Join(out, "metrics.json"))
	require.NoError(t, err)

	code, _, errs = recog("q7", "ocr", "--model", filepath.Join("..", "..", "q3_train", "model", "nist36_mlp.safetensors"), "--out", out, good)
	require.Equal(t, 1, code)
	require.Contains(t, errs, "a Q3 network, want an EMNIST CNN (give the Q3 network with --q3-model)")
}

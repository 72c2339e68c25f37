package data_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/datatest"
)

// idxBytes encodes an unsigned-byte IDX file: magic 00 00 08 <len(dims)>,
// big-endian dims, data.
func idxBytes(dims []int, payload []byte) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, payload...)
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestReadIDXRoundTrip(t *testing.T) {
	pix := make([]byte, 2*3*4)
	for i := range pix {
		pix[i] = byte(11 * i)
	}
	cases := []struct {
		name string
		want data.IDX
	}{
		{"images 2x3x4", data.IDX{Dims: []int{2, 3, 4}, Data: pix}},
		{"labels", data.IDX{Dims: []int{5}, Data: []byte{0, 9, 3, 46, 255}}},
		{"no items", data.IDX{Dims: []int{0, 28, 28}, Data: []byte{}}},
		{"4-D", data.IDX{Dims: []int{1, 2, 3, 4}, Data: pix}},
	}
	for _, c := range cases {
		raw := idxBytes(c.want.Dims, c.want.Data)
		for enc, b := range map[string][]byte{"raw": raw, "gzip": gzipBytes(raw)} {
			t.Run(c.name+"/"+enc, func(t *testing.T) {
				got, err := data.ReadIDX(bytes.NewReader(b), "x.idx")
				require.NoError(t, err)
				require.Empty(t, cmp.Diff(&c.want, got))
			})
		}
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.gz")
	require.NoError(t, os.WriteFile(path, gzipBytes(idxBytes([]int{3}, []byte{1, 2, 3})), 0o644))
	got, err := data.ReadIDXFile(path)
	require.NoError(t, err)
	require.Equal(t, []byte{1, 2, 3}, got.Data)
	_, err = data.ReadIDXFile(filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestReadIDXErrors(t *testing.T) {
	good := idxBytes([]int{2, 2, 3}, make([]byte, 12))
	badSum := gzipBytes(good)
	badSum[len(badSum)-6] ^= 0xff // in the CRC-32
	corrupt := gzipBytes(good)
	corrupt[12] ^= 0xff // in the deflate data
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "x.idx: reading the IDX magic number: file ends early"},
		{"short magic", []byte{0, 0, 8}, "x.idx: reading the IDX magic number: file ends early"},
		{"not IDX", []byte("PK\x03\x04 a zip file"), "x.idx: not an IDX file: magic number 50 4b 03 04, want 00 00 08 <dims>"},
		{"float data", []byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "x.idx: IDX data type 0x0d is not supported, want 0x08 (unsigned byte)"},
		{"no dimensions", []byte{0, 0, 8, 0}, "x.idx: IDX magic number 00 00 08 00 gives 0 dimensions, want 1 to 8"},
		{"too many dimensions", []byte{0, 0, 8, 9}, "gives 9 dimensions, want 1 to 8"},
		{"dims cut", good[:10], "x.idx: reading 3 IDX dimensions: file ends early"},
		{"short data", good[:len(good)-5], "x.idx: IDX data 2x2x3: want 12 bytes, found 7: file ends early"},
		{"short gzip data", gzipBytes(good[:len(good)-5]), "x.idx: IDX data 2x2x3: want 12 bytes, found 7: file ends early"},
		{"trailing data", append(bytes.Clone(good), 1, 2, 3), "x.idx: 3 bytes of trailing data after the 12 bytes of IDX data 2x2x3"},
		{"trailing gzip data", gzipBytes(append(bytes.Clone(good), 7)), "x.idx: 1 bytes of trailing data after the 12 bytes of IDX data 2x2x3"},
		{"huge dimensions", idxBytes([]int{1 << 20, 1 << 20, 28}, nil), "x.idx: IDX dimensions 1048576x1048576x28 hold more than 4294967296 bytes"},
		{"huge claim, few bytes", idxBytes([]int{60000, 28, 28}, make([]byte, 100)), "x.idx: IDX data 60000x28x28: want 47040000 bytes, found 100: file ends early"},
		{"gzip header cut", gzipBytes(good)[:5], "x.idx: gzip: unexpected EOF"},
		{"gzip cut", gzipBytes(good)[:20], "x.idx: reading 3 IDX dimensions: file ends early"},
		{"gzip bad checksum", badSum, "x.idx: unreadable data after the 12 bytes of IDX data: gzip: invalid checksum"},
		{"gzip corrupt", corrupt, "x.idx: reading the IDX magic number: flate: corrupt input"},
		{"gzip then a few bytes", append(gzipBytes(good), 'x', 'y'), "x.idx: unreadable data after the 12 bytes of IDX data: unexpected EOF"},
		{"gzip then garbage", append(gzipBytes(good), []byte("0123456789abcdef")...), "x.idx: unreadable data after the 12 bytes of IDX data: gzip: invalid header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := data.ReadIDX(bytes.NewReader(c.in), "x.idx")
			require.ErrorContains(t, err, c.want)
			require.Nil(t, got)
		})
	}
}

// writeIDXPair writes an images and a labels IDX file (gzipped) and returns
// their paths.
func writeIDXPair(t *testing.T, imgDims []int, pix []byte, labDims []int, labels []byte) (string, string) {
	t.Helper()
	dir := t.TempDir()
	ip, lp := filepath.Join(dir, "images-idx3-ubyte.gz"), filepath.Join(dir, "labels-idx1-ubyte.gz")
	require.NoError(t, os.WriteFile(ip, gzipBytes(idxBytes(imgDims, pix)), 0o644))
	require.NoError(t, os.WriteFile(lp, gzipBytes(idxBytes(labDims, labels)), 0o644))
	return ip, lp
}

func TestLoadIDXDataset(t *testing.T) {
	pix := []byte{0, 255, 51, 102, 0, 0, 0, 255}
	ip, lp := writeIDXPair(t, []int{2, 2, 2}, pix, []int{2}, []byte{3, 9})
	d, err := data.LoadIDXDataset(ip, lp, data.MNISTClasses)
	require.NoError(t, err)
	require.Equal(t, []float64{0, 1, 0.2, 0.4, 0, 0, 0, 1}, d.X.RawMatrix().Data) // file order, pixel/255
	r, c := d.X.Dims()
	require.Equal(t, []int{2, 4}, []int{r, c})
	require.Equal(t, []int{3, 9}, d.Labels())
	require.Equal(t, data.MNISTClasses, d.Classes)
	require.Equal(t, 1.0, d.Y.At(1, 9))

	cases := []struct {
		name             string
		imgDims, labDims []int
		pix, labels      []byte
		classes          []string
		want             string
	}{
		{"label out of range", []int{2, 2, 2}, []int{2}, pix, []byte{3, 10}, data.MNISTClasses, "labels-idx1-ubyte.gz: label 10 of item 1 is outside [0, 10)"},
		{"count mismatch", []int{2, 2, 2}, []int{3}, pix, []byte{1, 2, 3}, data.MNISTClasses, "images-idx3-ubyte.gz has 2 images but"},
		{"labels not 1-D", []int{2, 2, 2}, []int{2, 1}, pix, []byte{1, 2}, data.MNISTClasses, "labels-idx1-ubyte.gz: IDX dimensions [2 1], want N labels (1-D)"},
		{"images 1-D", []int{8}, []int{8}, pix, make([]byte, 8), data.MNISTClasses, "images-idx3-ubyte.gz: IDX dimensions [8], want N x rows x cols images"},
		{"no images", []int{0, 2, 2}, []int{0}, nil, nil, data.MNISTClasses, "images-idx3-ubyte.gz: no images (dimensions [0 2 2])"},
		{"no classes", []int{2, 2, 2}, []int{2}, pix, []byte{0, 0}, nil, "labels-idx1-ubyte.gz: no class names given"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ip, lp := writeIDXPair(t, c.imgDims, c.pix, c.labDims, c.labels)
			d, err := data.LoadIDXDataset(ip, lp, c.classes)
			require.ErrorContains(t, err, c.want)
			require.Nil(t, d)
		})
	}
	// A broken file reports the reader's error.
	ip, lp = writeIDXPair(t, []int{2, 2, 2}, pix[:5], []int{2}, []byte{0, 0})
	_, err = data.LoadIDXDataset(ip, lp, data.MNISTClasses)
	require.ErrorContains(t, err, "images-idx3-ubyte.gz: IDX data 2x2x2: want 8 bytes, found 5")
}

func TestReadEMNISTMapping(t *testing.T) {
	write := func(s string) string {
		p := filepath.Join(t.TempDir(), "mapping.txt")
		require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
		return p
	}
	got, err := data.ReadEMNISTMapping(write("0 48\r\n1 49\r\n2 65\r\n3 97\r\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"0", "1", "A", "a"}, got)
	got, err = data.ReadEMNISTMapping(write("1 66\n0 65")) // any order, LF, no final newline
	require.NoError(t, err)
	require.Equal(t, []string{"A", "B"}, got)

	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "mapping.txt: no mappings"},
		{"one field", "0 48\r\n1\r\n", `mapping.txt: line 2: "1", want "<label> <ASCII code>"`},
		{"not a number", "0 x\r\n", `mapping.txt: line 1: "0 x", want a label >= 0 and a printable ASCII code 33-126`},
		{"code out of range", "0 300\r\n", `line 1: "0 300", want a label >= 0`},
		{"negative label", "-1 65\r\n", `line 1: "-1 65", want a label >= 0`},
		{"duplicate", "0 48\r\n0 49\r\n", "mapping.txt: line 2: label 0 appears twice"},
		{"gap", "0 48\r\n2 50\r\n", "mapping.txt: label 1 is missing: 2 labels must be 0 to 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := data.ReadEMNISTMapping(write(c.in))
			require.ErrorContains(t, err, c.want)
			require.Nil(t, got)
		})
	}
	_, err = data.ReadEMNISTMapping(filepath.Join(t.TempDir(), "none.txt"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestLoadMNISTReal(t *testing.T) {
	dir := datatest.Dir(t, "mnist")
	for _, c := range []struct {
		prefix string
		n      int
	}{{"train", 60000}, {"t10k", 10000}} {
		t.Run(c.prefix, func(t *testing.T) {
			d, err := data.LoadIDXDataset(
				filepath.Join(dir, c.prefix+"-images-idx3-ubyte.gz"),
				filepath.Join(dir, c.prefix+"-labels-idx1-ubyte.gz"), data.MNISTClasses)
			require.NoError(t, err)
			n, dx := d.X.Dims()
			require.Equal(t, []int{c.n, 784}, []int{n, dx})
			checkIDXSet(t, d, 10)
			// MNIST is stored upright row by row: transpose RowToImage's
			// column-major reading. White ink (1) on black (0).
			checkUpright(t, transposed(meanImages(t, d, 28, 28)), func(v float64) float64 { return v }, mnistRules)
		})
	}
}

func TestLoadEMNISTReal(t *testing.T) {
	dir := datatest.Dir(t, "emnist")
	classes, err := data.ReadEMNISTMapping(filepath.Join(dir, "emnist-balanced-mapping.txt"))
	require.NoError(t, err)
	require.Len(t, classes, 47)
	require.Equal(t, "0", classes[0])
	require.Equal(t, "A", classes[10])
	require.Equal(t, "t", classes[46])
	for _, c := range []struct {
		split string
		n     int
	}{{"train", 20022}, {"test", 3337}} {
		t.Run(c.split, func(t *testing.T) {
			d, err := data.LoadIDXDataset(
				filepath.Join(dir, "emnist-balanced-"+c.split+"-images-idx3-ubyte.gz"),
				filepath.Join(dir, "emnist-balanced-"+c.split+"-labels-idx1-ubyte.gz"), classes)
			require.NoError(t, err)
			n, dx := d.X.Dims()
			require.Equal(t, []int{c.n, 784}, []int{n, dx})
			checkIDXSet(t, d, 47)
			// EMNIST is stored transposed: RowToImage makes it upright.
			checkUpright(t, meanImages(t, d, 28, 28), func(v float64) float64 { return v }, letterRules)
		})
	}
}

// checkIDXSet checks values in [0, 1] using both ends, and that every one
// of the c classes occurs.
func checkIDXSet(t *testing.T, d *data.Dataset, c int) {
	t.Helper()
	raw := d.X.RawMatrix().Data
	lo, hi := raw[0], raw[0]
	for _, v := range raw {
		lo, hi = min(lo, v), max(hi, v)
	}
	require.Equal(t, []float64{0, 1}, []float64{lo, hi})
	seen := make([]int, c)
	for _, l := range d.Labels() {
		seen[l]++
	}
	for k, m := range seen {
		require.Positive(t, m, "class %d", k)
	}
}

// transposed returns the transposes of the images.
func transposed(in map[string]*mat.Dense) map[string]*mat.Dense {
	out := map[string]*mat.Dense{}
	for k, m := range in {
		out[k] = mat.DenseCopyOf(m.T())
	}
	return out
}

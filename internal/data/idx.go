package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// MNISTClasses are the ten MNIST classes in label order: "0" .. "9".
var MNISTClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// IDX is the content of an IDX file: an array of unsigned bytes with
// dimensions Dims, stored row-major (the last index varies fastest), so
// len(Data) is the product of Dims.
type IDX struct {
	Dims []int
	Data []byte
}

// maxIDXBytes bounds the data of an IDX file (EMNIST's largest file, ByClass
// train images, holds 547 MB).
const maxIDXBytes = 1 << 32

// ReadIDXFile reads the IDX file at path, gzipped or not (see ReadIDX).
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	trust := 0
	if st, err := f.Stat(); err == nil {
		trust = 16 * int(min(st.Size(), 1<<32)) // a gzip of image bytes is rarely 16 times smaller
	}
	return readIDX(f, path, trust)
}

// ReadIDX reads an IDX file (the format of MNIST and EMNIST) from r; name is
// the file name used in error messages. A gzip stream (first bytes 1f 8b) is
// inflated first.
//
// Format: a 4-byte magic number 0x00 0x00 <type> <n>, where type 0x08 means
// unsigned bytes (the only type accepted) and n, from 1 to 8, is the number
// of dimensions; then n big-endian uint32 sizes; then the product of the
// sizes in bytes, row-major, and nothing after them. Images files are
// 0x00000803 (count, rows, cols), label files 0x00000801 (count).
func ReadIDX(r io.Reader, name string) (*IDX, error) {
	return readIDX(r, name, 0)
}

// readIDX is ReadIDX allocating up to trust bytes at once for the data
// (see readN).
func readIDX(r io.Reader, name string, trust int) (*IDX, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %v", name, err)
		}
		src = zr
	}
	var hdr [4]byte
	if _, err := io.ReadFull(src, hdr[:]); err != nil {
		return nil, fmt.Errorf("%s: reading the IDX magic number: %v", name, idxErr(err))
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, fmt.Errorf("%s: not an IDX file: magic number % x, want 00 00 08 <dims>", name, hdr)
	}
	if hdr[2] != 0x08 {
		return nil, fmt.Errorf("%s: IDX data type 0x%02x is not supported, want 0x08 (unsigned byte)", name, hdr[2])
	}
	nd := int(hdr[3])
	if nd < 1 || nd > 8 {
		return nil, fmt.Errorf("%s: IDX magic number % x gives %d dimensions, want 1 to 8", name, hdr, nd)
	}
	raw := make([]byte, 4*nd)
	if _, err := io.ReadFull(src, raw); err != nil {
		return nil, fmt.Errorf("%s: reading %d IDX dimensions: %v", name, nd, idxErr(err))
	}
	m := &IDX{Dims: make([]int, nd)}
	total := uint64(1)
	for i := range m.Dims {
		d := binary.BigEndian.Uint32(raw[4*i:])
		m.Dims[i] = int(d)
		total *= uint64(d) // at most 2^32 times the bound below: no overflow
		if total > maxIDXBytes {
			return nil, fmt.Errorf("%s: IDX dimensions %v hold more than %d bytes", name, dimsText(raw), uint64(maxIDXBytes))
		}
	}
	data, err := readN(src, int(total), trust)
	if err != nil {
		return nil, fmt.Errorf("%s: IDX data %s: want %d bytes, found %d: %v", name, dimsText(raw), total, len(data), idxErr(err))
	}
	var one [1]byte
	switch k, err := io.ReadFull(src, one[:]); {
	case k > 0:
		extra, _ := io.Copy(io.Discard, src)
		return nil, fmt.Errorf("%s: %d bytes of trailing data after the %d bytes of IDX data %s", name, extra+1, total, dimsText(raw))
	case err != io.EOF:
		return nil, fmt.Errorf("%s: unreadable data after the %d bytes of IDX data: %v", name, total, err)
	}
	m.Data = data
	return m, nil
}

// idxErr names a premature end of input.
func idxErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file ends early")
	}
	return err
}

// dimsText formats the big-endian uint32 dimensions in raw as "AxBxC".
func dimsText(raw []byte) string {
	s := make([]string, len(raw)/4)
	for i := range s {
		s[i] = strconv.FormatUint(uint64(binary.BigEndian.Uint32(raw[4*i:])), 10)
	}
	return strings.Join(s, "x")
}

// LoadIDXDataset reads an IDX image file (N x rows x cols, or N x D) and an
// IDX label file (N labels) into a Dataset: X is N x (rows*cols) with
// X[i, k] = pixel / 255 in [0, 1], Y is one-hot over classes, and a label
// must lie in [0, len(classes)).
//
// Pixels stay in the file's order. MNIST images are stored upright, row by
// row. EMNIST images are stored transposed (column by column), so an EMNIST
// row is the upright image flattened column-major, as NIST36 rows are, and
// RowToImage(row, 28, 28) makes it upright; LoadIDXDataset does not
// transpose them.
func LoadIDXDataset(imagesPath, labelsPath string, classes []string) (*Dataset, error) {
	img, err := ReadIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	lab, err := ReadIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(img.Dims) < 2 {
		return nil, fmt.Errorf("%s: IDX dimensions %v, want N x rows x cols images", imagesPath, img.Dims)
	}
	if len(lab.Dims) != 1 {
		return nil, fmt.Errorf("%s: IDX dimensions %v, want N labels (1-D)", labelsPath, lab.Dims)
	}
	n := img.Dims[0]
	if lab.Dims[0] != n {
		return nil, fmt.Errorf("%s has %d images but %s has %d labels", imagesPath, n, labelsPath, lab.Dims[0])
	}
	if n == 0 || len(img.Data) == 0 {
		return nil, fmt.Errorf("%s: no images (dimensions %v)", imagesPath, img.Dims)
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("%s: no class names given", labelsPath)
	}
	d := len(img.Data) / n
	labels := make([]int, n)
	for i, l := range lab.Data {
		if int(l) >= len(classes) {
			return nil, fmt.Errorf("%s: label %d of item %d is outside [0, %d)", labelsPath, l, i, len(classes))
		}
		labels[i] = int(l)
	}
	y, err := OneHot(labels, len(classes))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", labelsPath, err)
	}
	x := make([]float64, len(img.Data))
	for k, p := range img.Data {
		x[k] = float64(p) / 255
	}
	return &Dataset{X: mat.NewDense(n, d, x), Y: y, Classes: append([]string(nil), classes...)}, nil
}

// ReadEMNISTMapping reads an EMNIST mapping file such as
// emnist-balanced-mapping.txt: one line "<label> <ASCII code>" per class
// (CRLF or LF line ends), labels 0 .. n-1 each once, in any order. It
// returns the class names indexed by label, e.g. "0" .. "9", "A" .. "Z",
// "a", "b", ... for EMNIST Balanced.
func ReadEMNISTMapping(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	byLabel := map[int]string{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s: line %d: %q, want \"<label> <ASCII code>\"", path, i+1, line)
		}
		l, err1 := strconv.Atoi(f[0])
		c, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || l < 0 || c < 0x21 || c > 0x7e {
			return nil, fmt.Errorf("%s: line %d: %q, want a label >= 0 and a printable ASCII code 33-126", path, i+1, line)
		}
		if _, dup := byLabel[l]; dup {
			return nil, fmt.Errorf("%s: line %d: label %d appears twice", path, i+1, l)
		}
		byLabel[l] = string(rune(c))
	}
	if len(byLabel) == 0 {
		return nil, fmt.Errorf("%s: no mappings", path)
	}
	out := make([]string, len(byLabel))
	for l := range out {
		s, ok := byLabel[l]
		if !ok {
			return nil, fmt.Errorf("%s: label %d is missing: %d labels must be 0 to %d", path, l, len(out), len(out)-1)
		}
		out[l] = s
	}
	return out, nil
}

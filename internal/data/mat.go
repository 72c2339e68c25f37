package data

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// MATVar is one variable of a MATLAB level-5 MAT-file.
//
// Real numeric 2-D arrays are read: Data holds their Rows x Cols values in
// row-major order, element (i, j) at Data[i*Cols+j], converted to float64
// whatever type the file stores them in. (MAT-files store arrays column-major;
// ReadMAT transposes, so row i of the result is row i of the MATLAB array.)
//
// Other variables are listed but not read, Data is nil: arrays with more than
// two dimensions, complex arrays (Class "complex double" etc.), and the
// classes "char", "cell", "struct", "object", "sparse", "function" and
// "opaque". Their Name, Class and Dims are set so a caller can say what it
// found instead of what it wanted.
type MATVar struct {
	Name string
	// Class is the MATLAB class: "double", "single", "int8", "uint8", "int16",
	// "uint16", "int32", "uint32", "int64", "uint64", "logical" (a uint8 array
	// with the logical flag), or one of the unread classes above.
	Class string
	// Dims are the array dimensions as stored (at least two).
	Dims []int
	// Rows and Cols are Dims[0] and Dims[1] for 2-D arrays, else 0.
	Rows, Cols int
	// Data is row-major, Data[i*Cols+j]; nil for a variable that was not read,
	// empty but not nil for a read array with no elements.
	Data []float64
}

// Dense returns v as a Rows x Cols matrix that shares Data. It fails for a
// variable that was not read and for an empty array (gonum has no 0 x n
// matrices).
func (v MATVar) Dense() (*mat.Dense, error) {
	if v.Data == nil {
		return nil, fmt.Errorf("variable %q is a %s array, which is not read (only real numeric 2-D arrays are)", v.Name, v.Shape())
	}
	if v.Rows == 0 || v.Cols == 0 {
		return nil, fmt.Errorf("variable %q is empty (%d x %d)", v.Name, v.Rows, v.Cols)
	}
	return mat.NewDense(v.Rows, v.Cols, v.Data), nil
}

// Shape describes the array for messages: its number of dimensions and
// class, e.g. "2-D double" or "3-D single".
func (v MATVar) Shape() string {
	return fmt.Sprintf("%d-D %s", len(v.Dims), v.Class)
}

// ReadMATFile reads the variables of the MAT-file at path (see ReadMAT).
func ReadMATFile(path string) ([]MATVar, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseMAT(b, path)
}

// ReadMAT reads every variable of a MATLAB level-5 MAT-file (the format of
// MATLAB's save -v6/-v7 and of scipy.io.savemat), in file order. name is the
// file name used in error messages.
//
// The subset of MathWorks' "MAT-File Format" it implements:
//
//   - a 128-byte header: 116 bytes of text, an 8-byte subsystem offset
//     (ignored), the version 0x0100 and the endian indicator, "IM" for a
//     little-endian file and "MI" for a big-endian one; every later number is
//     in that byte order. Version 7.3 files (HDF5) are refused.
//   - data elements: an 8-byte tag (uint32 type, uint32 byte count) followed by
//     the data and zero padding to a multiple of 8 bytes, or the small format
//     for at most 4 bytes of data (uint32 whose high 16 bits are the byte count
//     and low 16 bits the type, then the data in 4 bytes).
//   - top-level elements of type miMATRIX (14), or miCOMPRESSED (15): a zlib
//     stream holding one miMATRIX element, with no padding after it.
//   - miMATRIX: array flags (miUINT32 x 2: class in the low byte, flags
//     complex 0x800, global 0x400, logical 0x200), dimensions (miINT32 x n),
//     name (miINT8), then for numeric classes the real part. The real part may
//     be stored in any numeric type (miINT8 ... miUINT64, miSINGLE, miDOUBLE),
//     for instance a double array of small integers as miUINT8, as MATLAB and
//     scipy do; values are converted to float64 (int64 and uint64 values
//     beyond 2^53 are rounded).
//
// Every length is checked against the bytes that are really there before
// anything is allocated from it; a compressed element may not claim more
// than deflate's 1032:1 ratio allows, and it is inflated in growing steps, so
// a corrupt length cannot cause a large allocation.
func ReadMAT(r io.Reader, name string) ([]MATVar, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return parseMAT(b, name)
}

// MAT-file data types (MathWorks, "MAT-File Format", table 1-1).
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
	miUTF8       = 16
	miUTF16      = 17
	miUTF32      = 18
)

var miNames = map[uint32]string{
	miINT8: "miINT8", miUINT8: "miUINT8", miINT16: "miINT16", miUINT16: "miUINT16",
	miINT32: "miINT32", miUINT32: "miUINT32", miSINGLE: "miSINGLE", miDOUBLE: "miDOUBLE",
	miINT64: "miINT64", miUINT64: "miUINT64", miMATRIX: "miMATRIX", miCOMPRESSED: "miCOMPRESSED",
	miUTF8: "miUTF8", miUTF16: "miUTF16", miUTF32: "miUTF32",
}

func miName(t uint32) string {
	if s, ok := miNames[t]; ok {
		return s
	}
	return fmt.Sprintf("unknown type %d", t)
}

// miWidth is the byte width of each numeric data type.
var miWidth = map[uint32]int{
	miINT8: 1, miUINT8: 1, miINT16: 2, miUINT16: 2, miINT32: 4, miUINT32: 4,
	miSINGLE: 4, miDOUBLE: 8, miINT64: 8, miUINT64: 8,
}

// matClasses names the MATLAB array classes (mxCELL_CLASS = 1 ...
// mxOPAQUE_CLASS = 17); classes 6 to 15 are numeric.
var matClasses = [...]string{
	1: "cell", 2: "struct", 3: "object", 4: "char", 5: "sparse",
	6: "double", 7: "single", 8: "int8", 9: "uint8", 10: "int16", 11: "uint16",
	12: "int32", 13: "uint32", 14: "int64", 15: "uint64", 16: "function", 17: "opaque",
}

const (
	flagComplex = 0x800
	flagLogical = 0x200
	// maxInflate is deflate's largest compression ratio (258-byte matches
	// coded in about 2 bits): a compressed element of n bytes cannot hold
	// more than maxInflate*n bytes.
	maxInflate = 1032
)

func parseMAT(b []byte, name string) ([]MATVar, error) {
	if len(b) < 128 {
		return nil, fmt.Errorf("%s: not a MAT-file: %d bytes, shorter than the 128-byte header", name, len(b))
	}
	var order binary.ByteOrder
	switch string(b[126:128]) {
	case "IM":
		order = binary.LittleEndian
	case "MI":
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("%s: not a level-5 MAT-file: endian indicator (bytes 126-127) is %q, want \"IM\" or \"MI\"", name, b[126:128])
	}
	switch v := order.Uint16(b[124:126]); v {
	case 0x0100:
	case 0x0200:
		return nil, fmt.Errorf("%s: MAT-file version 7.3 (HDF5) is not supported; save it with -v7", name)
	default:
		return nil, fmt.Errorf("%s: unsupported MAT-file version 0x%04x, want 0x0100 (level 5)", name, v)
	}
	p := &matParser{order: order, file: name}
	var vars []MATVar
	for off := 128; off < len(b); {
		typ, body, next, err := p.element(b, off)
		if err != nil {
			return nil, p.errorf("offset %d: %v", off, err)
		}
		var v MATVar
		switch typ {
		case miMATRIX:
			v, err = p.matrix(body)
			next = padded(b, off, next)
		case miCOMPRESSED:
			v, err = p.compressed(body)
		default:
			err = fmt.Errorf("top-level element is %s, want miMATRIX or miCOMPRESSED", miName(typ))
		}
		if err != nil {
			return nil, p.errorf("offset %d: %v", off, err)
		}
		vars = append(vars, v)
		off = next
	}
	return vars, nil
}

type matParser struct {
	order binary.ByteOrder
	file  string
}

func (p *matParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{p.file}, args...)...)
}

// element reads the data element whose tag starts at b[off]. It returns the
// type, the data and the offset just after the data, before any padding.
func (p *matParser) element(b []byte, off int) (typ uint32, data []byte, next int, err error) {
	left := len(b) - off
	if left < 8 {
		return 0, nil, 0, fmt.Errorf("truncated element tag: %d bytes left, want 8", left)
	}
	w := p.order.Uint32(b[off:])
	if n := w >> 16; n != 0 { // small data element
		if n > 4 {
			return 0, nil, 0, fmt.Errorf("small element (type %d) claims %d bytes, at most 4 fit", w&0xffff, n)
		}
		return w & 0xffff, b[off+4 : off+4+int(n)], off + 8, nil
	}
	n := p.order.Uint32(b[off+4:])
	if uint64(n) > uint64(left-8) {
		return 0, nil, 0, fmt.Errorf("element size %d exceeds the %d bytes left", n, left-8)
	}
	return w, b[off+8 : off+8+int(n)], off + 8 + int(n), nil
}

// padded returns the offset after the padding that rounds the element from
// start to next up to a multiple of 8 bytes. Padding cut off by the end of b
// is accepted.
func padded(b []byte, start, next int) int {
	return min(next+(8-(next-start)%8)%8, len(b))
}

// sub reads the next subelement of an miMATRIX body and moves *off past it
// and its padding.
func (p *matParser) sub(b []byte, off *int, what string) (uint32, []byte, error) {
	if *off >= len(b) {
		return 0, nil, fmt.Errorf("%s: missing, the array ends at byte %d", what, len(b))
	}
	typ, data, next, err := p.element(b, *off)
	if err != nil {
		return 0, nil, fmt.Errorf("%s at byte %d of the array: %v", what, *off, err)
	}
	*off = padded(b, *off, next)
	return typ, data, nil
}

// compressed inflates an miCOMPRESSED element and reads the miMATRIX inside.
func (p *matParser) compressed(z []byte) (MATVar, error) {
	br := bytes.NewReader(z)
	zr, err := zlib.NewReader(br)
	if err != nil {
		return MATVar{}, fmt.Errorf("compressed element: %v", err)
	}
	var tag [8]byte
	if _, err := io.ReadFull(zr, tag[:]); err != nil {
		return MATVar{}, fmt.Errorf("compressed element: reading the inner tag: %v", zerr(err))
	}
	typ, n := p.order.Uint32(tag[:]), p.order.Uint32(tag[4:])
	if typ != miMATRIX {
		return MATVar{}, fmt.Errorf("compressed element holds %s, want miMATRIX", miName(typ))
	}
	if uint64(n)+8 > maxInflate*uint64(len(z)) {
		return MATVar{}, fmt.Errorf("compressed element of %d bytes claims %d bytes inside, more than zlib can hold", len(z), n)
	}
	// Trust the announced size up to 16 times the compressed size (numeric
	// data rarely compresses better); beyond that, memory grows with the
	// bytes that really arrive.
	body, err := readN(zr, int(n), 16*len(z))
	if err != nil {
		return MATVar{}, fmt.Errorf("compressed element: after %d of the %d bytes its miMATRIX tag announces: %v", len(body), n, zerr(err))
	}
	// The stream must end here; reading to EOF also checks the Adler-32 sum.
	if m, err := io.ReadFull(zr, tag[:1]); err != io.EOF {
		if m > 0 {
			return MATVar{}, fmt.Errorf("compressed element holds more than the %d bytes its miMATRIX tag announces", n+8)
		}
		return MATVar{}, fmt.Errorf("compressed element: %v", zerr(err))
	}
	if br.Len() != 0 {
		return MATVar{}, fmt.Errorf("compressed element has %d bytes after the end of its zlib stream", br.Len())
	}
	return p.matrix(body)
}

// zerr names a premature end of compressed data.
func zerr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("zlib data ends early")
	}
	return err
}

// readN reads exactly n bytes from r. It allocates at most max(trust, 1 MiB)
// bytes at first, then grows by doubling as data arrives, so a false n costs
// only as much memory as r really delivers (at most twice that).
func readN(r io.Reader, n, trust int) ([]byte, error) {
	buf := make([]byte, 0, min(n, max(trust, 1<<20)))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(nb, buf)
			buf = nb
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil && len(buf) < n {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
	}
	return buf, nil
}

// matrix reads the body of an miMATRIX element.
func (p *matParser) matrix(b []byte) (MATVar, error) {
	var v MATVar
	off := 0
	typ, f, err := p.sub(b, &off, "array flags")
	if err != nil {
		return v, err
	}
	if typ != miUINT32 || len(f) != 8 {
		return v, fmt.Errorf("array flags: want 8 bytes of miUINT32, got %d bytes of %s", len(f), miName(typ))
	}
	flags := p.order.Uint32(f)
	class := flags & 0xff
	if class == 0 || int(class) >= len(matClasses) {
		return v, fmt.Errorf("array flags: unknown array class %d", class)
	}
	v.Class = matClasses[class]
	numeric := class >= 6 && class <= 15
	if numeric && flags&flagLogical != 0 {
		v.Class = "logical"
	}
	if numeric && flags&flagComplex != 0 {
		v.Class = "complex " + v.Class
		numeric = false
	}

	typ, d, err := p.sub(b, &off, "dimensions")
	if err != nil {
		return v, err
	}
	if typ != miINT32 || len(d)%4 != 0 || len(d) < 8 {
		return v, fmt.Errorf("dimensions: want at least 2 values of miINT32, got %d bytes of %s", len(d), miName(typ))
	}
	v.Dims = make([]int, len(d)/4)
	for i := range v.Dims {
		v.Dims[i] = int(int32(p.order.Uint32(d[4*i:])))
		if v.Dims[i] < 0 {
			return v, fmt.Errorf("dimensions: dimension %d is %d", i+1, v.Dims[i])
		}
	}
	if len(v.Dims) == 2 {
		v.Rows, v.Cols = v.Dims[0], v.Dims[1]
	}

	typ, nm, err := p.sub(b, &off, "array name")
	if err != nil {
		return v, err
	}
	if typ != miINT8 && typ != miUTF8 {
		return v, fmt.Errorf("array name: want miINT8 text, got %s", miName(typ))
	}
	v.Name = string(nm)
	if !numeric || len(v.Dims) != 2 {
		return v, nil // listed, not read
	}

	typ, raw, err := p.sub(b, &off, "real part")
	if err != nil {
		return v, fmt.Errorf("variable %q: %v", v.Name, err)
	}
	if v.Data, err = p.numbers(typ, raw, v.Rows, v.Cols); err != nil {
		return v, fmt.Errorf("variable %q: real part: %v", v.Name, err)
	}
	if off < len(b) {
		return v, fmt.Errorf("variable %q: %d unexpected bytes after the real part", v.Name, len(b)-off)
	}
	return v, nil
}

// numbers converts the column-major values raw of data type typ to a
// row-major rows x cols slice.
func (p *matParser) numbers(typ uint32, raw []byte, rows, cols int) ([]float64, error) {
	w := miWidth[typ]
	if w == 0 {
		return nil, fmt.Errorf("want numeric data, got %s", miName(typ))
	}
	if len(raw)%w != 0 {
		return nil, fmt.Errorf("%d bytes of %s is not a whole number of %d-byte values", len(raw), miName(typ), w)
	}
	n := len(raw) / w
	if int64(n) != int64(rows)*int64(cols) {
		return nil, fmt.Errorf("holds %d values, want %d x %d = %d", n, rows, cols, int64(rows)*int64(cols))
	}
	o := p.order
	var at func(k int) float64
	switch typ {
	case miINT8:
		at = func(k int) float64 { return float64(int8(raw[k])) }
	case miUINT8:
		at = func(k int) float64 { return float64(raw[k]) }
	case miINT16:
		at = func(k int) float64 { return float64(int16(o.Uint16(raw[2*k:]))) }
	case miUINT16:
		at = func(k int) float64 { return float64(o.Uint16(raw[2*k:])) }
	case miINT32:
		at = func(k int) float64 { return float64(int32(o.Uint32(raw[4*k:]))) }
	case miUINT32:
		at = func(k int) float64 { return float64(o.Uint32(raw[4*k:])) }
	case miSINGLE:
		at = func(k int) float64 { return float64(math.Float32frombits(o.Uint32(raw[4*k:]))) }
	case miDOUBLE:
		at = func(k int) float64 { return math.Float64frombits(o.Uint64(raw[8*k:])) }
	case miINT64:
		at = func(k int) float64 { return float64(int64(o.Uint64(raw[8*k:]))) }
	case miUINT64:
		at = func(k int) float64 { return float64(o.Uint64(raw[8*k:])) }
	}
	out := make([]float64, n)
	k := 0
	for j := 0; j < cols; j++ {
		for i := 0; i < rows; i++ {
			out[i*cols+j] = at(k)
			k++
		}
	}
	return out, nil
}

// matMatrix finds the variable name among vars and returns it as a matrix.
// It fails, naming file, if the variable is missing, not a 2-D array of one
// of the classes (any real numeric class if none are given), or empty.
func matMatrix(file string, vars []MATVar, name string, classes ...string) (*mat.Dense, error) {
	want := "2-D " + strings.Join(classes, " or ")
	if len(classes) == 0 {
		want = "2-D real numeric"
	}
	for _, v := range vars {
		if v.Name != name {
			continue
		}
		ok := len(classes) == 0
		for _, c := range classes {
			ok = ok || v.Class == c
		}
		if !ok || v.Data == nil {
			return nil, fmt.Errorf("%s: variable %q: want %s, got %s", file, name, want, v.Shape())
		}
		m, err := v.Dense()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		return m, nil
	}
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = fmt.Sprintf("%q", v.Name)
	}
	has := "it has none"
	if len(names) > 0 {
		has = "it has " + strings.Join(names, ", ")
	}
	return nil, fmt.Errorf("%s: no variable %q (%s)", file, name, has)
}

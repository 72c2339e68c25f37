package data

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// A test-only writer of level-5 MAT-files, in either byte order, with or
// without compression, so that ReadMAT can be checked by round trips and by
// files broken on purpose.

// MATLAB class numbers used by the tests.
const (
	mxCELL   = 1
	mxSTRUCT = 2
	mxCHAR   = 4
	mxSPARSE = 5
	mxDOUBLE = 6
	mxSINGLE = 7
	mxINT8   = 8
	mxUINT8  = 9
	mxINT16  = 10
	mxINT32  = 12
	mxUINT64 = 15
)

// tvar is a variable to write: class and flags go into the array flags,
// store is the data type of the real part, data is row-major (the writer
// stores it column-major, as MATLAB does).
type tvar struct {
	name  string
	class uint32
	flags uint32
	store uint32
	dims  []int
	data  []float64
	imag  bool // also write an imaginary part (a copy of data)
}

// tmat builds a 2-D variable of rows x cols row-major values.
func tmat(name string, class, store uint32, rows, cols int, data []float64) tvar {
	return tvar{name: name, class: class, store: store, dims: []int{rows, cols}, data: data}
}

// matHeaderBytes returns the 128-byte header for byte order o.
func matHeaderBytes(o binary.ByteOrder, version uint16) []byte {
	h := bytes.Repeat([]byte{' '}, 128)
	copy(h, "MATLAB 5.0 MAT-file, Platform: test, Created on: (test writer)")
	for i := 116; i < 124; i++ {
		h[i] = 0
	}
	o.PutUint16(h[124:], version)
	o.PutUint16(h[126:], 'M'<<8|'I') // "IM" little-endian, "MI" big-endian
	return h
}

// melem encodes one data element: the small format when it holds at most 4
// bytes, else an 8-byte tag, the data and padding to 8 bytes.
func melem(o binary.ByteOrder, typ uint32, data []byte) []byte {
	if len(data) <= 4 && typ != miMATRIX && typ != miCOMPRESSED && len(data) > 0 {
		b := make([]byte, 8)
		o.PutUint32(b, uint32(len(data))<<16|typ)
		copy(b[4:], data)
		return b
	}
	b := make([]byte, 8, 8+len(data)+7)
	o.PutUint32(b, typ)
	o.PutUint32(b[4:], uint32(len(data)))
	b = append(b, data...)
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// mnumbers encodes values as data type typ.
func mnumbers(o binary.ByteOrder, typ uint32, vals []float64) []byte {
	w := miWidth[typ]
	b := make([]byte, w*len(vals))
	for k, v := range vals {
		p := b[w*k:]
		switch typ {
		case miINT8:
			p[0] = byte(int8(v))
		case miUINT8:
			p[0] = byte(v)
		case miINT16:
			o.PutUint16(p, uint16(int16(v)))
		case miUINT16:
			o.PutUint16(p, uint16(v))
		case miINT32:
			o.PutUint32(p, uint32(int32(v)))
		case miUINT32:
			o.PutUint32(p, uint32(v))
		case miSINGLE:
			o.PutUint32(p, math.Float32bits(float32(v)))
		case miDOUBLE:
			o.PutUint64(p, math.Float64bits(v))
		case miINT64:
			o.PutUint64(p, uint64(int64(v)))
		case miUINT64:
			o.PutUint64(p, uint64(v))
		}
	}
	return b
}

// colMajor reorders row-major values of a 2-D array column by column; other
// arrays are returned as they are.
func colMajor(dims []int, data []float64) []float64 {
	if len(dims) != 2 || len(data) != dims[0]*dims[1] {
		return data
	}
	out := make([]float64, 0, len(data))
	for j := 0; j < dims[1]; j++ {
		for i := 0; i < dims[0]; i++ {
			out = append(out, data[i*dims[1]+j])
		}
	}
	return out
}

// matrixBody encodes the subelements of an miMATRIX element for v.
func matrixBody(o binary.ByteOrder, v tvar) []byte {
	flags := make([]byte, 8)
	o.PutUint32(flags, v.class|v.flags)
	dims := make([]byte, 4*len(v.dims))
	for i, d := range v.dims {
		o.PutUint32(dims[4*i:], uint32(int32(d)))
	}
	b := melem(o, miUINT32, flags)
	b = append(b, melem(o, miINT32, dims)...)
	b = append(b, melem(o, miINT8, []byte(v.name))...)
	if v.store != 0 {
		real := mnumbers(o, v.store, colMajor(v.dims, v.data))
		b = append(b, melem(o, v.store, real)...)
		if v.imag {
			b = append(b, melem(o, v.store, real)...)
		}
	}
	return b
}

// zlibBytes compresses b.
func zlibBytes(b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// writeMAT returns a complete MAT-file holding vars.
func writeMAT(o binary.ByteOrder, compress bool, vars ...tvar) []byte {
	b := matHeaderBytes(o, 0x0100)
	for _, v := range vars {
		m := melem(o, miMATRIX, matrixBody(o, v))
		if compress {
			m = melem(o, miCOMPRESSED, zlibBytes(m))
			m = m[:8+o.Uint32(m[4:])] // no padding after compressed elements, as scipy writes
		}
		b = append(b, m...)
	}
	return b
}

// rawMAT returns a header (little-endian) followed by the given elements.
func rawMAT(elems ...[]byte) []byte {
	return append(matHeaderBytes(binary.LittleEndian, 0x0100), bytes.Join(elems, nil)...)
}

// rawMatrix returns an miMATRIX element made of the given subelements.
func rawMatrix(subs ...[]byte) []byte {
	return melem(binary.LittleEndian, miMATRIX, bytes.Join(subs, nil))
}

func le32(vals ...uint32) []byte {
	b := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func TestReadMATRoundTrip(t *testing.T) {
	seq := func(n int, f func(k int) float64) []float64 {
		out := make([]float64, n)
		for k := range out {
			out[k] = f(k)
		}
		return out
	}
	cases := []struct {
		name string
		in   tvar
		want MATVar
	}{
		{"double as miDOUBLE", tmat("train_data", mxDOUBLE, miDOUBLE, 2, 3, []float64{1.5, -2, 3e-9, 4, 5, math.Inf(1)}),
			MATVar{Name: "train_data", Class: "double", Dims: []int{2, 3}, Rows: 2, Cols: 3, Data: []float64{1.5, -2, 3e-9, 4, 5, math.Inf(1)}}},
		{"double stored as miUINT8 (integer-valued, as scipy/MATLAB write)", tmat("y", mxDOUBLE, miUINT8, 3, 2, []float64{0, 1, 1, 0, 255, 7}),
			MATVar{Name: "y", Class: "double", Dims: []int{3, 2}, Rows: 3, Cols: 2, Data: []float64{0, 1, 1, 0, 255, 7}}},
		{"double stored as miINT8", tmat("neg", mxDOUBLE, miINT8, 1, 3, []float64{-128, 0, 127}),
			MATVar{Name: "neg", Class: "double", Dims: []int{1, 3}, Rows: 1, Cols: 3, Data: []float64{-128, 0, 127}}},
		{"double stored as miINT16", tmat("abcd", mxDOUBLE, miINT16, 2, 2, []float64{-300, 300, 32767, -32768}),
			MATVar{Name: "abcd", Class: "double", Dims: []int{2, 2}, Rows: 2, Cols: 2, Data: []float64{-300, 300, 32767, -32768}}},
		{"double stored as miUINT16", tmat("u16", mxDOUBLE, miUINT16, 1, 2, []float64{65535, 1}),
			MATVar{Name: "u16", Class: "double", Dims: []int{1, 2}, Rows: 1, Cols: 2, Data: []float64{65535, 1}}},
		{"double stored as miINT32/miUINT32", tmat("i32", mxDOUBLE, miINT32, 2, 1, []float64{-70000, 70000}),
			MATVar{Name: "i32", Class: "double", Dims: []int{2, 1}, Rows: 2, Cols: 1, Data: []float64{-70000, 70000}}},
		{"int32 as miUINT32", tmat("u32", mxINT32, miUINT32, 1, 1, []float64{4e9}),
			MATVar{Name: "u32", Class: "int32", Dims: []int{1, 1}, Rows: 1, Cols: 1, Data: []float64{4e9}}},
		{"uint64 and int64", tmat("u64", mxUINT64, miINT64, 1, 2, []float64{-5, 1 << 40}),
			MATVar{Name: "u64", Class: "uint64", Dims: []int{1, 2}, Rows: 1, Cols: 2, Data: []float64{-5, 1 << 40}}},
		{"uint64 as miUINT64", tmat("u", mxUINT64, miUINT64, 1, 1, []float64{1 << 60}),
			MATVar{Name: "u", Class: "uint64", Dims: []int{1, 1}, Rows: 1, Cols: 1, Data: []float64{1 << 60}}},
		{"single as miSINGLE", tmat("s", mxSINGLE, miSINGLE, 2, 2, []float64{0.5, -0.25, 1e30, 3}),
			MATVar{Name: "s", Class: "single", Dims: []int{2, 2}, Rows: 2, Cols: 2, Data: []float64{0.5, -0.25, 1e30, 3}}},
		{"uint8", tmat("img", mxUINT8, miUINT8, 2, 5, seq(10, func(k int) float64 { return float64(25 * k) })),
			MATVar{Name: "img", Class: "uint8", Dims: []int{2, 5}, Rows: 2, Cols: 5, Data: seq(10, func(k int) float64 { return float64(25 * k) })}},
		{"logical", tvar{name: "mask", class: mxUINT8, flags: flagLogical, store: miUINT8, dims: []int{1, 3}, data: []float64{1, 0, 1}},
			MATVar{Name: "mask", Class: "logical", Dims: []int{1, 3}, Rows: 1, Cols: 3, Data: []float64{1, 0, 1}}},
		{"empty 0x0 double", tmat("e", mxDOUBLE, miDOUBLE, 0, 0, nil),
			MATVar{Name: "e", Class: "double", Dims: []int{0, 0}, Rows: 0, Cols: 0, Data: []float64{}}},
		{"one value in the small format", tmat("one", mxDOUBLE, miUINT8, 1, 1, []float64{9}),
			MATVar{Name: "one", Class: "double", Dims: []int{1, 1}, Rows: 1, Cols: 1, Data: []float64{9}}},
		{"long name", tmat("a_rather_long_variable_name_of_40_chars_", mxDOUBLE, miDOUBLE, 1, 1, []float64{2}),
			MATVar{Name: "a_rather_long_variable_name_of_40_chars_", Class: "double", Dims: []int{1, 1}, Rows: 1, Cols: 1, Data: []float64{2}}},
		// Listed but not read.
		{"3-D single", tvar{name: "vol", class: mxSINGLE, store: miSINGLE, dims: []int{2, 2, 2}, data: seq(8, func(k int) float64 { return float64(k) })},
			MATVar{Name: "vol", Class: "single", Dims: []int{2, 2, 2}}},
		{"complex double", tvar{name: "z", class: mxDOUBLE, flags: flagComplex, store: miDOUBLE, dims: []int{1, 2}, data: []float64{1, 2}, imag: true},
			MATVar{Name: "z", Class: "complex double", Dims: []int{1, 2}, Rows: 1, Cols: 2}},
		{"char", tvar{name: "txt", class: mxCHAR, store: miUTF16, dims: []int{1, 2}},
			MATVar{Name: "txt", Class: "char", Dims: []int{1, 2}, Rows: 1, Cols: 2}},
		{"cell", tvar{name: "c", class: mxCELL, dims: []int{1, 0}},
			MATVar{Name: "c", Class: "cell", Dims: []int{1, 0}, Rows: 1, Cols: 0}},
		{"struct", tvar{name: "st", class: mxSTRUCT, dims: []int{1, 1}},
			MATVar{Name: "st", Class: "struct", Dims: []int{1, 1}, Rows: 1, Cols: 1}},
		{"sparse", tvar{name: "sp", class: mxSPARSE, dims: []int{3, 3}},
			MATVar{Name: "sp", Class: "sparse", Dims: []int{3, 3}, Rows: 3, Cols: 3}},
	}
	orders := []struct {
		name  string
		order binary.ByteOrder
	}{{"little-endian", binary.LittleEndian}, {"big-endian", binary.BigEndian}}
	for _, c := range cases {
		for _, o := range orders {
			for _, compress := range []bool{false, true} {
				name := c.name + "/" + o.name
				if compress {
					name += "/compressed"
				}
				t.Run(name, func(t *testing.T) {
					b := writeMAT(o.order, compress, c.in)
					got, err := ReadMAT(bytes.NewReader(b), "x.mat")
					require.NoError(t, err)
					require.Len(t, got, 1)
					if c.in.class == mxSINGLE && c.in.store == miSINGLE && got[0].Data != nil {
						// Values went through float32.
						want := c.want
						want.Data = make([]float64, len(c.want.Data))
						for k, v := range c.want.Data {
							want.Data[k] = float64(float32(v))
						}
						require.Empty(t, cmp.Diff(want, got[0]))
						return
					}
					require.Empty(t, cmp.Diff(c.want, got[0]))
				})
			}
		}
	}
}

func TestReadMATSeveralVariables(t *testing.T) {
	vars := []tvar{
		tmat("train_data", mxDOUBLE, miDOUBLE, 2, 2, []float64{0.1, 0.2, 0.3, 0.4}),
		{name: "txt", class: mxCHAR, store: miUTF16, dims: []int{1, 2}},
		tmat("train_labels", mxDOUBLE, miUINT8, 2, 3, []float64{0, 1, 0, 1, 0, 0}),
	}
	for _, compress := range []bool{false, true} {
		got, err := ReadMAT(bytes.NewReader(writeMAT(binary.BigEndian, compress, vars...)), "x.mat")
		require.NoError(t, err)
		require.Equal(t, []string{"train_data", "txt", "train_labels"}, []string{got[0].Name, got[1].Name, got[2].Name})
		require.Equal(t, []float64{0, 1, 0, 1, 0, 0}, got[2].Data)
	}
	// Compressed and plain elements may be mixed.
	b := append(writeMAT(binary.LittleEndian, true, vars[0]), writeMAT(binary.LittleEndian, false, vars[2])[128:]...)
	got, err := ReadMAT(bytes.NewReader(b), "x.mat")
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, []float64{0.1, 0.2, 0.3, 0.4}, got[0].Data)
}

func TestReadMATFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.mat")
	require.NoError(t, os.WriteFile(path, writeMAT(binary.LittleEndian, true, tmat("a", mxDOUBLE, miDOUBLE, 1, 2, []float64{1, 2})), 0o644))
	got, err := ReadMATFile(path)
	require.NoError(t, err)
	require.Equal(t, []float64{1, 2}, got[0].Data)

	_, err = ReadMATFile(filepath.Join(t.TempDir(), "missing.mat"))
	require.ErrorContains(t, err, "missing.mat")
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestMATVarDense(t *testing.T) {
	v := MATVar{Name: "a", Class: "double", Dims: []int{2, 3}, Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, 6}}
	m, err := v.Dense()
	require.NoError(t, err)
	require.Equal(t, 6.0, m.At(1, 2))
	require.Equal(t, 2.0, m.At(0, 1))

	_, err = MATVar{Name: "vol", Class: "single", Dims: []int{2, 2, 2}}.Dense()
	require.EqualError(t, err, `variable "vol" is a 3-D single array, which is not read (only real numeric 2-D arrays are)`)
	_, err = MATVar{Name: "e", Class: "double", Dims: []int{0, 3}, Cols: 3, Data: []float64{}}.Dense()
	require.EqualError(t, err, `variable "e" is empty (0 x 3)`)
}

func TestReadMATErrors(t *testing.T) {
	le := binary.LittleEndian
	flags := func(f uint32) []byte { return melem(le, miUINT32, le32(f, 0)) }
	dims := func(d ...uint32) []byte { return melem(le, miINT32, le32(d...)) }
	name := melem(le, miINT8, []byte("x"))
	doubles := func(v ...float64) []byte { return melem(le, miDOUBLE, mnumbers(le, miDOUBLE, v)) }
	good := writeMAT(le, false, tmat("x", mxDOUBLE, miDOUBLE, 2, 3, []float64{1, 2, 3, 4, 5, 6}))
	goodZ := writeMAT(le, true, tmat("x", mxDOUBLE, miDOUBLE, 2, 3, []float64{1, 2, 3, 4, 5, 6}))
	inner := melem(le, miMATRIX, matrixBody(le, tmat("x", mxDOUBLE, miDOUBLE, 1, 1, []float64{1})))
	compressedElem := func(z []byte) []byte {
		e := melem(le, miCOMPRESSED, z)
		return e[:8+len(z)]
	}
	withVersion := func(v uint16) []byte { return matHeaderBytes(le, v) }
	badEndian := matHeaderBytes(le, 0x0100)
	copy(badEndian[126:], "XY")
	corrupt := bytes.Clone(goodZ)
	corrupt[len(corrupt)-20] ^= 0xff
	badSum := bytes.Clone(goodZ)
	badSum[len(badSum)-1] ^= 0xff // the Adler-32 checksum
	bigClaim := make([]byte, 8)
	le.PutUint32(bigClaim, miMATRIX)
	le.PutUint32(bigClaim[4:], 1<<31)
	tooLong := make([]byte, 8)
	le.PutUint32(tooLong, miMATRIX)
	le.PutUint32(tooLong[4:], uint32(len(inner)))
	shortTag := bytes.Clone(inner)
	le.PutUint32(shortTag[4:], uint32(len(inner)-8-8)) // the inner element says 8 bytes less than there are

	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "x.mat: not a MAT-file: 0 bytes, shorter than the 128-byte header"},
		{"header cut", good[:100], "x.mat: not a MAT-file: 100 bytes, shorter than the 128-byte header"},
		{"bad endian indicator", badEndian, `x.mat: not a level-5 MAT-file: endian indicator (bytes 126-127) is "XY", want "IM" or "MI"`},
		{"version 7.3", withVersion(0x0200), "x.mat: MAT-file version 7.3 (HDF5) is not supported; save it with -v7"},
		{"unknown version", withVersion(0x0300), "x.mat: unsupported MAT-file version 0x0300, want 0x0100 (level 5)"},
		{"truncated tag", good[:132], "x.mat: offset 128: truncated element tag: 4 bytes left, want 8"},
		{"truncated body", good[:len(good)-10], "x.mat: offset 128: element size 96 exceeds the 86 bytes left"},
		{"truncated compressed", goodZ[:len(goodZ)-3], "x.mat: offset 128: element size 66 exceeds the 63 bytes left"},
		{"huge element size", rawMAT(melem(le, miMATRIX, nil)[:4], le32(99999999), make([]byte, 40)), "x.mat: offset 128: element size 99999999 exceeds the 40 bytes left"},
		{"top-level miDOUBLE", rawMAT(doubles(1)), "x.mat: offset 128: top-level element is miDOUBLE, want miMATRIX or miCOMPRESSED"},
		{"top-level unknown type", rawMAT(melem(le, 99, make([]byte, 8))), "x.mat: offset 128: top-level element is unknown type 99, want miMATRIX or miCOMPRESSED"},
		{"corrupt zlib data", corrupt, "x.mat: offset 128: compressed element: after 47 of the 96 bytes its miMATRIX tag announces: flate: corrupt input"},
		{"bad zlib checksum", badSum, "x.mat: offset 128: compressed element: zlib: invalid checksum"},
		{"not zlib", rawMAT(compressedElem([]byte("not zlib at all"))), "x.mat: offset 128: compressed element: zlib: invalid header"},
		{"zlib ends early", rawMAT(compressedElem(zlibBytes(inner)[:20])), "x.mat: offset 128: compressed element: after 17 of the 56 bytes its miMATRIX tag announces: zlib data ends early"},
		{"inner tag cut", rawMAT(compressedElem(zlibBytes(inner[:5]))), "x.mat: offset 128: compressed element: reading the inner tag: zlib data ends early"},
		{"inner body short", rawMAT(compressedElem(zlibBytes(tooLong))), "x.mat: offset 128: compressed element: after 0 of the"},
		{"claims more than zlib can hold", rawMAT(compressedElem(zlibBytes(bigClaim))), "more than zlib can hold"},
		{"inner element shorter than the stream", rawMAT(compressedElem(zlibBytes(shortTag))), "x.mat: offset 128: compressed element holds more than the"},
		{"bytes after the zlib stream", rawMAT(compressedElem(append(zlibBytes(inner), 1, 2, 3))), "x.mat: offset 128: compressed element has 3 bytes after the end of its zlib stream"},
		{"compressed non-matrix", rawMAT(compressedElem(zlibBytes(doubles(1)))), "x.mat: offset 128: compressed element holds miDOUBLE, want miMATRIX"},
		{"small element too big", rawMAT(rawMatrix(le32(7<<16|miUINT32, 0), dims(1, 1), name, doubles(1))), "x.mat: offset 128: array flags at byte 0 of the array: small element (type 6) claims 7 bytes, at most 4 fit"},
		{"empty matrix", rawMAT(rawMatrix()), "x.mat: offset 128: array flags: missing, the array ends at byte 0"},
		{"flags wrong type", rawMAT(rawMatrix(melem(le, miINT32, le32(mxDOUBLE, 0)), dims(1, 1), name, doubles(1))), "x.mat: offset 128: array flags: want 8 bytes of miUINT32, got 8 bytes of miINT32"},
		{"flags too short", rawMAT(rawMatrix(melem(le, miUINT32, le32(mxDOUBLE)), dims(1, 1), name, doubles(1))), "x.mat: offset 128: array flags: want 8 bytes of miUINT32, got 4 bytes of miUINT32"},
		{"unknown class", rawMAT(rawMatrix(flags(40), dims(1, 1), name, doubles(1))), "x.mat: offset 128: array flags: unknown array class 40"},
		{"class 0", rawMAT(rawMatrix(flags(0), dims(1, 1), name, doubles(1))), "x.mat: offset 128: array flags: unknown array class 0"},
		{"one dimension", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1), name, doubles(1))), "x.mat: offset 128: dimensions: want at least 2 values of miINT32, got 4 bytes of miINT32"},
		{"dimensions wrong type", rawMAT(rawMatrix(flags(mxDOUBLE), melem(le, miDOUBLE, make([]byte, 16)), name, doubles(1))), "dimensions: want at least 2 values of miINT32, got 16 bytes of miDOUBLE"},
		{"negative dimension", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 0xfffffffd), name, doubles(1))), "x.mat: offset 128: dimensions: dimension 2 is -3"},
		{"dimensions missing", rawMAT(rawMatrix(flags(mxDOUBLE))), "x.mat: offset 128: dimensions: missing, the array ends at byte 16"},
		{"name wrong type", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 1), melem(le, miDOUBLE, make([]byte, 8)), doubles(1))), "x.mat: offset 128: array name: want miINT8 text, got miDOUBLE"},
		{"real part missing", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 1), name)), `x.mat: offset 128: variable "x": real part: missing, the array ends at byte 40`},
		{"real part wrong count", rawMAT(rawMatrix(flags(mxDOUBLE), dims(2, 3), name, doubles(1, 2, 3, 4, 5))), `x.mat: offset 128: variable "x": real part: holds 5 values, want 2 x 3 = 6`},
		{"real part not numeric", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 1), name, melem(le, miMATRIX, make([]byte, 8)))), `x.mat: offset 128: variable "x": real part: want numeric data, got miMATRIX`},
		{"real part unknown type", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 1), name, melem(le, 8, make([]byte, 8)))), `variable "x": real part: want numeric data, got unknown type 8`},
		{"real part partial value", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 1), name, melem(le, miDOUBLE, make([]byte, 12)))), `variable "x": real part: 12 bytes of miDOUBLE is not a whole number of 8-byte values`},
		{"real part element cut", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 1), name, melem(le, miDOUBLE, make([]byte, 8))[:12])), `variable "x": real part at byte 40 of the array: element size 8 exceeds the 4 bytes left`},
		{"data after the real part", rawMAT(rawMatrix(flags(mxDOUBLE), dims(1, 1), name, doubles(1), doubles(2))), `x.mat: offset 128: variable "x": 16 unexpected bytes after the real part`},
		{"second variable broken", append(bytes.Clone(good), rawMatrix(flags(mxDOUBLE))...), "x.mat: offset 232: dimensions: missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadMAT(bytes.NewReader(c.in), "x.mat")
			require.ErrorContains(t, err, c.want)
			require.Nil(t, got)
		})
	}
}

func TestMatMatrix(t *testing.T) {
	vars := []MATVar{
		{Name: "a", Class: "double", Dims: []int{1, 2}, Rows: 1, Cols: 2, Data: []float64{1, 2}},
		{Name: "b", Class: "single", Dims: []int{2, 2, 2}},
		{Name: "c", Class: "uint8", Dims: []int{0, 2}, Cols: 2, Data: []float64{}},
		{Name: "d", Class: "char", Dims: []int{1, 4}, Rows: 1, Cols: 4},
	}
	m, err := matMatrix("f.mat", vars, "a", "double")
	require.NoError(t, err)
	require.Equal(t, 2.0, m.At(0, 1))
	_, err = matMatrix("f.mat", vars, "a")
	require.NoError(t, err)

	for _, c := range []struct {
		name    string
		classes []string
		want    string
	}{
		{"a", []string{"single"}, `f.mat: variable "a": want 2-D single, got 2-D double`},
		{"b", []string{"double"}, `f.mat: variable "b": want 2-D double, got 3-D single`},
		{"b", []string{"double", "single"}, `f.mat: variable "b": want 2-D double or single, got 3-D single`},
		{"d", nil, `f.mat: variable "d": want 2-D real numeric, got 2-D char`},
		{"c", nil, `f.mat: variable "c" is empty (0 x 2)`},
		{"zz", nil, `f.mat: no variable "zz" (it has "a", "b", "c", "d")`},
	} {
		_, err := matMatrix("f.mat", vars, c.name, c.classes...)
		require.EqualError(t, err, c.want)
	}
	_, err = matMatrix("f.mat", nil, "x")
	require.EqualError(t, err, `f.mat: no variable "x" (it has none)`)
}

// TestMATHeaderMatchesWriter checks the test writer's version and endian
// bytes: scipy's little-endian files (such as the mirror's nist36_*.mat)
// hold 00 01 'I' 'M' at offset 124.
func TestMATHeaderMatchesWriter(t *testing.T) {
	h := matHeaderBytes(binary.LittleEndian, 0x0100)
	require.Equal(t, []byte{0x00, 0x01, 'I', 'M'}, h[124:128])
	h = matHeaderBytes(binary.BigEndian, 0x0100)
	require.Equal(t, []byte{0x01, 0x00, 'M', 'I'}, h[124:128])
}

// nist36File writes a NIST36-style MAT-file with the given variables to a
// temporary directory and returns its path.
func nist36File(t *testing.T, compress bool, vars ...tvar) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), SplitFile("train"))
	require.NoError(t, os.WriteFile(path, writeMAT(binary.LittleEndian, compress, vars...), 0o644))
	return path
}

// nist36Vars returns n rows of data (row i holds i + k/1024 in column k) and
// one-hot labels (row i has class (7*i) mod 36) for split "train".
func nist36Vars(n int) (data, labels tvar, classes []int) {
	x := make([]float64, n*1024)
	for i := 0; i < n; i++ {
		for k := 0; k < 1024; k++ {
			x[i*1024+k] = float64(i) + float64(k)/1024
		}
	}
	y := make([]float64, n*36)
	for i := 0; i < n; i++ {
		classes = append(classes, (7*i)%36)
		y[i*36+(7*i)%36] = 1
	}
	return tmat("train_data", mxDOUBLE, miDOUBLE, n, 1024, x), tmat("train_labels", mxDOUBLE, miUINT8, n, 36, y), classes
}

func TestLoadNIST36Synthetic(t *testing.T) {
	x, y, classes := nist36Vars(6)
	for _, compress := range []bool{false, true} {
		d, err := LoadNIST36(nist36File(t, compress, x, y), "train")
		require.NoError(t, err)
		require.Equal(t, 6, d.Len())
		require.Equal(t, classes, d.Labels())
		require.Equal(t, NIST36Classes, d.Classes)
		require.Equal(t, x.data, d.X.RawMatrix().Data) // the file's rows, unchanged
		require.Equal(t, 5+1023.0/1024, d.X.At(5, 1023))
	}
	// Labels stored with class uint8 (as the 2016 course file did) and data as single.
	xs := x
	xs.class, xs.store = mxSINGLE, miSINGLE
	yu := y
	yu.class = mxUINT8
	d, err := LoadNIST36(nist36File(t, true, xs, yu), "train")
	require.NoError(t, err)
	require.Equal(t, classes, d.Labels())
}

func TestLoadNIST36Errors(t *testing.T) {
	x, y, _ := nist36Vars(5)
	notOneHot := func(row, col int, v float64) tvar {
		l := y
		l.store = miDOUBLE
		l.data = append([]float64(nil), y.data...)
		l.data[row*36+col] = v
		return l
	}
	x3 := tvar{name: "train_data", class: mxSINGLE, store: miSINGLE, dims: []int{5, 32, 32}, data: make([]float64, 5*1024)}
	xc := tvar{name: "train_data", class: mxCHAR, store: miUTF16, dims: []int{1, 3}, data: []float64{65, 66, 67}}
	narrow := tmat("train_data", mxDOUBLE, miDOUBLE, 5, 1000, make([]float64, 5000))
	y35 := tmat("train_labels", mxDOUBLE, miUINT8, 5, 35, make([]float64, 5*35))
	y4 := y
	y4.dims, y4.data = []int{4, 36}, y.data[:4*36]
	empty := tmat("train_data", mxDOUBLE, miDOUBLE, 0, 1024, nil)
	cases := []struct {
		name string
		vars []tvar
		want string
	}{
		{"no labels", []tvar{x}, `nist36_train.mat: no variable "train_labels" (it has "train_data")`},
		{"no data", []tvar{y}, `nist36_train.mat: no variable "train_data" (it has "train_labels")`},
		{"other split", []tvar{tmat("valid_data", mxDOUBLE, miDOUBLE, 1, 1, []float64{1})}, `no variable "train_data" (it has "valid_data")`},
		{"3-D data", []tvar{x3, y}, `nist36_train.mat: variable "train_data": want 2-D double or single, got 3-D single`},
		{"char data", []tvar{xc, y}, `nist36_train.mat: variable "train_data": want 2-D double or single, got 2-D char`},
		{"uint8 data", []tvar{tmat("train_data", mxUINT8, miUINT8, 5, 1024, make([]float64, 5*1024)), y}, `variable "train_data": want 2-D double or single, got 2-D uint8`},
		{"empty data", []tvar{empty, y}, `nist36_train.mat: variable "train_data" is empty (0 x 1024)`},
		{"data width", []tvar{narrow, y}, `nist36_train.mat: variable "train_data" is 5 x 1000, want 1024 columns (32 x 32 images)`},
		{"label width", []tvar{x, y35}, `nist36_train.mat: variable "train_labels" is 5 x 35, want 36 columns (one per class)`},
		{"N mismatch", []tvar{x, y4}, `nist36_train.mat: "train_data" has 5 rows but "train_labels" has 4`},
		{"label not 0 or 1", []tvar{x, notOneHot(2, 3, 0.5)}, `nist36_train.mat: variable "train_labels": row 2 is not one-hot: column 3 is 0.5`},
		{"two ones", []tvar{x, notOneHot(3, 0, 1)}, `nist36_train.mat: variable "train_labels": row 3 is not one-hot: it has 2 ones`},
		{"no one", []tvar{x, notOneHot(0, 0, 0)}, `nist36_train.mat: variable "train_labels": row 0 is not one-hot: it has 0 ones`},
		{"complex labels", []tvar{x, {name: "train_labels", class: mxDOUBLE, flags: flagComplex, store: miUINT8, dims: []int{5, 36}, data: y.data, imag: true}},
			`variable "train_labels": want 2-D real numeric, got 2-D complex double`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := LoadNIST36(nist36File(t, true, c.vars...), "train")
			require.ErrorContains(t, err, c.want)
			require.Nil(t, d)
		})
	}
	_, err := LoadNIST36(filepath.Join(t.TempDir(), "nope.mat"), "train")
	require.ErrorIs(t, err, os.ErrNotExist)
	// A broken file reports the reader's error.
	path := filepath.Join(t.TempDir(), "cut.mat")
	require.NoError(t, os.WriteFile(path, writeMAT(binary.LittleEndian, true, x, y)[:500], 0o644))
	_, err = LoadNIST36(path, "train")
	require.ErrorContains(t, err, "cut.mat: offset 128: element size")
}

func TestSplitFile(t *testing.T) {
	require.Equal(t, "nist36_valid.mat", SplitFile("valid"))
}

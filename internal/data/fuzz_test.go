package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"strings"
	"testing"
)

// Fuzz targets of the file readers. Run one with
//
//	go test ./internal/data -run '^$' -fuzz '^FuzzReadMAT$' -fuzztime 5m -parallel 1
//
// Crashers go to testdata/fuzz/<target>/ and are replayed by plain go test.

func FuzzReadMAT(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	x := tmat("train_data", mxDOUBLE, miDOUBLE, 2, 3, []float64{0.5, 1, -0.1, 1.1, 0, 1})
	y := tmat("y", mxDOUBLE, miUINT8, 2, 2, []float64{1, 0, 0, 1})
	s := tmat("s", mxSINGLE, miSINGLE, 1, 2, []float64{1.5, 2})
	u := tmat("img", mxUINT8, miUINT8, 2, 2, []float64{0, 255, 7, 9})
	vol := tvar{name: "vol", class: mxSINGLE, store: miSINGLE, dims: []int{1, 2, 2}, data: []float64{1, 2, 3, 4}}
	z := tvar{name: "z", class: mxDOUBLE, flags: flagComplex, store: miDOUBLE, dims: []int{1, 1}, data: []float64{1}, imag: true}
	seeds := [][]byte{
		writeMAT(le, false, x, y),
		writeMAT(le, true, x, y),
		writeMAT(be, false, s, u, vol),
		writeMAT(be, true, z, x),
		writeMAT(le, true, tmat("e", mxDOUBLE, miDOUBLE, 0, 0, nil)),
	}
	for _, b := range seeds {
		f.Add(b)
		f.Add(b[:len(b)-1])
		f.Add(b[:len(b)/2])
		f.Add(b[:130])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkMAT(t, b)
		// The same bytes as the inside of a compressed element, so that the
		// fuzzer reaches the checks behind zlib too.
		if len(b) > 128 {
			e := melem(le, miCOMPRESSED, zlibBytes(b[128:]))
			checkMAT(t, append(matHeaderBytes(le, 0x0100), e[:8+le.Uint32(e[4:])]...))
		}
	})
}

// checkMAT reads b and checks what ReadMAT returns.
func checkMAT(t *testing.T, b []byte) {
	t.Helper()
	vars, err := ReadMAT(bytes.NewReader(b), "fuzz.mat")
	if err != nil {
		if vars != nil || !strings.HasPrefix(err.Error(), "fuzz.mat: ") {
			t.Fatalf("error %q with %d variables", err, len(vars))
		}
		return
	}
	for _, v := range vars {
		if len(v.Dims) < 2 {
			t.Fatalf("variable %q has dimensions %v", v.Name, v.Dims)
		}
		if v.Data == nil {
			continue
		}
		if len(v.Dims) != 2 || v.Rows != v.Dims[0] || v.Cols != v.Dims[1] || len(v.Data) != v.Rows*v.Cols {
			t.Fatalf("variable %q: dims %v, %d x %d, %d values", v.Name, v.Dims, v.Rows, v.Cols, len(v.Data))
		}
		if m, err := v.Dense(); err == nil {
			if r, c := m.Dims(); r != v.Rows || c != v.Cols {
				t.Fatalf("Dense is %d x %d, want %d x %d", r, c, v.Rows, v.Cols)
			}
		}
	}
}

func FuzzReadIDX(f *testing.F) {
	idx := func(dims []int, payload []byte) []byte {
		b := []byte{0, 0, 0x08, byte(len(dims))}
		for _, d := range dims {
			b = binary.BigEndian.AppendUint32(b, uint32(d))
		}
		return append(b, payload...)
	}
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	images := idx([]int{2, 3, 3}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 255, 254, 253, 252, 251, 250, 249, 248, 247})
	labels := idx([]int{4}, []byte{0, 9, 46, 3})
	for _, b := range [][]byte{images, labels, gz(images), gz(labels)} {
		f.Add(b)
		f.Add(b[:len(b)-1])
		f.Add(b[:len(b)/2])
		f.Add(append(bytes.Clone(b), 0))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadIDX(bytes.NewReader(b), "fuzz.idx")
		if err != nil {
			if m != nil || !strings.HasPrefix(err.Error(), "fuzz.idx: ") {
				t.Fatalf("error %q with a result", err)
			}
			return
		}
		n := 1
		for _, d := range m.Dims {
			n *= d
		}
		if len(m.Dims) < 1 || len(m.Data) != n {
			t.Fatalf("dims %v but %d bytes", m.Dims, len(m.Data))
		}
	})
}

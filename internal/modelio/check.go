package modelio

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
)

// MaxFileBytes is the largest model file ReadFile reads: 128 MiB, 32 Mi
// float32 parameters, 27 times the largest model here (SqueezeNet 1.1, 4.9
// MB). Reading and building a model takes at most about four times the
// file's size (the file, the decoded float32 values, and a q2 network's
// float64 copy).
const MaxFileBytes = 128 << 20

// ReadFile returns the bytes of the model file at path: at most
// MaxFileBytes of a file, a pipe or a symbolic link to one; a folder or a
// device (/dev/zero) is refused before anything is read.
func ReadFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%s: is a folder, not a model file", path)
	case st.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeSocket) != 0:
		return nil, fmt.Errorf("%s: is a device or socket, not a model file", path)
	case st.Size() > MaxFileBytes:
		return nil, fmt.Errorf("%s: %d bytes, more than a model file may have (%d MiB)", path, st.Size(), MaxFileBytes>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(buf) > MaxFileBytes {
		return nil, fmt.Errorf("%s: more than %d MiB, more than a model file may have", path, MaxFileBytes>>20)
	}
	return buf, nil
}

// span is the bytes of the data a tensor takes, [begin, end).
type span struct {
	name       string
	begin, end uint64
}

// entry is one tensor of a safetensors header.
type entry struct {
	DType   string   `json:"dtype"`
	Shape   []uint64 `json:"shape"`
	Offsets []uint64 `json:"data_offsets"`
}

// checkLayout checks the safetensors layout of buf (the file name) before
// any tensor is decoded: an 8-byte header length that fits, a JSON header
// whose metadata maps strings to strings and whose tensors are F32, each
// with data_offsets spanning exactly its shape's bytes, the tensors tiling
// the data after the header with no gap, overlap or bytes left over. Sizes
// are computed without overflow. The errors say what is wrong, with which
// tensor, and what it suggests (a truncated file, another program's file).
// It returns the metadata.
func checkLayout(name string, buf []byte) (map[string]string, error) {
	if len(buf) < 8 {
		return nil, fmt.Errorf("%s: %d bytes, too short for a model file (a .safetensors file starts with its header's length in 8 bytes)", name, len(buf))
	}
	n := binary.LittleEndian.Uint64(buf)
	if n > uint64(len(buf)-8) {
		return nil, fmt.Errorf("%s: not a model file, or a truncated one: its first 8 bytes give a header of %d bytes, and only %d follow", name, n, len(buf)-8)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf[8:8+n], &raw); err != nil {
		return nil, fmt.Errorf("%s: the header is not a JSON object (%v): not a .safetensors file, or a damaged one", name, err)
	}
	dataLen := uint64(len(buf)) - 8 - n
	var spans []span
	meta := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(raw)) { // the first bad tensor by name: the same error every time
		v := raw[k]
		if k == "__metadata__" {
			if err := json.Unmarshal(v, &meta); err != nil {
				return nil, fmt.Errorf("%s: the metadata is not an object of strings (%v)", name, err)
			}
			continue
		}
		sp, err := checkEntry(k, v, dataLen)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		spans = append(spans, sp)
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end)) })
	at, last := uint64(0), ""
	for _, s := range spans {
		switch {
		case s.begin > at:
			return nil, fmt.Errorf("%s: %d bytes of data before tensor %q belong to no tensor: the header is damaged", name, s.begin-at, s.name)
		case s.begin < at:
			return nil, fmt.Errorf("%s: tensors %q and %q overlap: the header is damaged", name, last, s.name)
		}
		at, last = s.end, s.name
	}
	if at != dataLen {
		return nil, fmt.Errorf("%s: %d bytes after the last tensor's data belong to no tensor: the file has extra bytes, or its header is damaged", name, dataLen-at)
	}
	return meta, nil
}

// checkEntry checks the header entry v of tensor k against dataLen bytes of
// data: an F32 tensor whose data_offsets span exactly its shape's bytes,
// within the data.
func checkEntry(k string, v json.RawMessage, dataLen uint64) (span, error) {
	var e entry
	if err := json.Unmarshal(v, &e); err != nil || len(e.Offsets) != 2 {
		return span{}, fmt.Errorf("tensor %q: its header entry is not {\"dtype\", \"shape\", \"data_offsets\": [begin, end]}: the file is damaged", k)
	}
	if e.DType != "F32" {
		return span{}, fmt.Errorf("tensor %q has dtype %s: recog's model files hold F32 (float32) tensors only (a file of another program, or converted?)", k, e.DType)
	}
	values, ok := product(e.Shape, dataLen/4)
	if !ok {
		return span{}, fmt.Errorf("tensor %q has shape %v, more values than the file holds: the file is truncated, or its header damaged", k, e.Shape)
	}
	b, end := e.Offsets[0], e.Offsets[1]
	switch {
	case b > end || end-b != 4*values:
		return span{}, fmt.Errorf("tensor %q: shape %v needs %d bytes of F32 but data_offsets [%d, %d] span %d: the header is damaged", k, e.Shape, 4*values, b, end, end-b)
	case end > dataLen:
		return span{}, fmt.Errorf("tensor %q ends at byte %d of the data but only %d bytes follow the header: the file is truncated", k, end, dataLen)
	}
	return span{k, b, end}, nil
}

// product returns the product of shape when it is at most limit and every
// dimension fits an int32, computed without overflow.
func product(shape []uint64, limit uint64) (uint64, bool) {
	p := uint64(1)
	for _, d := range shape {
		if d > math.MaxInt32 || (d != 0 && p > limit/d) {
			return 0, false
		}
		p *= d
	}
	return p, true
}

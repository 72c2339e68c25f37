package data

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/nlpodyssey/safetensors"
)

// Tensor is a float32 array in C (row-major) order: element (i0, i1, ..., ik)
// is Data[((i0*Shape[1] + i1)*Shape[2] + ...) + ik], and len(Data) is the
// product of Shape (1 for a scalar, whose Shape is empty).
type Tensor struct {
	Shape []int
	Data  []float32
}

// Len returns the product of the shape, the number of elements.
func (t Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// ReadSafetensors reads every tensor of a .safetensors file and its
// "__metadata__" strings.
//
// The format (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (byte offsets into the data
// that follows the header), then the data. Parsing and validation are those
// of github.com/nlpodyssey/safetensors: the header must fit in the file,
// the tensors must tile the data exactly (no gap, no overlap, nothing after
// the last), and end-begin must equal the shape's product times the dtype
// size. On top of that only F32 tensors are accepted.
func ReadSafetensors(path string) (map[string]Tensor, map[string]string, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return ParseSafetensors(path, buf)
}

// ParseSafetensors is ReadSafetensors on the bytes of a file; name is used in
// errors only.
func ParseSafetensors(path string, buf []byte) (map[string]Tensor, map[string]string, error) {
	if len(buf) < 8 {
		return nil, nil, fmt.Errorf("%s: %d bytes, too short for the 8-byte header length", path, len(buf))
	}
	if n := binary.LittleEndian.Uint64(buf); n > uint64(len(buf)-8) {
		return nil, nil, fmt.Errorf("%s: header length %d exceeds the %d bytes after it", path, n, len(buf)-8)
	}
	st, err := safetensors.Deserialize(buf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	_, meta, err := safetensors.ReadMetadata(buf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]Tensor, st.Len())
	for _, nt := range st.Tensors() {
		v := nt.TensorView
		if v.DType() != safetensors.F32 {
			return nil, nil, fmt.Errorf("%s: tensor %q has dtype %s; only F32 is supported", path, nt.Name, v.DType())
		}
		shape := make([]int, len(v.Shape()))
		for i, d := range v.Shape() {
			if d > math.MaxInt32 {
				return nil, nil, fmt.Errorf("%s: tensor %q: dimension %d is %d, too large", path, nt.Name, i, d)
			}
			shape[i] = int(d)
		}
		raw := v.Data()
		data := make([]float32, len(raw)/4)
		for i := range data {
			data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		out[nt.Name] = Tensor{Shape: shape, Data: data}
	}
	md := meta.Metadata()
	if md == nil {
		md = map[string]string{}
	}
	return out, md, nil
}

// WriteSafetensors writes tensors (F32, little-endian) and the metadata
// strings to path in the safetensors format. The output depends only on the
// arguments: tensors are laid out in name order and the JSON header has sorted
// keys, padded with spaces to a multiple of 8 bytes. The file is written to a
// temporary file in the same directory and renamed, so path is either the old
// file or the complete new one.
func WriteSafetensors(path string, tensors map[string]Tensor, meta map[string]string) error {
	views := make(map[string]safetensors.TensorView, len(tensors))
	names := make([]string, 0, len(tensors))
	for name := range tensors {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t := tensors[name]
		if name == "__metadata__" || name == "" {
			return fmt.Errorf("%s: %q cannot name a tensor", path, name)
		}
		if len(t.Shape) == 0 {
			return fmt.Errorf("%s: tensor %q has no shape; write a scalar with shape [1]", path, name)
		}
		shape := make([]uint64, len(t.Shape))
		for i, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("%s: tensor %q has negative dimension %d in shape %v", path, name, d, t.Shape)
			}
			shape[i] = uint64(d)
		}
		if t.Len() != len(t.Data) {
			return fmt.Errorf("%s: tensor %q has shape %v (%d elements) but %d values", path, name, t.Shape, t.Len(), len(t.Data))
		}
		raw := make([]byte, 4*len(t.Data))
		for i, v := range t.Data {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		view, err := safetensors.NewTensorView(safetensors.F32, shape, raw)
		if err != nil {
			return fmt.Errorf("%s: tensor %q: %w", path, name, err)
		}
		views[name] = view
	}
	if meta != nil && len(meta) == 0 {
		meta = nil
	}
	if _, err := json.Marshal(meta); err != nil {
		return fmt.Errorf("%s: metadata: %w", path, err)
	}
	buf, err := safetensors.Serialize(views, meta)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(buf); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

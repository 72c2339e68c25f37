package data_test

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
)

func TestSafetensorsRoundTrip(t *testing.T) {
	in := map[string]data.Tensor{
		"conv.weight": {Shape: []int{2, 1, 2, 2}, Data: []float32{1, -2, 3.5, 0, float32(math.Inf(1)), -0.0, 1e-38, 7}},
		"conv.bias":   {Shape: []int{2}, Data: []float32{0.25, -0.5}},
		"scalar":      {Shape: []int{1}, Data: []float32{42}},
		"empty":       {Shape: []int{0, 3}, Data: []float32{}},
	}
	meta := map[string]string{"format": "recog", "epochs": "30"}
	p := filepath.Join(t.TempDir(), "m.safetensors")
	require.NoError(t, data.WriteSafetensors(p, in, meta))
	got, gotMeta, err := data.ReadSafetensors(p)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(in, got, cmp.Comparer(func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) })))
	require.Equal(t, meta, gotMeta)

	// Deterministic: the same tensors give the same bytes.
	b1, _ := os.ReadFile(p)
	p2 := filepath.Join(t.TempDir(), "m.safetensors")
	in2 := map[string]data.Tensor{}
	for _, k := range []string{"scalar", "empty", "conv.bias", "conv.weight"} {
		in2[k] = in[k]
	}
	require.NoError(t, data.WriteSafetensors(p2, in2, map[string]string{"epochs": "30", "format": "recog"}))
	b2, _ := os.ReadFile(p2)
	require.Equal(t, b1, b2)
	n := binary.LittleEndian.Uint64(b1)
	require.Zero(t, (8+n)%8, "header padded to 8 bytes")
	require.True(t, strings.HasPrefix(string(b1[8:]), `{"__metadata__":{"epochs":"30","format":"recog"},"conv.bias":`), "sorted keys: %s", b1[8:8+n])

	// No metadata: an empty map back.
	require.NoError(t, data.WriteSafetensors(p, map[string]data.Tensor{"x": {Shape: []int{1}, Data: []float32{1}}}, nil))
	_, gotMeta, err = data.ReadSafetensors(p)
	require.NoError(t, err)
	require.Empty(t, gotMeta)
	entries, _ := os.ReadDir(filepath.Dir(p))
	require.Len(t, entries, 1, "no temporary file left")
}

func TestWriteSafetensorsRejects(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.safetensors")
	tests := map[string]struct {
		tensors map[string]data.Tensor
		err     string
	}{
		"shape vs data":  {map[string]data.Tensor{"w": {Shape: []int{2, 2}, Data: []float32{1, 2, 3}}}, `tensor "w" has shape [2 2] (4 elements) but 3 values`},
		"negative":       {map[string]data.Tensor{"w": {Shape: []int{-1}, Data: nil}}, "negative dimension"},
		"rank 0":         {map[string]data.Tensor{"w": {Data: []float32{1}}}, "has no shape"},
		"reserved name":  {map[string]data.Tensor{"__metadata__": {Shape: []int{1}, Data: []float32{1}}}, "cannot name a tensor"},
		"missing folder": {nil, "no such file or directory"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := p
			if tc.tensors == nil {
				path = filepath.Join(p, "nope", "x.safetensors")
			}
			err := data.WriteSafetensors(path, tc.tensors, nil)
			require.ErrorContains(t, err, tc.err)
			_, err = os.Stat(p)
			require.True(t, os.IsNotExist(err), "nothing written on error")
		})
	}
}

// file builds a safetensors file from a raw JSON header and a data length.
func file(header string, dataLen int) []byte {
	b := make([]byte, 8, 8+len(header)+dataLen)
	binary.LittleEndian.PutUint64(b, uint64(len(header)))
	b = append(b, header...)
	return append(b, make([]byte, dataLen)...)
}

func TestReadSafetensorsCorrupt(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		err  string
	}{
		{"too short", []byte{1, 2, 3}, "too short for the 8-byte header length"},
		{"header past end", func() []byte { b := file(`{}`, 0); b[0] = 200; return b }(), "header length 200 exceeds the 2 bytes after it"},
		{"not json", file(`{"a":`, 0), "invalid header deserialization"},
		{"offsets past end", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 4), "incomplete buffer"},
		{"trailing bytes", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 8), "incomplete buffer"},
		{"overlap", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, 12), "invalid metadata offset"},
		{"gap", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "invalid metadata offset"},
		{"shape vs bytes", file(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 8), "offsets mismatch"},
		{"f64", file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, 8), `tensor "a" has dtype F64; only F32 is supported`},
		{"bf16", file(`{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}`, 4), "only F32"},
		{"unknown dtype", file(`{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}`, 4), "Q4"},
		{"metadata not string", file(`{"__metadata__":{"n":1}}`, 0), "expected string"},
		{"missing shape", file(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, 4), "expected 3 keys"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.safetensors")
			require.NoError(t, os.WriteFile(p, tc.b, 0o644))
			_, _, err := data.ReadSafetensors(p)
			require.ErrorContains(t, err, tc.err)
			require.ErrorContains(t, err, p, "errors name the file")
		})
	}
	_, _, err := data.ReadSafetensors(filepath.Join(t.TempDir(), "none.safetensors"))
	require.ErrorContains(t, err, "none.safetensors")
}

func FuzzParseSafetensors(f *testing.F) {
	f.Add(file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}`, 8))
	f.Add(file(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, 4))
	f.Add(file(`{"a":{"dtype":"F16","shape":[18446744073709551615,2],"data_offsets":[0,4]}}`, 4))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, _, err := data.ParseSafetensors("fuzz", b)
		if err != nil {
			return
		}
		for name, x := range ts {
			if x.Len() != len(x.Data) {
				t.Fatalf("%s: shape %v but %d values", name, x.Shape, len(x.Data))
			}
		}
	})
}

func TestSafetensorsSqueezeNet(t *testing.T) {
	p := datatest.File(t, "squeezenet", data.SqueezeNetFile)
	ts, _, err := data.ReadSafetensors(p)
	require.NoError(t, err)
	require.Len(t, ts, 52)
	params := 0
	for name, x := range ts {
		require.Equal(t, x.Len(), len(x.Data), name)
		bad := 0
		for _, v := range x.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				bad++
			}
		}
		require.Zero(t, bad, "%s has non-finite values", name)
		params += len(x.Data)
	}
	require.Equal(t, 1235496, params)
	require.Equal(t, []int{64, 3, 3, 3}, ts["features.0.weight"].Shape)
	require.Equal(t, []int{16, 64, 1, 1}, ts["features.3.squeeze.weight"].Shape)
	require.Equal(t, []int{256, 64, 3, 3}, ts["features.12.expand3x3.weight"].Shape)
	require.Equal(t, []int{1000, 512, 1, 1}, ts["classifier.1.weight"].Shape)
	require.Equal(t, []int{1000}, ts["classifier.1.bias"].Shape)
}

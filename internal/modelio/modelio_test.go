package modelio

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
)

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	ts := map[string]data.Tensor{"0.weight": {Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}}
	h := Header{Model: "tiny", Input: []int{1, 2, 2}, Classes: []string{"a", "b,c"}, Meta: map[string]string{"epochs": "3"}}
	require.NoError(t, Write(path, ts, h))
	_, meta, err := data.ReadSafetensors(path)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"model": "tiny", "input": "[1,2,2]", "classes": `["a","b,c"]`, "epochs": "3"}, meta,
		"one convention: JSON lists, so a class name may hold a comma")

	got, gh, err := Read(path)
	require.NoError(t, err)
	require.Equal(t, h, gh)
	require.Equal(t, ts, got)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	_, gh, err = Parse("mem", b)
	require.NoError(t, err)
	require.Equal(t, h, gh)

	d, err := Take(path, got, "0.weight", 2, 3)
	require.NoError(t, err)
	require.Equal(t, []float32{1, 2, 3, 4, 5, 6}, d)
	_, err = Take(path, got, "0.weight", 3, 2)
	require.ErrorContains(t, err, `m.safetensors: tensor "0.weight" has shape [2 3], want [3 2]`)
	_, err = Take(path, got, "0.bias", 3)
	require.ErrorContains(t, err, `missing tensor "0.bias"`)
	require.NoError(t, OnlyThese(path, got, []string{"0.weight"}))
	require.ErrorContains(t, OnlyThese(path, got, nil), `unexpected tensors ["0.weight"]`)
}

func TestWriteRejects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	for _, k := range []string{"model", "input", "classes", "format"} {
		require.ErrorContains(t, Write(path, nil, Header{Model: "x", Meta: map[string]string{k: "y"}}), "reserved")
	}
	require.ErrorContains(t, Write(path, nil, Header{}), "no architecture name")
	_, err := os.Stat(path)
	require.True(t, os.IsNotExist(err))
}

// TestReadOlderFiles reads the metadata of files written before the
// convention (the Q3 network of recog q3 then: "format" names the
// architecture, the classes are one comma-separated string) and rejects
// broken JSON, naming the file.
func TestReadOlderFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, meta map[string]string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, data.WriteSafetensors(p, map[string]data.Tensor{"w": {Shape: []int{1}, Data: []float32{1}}}, meta))
		return p
	}
	_, h, err := Read(write("old.safetensors", map[string]string{"format": "recog-mlp", "classes": "A,B", "version": "1"}))
	require.NoError(t, err)
	require.Equal(t, Header{Model: "recog-mlp", Classes: []string{"A", "B"}, Meta: map[string]string{"version": "1"}}, h)
	_, h, err = Read(write("none.safetensors", nil))
	require.NoError(t, err)
	require.Equal(t, Header{Meta: map[string]string{}}, h)
	_, _, err = Read(write("input.safetensors", map[string]string{"model": "m", "input": "1,28,28"}))
	require.ErrorContains(t, err, `input.safetensors: metadata "input" is "1,28,28": want a JSON list of integers`)
	_, _, err = Read(write("classes.safetensors", map[string]string{"model": "m", "classes": `["A"`}))
	require.ErrorContains(t, err, `classes.safetensors: metadata "classes"`)
	_, _, err = Read(filepath.Join(dir, "missing.safetensors"))
	require.ErrorContains(t, err, "missing.safetensors")
	_, _, err = Parse("cut", []byte{1, 2})
	require.ErrorContains(t, err, "cut")
}

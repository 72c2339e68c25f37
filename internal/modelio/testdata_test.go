package modelio

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
)

// testdataModels are the model files of testdata/models, input fixtures of
// the tests that read models (q2_nn, cmd/recog), made here: a version-1
// file of recog q3 (before the metadata convention: "format" and
// comma-separated classes) holding a 4 -> 3 sigmoid -> 2 softmax network, a
// .safetensors file that is no model of recog, the first half of the
// version-1 file, and crafted versions of it: a NaN weight, an infinite
// one, a tensor whose header says F64, the data cut short by 8 bytes, and
// metadata "input" that disagrees with the sizes.
func testdataModels(t *testing.T) map[string][]byte {
	dir := t.TempDir()
	write := func(name string, ts map[string]data.Tensor, meta map[string]string) []byte {
		p := filepath.Join(dir, name)
		require.NoError(t, data.WriteSafetensors(p, ts, meta))
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		return b
	}
	seq := func(n int) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(i%7)/7 - 0.5
		}
		return out
	}
	v1 := write("q3_v1.safetensors", map[string]data.Tensor{
		"layer1.W": {Shape: []int{4, 3}, Data: seq(12)}, "layer1.b": {Shape: []int{3}, Data: seq(3)},
		"output.W": {Shape: []int{3, 2}, Data: seq(6)}, "output.b": {Shape: []int{2}, Data: seq(2)},
	}, map[string]string{"format": "recog-mlp", "version": "1", "dtype": "F32", "classes": "X,Y",
		"layers": "layer1,output", "activations": "sigmoid,softmax", "sizes": "4,3,2", "trained_by": "testdata"})
	other := write("not_a_model.safetensors", map[string]data.Tensor{"w": {Shape: []int{2}, Data: []float32{1, 2}}},
		map[string]string{"format": "else"})
	out := map[string][]byte{"q3_v1.safetensors": v1, "not_a_model.safetensors": other, "truncated.safetensors": v1[:len(v1)/2],
		"q3_v1_cut.safetensors": v1[:len(v1)-8]}
	for name, v := range map[string]float32{"q3_v1_nan.safetensors": float32(math.NaN()), "q3_v1_inf.safetensors": float32(math.Inf(1))} {
		ts, meta, err := data.ParseSafetensors("v1", v1)
		require.NoError(t, err)
		ts["output.W"].Data[4] = v
		out[name] = write(name, ts, meta)
	}
	f64 := bytes.Replace(v1, []byte(`"layer1.W":{"dtype":"F32"`), []byte(`"layer1.W":{"dtype":"F64"`), 1)
	require.NotEqual(t, v1, f64)
	out["q3_v1_f64.safetensors"] = f64
	ts, meta, err := data.ParseSafetensors("v1", v1)
	require.NoError(t, err)
	meta["input"] = "[100000000]"
	out["q3_v1_input.safetensors"] = write("q3_v1_input.safetensors", ts, meta)
	return out
}

// TestTestdataModels writes testdata/models under -update, and otherwise
// checks that the files there are the ones this code makes, then reads
// them: the version-1 file's header in today's convention, the others'
// errors naming the file.
func TestTestdataModels(t *testing.T) {
	g := datatest.Fixtures(t, "models")
	for name, b := range testdataModels(t) {
		g.Assert(t, name, b)
	}
	_, h, err := Read(datatest.Testdata(t, "models", "q3_v1.safetensors"))
	require.NoError(t, err)
	require.Equal(t, Header{Model: "recog-mlp", Classes: []string{"X", "Y"}, Meta: map[string]string{"version": "1", "dtype": "F32",
		"layers": "layer1,output", "activations": "sigmoid,softmax", "sizes": "4,3,2", "trained_by": "testdata"}}, h)
	_, h, err = Read(datatest.Testdata(t, "models", "not_a_model.safetensors"))
	require.NoError(t, err)
	require.Equal(t, "else", h.Model)
	_, _, err = Read(datatest.Testdata(t, "models", "truncated.safetensors"))
	require.ErrorContains(t, err, "truncated.safetensors: not a model file, or a truncated one: its first 8 bytes give a header of 432 bytes, and only 258 follow")
	_, _, err = Read(datatest.Testdata(t, "models", "q3_v1_cut.safetensors"))
	require.ErrorContains(t, err, `q3_v1_cut.safetensors: tensor "output.b" ends at byte 92 of the data but only 84 bytes follow the header: the file is truncated`)
	_, _, err = Read(datatest.Testdata(t, "models", "q3_v1_f64.safetensors"))
	require.ErrorContains(t, err, `q3_v1_f64.safetensors: tensor "layer1.W" has dtype F64: recog's model files hold F32 (float32) tensors only`)
	for name, want := range map[string]string{"q3_v1_nan.safetensors": "NaN", "q3_v1_inf.safetensors": "+Inf"} {
		ts, _, err := Read(datatest.Testdata(t, "models", name))
		require.NoError(t, err)
		_, err = Take(name, ts, "output.W", 3, 2)
		require.ErrorContains(t, err, name+`: tensor "output.W" holds `+want+" at index 4: the weights are broken")
	}
}

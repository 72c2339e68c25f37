package train

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/vec"
	nn "recog/q2_nn"
)

// TestSaveLoadRoundTrip saves a network and loads it back: names,
// activations and shapes are equal, every parameter equals its float32
// rounding, the outputs agree to float32 precision with the same argmax, and
// the caller's metadata comes back with the reserved keys added.
func TestSaveLoadRoundTrip(t *testing.T) {
	net := randomNet(t, 64, 36, 3)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	meta := map[string]string{MetaClasses: "A,B", "epochs": "50"}
	require.NoError(t, SaveModel(path, net, meta))

	got, gotMeta, err := LoadModel(path)
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		MetaClasses: "A,B", "epochs": "50",
		MetaFormat: ModelFormat, MetaVersion: ModelVersion, MetaDType: "F32",
		MetaLayers: "layer1,output", MetaActivations: "sigmoid,softmax", MetaSizes: "1024,64,36",
	}, gotMeta)
	require.Len(t, got.Layers, 2)
	for i, l := range got.Layers {
		want := net.Layers[i]
		require.Equal(t, want.Name, l.Name)
		require.Equal(t, want.Activation, l.Activation)
		r, c := want.W.Dims()
		for a := range r {
			for b := range c {
				require.Equal(t, float64(float32(want.W.At(a, b))), l.W.At(a, b))
			}
		}
		for j, v := range want.B {
			require.Equal(t, float64(float32(v)), l.B[j])
		}
	}
	x := blobs(t, 200, 36, newRand(4)).X
	p0, err := net.Predict(x)
	require.NoError(t, err)
	p1, err := got.Predict(x)
	require.NoError(t, err)
	for i := range 200 {
		require.Equal(t, vec.Argmax(p0.RawRowView(i)), vec.Argmax(p1.RawRowView(i)), "row %d", i)
		for j := range 36 {
			require.InDelta(t, p0.At(i, j), p1.At(i, j), 1e-5)
		}
	}
}

func TestSaveModelRejects(t *testing.T) {
	dir := t.TempDir()
	net := randomNet(t, 4, 3, 1)
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), net, map[string]string{"version": "7"}), `metadata key "version" is reserved`)
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), nil, nil), "no layers")
	bad := net.Clone()
	bad.Layers[1].Name = "out.put"
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), bad, nil), "without commas or dots")
	bad.Layers[1].Name = "layer1"
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), bad, nil), `two layers are named "layer1"`)
	_, err := os.Stat(filepath.Join(dir, "a"))
	require.True(t, os.IsNotExist(err), "no file is written on error")
}

// TestLoadModelErrors writes broken models with data.WriteSafetensors and
// checks that each error names the file and the problem.
func TestLoadModelErrors(t *testing.T) {
	dir := t.TempDir()
	good := func() (map[string]data.Tensor, map[string]string) {
		return map[string]data.Tensor{
				"layer1.W": {Shape: []int{4, 3}, Data: make([]float32, 12)},
				"layer1.b": {Shape: []int{3}, Data: make([]float32, 3)},
				"output.W": {Shape: []int{3, 2}, Data: make([]float32, 6)},
				"output.b": {Shape: []int{2}, Data: make([]float32, 2)},
			}, map[string]string{
				"format": "recog-mlp", "version": "1", "dtype": "F32",
				"layers": "layer1,output", "activations": "sigmoid,softmax", "sizes": "4,3,2",
			}
	}
	for _, tc := range []struct {
		name  string
		edit  func(map[string]data.Tensor, map[string]string)
		error string
	}{
		{"good", func(map[string]data.Tensor, map[string]string) {}, ""},
		{"no format", func(_ map[string]data.Tensor, m map[string]string) { delete(m, "format") }, `metadata "format" is "", want "recog-mlp"`},
		{"version 2", func(_ map[string]data.Tensor, m map[string]string) { m["version"] = "2" }, `format version "2", this program reads version 1`},
		{"dtype", func(_ map[string]data.Tensor, m map[string]string) { m["dtype"] = "F64" }, `dtype "F64"`},
		{"missing W", func(ts map[string]data.Tensor, _ map[string]string) { delete(ts, "output.W") }, `missing tensor "output.W"`},
		{"missing b", func(ts map[string]data.Tensor, _ map[string]string) { delete(ts, "layer1.b") }, `missing tensor "layer1.b"`},
		{"W shape", func(ts map[string]data.Tensor, _ map[string]string) {
			ts["layer1.W"] = data.Tensor{Shape: []int{3, 4}, Data: make([]float32, 12)}
		}, `tensor "layer1.W" has shape [3 4], want [4 3]`},
		{"b shape", func(ts map[string]data.Tensor, _ map[string]string) {
			ts["output.b"] = data.Tensor{Shape: []int{1, 2}, Data: make([]float32, 2)}
		}, `tensor "output.b" has shape [1 2], want [2]`},
		{"extra tensor", func(ts map[string]data.Tensor, _ map[string]string) {
			ts["extra.W"] = data.Tensor{Shape: []int{1}, Data: make([]float32, 1)}
		}, `unexpected tensors ["extra.W"]`},
		{"sizes count", func(_ map[string]data.Tensor, m map[string]string) { m["sizes"] = "4,3" }, "2 layers, 2 activations and 2 sizes"},
		{"bad size", func(_ map[string]data.Tensor, m map[string]string) { m["sizes"] = "4,x,2" }, `size "x"`},
		{"bad activation", func(_ map[string]data.Tensor, m map[string]string) { m["activations"] = "sigmoid,tanh" }, `layer "output"`},
		{"duplicate layers", func(_ map[string]data.Tensor, m map[string]string) { m["layers"] = "layer1,layer1" }, "distinct"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, meta := good()
			tc.edit(ts, meta)
			path := filepath.Join(dir, tc.name+".safetensors")
			require.NoError(t, data.WriteSafetensors(path, ts, meta))
			net, _, err := LoadModel(path)
			if tc.error == "" {
				require.NoError(t, err)
				require.Equal(t, 4, net.In())
				require.Equal(t, 2, net.Out())
				return
			}
			require.ErrorContains(t, err, path)
			require.ErrorContains(t, err, tc.error)
		})
	}
	_, _, err := LoadModel(filepath.Join(dir, "nothing.safetensors"))
	require.ErrorContains(t, err, "nothing.safetensors")
	junk := filepath.Join(dir, "junk")
	require.NoError(t, os.WriteFile(junk, []byte("not a safetensors file"), 0o644))
	_, _, err = LoadModel(junk)
	require.ErrorContains(t, err, "junk")
}

// TestLoadedModelEvaluates checks that a loaded model is an ordinary network
// (nn.Evaluate works) with the loss of the original up to float32 rounding.
func TestLoadedModelEvaluates(t *testing.T) {
	net := randomNet(t, 16, 36, 9)
	ds := blobs(t, 144, 36, newRand(2))
	path := filepath.Join(t.TempDir(), "m.safetensors")
	require.NoError(t, SaveModel(path, net, nil))
	got, _, err := LoadModel(path)
	require.NoError(t, err)
	l0, a0, err := nn.Evaluate(net, ds)
	require.NoError(t, err)
	l1, a1, err := nn.Evaluate(got, ds)
	require.NoError(t, err)
	require.InDelta(t, l0, l1, 1e-5*math.Max(1, l0))
	require.Equal(t, a0, a1)
}

package nn

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/modelio"
	"recog/internal/vec"
)

// TestSaveLoadRoundTrip saves a network and loads it back: names,
// activations and shapes are equal, every parameter equals its float32
// rounding, the outputs agree to float32 precision with the same argmax, and
// the class names and the caller's metadata come back with the format's keys
// added.
func TestSaveLoadRoundTrip(t *testing.T) {
	net, ds := classifier32(t, 64, 36, 200, 3)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	classes := strings.Split("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "")
	require.NoError(t, SaveModel(path, net, classes, map[string]string{"epochs": "50"}))

	got, h, err := LoadModel(path)
	require.NoError(t, err)
	require.Equal(t, modelio.Header{Model: ModelName, Input: []int{1024}, Classes: classes, Meta: map[string]string{
		"epochs": "50", MetaVersion: ModelVersion, MetaDType: "F32",
		MetaLayers: "layer1,output", MetaActivations: "sigmoid,softmax", MetaSizes: "1024,64,36",
	}}, h)
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
	p0, err := net.Predict(ds.X)
	require.NoError(t, err)
	p1, err := got.Predict(ds.X)
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
	net, _ := classifier32(t, 4, 3, 1, 1)
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), net, nil, map[string]string{"version": "7"}), `metadata key "version" is reserved`)
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), net, nil, map[string]string{"classes": "A"}), `metadata key "classes" is reserved`)
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), net, []string{"A"}, nil), "1 class names for 3 outputs")
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), nil, nil, nil), "no layers")
	bad := net.Clone()
	bad.Layers[1].Name = "out.put"
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), bad, nil, nil), "without commas or dots")
	bad.Layers[1].Name = "layer1"
	require.ErrorContains(t, SaveModel(filepath.Join(dir, "a"), bad, nil, nil), `two layers are named "layer1"`)
	_, err := os.Stat(filepath.Join(dir, "a"))
	require.True(t, os.IsNotExist(err), "no file is written on error")
}

// TestLoadModelErrors writes broken models with data.WriteSafetensors and
// checks that each error names the file and the problem. The good model is
// a version-1 file, written before the metadata convention of
// internal/modelio ("format" names the architecture, the classes are one
// comma-separated string), which loads as the embedded Q3 network does.
func TestLoadModelErrors(t *testing.T) {
	dir := t.TempDir()
	good := func() (map[string]data.Tensor, map[string]string) {
		return map[string]data.Tensor{
				"layer1.W": {Shape: []int{4, 3}, Data: make([]float32, 12)},
				"layer1.b": {Shape: []int{3}, Data: make([]float32, 3)},
				"output.W": {Shape: []int{3, 2}, Data: make([]float32, 6)},
				"output.b": {Shape: []int{2}, Data: make([]float32, 2)},
			}, map[string]string{
				"format": "recog-mlp", "version": "1", "dtype": "F32", "classes": "X,Y",
				"layers": "layer1,output", "activations": "sigmoid,softmax", "sizes": "4,3,2",
			}
	}
	for _, tc := range []struct {
		name  string
		edit  func(map[string]data.Tensor, map[string]string)
		error string
	}{
		{"good", func(map[string]data.Tensor, map[string]string) {}, ""},
		{"no model", func(_ map[string]data.Tensor, m map[string]string) { delete(m, "format") }, `model "", want "recog-mlp"`},
		{"another model", func(_ map[string]data.Tensor, m map[string]string) { m["model"] = "emnist-cnn" }, `model "emnist-cnn", want "recog-mlp"`},
		{"version 3", func(_ map[string]data.Tensor, m map[string]string) { m["version"] = "3" }, `format version "3", this program reads versions 1 and 2`},
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
		{"classes", func(_ map[string]data.Tensor, m map[string]string) { m["classes"] = "X,Y,Z" }, "3 class names for 2 outputs"},
		{"bad classes", func(_ map[string]data.Tensor, m map[string]string) { m["classes"] = `["X",` }, `metadata "classes"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, meta := good()
			tc.edit(ts, meta)
			path := filepath.Join(dir, tc.name+".safetensors")
			require.NoError(t, data.WriteSafetensors(path, ts, meta))
			net, h, err := LoadModel(path)
			if tc.error == "" {
				require.NoError(t, err)
				require.Equal(t, 4, net.In())
				require.Equal(t, 2, net.Out())
				require.Equal(t, []string{"X", "Y"}, h.Classes)
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
// (Evaluate works) with the loss of the original up to float32 rounding.
func TestLoadedModelEvaluates(t *testing.T) {
	net, ds := classifier32(t, 16, 36, 144, 9)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	require.NoError(t, SaveModel(path, net, nil, nil))
	got, _, err := LoadModel(path)
	require.NoError(t, err)
	l0, a0, err := Evaluate(net, ds)
	require.NoError(t, err)
	l1, a1, err := Evaluate(got, ds)
	require.NoError(t, err)
	require.InDelta(t, l0, l1, 1e-5*math.Max(1, l0))
	require.Equal(t, a0, a1)
}

// TestLoadVersion1File loads testdata/models/q3_v1.safetensors, a network
// saved before the metadata convention (made by internal/modelio's tests):
// 4 -> 3 sigmoid -> 2 softmax with classes X and Y.
func TestLoadVersion1File(t *testing.T) {
	net, h, err := LoadModel(datatest.Testdata(t, "models", "q3_v1.safetensors"))
	require.NoError(t, err)
	require.Equal(t, []int{4, 3, 2}, []int{net.In(), net.Layers[0].Out(), net.Out()})
	require.Equal(t, []Activation{ActSigmoid, ActSoftmax}, []Activation{net.Layers[0].Activation, net.Layers[1].Activation})
	require.Equal(t, []string{"X", "Y"}, h.Classes)
	require.Equal(t, "1", h.Meta[MetaVersion])
	_, _, err = LoadModel(datatest.Testdata(t, "models", "truncated.safetensors"))
	require.ErrorContains(t, err, "truncated.safetensors")
	_, _, err = LoadModel(datatest.Testdata(t, "models", "not_a_model.safetensors"))
	require.ErrorContains(t, err, `model "else", want "recog-mlp"`)
}

package nets

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
)

// emnistSide is the side of EMNIST's images.
const emnistSide = 28

// emnistClasses returns 47 class names as EMNIST Balanced's mapping has
// them: 0-9, A-Z, then a b d e f g h n q r t.
func emnistClasses() []string {
	var c []string
	for _, r := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt" {
		c = append(c, string(r))
	}
	return c
}

// TestSmallCNNArchitecture checks the layer shapes, the parameter names and
// the count 59,119 = (16·9+16) + (32·16·9+32) + (800·64+64) + (64·47+47).
func TestSmallCNNArchitecture(t *testing.T) {
	m, err := NewSmallCNN(SmallCNNName, emnistSide, emnistClasses(), 0.2, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	defer m.Close()
	require.Equal(t, 16*9+16+32*16*9+32+800*64+64+64*47+47, m.NumParams())
	require.Equal(t, 59119, m.NumParams())
	var shapes [][]int
	for i := 1; i <= len(m.Layers); i++ {
		shapes = append(shapes, ShapeAt(m, i))
	}
	require.Equal(t, [][]int{{16, 26, 26}, {16, 13, 13}, {32, 11, 11}, {32, 5, 5}, {32, 5, 5}, {64}, {64}, {47}}, shapes)
	var names []string
	for _, p := range m.Params {
		names = append(names, p.Name)
	}
	require.Equal(t, []string{"0.weight", "0.bias", "2.weight", "2.bias", "5.weight", "5.bias", "7.weight", "7.bias"}, names)
	_, err = NewSmallCNN("x", 8, emnistClasses(), 0, rand.New(rand.NewPCG(1, 2)))
	require.Error(t, err)
}

// TestSmallCNNSaveLoad: a saved small CNN loads back (LoadOCRModel from the
// file, ParseSmallCNN from its bytes) with identical outputs, and a saved
// simple CNN still loads through LoadOCRModel; broken files fail with their
// name.
func TestSmallCNNSaveLoad(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	m, err := NewSmallCNN(SmallCNNName, emnistSide, emnistClasses(), 0.2, rng)
	require.NoError(t, err)
	defer m.Close()
	path := filepath.Join(dir, "small.safetensors")
	require.NoError(t, m.Save(path))
	x := synthetic(5, emnistSide, 47, rng)
	rows := make([][]float32, x.Len())
	for i := range rows {
		rows[i] = x.Row(i)
	}
	want, err := m.Predict(rows)
	require.NoError(t, err)

	got, err := LoadOCRModel(path)
	require.NoError(t, err)
	defer got.Close()
	require.Equal(t, SmallCNNName, got.Name)
	p, err := got.Predict(rows)
	require.NoError(t, err)
	require.Equal(t, want, p)

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	fromBytes, err := ParseSmallCNN("mem", b)
	require.NoError(t, err)
	defer fromBytes.Close()
	p, err = fromBytes.Predict(rows)
	require.NoError(t, err)
	require.Equal(t, want, p)

	// A simple CNN (recog q7 emnist) goes to LoadSimpleCNN.
	s, err := NewSimpleCNN("emnist-cnn", emnistSide, emnistClasses(), 0.25, false, rng)
	require.NoError(t, err)
	defer s.Close()
	spath := filepath.Join(dir, "simple.safetensors")
	require.NoError(t, s.Save(spath))
	ls, err := LoadOCRModel(spath)
	require.NoError(t, err)
	defer ls.Close()
	require.Equal(t, "emnist-cnn", ls.Name)
	require.Equal(t, s.NumParams(), ls.NumParams())
	sb, err := os.ReadFile(spath)
	require.NoError(t, err)
	_, err = ParseSmallCNN("simple.safetensors", sb)
	require.ErrorContains(t, err, "simple.safetensors")

	// Broken files.
	_, err = ParseSmallCNN("cut.safetensors", b[:len(b)/2])
	require.ErrorContains(t, err, "cut.safetensors")
	_, err = LoadOCRModel(filepath.Join(dir, "none.safetensors"))
	require.ErrorContains(t, err, "none.safetensors")
	ts, meta, err := data.ReadSafetensors(path)
	require.NoError(t, err)
	delete(ts, "5.weight")
	short := filepath.Join(dir, "short.safetensors")
	require.NoError(t, data.WriteSafetensors(short, ts, meta))
	_, err = LoadOCRModel(short)
	require.ErrorContains(t, err, `missing tensor "5.weight"`)
}

// TestSmallCNNTrainingReproducible trains the small CNN twice for two epochs
// on the same 128 random examples with the same seed: identical parameters
// (the property q7_autodiff/model/README.md relies on).
func TestSmallCNNTrainingReproducible(t *testing.T) {
	run := func() [][]float32 {
		rng := rand.New(rand.NewPCG(7, 0x9e3779b97f4a7c15))
		d := synthetic(128, emnistSide, 47, rand.New(rand.NewPCG(5, 6)))
		m, err := NewSmallCNN(SmallCNNName, emnistSide, emnistClasses(), 0.2, rng)
		require.NoError(t, err)
		defer m.Close()
		_, err = Train(m, d, nil, Config{Epochs: 2, BatchSize: 32, Optimizer: &Adam{LR: 1e-3}, Rand: rng, LRDecay: 0.9})
		require.NoError(t, err)
		var out [][]float32
		for _, p := range m.Params {
			out = append(out, slices.Clone(p.Data()))
		}
		return out
	}
	a, b := run(), run()
	require.Equal(t, a, b)
}

// TestLoadSimpleCNN saves simple CNNs with and without dropout and reads
// them back without being told the architecture: identical logits.
func TestLoadSimpleCNN(t *testing.T) {
	x := make([]float32, 3*12*12)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range x {
		x[i] = rng.Float32()
	}
	for _, dropout := range []float64{0, 0.25} {
		m, err := NewSimpleCNN("cnn", 12, []string{"A", "b", "7"}, dropout, false, rng)
		require.NoError(t, err)
		path := filepath.Join(t.TempDir(), "m.safetensors")
		require.NoError(t, m.Save(path))
		want, err := m.Logits(x, 3)
		require.NoError(t, err)
		m.Close()
		l, err := LoadSimpleCNN(path)
		require.NoError(t, err)
		require.Equal(t, "cnn", l.Name)
		require.Equal(t, []string{"A", "b", "7"}, l.Classes)
		got, err := l.Logits(x, 3)
		require.NoError(t, err)
		require.Equal(t, want, got)
		l.Close()
	}
	_, err := LoadSimpleCNN(filepath.Join(t.TempDir(), "missing.safetensors"))
	require.ErrorContains(t, err, "missing.safetensors")
}

package autodiff

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	ocr "recog/q4_ocr"
)

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
	m, err := NewSmallCNN(SmallCNNName, EMNISTSide, emnistClasses(), 0.2, rand.New(rand.NewPCG(1, 2)))
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
	task, ok := Tasks["emnist-small"]
	require.True(t, ok)
	require.Equal(t, "emnist", task.Set)
}

// TestSmallCNNSaveLoad: a saved small CNN loads back (LoadOCRModel from the
// file, ParseSmallCNN from its bytes) with identical outputs, and a saved
// simple CNN still loads through LoadOCRModel; broken files fail with their
// name.
func TestSmallCNNSaveLoad(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	m, err := NewSmallCNN(SmallCNNName, EMNISTSide, emnistClasses(), 0.2, rng)
	require.NoError(t, err)
	defer m.Close()
	path := filepath.Join(dir, "small.safetensors")
	require.NoError(t, m.Save(path))
	x := synthetic(5, EMNISTSide, 47, rng)
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
	s, err := NewSimpleCNN("emnist-cnn", EMNISTSide, emnistClasses(), 0.25, false, rng)
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
		d := synthetic(128, EMNISTSide, 47, rand.New(rand.NewPCG(5, 6)))
		m, err := NewSmallCNN(SmallCNNName, EMNISTSide, emnistClasses(), 0.2, rng)
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

// TestDefaultOCRModel checks the embedded model: it is the file
// q7_autodiff/model/emnist_small.safetensors, whose SHA-256 the README next
// to it records; it is a small CNN on 28x28 input with EMNIST Balanced's 47
// classes; it is small (< 300 kB).
func TestDefaultOCRModel(t *testing.T) {
	path := filepath.Join("model", DefaultOCRModelFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, b, defaultOCRModel)
	require.Less(t, len(b), 300_000)
	sum := sha256.Sum256(b)
	readme, err := os.ReadFile(filepath.Join("model", "README.md"))
	require.NoError(t, err)
	require.Contains(t, string(readme), hex.EncodeToString(sum[:]), "model/README.md must record the model's SHA-256")

	m, err := DefaultOCRModel()
	require.NoError(t, err)
	defer m.Close()
	require.Equal(t, SmallCNNName, m.Name)
	require.Equal(t, []int{1, EMNISTSide, EMNISTSide}, m.Input)
	require.Equal(t, emnistClasses(), m.Classes)
	require.Equal(t, 59119, m.NumParams())
	ref, err := LoadOCRModel(path)
	require.NoError(t, err)
	defer ref.Close()
	for i, p := range m.Params {
		require.Equal(t, ref.Params[i].Data(), p.Data(), p.Name)
	}
}

// TestSmallEMNISTOCRPhotos reads the four sample photos with the embedded
// small CNN: overall CER ≤ 0.10 one crop at a time and ≤ 0.03 with the word
// rule (measured: 0.078 and 0.024, docs/q7_autodiff.md), and better than
// the Q3 network both ways (0.125 and 0.071).
func TestSmallEMNISTOCRPhotos(t *testing.T) {
	photos, err := ocr.PhotosIn(datatest.Dir(t, "images"))
	require.NoError(t, err)
	m, err := DefaultOCRModel()
	require.NoError(t, err)
	defer m.Close()
	p := EMNISTProbs(m, nil)
	c, err := ocr.Compare(photos, []ocr.Reader{{Name: "plain", Model: p}, {Name: "words", Model: p, Words: true}})
	require.NoError(t, err)
	for i, rd := range c.Readings[1] {
		t.Logf("%s: CER %.3f plain, %.3f word rule\n%s", rd.Photo.Name(), c.Readings[0][i].Score.CER, rd.Score.CER, rd.Result.Text)
	}
	plain, words := c.Totals[0], c.Totals[1]
	require.Equal(t, 296, plain.Chars)
	t.Logf("overall: %d and %d edits / %d", plain.Edits, words.Edits, plain.Chars)
	require.LessOrEqual(t, plain.CER(), 0.10)
	require.LessOrEqual(t, words.CER(), 0.03)
}

// BenchmarkDefaultOCRModel parses the embedded small CNN (what `recog ocr`
// does before reading).
func BenchmarkDefaultOCRModel(b *testing.B) {
	for b.Loop() {
		m, err := DefaultOCRModel()
		if err != nil {
			b.Fatal(err)
		}
		m.Close()
	}
}

// BenchmarkSmallCNNReadDeep is the whole reading of 04_deep.jpg after
// decoding with the embedded small CNN and the word rule (ReadWords), the
// model loaded once outside the loop (compare q4_ocr's
// BenchmarkRecogniseDeep with the Q3 network).
func BenchmarkSmallCNNReadDeep(b *testing.B) {
	img, err := ocr.Load(filepath.Join(datatest.Dir(b, "images"), "04_deep.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := DefaultOCRModel()
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	p := EMNISTProbs(m, nil)
	for b.Loop() {
		if _, err := ocr.ReadWords(img, p); err != nil {
			b.Fatal(err)
		}
	}
}

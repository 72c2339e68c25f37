package autodiff

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
	ocr "recog/q4_ocr"
	"recog/q7_autodiff/nets"
)

// TestDefaultOCRModel checks the embedded model: it is the file
// q7_autodiff/model/emnist_ocr.safetensors, whose SHA-256 the README next
// to it records; it is the plus CNN of `recog q7 emnist-ocr` on 28x28 input
// with EMNIST Balanced's 47 classes; it is small (< 1 MB).
func TestDefaultOCRModel(t *testing.T) {
	path := filepath.Join("model", DefaultOCRModelFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, b, defaultOCRModel)
	require.Less(t, len(b), 1_000_000)
	sum := sha256.Sum256(b)
	readme, err := os.ReadFile(filepath.Join("model", "README.md"))
	require.NoError(t, err)
	require.Contains(t, string(readme), hex.EncodeToString(sum[:]), "model/README.md must record the model's SHA-256")

	m, err := DefaultOCRModel()
	require.NoError(t, err)
	defer m.Close()
	require.Equal(t, "emnist-ocr-cnn", m.Name)
	require.Equal(t, []int{1, EMNISTSide, EMNISTSide}, m.Input)
	require.Equal(t, strings.Split("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt", ""), m.Classes, "EMNIST Balanced's 47 classes")
	require.Equal(t, 103215, m.NumParams())
	task, ok := Tasks["emnist-ocr"]
	require.True(t, ok)
	require.Equal(t, "emnist", task.Set)
	ref, err := nets.LoadOCRModel(path)
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
		if _, err := ocr.ReadWords(img, p, nil, 0); err != nil {
			b.Fatal(err)
		}
	}
}

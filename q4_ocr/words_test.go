package ocr

import (
	"bytes"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestWordRule checks the word rule on hand-made probabilities over the
// labels O, 0, T, 7, I, 1: "T0" reads as letters (0.9·0.3 for T, O against
// 0.05·0.7 for 7, 0), "10" as digits, and a one-character word is left alone.
func TestWordRule(t *testing.T) {
	labels := []string{"O", "0", "T", "7", "I", "1"}
	T := []float64{0, 0, 0.9, 0.05, 0.05, 0}
	zero := []float64{0.3, 0.7, 0, 0, 0, 0}
	one := []float64{0, 0, 0, 0, 0.4, 0.6}
	tests := []struct {
		chars []string
		probs [][]float64
		want  []string
	}{
		{[]string{"T", "0"}, [][]float64{T, zero}, []string{"T", "O"}},
		{[]string{"1", "0"}, [][]float64{one, zero}, []string{"1", "0"}},
		{[]string{"I", "0"}, [][]float64{{0, 0, 0, 0, 0.55, 0.45}, zero}, []string{"1", "0"}},
		{[]string{"0"}, [][]float64{zero}, []string{"0"}},
	}
	for _, tc := range tests {
		got := slices.Clone(tc.chars)
		wordRule(got, tc.probs, labels)
		require.Equal(t, tc.want, got, "%v", tc.chars)
	}
}

// confusable is a model for synthetic pages: crop i is the i-th character
// of the transcript, read as the letter it is and as the digit it looks
// like (O/0, I/1, T/7) with probabilities 0.4 and 0.6 for O and I, 0.9 and
// 0.1 for T, so that one crop at a time reads O and I as digits and the
// word rule reads words with a T back as letters.
func confusable(truth string) Probs {
	labels := []string{"O", "0", "I", "1", "T", "7"}
	chars := strings.Split(strings.NewReplacer(" ", "", "\n", "").Replace(truth), "")
	return Probs{Labels: labels, F: func(rows *mat.Dense) ([][]float64, error) {
		n, _ := rows.Dims()
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, len(labels))
			k := slices.Index(labels, chars[i])
			out[i][k], out[i][k+1] = 0.4, 0.6
			if chars[i] == "T" {
				out[i][k], out[i][k+1] = 0.9, 0.1
			}
		}
		return out, nil
	}}
}

// page writes a synthetic page of text as a JPEG, with its transcript,
// into dir and returns the photo's path.
func page(t *testing.T, dir, name, text string) string {
	t.Helper()
	c := newCanvas(700, 320, rand.New(rand.NewPCG(3, 4)))
	for i, line := range strings.Split(text, "\n") {
		c.text(line, 40, 40+float64(i)*140, 50, 80, 22, 7, 30)
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, c.rgb(), &jpeg.Options{Quality: 90}))
	path := filepath.Join(dir, name+".jpg")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".txt"), []byte(text+"\n"), 0o644))
	return path
}

// TestReadersOnPages reads synthetic pages one crop at a time and with the
// word rule, through ReadPhoto, Compare and Run, and checks the scores, the
// totals and the metrics keys.
func TestReadersOnPages(t *testing.T) {
	dir := t.TempDir()
	page(t, dir, "01_to", "TO IT")
	page(t, dir, "02_tot", "TOT\nIO")
	photos, err := PhotosIn(dir)
	require.NoError(t, err)
	require.Len(t, photos, 2)
	require.Equal(t, []string{"p01_to", "p02_tot"}, []string{photos[0].Key(), photos[1].Key()})

	plain := Reader{Name: "plain", Model: confusable("TOIT")}
	words := Reader{Name: "", Model: confusable("TOIT"), Words: true}
	rd, err := plain.ReadPhoto(photos[0])
	require.NoError(t, err)
	require.Equal(t, "T0 1T", rd.Result.Text)
	require.Equal(t, Score{CER: 2.0 / 5, Edits: 2, Chars: 5, Boxes: ScoreBoxes([]int{4}, "TO IT")}, rd.Score)
	rd, err = words.ReadPhoto(photos[0])
	require.NoError(t, err)
	require.Equal(t, "TO IT", rd.Result.Text)
	require.Zero(t, rd.Score.Edits)

	// Without an image the photo is decoded from its file; without a
	// transcript it is not scored.
	rd, err = words.ReadPhoto(Photo{Path: photos[0].Path})
	require.NoError(t, err)
	require.Equal(t, "TO IT", rd.Result.Text)
	require.Equal(t, Score{}, rd.Score)
	_, err = words.ReadPhoto(Photo{Path: filepath.Join(dir, "none.jpg")})
	require.ErrorContains(t, err, "none.jpg")

	c, err := Compare(photos[:1], []Reader{plain, words})
	require.NoError(t, err)
	require.Equal(t, CompareMetrics{Photos: []string{"p01_to"},
		PerPhoto: map[string]map[string]any{"p01_to": {"photo": "01_to.jpg", "chars": 5,
			"plain_cer": 0.4, "plain_edits": 2, "cer": 0.0, "edits": 0}},
		Totals: map[string]any{"chars": 5, "plain_cer": 0.4, "plain_edits": 2, "cer": 0.0, "edits": 0},
	}, c.Metrics)

	res, err := Run(photos[:1], Options{Reader: words, Model: "synthetic", OverlayMax: 350, Failures: true})
	require.NoError(t, err)
	m := res.Metrics
	require.Equal(t, []string{"p01_to"}, m.Photos)
	require.Equal(t, PhotoMetrics{Photo: "01_to.jpg", Figure: "q4_01_to.png", Chars: 5, Boxes: 4, Letters: 4,
		BoxRecall: 1, BoxPrecision: 1, BoxesPerLine: []int{4}, CharsPerLine: []int{4},
		TextLines: []string{"TO IT"}, TruthLines: []string{"TO IT"}}, m.PerPhoto["p01_to"])
	require.Equal(t, []int{0, 5, 0}, []int{m.Edits, m.Chars, int(m.CER)})
	require.Len(t, m.Failures, 2)
	var names []string
	for _, f := range res.Figures {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{"q4_01_to.png", "q4_fail_touching.png", "q4_fail_shadow.png"}, names)
	require.Equal(t, 350, res.Figures[0].Image.Bounds().Dx())

	_, err = Run([]Photo{{Path: "x.jpg"}}, Options{Reader: words})
	require.ErrorContains(t, err, "x.jpg: no transcript")
	_, err = PhotosIn(filepath.Join(dir, "empty"))
	require.ErrorContains(t, err, "no photos")
}

func TestTally(t *testing.T) {
	var tl Tally
	require.Zero(t, tl.CER())
	tl.Add(Score{Edits: 1, Chars: 10})
	tl.Add(Score{Edits: 3, Chars: 30})
	require.Equal(t, Tally{Edits: 4, Chars: 40}, tl)
	require.InDelta(t, 0.1, tl.CER(), 1e-15)
}

package ocr

import (
	"encoding/json"
	"image"
	"image/draw"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/datatest"
	nn "recog/q2_nn"
	train "recog/q3_train"
)

// q3Model returns the Q3 network embedded in q3_train (the network of
// question 3 that question 4 reads with) as a model of this package.
func q3Model(t testing.TB) Probs {
	t.Helper()
	net, h, err := train.DefaultModel()
	require.NoError(t, err)
	p, err := NetworkProbs(net, h.Classes)
	require.NoError(t, err)
	return p
}

// TestNetworkProbs checks the size checks and the argmax labels of a
// network whose output is known: a 1024 → 3 softmax layer whose weights pick
// the mean of the first, middle and last third of the pixels.
func TestNetworkProbs(t *testing.T) {
	l, err := nn.NewLayer("out", 1024, 3, nn.ActSoftmax, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	l.W.Zero()
	for i := range 1024 {
		l.W.Set(i, min(i/342, 2), 0.1)
	}
	clear(l.B)
	net, err := nn.NewNetwork(l)
	require.NoError(t, err)
	p, err := NetworkProbs(net, []string{"X", "Y", "Z"})
	require.NoError(t, err)
	rows := mat.NewDense(3, 1024, nil)
	for k := range 3 {
		for i := k * 342; i < min((k+1)*342, 1024); i++ {
			rows.Set(k, i, 1)
		}
	}
	got, err := p.Classifier().Classify(rows)
	require.NoError(t, err)
	require.Equal(t, []string{"X", "Y", "Z"}, got)
	_, err = NetworkProbs(net, nil) // NIST36's 36 classes
	require.ErrorContains(t, err, "3 outputs for 36 classes")
	small, err := nn.NewMLP([]int{16, 3}, []nn.Activation{nn.ActSoftmax}, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	_, err = NetworkProbs(small, []string{"X", "Y", "Z"})
	require.ErrorContains(t, err, "16 inputs")
	_, err = NetworkProbs(nil, nil)
	require.ErrorContains(t, err, "nil network")
	bad := Probs{Labels: []string{"X"}, F: p.F}
	_, err = bad.Classifier().Classify(rows)
	require.ErrorContains(t, err, "3 probabilities for 1 labels")
	_, err = Probs{}.Classifier().Classify(rows)
	require.ErrorContains(t, err, "no probability function")
}

// photoScore is one photo's line of golden/q4_ocr/cer.json.
type photoScore struct {
	Photo string  `json:"photo"`
	CER   float64 `json:"cer"`
	Dist  int     `json:"edits"`
	N     int     `json:"truth_chars"`
}

// TestQ4_4_ReadPhotos reads the four photos with the embedded Q3 network and
// checks the overall character error rate (total edits / total transcript
// length) is at most 0.15. The recognised text of each photo is a golden
// file (NN_name.txt), and so are the CERs (cer.json). (The overlays that
// docs/q4_ocr.md shows are the committed run's, docs/results/q4.)
func TestQ4_4_ReadPhotos(t *testing.T) {
	dir := datatest.Dir(t, "images")
	g := datatest.Golden(t, "q4_ocr")
	c := q3Model(t).Classifier()
	var scores []photoScore
	var dist, n int
	// Every character is boxed once (TestQ4_3_Photos), so the recognised letters
	// and the transcript's align one to one: count the substitutions.
	confusions := map[string]int{}
	for _, name := range photos {
		img, err := Load(filepath.Join(dir, name+".jpg"))
		require.NoError(t, err)
		tb, err := os.ReadFile(filepath.Join(dir, name+".txt"))
		require.NoError(t, err)
		r, err := Recognise(img, c)
		require.NoError(t, err)
		cer, d, m := CER(r.Text, string(tb))
		t.Logf("%s: CER %.3f (%d/%d)\n%s", name, cer, d, m, r.Text)
		scores = append(scores, photoScore{name + ".jpg", round4(cer), d, m})
		dist, n = dist+d, n+m
		g.Assert(t, name+".txt", []byte(r.Text+"\n"))
		want := strings.Join(strings.Fields(Normalise(string(tb))), "")
		var got string
		for _, l := range r.Lines {
			got += strings.Join(l.Chars, "")
		}
		require.Len(t, got, len(want))
		for i := range got {
			if got[i] != want[i] {
				confusions[want[i:i+1]+"->"+got[i:i+1]]++
			}
		}
	}
	overall := float64(dist) / float64(n)
	t.Logf("overall CER %.3f (%d/%d)", overall, dist, n)
	require.LessOrEqual(t, overall, 0.15)
	scores = append(scores, photoScore{"overall", round4(overall), dist, n})
	js, err := json.MarshalIndent(map[string]any{"photos": scores, "substitutions": confusions}, "", " ")
	require.NoError(t, err)
	g.Assert(t, "cer.json", js)
}

func round4(x float64) float64 { return float64(int(x*1e4+0.5)) / 1e4 }

// TestOverlayMax checks the shrunk overlay: size, and a box drawn at the
// scaled place in its line's colour.
func TestOverlayMax(t *testing.T) {
	img := image.NewRGBA(image.Rect(10, 20, 4010, 2020)) // 4000 x 2000, offset origin
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	r := &Result{Lines: []Line{{Boxes: [][4]int{{20 + 400, 10 + 800, 20 + 800, 10 + 1200}}, Chars: []string{"A"}}}}
	small := OverlayMax(img, r, 1000)
	require.Equal(t, image.Rect(0, 0, 1000, 500), small.Bounds())
	// The box [400, 800, 800, 1200] shrinks by 4 to [100, 200, 200, 300]; the
	// outline lies just outside, so (x=199, y=150) is coloured, (x=250, y=150) white.
	require.NotEqual(t, small.RGBAAt(250, 150), small.RGBAAt(199, 150))
	require.Equal(t, uint8(255), small.RGBAAt(250, 150).R)
	require.Equal(t, small.Bounds(), OverlayMax(small, &Result{}, 0).Bounds())
	full := OverlayMax(img, r, 0)
	require.Equal(t, image.Rect(0, 0, 4000, 2000), full.Bounds())
}

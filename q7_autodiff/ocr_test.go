package autodiff

import (
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/internal/viz"
	ocr "recog/q4_ocr"
	"recog/q7_autodiff/nets"
)

// blankCrop returns an upright 32x32 NIST36-style image: background 1.
func blankCrop() *mat.Dense {
	u := mat.NewDense(ocr.CropSide, ocr.CropSide, nil)
	for i := range ocr.CropSide {
		for j := range ocr.CropSide {
			u.Set(i, j, 1)
		}
	}
	return u
}

// TestNISTToEMNISTByHand checks the shrink on values worked out by hand.
// Output pixel i covers input [8i/7, 8(i+1)/7), so W[0, 0] = 7/8,
// W[0, 1] = 1/8, W[1, 1] = 6/8, W[1, 2] = 2/8 and W[27, 31] = 7/8.
func TestNISTToEMNISTByHand(t *testing.T) {
	at := func(e []float32, i, j int) float64 { return float64(e[i*EMNISTSide+j]) }

	// Blank crop: all background, so EMNIST's black everywhere.
	e, err := NISTToEMNIST(data.ImageToRow(blankCrop()))
	require.NoError(t, err)
	require.Len(t, e, EMNISTSide*EMNISTSide)
	for _, v := range e {
		require.InDelta(t, 0, v, 1e-6)
	}

	// One ink pixel at upright (row 0, column 31), the top-right corner:
	// ink 1 there gives (7/8)² at the output's top-right corner and 0
	// elsewhere (input pixel 31 lies only under output pixel 27).
	u := blankCrop()
	u.Set(0, 31, 0)
	e, err = NISTToEMNIST(data.ImageToRow(u))
	require.NoError(t, err)
	require.InDelta(t, 49.0/64, at(e, 0, 27), 1e-6)
	var sum float64
	for _, v := range e {
		sum += float64(v)
	}
	require.InDelta(t, 49.0/64, sum, 1e-6)

	// Ink at upright (1, 0): row 1 is shared by outputs 0 (1/8) and 1 (6/8).
	u = blankCrop()
	u.Set(1, 0, 0)
	e, err = NISTToEMNIST(data.ImageToRow(u))
	require.NoError(t, err)
	require.InDelta(t, 7.0/8*1.0/8, at(e, 0, 0), 1e-6)
	require.InDelta(t, 7.0/8*6.0/8, at(e, 1, 0), 1e-6)

	// Half-grey everywhere stays half-grey (rows of W sum to 1); ink mass
	// scales by (28/32)².
	u = blankCrop()
	u.Scale(0.5, u)
	e, err = NISTToEMNIST(data.ImageToRow(u))
	require.NoError(t, err)
	for _, v := range e {
		require.InDelta(t, 0.5, v, 1e-6)
	}

	_, err = NISTToEMNIST(make([]float64, 28*28))
	require.Error(t, err)
}

// tinyModel returns a one-layer model on 1x28x28 inputs with the given
// classes whose logit k is bias[k] + slope[k]·(sum of the input).
func tinyModel(t *testing.T, classes []string, bias, slope []float32) *nets.Model {
	m, err := nets.NewModel("tiny", []int{1, EMNISTSide, EMNISTSide}, classes, rand.New(rand.NewPCG(1, 2)), nets.Dense{Out: len(classes), Fused: true})
	require.NoError(t, err)
	w, b := m.Params[0].Data(), m.Params[1].Data()
	k := len(classes)
	for i := range EMNISTSide * EMNISTSide {
		copy(w[i*k:(i+1)*k], slope)
	}
	copy(b, bias)
	return m
}

// TestEMNISTClassifierMergesCase checks that lower-case classes add their
// probabilities to their capitals: with softmax probabilities 0.3 ("1"),
// 0.25 ("A"), 0.2 ("a") and 0.25 ("b"), the most probable single class is
// "1", but "A" + "a" = 0.45 wins. A crop with ink (the input's sum grows)
// moves the vote to "B" through the slope, so the crops do reach the model,
// inverted (white ink).
func TestEMNISTClassifierMergesCase(t *testing.T) {
	classes := []string{"1", "A", "a", "b"}
	lg := func(p float64) float32 { return float32(math.Log(p)) }
	m := tinyModel(t, classes, []float32{lg(0.3), lg(0.25), lg(0.2), lg(0.25)}, []float32{0, 0, 0, 1})
	defer m.Close()
	c := EMNISTProbs(m, nil).Classifier()

	inked := blankCrop()
	for i := 8; i < 24; i++ {
		inked.Set(i, 15, 0)
		inked.Set(i, 16, 0)
	}
	rows := mat.NewDense(2, ocr.CropSide*ocr.CropSide, nil)
	rows.SetRow(0, data.ImageToRow(blankCrop()))
	rows.SetRow(1, data.ImageToRow(inked))
	got, err := c.Classify(rows)
	require.NoError(t, err)
	require.Equal(t, []string{"A", "B"}, got)

	// Through ocr.Recognise on a blank page: no letters, no error.
	r, err := ocr.Recognise(image.NewGray(image.Rect(0, 0, 40, 30)), c)
	require.NoError(t, err)
	require.Empty(t, r.Text)
}

func TestEMNISTClassifierErrors(t *testing.T) {
	m := tinyModel(t, []string{"A", "B"}, []float32{0, 0}, []float32{0, 0})
	defer m.Close()
	row := mat.NewDense(1, ocr.CropSide*ocr.CropSide, data.ImageToRow(blankCrop()))
	_, err := EMNISTProbs(m, []string{"A"}).Classifier().Classify(row)
	require.ErrorContains(t, err, "1 class names")
	_, err = EMNISTProbs(m, nil).Classifier().Classify(mat.NewDense(1, 10, nil))
	require.ErrorContains(t, err, "crops have 10 values")
	_, err = EMNISTProbs(nil, nil).Classifier().Classify(row)
	require.ErrorContains(t, err, "nil model")
	m32, err := nets.NewModel("wide", []int{1, 32, 32}, []string{"A"}, rand.New(rand.NewPCG(1, 2)), nets.Dense{Out: 1})
	require.NoError(t, err)
	defer m32.Close()
	_, err = EMNISTProbs(m32, nil).Classifier().Classify(row)
	require.ErrorContains(t, err, "want 1x28x28")
}

// TestOCRCropsLikeEMNIST converts the crops of the four photos and compares
// their mean value and ink fraction (value > 0.5) with EMNIST's training
// images, and draws the figure golden/q7_autodiff/ocr_crops_vs_emnist.png:
// the 36 converted crops of 02_letters.jpg (A..Z, 1..9, 0) over the first
// EMNIST training image of each class.
func TestOCRCropsLikeEMNIST(t *testing.T) {
	imgDir := datatest.Dir(t, "images")
	s, err := LoadEMNIST(datatest.Dir(t, "emnist"))
	require.NoError(t, err)
	stats := func(rows [][]float32) (mean, ink float64) {
		var n int
		for _, r := range rows {
			for _, v := range r {
				mean += float64(v)
				if v > 0.5 {
					ink++
				}
				n++
			}
		}
		return mean / float64(n), ink / float64(n)
	}
	var train [][]float32
	for i := range s.Train.Len() {
		train = append(train, s.Train.Row(i))
	}
	refMean, refInk := stats(train)
	var fig [][]float32
	for _, name := range []string{"01_list", "02_letters", "03_haiku", "04_deep"} {
		img, err := ocr.Load(filepath.Join(imgDir, name+".jpg"))
		require.NoError(t, err)
		r, err := ocr.Recognise(img, ocr.ClassifierFunc(func(rows *mat.Dense) ([]string, error) {
			n, _ := rows.Dims()
			return make([]string, n), nil
		}))
		require.NoError(t, err)
		n, _ := r.Crops.Dims()
		var conv [][]float32
		for i := range n {
			e, err := NISTToEMNIST(r.Crops.RawRowView(i))
			require.NoError(t, err)
			conv = append(conv, e)
		}
		m, ink := stats(conv)
		t.Logf("%s: converted crops mean %.3f ink %.3f; EMNIST train mean %.3f ink %.3f", name, m, ink, refMean, refInk)
		// 0.035: 03_haiku's strokes are wider than EMNIST's already in
		// q4_ocr's crops (mean 0.794 against NIST36's 0.824), and q4_ocr
		// never thins strokes.
		require.InDelta(t, refMean, m, 0.035, name)
		require.InDelta(t, refInk, ink, 0.035, name)
		if name == "02_letters" {
			fig = conv
		}
	}
	require.Len(t, fig, 36)
	tile := func(r []float32) *mat.Dense {
		v := make([]float64, len(r))
		for i, x := range r {
			v[i] = float64(x)
		}
		return mat.NewDense(EMNISTSide, EMNISTSide, v)
	}
	var tiles []*mat.Dense
	for _, r := range fig {
		tiles = append(tiles, tile(r))
	}
	for _, ch := range "ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890" {
		cls := slices.Index(s.Classes, string(ch))
		require.GreaterOrEqual(t, cls, 0, string(ch))
		i := slices.Index(s.Train.Labels, cls)
		require.GreaterOrEqual(t, i, 0, string(ch))
		tiles = append(tiles, tile(s.Train.Row(i)))
	}
	img, err := viz.Grid(tiles, 18, viz.GridOptions{Scale: viz.ScaleFixed, Lo: 0, Hi: 1, Upscale: 2, Sep: 2, SepGray: 160,
		RowLabels: []string{"photo", "photo", "EMNIST", "EMNIST"}})
	require.NoError(t, err)
	b, err := viz.EncodePNG(img)
	require.NoError(t, err)
	datatest.AssertPNG(t, "q7_autodiff", "ocr_crops_vs_emnist.png", b)
}

package train

import (
	"errors"
	"fmt"
	"image"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"recog/internal/data"
	"recog/internal/vec"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

// Side is the height and width of a NIST36 image: rows are 32 x 32 images.
const Side = 32

func epochs(hist []nn.EpochMetrics) []float64 {
	x := make([]float64, len(hist))
	for i, m := range hist {
		x[i] = float64(m.Epoch)
	}
	return x
}

func column(hist []nn.EpochMetrics, f func(nn.EpochMetrics) float64) []float64 {
	y := make([]float64, len(hist))
	for i, m := range hist {
		y[i] = f(m)
	}
	return y
}

// AccuracyPlot returns the training and validation accuracy against the
// epoch (Q3.1.1): training solid, validation dashed, in the same colour.
func AccuracyPlot(hist []nn.EpochMetrics, title string) (*plot.Plot, error) {
	return trainValidPlot(hist, title, "accuracy",
		func(m nn.EpochMetrics) float64 { return m.TrainAcc }, func(m nn.EpochMetrics) float64 { return m.ValidAcc })
}

// LossPlot returns the mean cross-entropy per example, -(1/N) Σ_i Σ_c y_ic
// log p_ic, of the training and validation sets against the epoch (Q3.1.1).
func LossPlot(hist []nn.EpochMetrics, title string) (*plot.Plot, error) {
	return trainValidPlot(hist, title, "cross-entropy per example",
		func(m nn.EpochMetrics) float64 { return m.TrainLoss }, func(m nn.EpochMetrics) float64 { return m.ValidLoss })
}

// trainValidPlot plots one measure of the training set (solid) and of the
// validation set (dashed) per epoch.
func trainValidPlot(hist []nn.EpochMetrics, title, ylabel string, train, valid func(nn.EpochMetrics) float64) (*plot.Plot, error) {
	if len(hist) == 0 {
		return nil, errors.New(ylabel + " plot: no epochs")
	}
	x := epochs(hist)
	return viz.Curves(title, "epoch", ylabel,
		viz.Series{Name: "train", X: x, Y: column(hist, train), Color: viz.Colour(0)},
		viz.Series{Name: "valid", X: x, Y: column(hist, valid), Color: viz.Colour(1), Dashed: true})
}

// SweepPlot returns one measure (f of each epoch) of every run of a sweep on
// one plot, one colour per learning rate, for comparing the rates.
func SweepPlot(s *SweepResult, title, ylabel string, f func(nn.EpochMetrics) float64) (*plot.Plot, error) {
	var series []viz.Series
	for i, r := range s.Runs {
		series = append(series, viz.Series{Name: fmt.Sprintf("lr %g", s.Rates[i]), X: epochs(r.History), Y: column(r.History, f), Color: viz.Colour(i)})
	}
	return viz.Curves(title, "epoch", ylabel, series...)
}

// WeightImages returns the columns of the first layer's W (in x hidden), one
// per hidden unit, as upright 32 x 32 images (data.RowToImage): the input
// pattern each unit responds to most (Q3.1.3).
func WeightImages(net *nn.Network) ([]*mat.Dense, error) {
	if net == nil || len(net.Layers) == 0 {
		return nil, errors.New("weight images: no network")
	}
	w := net.Layers[0].W
	in, hidden := w.Dims()
	if in != Side*Side {
		return nil, fmt.Errorf("weight images: layer %q has %d inputs, want %d (32 x 32 images)", net.Layers[0].Name, in, Side*Side)
	}
	out := make([]*mat.Dense, hidden)
	for j := range hidden {
		img, err := data.RowToImage(mat.Col(nil, j, w), Side, Side)
		if err != nil {
			return nil, err
		}
		out[j] = img
	}
	return out, nil
}

// WeightGrid returns the first-layer weight images in a grid of 8 columns,
// each tile scaled from its own minimum (black) to maximum (white).
func WeightGrid(net *nn.Network) (*image.Gray, error) {
	imgs, err := WeightImages(net)
	if err != nil {
		return nil, err
	}
	return viz.Grid(imgs, 8, viz.GridOptions{Scale: viz.ScaleTile, Upscale: 3, Sep: 2, SepGray: 255})
}

// ClassTemplate returns e_i W2ᵀ W1ᵀ, the row vector that the one-hot output
// e_i of class i maps back to through the transposed weights of a two-layer
// network (biases and the sigmoid left out), as an upright 32 x 32 image:
// pixel k is Σ_j W1[k, j] W2[j, i] (Q3.1.4).
func ClassTemplate(net *nn.Network, class int) (*mat.Dense, error) {
	if net == nil || len(net.Layers) != 2 {
		return nil, errors.New("class template: want a two-layer network")
	}
	w1, w2 := net.Layers[0].W, net.Layers[1].W
	in, _ := w1.Dims()
	_, classes := w2.Dims()
	if class < 0 || class >= classes {
		return nil, fmt.Errorf("class template: class %d outside [0, %d)", class, classes)
	}
	if in != Side*Side {
		return nil, fmt.Errorf("class template: %d inputs, want %d (32 x 32 images)", in, Side*Side)
	}
	var v mat.VecDense
	v.MulVec(w1, w2.ColView(class)) // (e_i W2ᵀ W1ᵀ)ᵀ = W1 W2 e_iᵀ
	return data.RowToImage(v.RawVector().Data, Side, Side)
}

// MaxActivating returns the row of ds.X whose output probability of class,
// y2(class), is the largest, and that probability.
func MaxActivating(net *nn.Network, ds *data.Dataset, class int) (row int, prob float64, err error) {
	probs, err := net.Predict(ds.X)
	if err != nil {
		return 0, 0, err
	}
	if _, c := probs.Dims(); class < 0 || class >= c {
		return 0, 0, fmt.Errorf("max activating: class %d outside [0, %d)", class, c)
	}
	col := mat.Col(nil, class, probs)
	row = vec.Argmax(col)
	return row, col[row], nil
}

// DeepLayer is the Q3.1.4 figure's content for one class.
type DeepLayer struct {
	Class    int
	Template *mat.Dense // ClassTemplate
	Row      int        // validation row that maximises y2(class)
	Prob     float64    // its probability of the class
	Label    int        // its true class
	Image    *mat.Dense // that row as an upright image
}

// DeepLayers computes the class templates of the given classes and, for
// each, the validation image that maximises the class's output probability.
func DeepLayers(net *nn.Network, valid *data.Dataset, classes []int) ([]DeepLayer, error) {
	labels := valid.Labels()
	var out []DeepLayer
	for _, c := range classes {
		tpl, err := ClassTemplate(net, c)
		if err != nil {
			return nil, err
		}
		row, p, err := MaxActivating(net, valid, c)
		if err != nil {
			return nil, err
		}
		img, err := data.RowToImage(valid.X.RawRowView(row), Side, Side)
		if err != nil {
			return nil, err
		}
		out = append(out, DeepLayer{Class: c, Template: tpl, Row: row, Prob: p, Label: labels[row], Image: img})
	}
	return out, nil
}

// DeepLayerGrid draws the templates (top row, each scaled from its minimum to
// its maximum) above the validation images that maximise each class's
// probability (bottom row, values 0 black to 1 white), with captions.
func DeepLayerGrid(d []DeepLayer, classNames []string) (*image.Gray, error) {
	if len(d) == 0 {
		return nil, errors.New("deep layer grid: no classes")
	}
	var imgs []*mat.Dense
	var caps []string
	for _, x := range d {
		imgs = append(imgs, scaleTile(x.Template))
		caps = append(caps, "tpl "+name(classNames, x.Class))
	}
	for _, x := range d {
		imgs = append(imgs, x.Image)
		caps = append(caps, fmt.Sprintf("%s p=%.3f", name(classNames, x.Label), x.Prob))
	}
	return viz.Grid(imgs, len(d), viz.GridOptions{Scale: viz.ScaleFixed, Lo: 0, Hi: 1, Upscale: 5, Sep: 4, SepGray: 255, Captions: caps})
}

// scaleTile maps m to [0, 1] by its own minimum and maximum.
func scaleTile(m *mat.Dense) *mat.Dense {
	lo, hi := mat.Min(m), mat.Max(m)
	out := mat.DenseCopyOf(m)
	if hi > lo {
		out.Apply(func(_, _ int, v float64) float64 { return (v - lo) / (hi - lo) }, m)
	}
	return out
}

func name(classes []string, i int) string {
	if i >= 0 && i < len(classes) {
		return classes[i]
	}
	return fmt.Sprint(i)
}

// ConfusionMatrix returns counts[i][j], the number of examples of ds of true
// class i that net predicts as class j (argmax of the output).
func ConfusionMatrix(net *nn.Network, ds *data.Dataset) ([][]int, error) {
	probs, err := net.Predict(ds.X)
	if err != nil {
		return nil, err
	}
	_, c := probs.Dims()
	counts := make([][]int, c)
	for i := range counts {
		counts[i] = make([]int, c)
	}
	for i, t := range ds.Labels() {
		counts[t][vec.Argmax(probs.RawRowView(i))]++
	}
	return counts, nil
}

// Confused is an unordered pair of classes and how often each is taken for
// the other.
type Confused struct {
	A, B           string
	AB, BA         int // A predicted as B, B predicted as A
	Total          int // AB + BA
	SupportA       int // examples of A
	SupportB       int // examples of B
	IndexA, IndexB int // class indices of A and B
}

// TopConfusions returns the k unordered class pairs {a, b} with the most
// mistakes counts[a][b] + counts[b][a], most first (ties in class order).
func TopConfusions(counts [][]int, labels []string, k int) []Confused {
	var out []Confused
	for a := range counts {
		for b := a + 1; b < len(counts); b++ {
			if n := counts[a][b] + counts[b][a]; n > 0 {
				out = append(out, Confused{A: name(labels, a), B: name(labels, b), AB: counts[a][b], BA: counts[b][a], Total: n,
					SupportA: sum(counts[a]), SupportB: sum(counts[b]), IndexA: a, IndexB: b})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Confused) int { return y.Total - x.Total })
	return out[:min(k, len(out))]
}

func sum(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}

// ConfusionPlot returns the heat map of counts (viz.Confusion).
func ConfusionPlot(counts [][]int, labels []string, title string) (*plot.Plot, error) {
	return viz.Confusion(counts, labels, title)
}

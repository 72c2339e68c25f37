package pca

import (
	"errors"
	"fmt"
	"image"
	"time"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/recon"
	"recog/internal/viz"
)

// Components is the number of principal components of question 6, the
// autoencoder's code size.
const Components = 32

// Options are the settings of Run.
type Options struct {
	K int // principal components kept (Components when 0)
	// Classes are the NIST36 classes of the figure, two test images each
	// (recon.DefaultClasses when nil).
	Classes []string
	// AutoencoderParams is the number of learned values of question 5's
	// autoencoder, reported beside PCA's for question 6.4 (the caller
	// knows it; this package does not depend on question 5).
	AutoencoderParams int
}

// Result holds question 6's answers for one training and test set.
type Result struct {
	Model *Model
	// Rows, Cols and Rank describe the projection matrix P (Q6.1).
	Rows, Cols, Rank int
	// ExplainedVariance is Σ_{i<K} λ_i / Σ_i λ_i on the training data.
	ExplainedVariance float64
	// TestRecon is X̂ for the test set; TestPSNR the mean PSNR over its rows
	// (Q6.3) and TrainPSNR the same on the training set.
	TestRecon           *mat.Dense
	TestPSNR, TrainPSNR float64
	// Shown are the test rows of the figure, two per class of Classes, and
	// Grid the figure: those images above their reconstructions (Q6.2).
	Shown   []int
	Classes []string
	Grid    *image.Gray
	// ProjectionParams = D·K and MeanParams = D are PCA's learned values
	// (Q6.4).
	ProjectionParams, MeanParams int
	// Metrics are the numbers for metrics.json, Figures the figures.
	Metrics Metrics
	Figures []viz.Figure
}

// Metrics are the numbers of a run, under their metrics.json keys.
type Metrics struct {
	K                 int     `json:"k"`
	PRows             int     `json:"p_rows"` // Q6.1: P is PRows x PCols of rank PRank
	PCols             int     `json:"p_cols"`
	PRank             int     `json:"p_rank"`
	ExplainedVariance float64 `json:"explained_variance"`
	TestPSNR          float64 `json:"test_psnr_db"` // Q6.3
	TrainPSNR         float64 `json:"train_psnr_db"`
	// Params = ParamsProjection + ParamsMean, PCA's learned values, and
	// ParamsAutoencoder question 5's (Q6.4).
	Params            int       `json:"params"`
	ParamsProjection  int       `json:"params_projection"`
	ParamsMean        int       `json:"params_mean"`
	ParamsAutoencoder int       `json:"params_autoencoder"`
	VariancesFirst32  []float64 `json:"variances_first_32"`
	Seconds           float64   `json:"s_fit_and_reconstruct"`
	ShownRows         []int     `json:"shown_test_rows"`
	ShownNames        []string  `json:"shown_classes"`
}

// Figure names of a run (Result.Figures).
const (
	FigReconstructions   = "q6_test_reconstructions.png" // Q6.2
	FigExplainedVariance = "q6_explained_variance.png"   // cumulative variance of the first 200 components
)

// Run fits a PCA of opt.K components on sets.Train.X (Fit), reconstructs
// sets.Test.X and draws two test images of each of opt.Classes with their
// reconstructions; it fills Metrics and Figures.
func Run(sets *data.Splits, opt Options) (*Result, error) {
	if sets == nil || sets.Train == nil || sets.Train.X == nil || sets.Test == nil || sets.Test.X == nil {
		return nil, errors.New("pca: missing training or test set")
	}
	if opt.K == 0 {
		opt.K = Components
	}
	start := time.Now()
	train, test := sets.Train, sets.Test
	m, err := Fit(train.X, opt.K)
	if err != nil {
		return nil, fmt.Errorf("pca: training set: %w", err)
	}
	res := &Result{Model: m, ExplainedVariance: m.ExplainedVariance()}
	res.Rows, res.Cols = m.P.Dims()
	if res.Rank, err = m.Rank(); err != nil {
		return nil, err
	}
	if res.TestRecon, err = m.Reconstruct(test.X); err != nil {
		return nil, fmt.Errorf("pca: test set: %w", err)
	}
	if res.TestPSNR, err = recon.MeanPSNR(test.X, res.TestRecon); err != nil {
		return nil, fmt.Errorf("pca: test set: %w", err)
	}
	trainRecon, err := m.Reconstruct(train.X)
	if err != nil {
		return nil, err
	}
	if res.TrainPSNR, err = recon.MeanPSNR(train.X, trainRecon); err != nil {
		return nil, fmt.Errorf("pca: training set: %w", err)
	}
	res.ProjectionParams, res.MeanParams = m.Params()
	if test.Y != nil {
		if res.Shown, res.Grid, err = recon.ClassGrid(test, res.TestRecon, opt.Classes, 2); err != nil {
			return nil, fmt.Errorf("pca: test set: %w", err)
		}
		res.Classes = opt.Classes
		if res.Classes == nil {
			res.Classes = recon.DefaultClasses
		}
	}
	res.Metrics = Metrics{K: opt.K, PRows: res.Rows, PCols: res.Cols, PRank: res.Rank,
		ExplainedVariance: res.ExplainedVariance, TestPSNR: res.TestPSNR, TrainPSNR: res.TrainPSNR,
		Params: res.ProjectionParams + res.MeanParams, ParamsProjection: res.ProjectionParams, ParamsMean: res.MeanParams,
		ParamsAutoencoder: opt.AutoencoderParams, VariancesFirst32: m.Variances[:min(32, len(m.Variances))],
		Seconds: time.Since(start).Seconds(), ShownRows: res.Shown, ShownNames: res.Classes}
	if res.Figures, err = res.figures(); err != nil {
		return nil, err
	}
	return res, nil
}

// figures draws the reconstructions (when the test set has labels) and the
// cumulative variance explained by the first 200 components,
// Σ_{i≤k} λ_i / Σ_i λ_i.
func (r *Result) figures() ([]viz.Figure, error) {
	var figs []viz.Figure
	if r.Grid != nil {
		figs = append(figs, viz.ImageFigure(FigReconstructions, r.Grid))
	}
	vars := r.Model.Variances
	var total float64
	for _, v := range vars {
		total += v
	}
	n := min(len(vars), 200)
	xs, cum := make([]float64, n), make([]float64, n)
	var acc float64
	for i := range n {
		acc += vars[i]
		xs[i], cum[i] = float64(i+1), acc/total
	}
	p, err := viz.Curves("Q6 variance explained by the first principal components",
		"number of components", "fraction of variance", viz.Series{Name: "cumulative", X: xs, Y: cum})
	if err != nil {
		return nil, err
	}
	return append(figs, viz.PlotFigure(FigExplainedVariance, p, 800, 500)), nil
}

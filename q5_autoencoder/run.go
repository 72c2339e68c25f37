package autoencoder

import (
	"errors"
	"fmt"
	"image"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/recon"
	"recog/internal/viz"
	nn "recog/q2_nn"
)

// Result holds question 5's answers for one training run.
type Result struct {
	Net     *nn.Network
	Options Options
	History []EpochMetrics
	// ValidRecon is X̂ for the validation set and ValidPSNR its mean PSNR
	// (Q5.3.2); TestPSNR is the same on the test set (NaN without one).
	ValidRecon          *mat.Dense
	ValidPSNR, TestPSNR float64
	// Shown are the validation rows of the figure, two per class of Classes,
	// and Grid the figure: those images above their reconstructions (Q5.3.1).
	Shown   []int
	Classes []string
	Grid    *image.Gray
	// Params is the number of learned values (Q6.4).
	Params int
	// Metrics are the run's numbers for metrics.json and Figures its
	// figures (Figures in the order they are listed there).
	Metrics Metrics
	Figures []viz.Figure
}

// Metrics are the numbers of a run, under their metrics.json keys.
type Metrics struct {
	Mode        string  `json:"mode"`
	Epochs      int     `json:"epochs"`
	LR          float64 `json:"lr"`
	Batch       int     `json:"batch"`
	Seed        uint64  `json:"seed"`
	TrainImages int     `json:"train_images"`
	// TrainLossCurve is the total squared error of each epoch (summed over
	// its batches), TrainLossPerImage the same divided by the number of
	// training images (the loss figure, Q5.2).
	TrainLossCurve    []float64 `json:"train_loss_curve"`
	TrainLossPerImage []float64 `json:"train_loss_per_image"`
	ValidPSNRCurve    []float64 `json:"valid_psnr_curve"`
	ValidPSNR         float64   `json:"valid_psnr_db"` // Q5.3.2
	TestPSNR          float64   `json:"test_psnr_db"`
	Params            int       `json:"params"`
	// DeadUnits are the ReLU units of each hidden layer that output 0 on
	// every validation image (DeadUnits).
	DeadUnits  []int    `json:"dead_units"`
	SPerEpoch  float64  `json:"s_per_epoch"` // updates only
	STotal     float64  `json:"s_total"`     // the whole run
	ShownRows  []int    `json:"shown_valid_rows"`
	ShownNames []string `json:"shown_classes"`
}

// Figure names of a run (Result.Figures).
const (
	FigLoss            = "q5_loss.png"                  // training loss per image per epoch (Q5.2)
	FigValidPSNR       = "q5_valid_psnr.png"            // validation PSNR per epoch
	FigReconstructions = "q5_valid_reconstructions.png" // Q5.3.1
)

// Run trains the autoencoder on sets.Train.X with opt (Fit, evaluating
// sets.Valid.X after every epoch), then reconstructs the validation set (and
// the test set if not nil) and draws two validation images of each of
// classes (recon.DefaultClasses if nil) above their reconstructions. It
// fills Metrics and Figures.
func Run(sets *data.Splits, opt Options, classes []string) (*Result, error) {
	if sets == nil || sets.Train == nil || sets.Train.X == nil || sets.Valid == nil || sets.Valid.X == nil {
		return nil, errors.New("autoencoder: missing training or validation set")
	}
	start := time.Now()
	train, valid, test := sets.Train, sets.Valid, sets.Test
	opt.Valid = valid.X
	net, hist, err := Fit(train.X, opt)
	if err != nil {
		return nil, err
	}
	opt.Valid = nil
	res := &Result{Net: net, Options: opt, History: hist, Params: Params(net)}
	if res.ValidRecon, err = Reconstruct(net, valid.X); err != nil {
		return nil, fmt.Errorf("autoencoder: validation set: %w", err)
	}
	if res.ValidPSNR, err = recon.MeanPSNR(valid.X, res.ValidRecon); err != nil {
		return nil, fmt.Errorf("autoencoder: validation set: %w", err)
	}
	res.TestPSNR = math.NaN()
	if test != nil && test.X != nil {
		xhat, err := Reconstruct(net, test.X)
		if err != nil {
			return nil, fmt.Errorf("autoencoder: test set: %w", err)
		}
		if res.TestPSNR, err = recon.MeanPSNR(test.X, xhat); err != nil {
			return nil, fmt.Errorf("autoencoder: test set: %w", err)
		}
	}
	if valid.Y != nil {
		if res.Shown, res.Grid, err = recon.ClassGrid(valid, res.ValidRecon, classes, 2); err != nil {
			return nil, fmt.Errorf("autoencoder: validation set: %w", err)
		}
		res.Classes = classes
		if classes == nil {
			res.Classes = recon.DefaultClasses
		}
	}
	dead, err := DeadUnits(net, valid.X)
	if err != nil {
		return nil, err
	}
	res.Metrics = res.metrics(train.Len(), dead, time.Since(start).Seconds())
	if res.Figures, err = res.figures(); err != nil {
		return nil, err
	}
	return res, nil
}

func (r *Result) metrics(n int, dead []int, total float64) Metrics {
	o := r.Options
	m := Metrics{Mode: o.Mode.String(), Epochs: o.Epochs, LR: o.LR, Batch: o.BatchSize, Seed: o.Seed, TrainImages: n,
		ValidPSNR: r.ValidPSNR, TestPSNR: r.TestPSNR, Params: r.Params, DeadUnits: dead, STotal: total,
		ShownRows: r.Shown, ShownNames: r.Classes,
		TrainLossCurve: []float64{}, TrainLossPerImage: []float64{}, ValidPSNRCurve: []float64{}}
	var secs float64
	for _, e := range r.History {
		m.TrainLossCurve = append(m.TrainLossCurve, e.TrainLoss)
		m.TrainLossPerImage = append(m.TrainLossPerImage, e.TrainLoss/float64(n))
		m.ValidPSNRCurve = append(m.ValidPSNRCurve, e.ValidPSNR)
		secs += e.Seconds
	}
	m.SPerEpoch = secs / math.Max(float64(len(r.History)), 1)
	return m
}

func (r *Result) figures() ([]viz.Figure, error) {
	var figs []viz.Figure
	if len(r.History) > 0 {
		x := make([]float64, len(r.History))
		for i, e := range r.History {
			x[i] = float64(e.Epoch)
		}
		mode := r.Options.Mode
		p, err := viz.Curves(fmt.Sprintf("Q5.2 autoencoder training loss (%s, lr %g)", mode, r.Options.LR),
			"epoch", "squared error per training image", viz.Series{Name: "training loss", X: x, Y: r.Metrics.TrainLossPerImage})
		if err != nil {
			return nil, err
		}
		q, err := viz.Curves(fmt.Sprintf("Q5 validation PSNR (%s)", mode), "epoch", "mean PSNR (dB)",
			viz.Series{Name: "validation", X: x, Y: r.Metrics.ValidPSNRCurve})
		if err != nil {
			return nil, err
		}
		figs = append(figs, viz.PlotFigure(FigLoss, p, 800, 500), viz.PlotFigure(FigValidPSNR, q, 800, 500))
	}
	if r.Grid != nil {
		figs = append(figs, viz.ImageFigure(FigReconstructions, r.Grid))
	}
	return figs, nil
}

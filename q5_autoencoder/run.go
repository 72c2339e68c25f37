package autoencoder

import (
	"errors"
	"fmt"
	"image"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
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
}

// Run trains the autoencoder on train.X with opt (Fit, evaluating valid.X
// after every epoch), then reconstructs the validation set (and the test set
// if not nil) and draws two validation images of each of classes
// (DefaultClasses if nil) above their reconstructions.
func Run(train, valid, test *data.Dataset, opt Options, classes []string) (*Result, error) {
	if train == nil || train.X == nil || valid == nil || valid.X == nil {
		return nil, errors.New("autoencoder: missing training or validation set")
	}
	if classes == nil {
		classes = DefaultClasses
	}
	opt.Valid = valid.X
	net, hist, err := Fit(train.X, opt)
	if err != nil {
		return nil, err
	}
	opt.Valid = nil
	res := &Result{Net: net, Options: opt, History: hist, Classes: classes, Params: Params(net)}
	if res.ValidRecon, err = Reconstruct(net, valid.X); err != nil {
		return nil, fmt.Errorf("autoencoder: validation set: %w", err)
	}
	if res.ValidPSNR, err = MeanPSNR(valid.X, res.ValidRecon); err != nil {
		return nil, fmt.Errorf("autoencoder: validation set: %w", err)
	}
	res.TestPSNR = nanValue()
	if test != nil && test.X != nil {
		xhat, err := Reconstruct(net, test.X)
		if err != nil {
			return nil, fmt.Errorf("autoencoder: test set: %w", err)
		}
		if res.TestPSNR, err = MeanPSNR(test.X, xhat); err != nil {
			return nil, fmt.Errorf("autoencoder: test set: %w", err)
		}
	}
	if valid.Y == nil {
		return res, nil
	}
	cls, err := ClassIndices(valid.Classes, classes)
	if err != nil {
		return nil, fmt.Errorf("autoencoder: %w", err)
	}
	if res.Shown, err = PickPerClass(valid.Labels(), cls, 2); err != nil {
		return nil, fmt.Errorf("autoencoder: validation set: %w", err)
	}
	caps := make([]string, len(res.Shown))
	for i := range caps {
		caps[i] = classes[i/2]
	}
	if res.Grid, err = ReconstructionGrid(valid.X, res.ValidRecon, res.Shown, caps); err != nil {
		return nil, err
	}
	return res, nil
}

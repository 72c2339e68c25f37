package pca

import (
	"errors"
	"fmt"
	"image"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/q5_autoencoder"
)

// Components is the number of principal components of question 6, the
// autoencoder's code size.
const Components = 32

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
}

// Run fits a PCA of k components on train.X (Fit), reconstructs test.X and
// draws two test images of each of classes (autoencoder.DefaultClasses if
// nil) with their reconstructions.
func Run(train, test *data.Dataset, k int, classes []string) (*Result, error) {
	if train == nil || train.X == nil || test == nil || test.X == nil {
		return nil, errors.New("pca: missing training or test set")
	}
	if classes == nil {
		classes = autoencoder.DefaultClasses
	}
	m, err := Fit(train.X, k)
	if err != nil {
		return nil, fmt.Errorf("pca: training set: %w", err)
	}
	res := &Result{Model: m, Classes: classes, ExplainedVariance: m.ExplainedVariance()}
	res.Rows, res.Cols = m.P.Dims()
	if res.Rank, err = m.Rank(); err != nil {
		return nil, err
	}
	if res.TestRecon, err = m.Reconstruct(test.X); err != nil {
		return nil, fmt.Errorf("pca: test set: %w", err)
	}
	if res.TestPSNR, err = autoencoder.MeanPSNR(test.X, res.TestRecon); err != nil {
		return nil, fmt.Errorf("pca: test set: %w", err)
	}
	trainRecon, err := m.Reconstruct(train.X)
	if err != nil {
		return nil, err
	}
	if res.TrainPSNR, err = autoencoder.MeanPSNR(train.X, trainRecon); err != nil {
		return nil, fmt.Errorf("pca: training set: %w", err)
	}
	res.ProjectionParams, res.MeanParams = m.Params()
	if test.Y == nil {
		return res, nil
	}
	cls, err := autoencoder.ClassIndices(test.Classes, classes)
	if err != nil {
		return nil, fmt.Errorf("pca: %w", err)
	}
	if res.Shown, err = autoencoder.PickPerClass(test.Labels(), cls, 2); err != nil {
		return nil, fmt.Errorf("pca: test set: %w", err)
	}
	caps := make([]string, len(res.Shown))
	for i := range caps {
		caps[i] = classes[i/2]
	}
	if res.Grid, err = autoencoder.ReconstructionGrid(test.X, res.TestRecon, res.Shown, caps); err != nil {
		return nil, err
	}
	return res, nil
}

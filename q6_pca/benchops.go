package pca

import "recog/internal/data"

// FitOp returns the operation `recog bench` times as q6/fit: Fit of
// Components components to the 10716 x 1024 NIST36 training set of dir
// ("": the default data folder).
func FitOp(dir string) (func() error, error) {
	sets, err := data.LoadNIST36Splits(dir, "train")
	if err != nil {
		return nil, err
	}
	return func() error {
		_, err := Fit(sets.Train.X, Components)
		return err
	}, nil
}

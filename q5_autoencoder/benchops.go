package autoencoder

import "recog/internal/data"

// EpochOp returns the operation `recog bench` times as q5/epoch: one epoch
// of Train at DefaultOptions (10716 NIST36 training images of dir, "": the
// default data folder; batch 36, momentum SGD, 1024-32-32-32-1024).
func EpochOp(dir string) (func() error, error) {
	sets, err := data.LoadNIST36Splits(dir, "train")
	if err != nil {
		return nil, err
	}
	opt := DefaultOptions()
	net, _, err := Fit(sets.Train.X, Options{Epochs: 0, LR: opt.LR, BatchSize: opt.BatchSize, Seed: opt.Seed})
	if err != nil {
		return nil, err
	}
	opt.Epochs = 1
	return func() error {
		_, err := Train(net, sets.Train.X, opt)
		return err
	}, nil
}

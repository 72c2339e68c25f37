package main

import (
	"cmp"
	"fmt"
	"io"
	"math"

	"recog/internal/data"
	autoencoder "recog/q5_autoencoder"
)

func init() {
	register(command{
		name:    "q5",
		summary: "Q5 autoencoder: training curve, reconstructions, PSNR",
		usage:   "q5 [--mode default|improved] [--epochs N] [--lr LR] [--batch B] [--seed S] [--data DIR] [--out DIR]",
		run:     runQ5,
	})
}

const q5Help = `
Trains the 1024-32-32-32-1024 autoencoder (ReLU, ReLU, ReLU, sigmoid) on the
NIST36 training set to reproduce its input (total squared error), then writes
to DIR:
  q5_loss.png                  training loss per epoch (Q5.2)
  q5_valid_psnr.png            validation PSNR per epoch
  q5_valid_reconstructions.png 2 validation images of 5 classes and their
                               reconstructions (Q5.3.1)
  metrics.json                 valid_psnr_db (Q5.3.2), test_psnr_db, curves,
                               s_per_epoch, params, ...
--mode default is the assignment's recipe (momentum 0.9, lr 3e-5, batch 36,
100 epochs); --mode improved adds a data-dependent initialisation, revival
of dead ReLU units after each epoch and a cosine learning-rate schedule from
1e-4 (docs/q5_autoencoder.md). --epochs, --lr,
--batch and --seed override the mode's values. Needs ./data/nist36
(recog data nist36).`

func runQ5(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("q5", q5Help, stderr)
	modeName := fs.String("mode", "default", "training recipe: default or improved")
	epochs := fs.Int("epochs", 0, "epochs (0: the mode's, 100 default, 150 improved)")
	lr := fs.Float64("lr", 0, "learning rate (0: the mode's, 3e-5 default, 1e-4 improved)")
	batch := fs.Int("batch", 0, "batch size (0: the mode's, 36)")
	seed := fs.Uint64("seed", 1, "random seed of initialisation and batch order")
	dataDir := fs.String("data", "", "data `DIR` holding nist36/ (default <repo>/data)")
	out := fs.String("out", "out/q5", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	mode, err := autoencoder.ParseMode(*modeName)
	if err != nil {
		return usageError{err}
	}
	if err := checkFlags(want{*epochs < 0, "epochs", *epochs, "≥ 0"}, want{*lr < 0 || math.IsNaN(*lr), "lr", *lr, "> 0"},
		want{*batch < 0, "batch", *batch, "> 0"}); err != nil {
		return err
	}
	opt, _ := autoencoder.ModeOptions(mode)
	opt.Epochs, opt.LR, opt.BatchSize = cmp.Or(*epochs, opt.Epochs), cmp.Or(*lr, opt.LR), cmp.Or(*batch, opt.BatchSize)
	opt.Seed, opt.Progress = *seed, stderr
	sets, err := data.LoadNIST36Splits(*dataDir, "train", "valid", "test")
	if err != nil {
		return err
	}
	_, err = q5Run(sets, opt, *out, stdout)
	return err
}

// q5Run trains the autoencoder (autoencoder.Run) and writes its figures and
// metrics.json into out: `recog q5` and the q5 stages of `recog all`.
func q5Run(sets *data.Splits, opt autoencoder.Options, out string, stdout io.Writer) (autoencoder.Metrics, error) {
	fmt.Fprintf(stdout, "q5: %s mode, %d epochs, lr %g, batch %d, seed %d on %d training images\n",
		opt.Mode, opt.Epochs, opt.LR, opt.BatchSize, opt.Seed, sets.Train.Len())
	res, err := autoencoder.Run(sets, opt, nil)
	if err != nil {
		return autoencoder.Metrics{}, err
	}
	if err := writeRun(out, res.Metrics, res.Figures); err != nil {
		return autoencoder.Metrics{}, err
	}
	m := res.Metrics
	fmt.Fprintf(stdout, "q5: valid PSNR %.3f dB, test PSNR %.3f dB, %d parameters, %.3f s/epoch, dead ReLU units %v; wrote %s\n",
		m.ValidPSNR, m.TestPSNR, m.Params, m.SPerEpoch, m.DeadUnits, out)
	return m, nil
}

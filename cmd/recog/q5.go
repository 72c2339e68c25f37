package main

import (
	"cmp"
	"fmt"
	"io"

	"recog/internal/cli"
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

func runQ5(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("q5", helpText("q5"), stderr)
	modeName := fs.String("mode", "default", "training recipe: default or improved")
	epochs := fs.IntRange("epochs", 0, 1, cli.MaxEpochs, "epochs (default: the mode's, 100 default, 150 improved)")
	lr := fs.FloatRange("lr", 0, 0, cli.MaxLR, "learning rate (default: the mode's, 3e-5 default, 1e-4 improved)")
	batch := fs.IntRange("batch", 0, 1, cli.MaxBatch, "batch size (default: the mode's, 36)")
	seed := fs.Uint64("seed", 1, "random seed of initialisation and batch order")
	dataDir := fs.String("data", "", "data `DIR` holding nist36/ (default <repo>/data)")
	out := fs.OutDir("out", "out/q5", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cli.NoArgs(pos); err != nil {
		return err
	}
	mode, err := autoencoder.ParseMode(*modeName)
	if err != nil {
		return usageError{Err: fmt.Errorf("--mode: %w", err)}
	}
	opt, _ := autoencoder.ModeOptions(mode)
	opt.Epochs, opt.LR, opt.BatchSize = cmp.Or(*epochs, opt.Epochs), cmp.Or(*lr, opt.LR), cmp.Or(*batch, opt.BatchSize)
	opt.Seed, opt.Progress = *seed, stderr
	sets, err := data.LoadNIST36Splits(*dataDir, "train", "valid", "test")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q5: %s mode, %d epochs, lr %g, batch %d, seed %d on %d training images\n",
		opt.Mode, opt.Epochs, opt.LR, opt.BatchSize, opt.Seed, sets.Train.Len())
	res, err := autoencoder.Run(sets, opt, nil)
	if err != nil {
		return err
	}
	return writeRun(*out, res.Metrics, res.Figures, res.Metrics.Summary(), stdout)
}

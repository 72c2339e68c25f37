package main

import (
	"io"

	"recog/internal/cli"
	"recog/q7_autodiff/flowers"
)

func runQ7Flowers(args []string, stdout, stderr io.Writer) error {
	cfg := flowers.DefaultConfig("")
	fs := newFlagSet("q7 flowers", helpText("q7_flowers"), stderr)
	epochs := fs.IntRange("epochs", cfg.FineTuneEpochs, 1, cli.MaxEpochs, "fine-tuning epochs")
	scratch := fs.IntRange("scratch-epochs", cfg.ScratchEpochs, 1, cli.MaxEpochs, "epochs of the CNN trained from scratch")
	perClass := fs.IntRange("per-class", 0, 0, cli.MaxExamples, "keep only the first N images of each class in each split (0: all)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	out := fs.OutDir("out", "out/q7_flowers", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cli.NoArgs(pos); err != nil {
		return err
	}
	cfg.FineTuneEpochs, cfg.ScratchEpochs, cfg.PerClass, cfg.DataDir = *epochs, *scratch, *perClass, dataOr(*dataDir)
	if err := needData(cfg.DataDir, "flowers17", "squeezenet"); err != nil {
		return err
	}
	res, err := flowers.Run(cfg, stderr)
	if err != nil {
		return err
	}
	res.Close()
	figs, err := res.Figures()
	if err != nil {
		return err
	}
	m := res.Metrics(cfg)
	return writeRun(*out, m, figs, m.Summary(), stdout)
}

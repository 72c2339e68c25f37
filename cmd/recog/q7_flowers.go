package main

import (
	"io"

	"recog/internal/cli"
	"recog/q7_autodiff/flowers"
)

// runQ7Flowers is `recog q7 flowers`: the assignment's settings
// (flowers.DefaultConfig), or with --recipe one of the improved recipes of
// issue #17 (an ablation row or "plus", flowers.Recipes); --epochs and
// --scratch-epochs, when given, override the recipe's.
func runQ7Flowers(args []string, stdout, stderr io.Writer) error {
	cfg := flowers.DefaultConfig("")
	fs := newFlagSet("q7 flowers", helpText("q7_flowers"), stderr)
	epochs := fs.IntRange("epochs", cfg.FineTuneEpochs, 1, cli.MaxEpochs, "fine-tuning epochs (default: the recipe's)")
	scratch := fs.IntRange("scratch-epochs", cfg.ScratchEpochs, 1, cli.MaxEpochs, "epochs of the CNN trained from scratch (default: the recipe's)")
	perClass := fs.IntRange("per-class", 0, 0, cli.MaxExamples, "keep only the first N images of each class in each split (0: all)")
	recipe := fs.String("recipe", "", "`NAME` of an improved recipe of issue #17: finetune-abl<i>, scratch-abl<i> (validation only), plus or plus-refit (default: the assignment's settings)")
	seed := fs.Uint64("seed", 1, "random seed")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	out := fs.OutDir("out", "out/q7_flowers", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cli.NoArgs(pos); err != nil {
		return err
	}
	if *recipe != "" {
		r, err := flowers.LookupRecipe(*recipe, "")
		if err != nil {
			return usagef("--recipe %s: %v", *recipe, err)
		}
		cfg = r.Config
	}
	if *recipe == "" || fs.Set("epochs") {
		cfg.FineTuneEpochs = *epochs
	}
	if *recipe == "" || fs.Set("scratch-epochs") {
		cfg.ScratchEpochs = *scratch
	}
	cfg.Seed, cfg.PerClass, cfg.DataDir = *seed, *perClass, dataOr(*dataDir)
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

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"recog/q7_autodiff/flowers"
)

const q7FlowersHelp = `recog q7 flowers [flags]

Q7.2: SqueezeNet 1.1 (ImageNet weights from data/squeezenet) with its
classifier replaced by a 512->17 conv and fine-tuned on the frozen features of
Oxford Flowers 17 (the course's 40/20/20 split), against a CNN of 3 conv and 2
fully-connected layers trained from scratch on the same split. Writes to --out:
  q7_flowers_acc.png, q7_flowers_loss.png   curves of both models
  metrics.json                              test accuracy at the best
                                            validation epoch, stage times, ...
See docs/q7_flowers.md.`

func runQ7Flowers(args []string, stdout, stderr io.Writer) error {
	cfg := flowers.DefaultConfig("")
	fs := newFlagSet("q7 flowers", q7FlowersHelp, stderr)
	fs.IntVar(&cfg.FineTuneEpochs, "epochs", cfg.FineTuneEpochs, "fine-tuning epochs")
	fs.IntVar(&cfg.ScratchEpochs, "scratch-epochs", cfg.ScratchEpochs, "epochs of the CNN trained from scratch")
	fs.IntVar(&cfg.PerClass, "per-class", 0, "keep only the first N images of each class in each split (0: all)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	fs.StringVar(&cfg.DataDir, "data", "", "data `DIR` (default <repo>/data)")
	out := fs.String("out", "out/q7_flowers", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if err := checkFlags(want{cfg.FineTuneEpochs <= 0, "epochs", cfg.FineTuneEpochs, "> 0"},
		want{cfg.ScratchEpochs <= 0, "scratch-epochs", cfg.ScratchEpochs, "> 0"}, want{cfg.PerClass < 0, "per-class", cfg.PerClass, "≥ 0"}); err != nil {
		return err
	}
	cfg.DataDir = dataOr(cfg.DataDir)
	for _, set := range []string{"flowers17", "squeezenet"} {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, set)); err != nil {
			return fmt.Errorf("%w (run `recog data %s` first)", err, set)
		}
	}
	m, err := q7Flowers(cfg, *out, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q7 flowers: fine-tuned SqueezeNet test accuracy %.4f, CNN from scratch %.4f; wrote %s\n",
		m.FineTune.TestAcc, m.Scratch.TestAcc, *out)
	return nil
}

// q7Flowers runs Q7.2 with cfg (flowers.Run) and writes its figures and
// metrics.json into dir.
func q7Flowers(cfg flowers.Config, dir string, progress io.Writer) (flowers.Metrics, error) {
	res, err := flowers.Run(cfg, progress)
	if err != nil {
		return flowers.Metrics{}, err
	}
	res.Close()
	figs, err := res.Figures()
	if err != nil {
		return flowers.Metrics{}, err
	}
	m := res.Metrics(cfg)
	return m, writeRun(dir, m, figs)
}

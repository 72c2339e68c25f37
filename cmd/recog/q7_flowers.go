package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"recog/internal/data"
	"recog/internal/viz"
	autodiff "recog/q7_autodiff"
)

func init() {
	q7Runners["flowers"] = runQ7Flowers
}

const q7FlowersHelp = `recog q7 flowers [flags]

Q7.2: SqueezeNet 1.1 (ImageNet weights from data/squeezenet) with its
classifier replaced by a 512->17 conv and fine-tuned on the frozen features of
Oxford Flowers 17 (the course's 40/20/20 split), against a CNN of 3 conv and 2
fully-connected layers trained from scratch on the same split. Writes to --out:
  q7_flowers_acc.png, q7_flowers_loss.png   curves of both models
  metrics.json                              test accuracy at the best
                                            validation epoch, stage times, ...
See docs/q7_autodiff.md.`

func runQ7Flowers(args []string, stdout, stderr io.Writer) error {
	def := autodiff.DefaultFlowersConfig("")
	fs := newFlagSet("q7 flowers", q7FlowersHelp, stderr)
	epochs := fs.Int("epochs", def.FineTuneEpochs, "fine-tuning epochs")
	scratch := fs.Int("scratch-epochs", def.ScratchEpochs, "epochs of the CNN trained from scratch")
	perClass := fs.Int("per-class", 0, "keep only the first N images of each class in each split (0: all)")
	seed := fs.Uint64("seed", 1, "random seed")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	out := fs.String("out", "out/q7_flowers", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected arguments %q", pos)
	case *epochs <= 0 || *scratch <= 0:
		return usagef("--epochs %d, --scratch-epochs %d: want > 0", *epochs, *scratch)
	case *perClass < 0:
		return usagef("--per-class %d: want ≥ 0", *perClass)
	}
	if *dataDir == "" {
		*dataDir = data.DefaultDir()
	}
	for _, set := range []string{"flowers17", "squeezenet"} {
		if _, err := os.Stat(filepath.Join(*dataDir, set)); err != nil {
			return fmt.Errorf("%w (run `recog data %s` first)", err, set)
		}
	}
	cfg := def
	cfg.DataDir, cfg.Seed, cfg.PerClass = *dataDir, *seed, *perClass
	cfg.FineTuneEpochs, cfg.ScratchEpochs = *epochs, *scratch
	m, err := writeFlowers(cfg, *out, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q7 flowers: fine-tuned SqueezeNet test accuracy %.4f, CNN from scratch %.4f; wrote %s\n",
		m["finetune_test_acc"], m["scratch_test_acc"], *out)
	return nil
}

// writeFlowers runs Q7.2 with cfg and writes its figures and metrics.json
// into dir; it returns the metrics. `recog q7 flowers` and `recog all` share it.
func writeFlowers(cfg autodiff.FlowersConfig, dir string, progress io.Writer) (map[string]any, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	res, err := autodiff.RunFlowers(cfg, progress)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range []*autodiff.FlowersRun{res.FineTune, res.Scratch} {
			if r != nil && r.Model != nil {
				r.Model.Close()
			}
		}
	}()
	figs, err := res.Figures()
	if err != nil {
		return nil, err
	}
	for stem, p := range figs {
		if err := viz.SavePNG(p, 900, 560, filepath.Join(dir, stem+".png")); err != nil {
			return nil, err
		}
	}
	def := autodiff.DefaultFlowersConfig(cfg.DataDir)
	m := res.Metrics()
	m["per_class"] = cfg.PerClass
	m["default_finetune_epochs"], m["default_scratch_epochs"] = def.FineTuneEpochs, def.ScratchEpochs
	m["chance"] = 1 / float64(len(res.Classes))
	if err := writeQMetrics(filepath.Join(dir, "metrics.json"), m); err != nil {
		return nil, err
	}
	return m, nil
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"recog/internal/data"
	"recog/internal/metrics"
	"recog/internal/viz"
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
	if len(pos) > 0 {
		return usagef("unexpected arguments %q", pos)
	}
	mode, err := autoencoder.ParseMode(*modeName)
	if err != nil {
		return usageError{err}
	}
	opt, _ := autoencoder.ModeOptions(mode)
	switch {
	case *epochs < 0:
		return usagef("--epochs %d: want ≥ 0", *epochs)
	case *lr < 0 || math.IsNaN(*lr):
		return usagef("--lr %g: want > 0", *lr)
	case *batch < 0:
		return usagef("--batch %d: want > 0", *batch)
	}
	if *epochs > 0 {
		opt.Epochs = *epochs
	}
	if *lr > 0 {
		opt.LR = *lr
	}
	if *batch > 0 {
		opt.BatchSize = *batch
	}
	opt.Seed = *seed
	opt.Progress = stderr

	sets, err := data.LoadNIST36Splits(*dataDir, "train", "valid", "test")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q5: %s mode, %d epochs, lr %g, batch %d, seed %d on %d training images\n",
		mode, opt.Epochs, opt.LR, opt.BatchSize, opt.Seed, sets.Train.Len())
	res, err := autoencoder.Run(sets, opt, nil)
	if err != nil {
		return err
	}
	if err := writeRun(*out, res.Metrics, res.Figures); err != nil {
		return err
	}
	m := res.Metrics
	fmt.Fprintf(stdout, "q5: valid PSNR %.3f dB, test PSNR %.3f dB, %d parameters, %.3f s/epoch, dead ReLU units %v; wrote %s\n",
		m.ValidPSNR, m.TestPSNR, m.Params, m.SPerEpoch, m.DeadUnits, *out)
	return nil
}

// writeRun writes a run's figures and its metrics.json into dir.
func writeRun(dir string, m any, figs []viz.Figure) error {
	if err := viz.SaveFigures(dir, figs); err != nil {
		return err
	}
	return metrics.Write(filepath.Join(dir, "metrics.json"), m)
}

// loadNIST36Splits loads the named NIST36 splits from dir/nist36 (dir
// defaults to data.DefaultDir()).
func loadNIST36Splits(dir string, splits ...string) ([]*data.Dataset, error) {
	if dir == "" {
		dir = data.DefaultDir()
	}
	out := make([]*data.Dataset, len(splits))
	for i, s := range splits {
		path := filepath.Join(dir, "nist36", data.SplitFile(s))
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%s: %w (run `recog data nist36` first)", path, err)
		}
		ds, err := data.LoadNIST36(path, s)
		if err != nil {
			return nil, err
		}
		out[i] = ds
	}
	return out, nil
}

// writeQMetrics writes m as indented JSON to path; NaN and ±Inf become null.
func writeQMetrics(path string, m map[string]any) error {
	for k, v := range m {
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			m[k] = nil
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

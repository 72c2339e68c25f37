package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"recog/internal/blas"
	"recog/internal/cli"
	"recog/internal/data"
	"recog/internal/progress"
	nn "recog/q2_nn"
	train "recog/q3_train"
)

func init() {
	register(command{
		name:    "q3",
		summary: "Q3 train the Q2 network on NIST36: curves, weights, confusion, model",
		usage:   "q3 [sweep] [--float32] [--epochs N] [--lr LR] [--batch B] [--hidden H] [--seed S] [--data DIR] [--out DIR] [--save FILE]",
		run:     runQ3,
	})
}

func runQ3(args []string, stdout, stderr io.Writer) error {
	def := train.DefaultConfig()
	fs := newFlagSet("q3", helpText("q3"), stderr)
	epochs := fs.IntRange("epochs", def.Epochs, 1, cli.MaxEpochs, "training epochs")
	lr := fs.FloatRange("lr", def.LR, 0, cli.MaxLR, "learning rate (θ ← θ - LR·Σ_batch ∇J); for sweep, the base rate (also run at 10x and 1/10)")
	batch := fs.IntRange("batch", def.BatchSize, 1, cli.MaxBatch, "mini-batch size")
	hidden := fs.IntRange("hidden", def.Hidden, 1, cli.MaxHidden, "hidden sigmoid units")
	seed := fs.Uint64("seed", def.Seed, "random seed of initialisation and batch order")
	f32 := fs.Bool("float32", false, "train with float32 parameters and products (faster; same algorithm)")
	classes := fs.String("classes", "A,T,3", "three `CLASSES` (comma-separated) for the deep-layer figure")
	dataDir := fs.String("data", "", "data `DIR` holding nist36/ (default <repo>/data)")
	out := fs.OutDir("out", "out/q3", "output `DIR`")
	save := fs.OutFile("save", "", ".safetensors", "write the trained model to `FILE` (default DIR/q3_model.safetensors; \"-\" for none; not with sweep)", "-")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	sweep := len(pos) == 1 && pos[0] == "sweep"
	switch {
	case len(pos) > 0 && !sweep:
		return usagef("unexpected arguments %q (want nothing or \"sweep\")", pos)
	case sweep && fs.Set("save"):
		return usagef("--save: recog q3 sweep trains three networks and saves none; leave --save out (recog q3 --lr LR --save FILE saves one)")
	}
	cfg := train.Config{Hidden: *hidden, Epochs: *epochs, LR: *lr, BatchSize: *batch, Seed: *seed, Float32: *f32}
	if cfg.DeepClasses, err = train.ParseClasses(*classes); err != nil {
		return usageError{Err: fmt.Errorf("--classes: %w", err)}
	}
	sets, err := data.LoadNIST36Splits(*dataDir, "train", "valid", "test")
	if err != nil {
		return err
	}
	if sweep {
		return q3Sweep(sets, cfg, *out, stdout, stderr)
	}
	fmt.Fprintf(stdout, "q3: %d -> %d sigmoid -> 36 softmax, %d epochs, lr %g, batch %d, seed %d, %s, BLAS %s\n",
		sets.Train.X.RawMatrix().Cols, cfg.Hidden, cfg.Epochs, cfg.LR, cfg.BatchSize, cfg.Seed, cfg.Precision(), blas.Name())
	bar := progress.New(stderr, int64(cfg.Epochs), "q3")
	res, err := train.Run(sets, cfg, func(m nn.EpochMetrics) {
		bar.Describe(fmt.Sprintf("q3: train %.3f valid %.3f", m.TrainAcc, m.ValidAcc))
		bar.Add(1)
	})
	bar.Finish()
	if err != nil {
		return err
	}
	if *save = cmp.Or(*save, filepath.Join(*out, "q3_model.safetensors")); *save != "-" {
		res.Metrics.ModelPath = *save
		if err := os.MkdirAll(filepath.Dir(*save), 0o755); err != nil {
			return fmt.Errorf("--save: %w", err)
		}
		if err := nn.SaveModel(*save, res.Net, sets.Train.Classes, res.ModelMeta()); err != nil {
			return fmt.Errorf("--save: %w", err)
		}
	}
	return writeRun(*out, res.Metrics, res.Figures, res.Metrics.Summary(), stdout)
}

// q3Sweep runs the learning-rate study of Q3.1.2 (train.Sweep) around
// cfg.LR and writes its figures and metrics.json into out.
func q3Sweep(sets *data.Splits, cfg train.Config, out string, stdout, stderr io.Writer) error {
	rates := train.SweepRates(cfg.LR)
	fmt.Fprintf(stdout, "q3 sweep: learning rates %v, %d epochs, batch %d, BLAS %s\n", rates, cfg.Epochs, cfg.BatchSize, blas.Name())
	bar := progress.New(stderr, int64(cfg.Epochs*len(rates)), "q3 sweep")
	sw, err := train.Sweep(sets, cfg, rates, func(run int, m nn.EpochMetrics) {
		bar.Describe(fmt.Sprintf("q3 sweep lr %g: valid %.3f", rates[run], m.ValidAcc))
		bar.Add(1)
	})
	bar.Finish()
	if err != nil {
		return err
	}
	return writeRun(out, sw.Metrics, sw.Figures, sw.Metrics.Summary(), stdout)
}

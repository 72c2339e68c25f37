package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"recog/internal/blas"
	"recog/internal/data"
	"recog/internal/viz"
	autodiff "recog/q7_autodiff"
)

// q7Runners are the `recog q7 TASK` subcommands; Q7.2 adds "flowers" here
// from its own file's init.
var q7Runners = map[string]func(args []string, stdout, stderr io.Writer) error{}

func init() {
	register(command{
		name:    "q7",
		summary: "Q7 gorgonia networks: mlp, mnist, mnist-exact, nist36, emnist(-small) CNNs; flowers; ocr",
		usage:   "q7 TASK [--epochs N] [--seed S] [--limit N] [--data DIR] [--out DIR]",
		run:     runQ7,
	})
	for name := range autodiff.Tasks {
		q7Runners[name] = func(args []string, stdout, stderr io.Writer) error {
			return runQ7Task(name, args, stdout, stderr)
		}
	}
}

func runQ7(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		names := make([]string, 0, len(q7Runners))
		for n := range q7Runners {
			names = append(names, n)
		}
		slices.Sort(names)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintf(stderr, "usage: recog q7 TASK [flags]\n\ntasks: %s\nrun `recog q7 TASK -h` for a task's flags\n", strings.Join(names, ", "))
			return nil
		}
		return usagef("want a task: %s", strings.Join(names, ", "))
	}
	r, ok := q7Runners[args[0]]
	if !ok {
		return usagef("unknown task %q", args[0])
	}
	return r(args[1:], stdout, stderr)
}

const q7Help = `
Trains one Q7.1 network with gorgonia (float32) and writes to DIR:
  q7_TASK_acc.png, q7_TASK_loss.png  accuracy and loss per epoch (training
                                     and validation, or test for MNIST and
                                     EMNIST, which have no validation split)
  q7_TASK.safetensors                the trained parameters
  metrics.json                       test_acc, the curves, s_per_epoch,
                                     samples_per_s, ...
Tasks: mlp (the Q3 network on NIST36), mnist-exact (the speed-comparison CNN
as PyTorch ran it: 3 epochs, Adam 1e-3, batch 64), mnist (that CNN with
dropout and a decaying rate), nist36, emnist (the CNN on 32x32 NIST36 and
on EMNIST Balanced), emnist-small (the 59k-parameter EMNIST CNN embedded
as the default model of ` + "`recog ocr`" + `). ` + "`recog q7 flowers -h`" + ` and
` + "`recog q7 ocr -h`" + ` describe Q7.2 and Q7.1.4's photo reading. Build with -tags openblas for OpenBLAS matrix products
(docs/q7_autodiff.md#speed). --limit N trains on the first N training
examples only (quick runs).`

func runQ7Task(name string, args []string, stdout, stderr io.Writer) error {
	t := autodiff.Tasks[name]
	fs := newFlagSet("q7", q7Help, stderr)
	epochs := fs.Int("epochs", t.Epochs, "epochs")
	seed := fs.Uint64("seed", 1, "random seed of initialisation, batch order and dropout")
	limit := fs.Int("limit", 0, "train on the first N training examples only (0: all)")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	out := fs.String("out", "out/q7", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected arguments %q", pos)
	}
	if *epochs <= 0 {
		return usagef("--epochs %d: want > 0", *epochs)
	}
	if *limit < 0 {
		return usagef("--limit %d: want ≥ 0", *limit)
	}
	t.Epochs = *epochs
	if *dataDir == "" {
		*dataDir = data.DefaultDir()
	}
	if _, err := os.Stat(filepath.Join(*dataDir, t.Set)); err != nil {
		return fmt.Errorf("%w (run `recog data %s` first)", err, t.Set)
	}
	s, err := autodiff.LoadTaskData(t, *dataDir)
	if err != nil {
		return err
	}
	s.Train = s.Train.Head(*limit)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	res, err := autodiff.RunTask(t, s, *seed, stderr)
	if err != nil {
		return err
	}
	defer res.Model.Close()
	h := res.History
	ep := make([]float64, len(h.Epochs))
	for i := range ep {
		ep[i] = float64(i + 1)
	}
	evalLabel := "validation"
	if res.EvalName == "test" {
		evalLabel = "test"
	}
	for _, c := range []struct{ what, file string }{{"acc", "accuracy"}, {"loss", "cross-entropy loss (mean)"}} {
		p, err := viz.Curves(fmt.Sprintf("Q7 %s: %s per epoch", name, strings.Split(c.file, " ")[0]), "epoch", c.file,
			viz.Series{Name: "training", X: ep, Y: h.Curve("train_" + c.what)},
			viz.Series{Name: evalLabel, X: ep, Y: h.Curve("valid_" + c.what), Dashed: true})
		if err != nil {
			return err
		}
		if err := viz.SavePNG(p, 800, 500, filepath.Join(*out, fmt.Sprintf("q7_%s_%s.png", name, c.what))); err != nil {
			return err
		}
	}
	if err := res.Model.Save(filepath.Join(*out, fmt.Sprintf("q7_%s.safetensors", name))); err != nil {
		return err
	}
	n := float64(len(h.Epochs))
	metrics := map[string]any{
		"task":                           name,
		"model":                          res.Model.Name,
		"params":                         res.Model.NumParams(),
		"epochs":                         t.Epochs,
		"batch":                          t.BatchSize,
		"lr":                             t.LR,
		"seed":                           *seed,
		"blas":                           blas.Name(),
		"train_examples":                 s.Train.Len(),
		"train_loss_curve":               h.Curve("train_loss"),
		"train_acc_curve":                h.Curve("train_acc"),
		res.EvalName + "_loss_curve":     h.Curve("valid_loss"),
		res.EvalName + "_acc_curve":      h.Curve("valid_acc"),
		"test_acc":                       res.TestAcc,
		"test_loss":                      res.TestLoss,
		"s_per_epoch":                    res.TrainSeconds / n,
		"samples_per_s":                  res.SamplesPerSec,
		"s_per_epoch_curve":              curveOf(h, func(e autodiff.EpochStats) float64 { return e.Seconds }),
		"final_" + res.EvalName + "_acc": h.Epochs[len(h.Epochs)-1].ValidAcc,
	}
	if err := writeQMetrics(filepath.Join(*out, "metrics.json"), metrics); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q7 %s: test accuracy %.4f (loss %.4f), %.1f s/epoch, %.0f samples/s (%s BLAS); wrote %s\n",
		name, res.TestAcc, res.TestLoss, res.TrainSeconds/n, res.SamplesPerSec, blas.Name(), *out)
	return nil
}

func curveOf(h *autodiff.History, f func(autodiff.EpochStats) float64) []float64 {
	out := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		out[i] = f(e)
	}
	return out
}

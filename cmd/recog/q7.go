package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	autodiff "recog/q7_autodiff"
)

// q7Runners are the `recog q7 TASK` subcommands: the Q7.1 tasks, "flowers"
// (Q7.2) and "ocr" (Q7.1.4 on the photos).
var q7Runners = map[string]func(args []string, stdout, stderr io.Writer) error{
	"flowers": runQ7Flowers,
	"ocr":     runQ7OCR,
}

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
		names := slices.Sorted(func(yield func(string) bool) {
			for n := range q7Runners {
				if !yield(n) {
					return
				}
			}
		})
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
	if err := noArgs(pos); err != nil {
		return err
	}
	if err := checkFlags(want{*epochs <= 0, "epochs", *epochs, "> 0"}, want{*limit < 0, "limit", *limit, "≥ 0"}); err != nil {
		return err
	}
	opt := autodiff.Options{Epochs: *epochs, Seed: *seed, TrainLimit: *limit, Progress: stderr}
	res, err := q7Task(t, dataOr(*dataDir), opt, *out, true, stdout)
	if err != nil {
		return err
	}
	res.Model.Close()
	return nil
}

// q7Task runs a Q7.1 task (autodiff.Run) on the data of dataDir and writes
// its figures, metrics.json and, with save, the model q7_<task>.safetensors
// into out; the caller closes the result's model: `recog q7 TASK` and the
// q7 stages of `recog all`.
func q7Task(t autodiff.Task, dataDir string, opt autodiff.Options, out string, save bool, stdout io.Writer) (*autodiff.Result, error) {
	if _, err := os.Stat(filepath.Join(dataDir, t.Set)); err != nil {
		return nil, fmt.Errorf("%w (run `recog data %s` first)", err, t.Set)
	}
	s, err := autodiff.LoadTaskData(t, dataDir)
	if err != nil {
		return nil, err
	}
	res, err := autodiff.Run(t, s, opt)
	if err != nil {
		return nil, err
	}
	err = writeRun(out, res.Metrics, res.Figures)
	if err == nil && save {
		err = res.Model.Save(filepath.Join(out, fmt.Sprintf("q7_%s.safetensors", t.Name)))
	}
	if err != nil {
		res.Model.Close()
		return nil, err
	}
	m := res.Metrics
	fmt.Fprintf(stdout, "q7 %s: test accuracy %.4f (loss %.4f), %.1f s/epoch, %.0f samples/s (%s BLAS); wrote %s\n",
		t.Name, m.TestAcc, m.TestLoss, m.SPerEpoch, m.SamplesPerSec, m.BLAS, out)
	return res, nil
}

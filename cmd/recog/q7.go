package main

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"recog/internal/cli"
	"recog/internal/pipeline"
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
		names := slices.Sorted(maps.Keys(q7Runners))
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

func runQ7Task(name string, args []string, stdout, stderr io.Writer) error {
	t := autodiff.Tasks[name]
	fs := newFlagSet("q7", helpText("q7"), stderr)
	epochs := fs.IntRange("epochs", t.Epochs, 1, cli.MaxEpochs, "epochs")
	seed := fs.Uint64("seed", 1, "random seed of initialisation, batch order and dropout")
	limit := fs.IntRange("limit", 0, 0, cli.MaxExamples, "train on the first N training examples only (0: all)")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	out := fs.OutDir("out", "out/q7", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cli.NoArgs(pos); err != nil {
		return err
	}
	if err := needData(dataOr(*dataDir), t.Set); err != nil {
		return err
	}
	s, err := autodiff.LoadTaskData(t, dataOr(*dataDir))
	if err != nil {
		return err
	}
	res, err := autodiff.Run(t, s, autodiff.Options{Epochs: *epochs, Seed: *seed, TrainLimit: *limit, Progress: stderr})
	if err != nil {
		return err
	}
	defer res.Model.Close()
	if err := pipeline.Write(*out, res.Metrics, res.Figures); err != nil {
		return err
	}
	if err := res.Model.Save(filepath.Join(*out, "q7_"+t.Name+".safetensors")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\nwrote %s\n", res.Metrics.Summary(), *out)
	return nil
}

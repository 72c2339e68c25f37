package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"recog/internal/blas"
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

const q3Help = `
Trains the assignment's network (1024 -> H sigmoid -> 36 softmax, Xavier
initialisation, mini-batch SGD with the batch-summed gradient) on the NIST36
training set, evaluating the whole training and validation sets after every
epoch, and writes to DIR:
  q3_accuracy.png         train and valid accuracy per epoch (Q3.1.1)
  q3_loss.png             train and valid cross-entropy per example (Q3.1.1)
  q3_weights_init.png     the first-layer weights as 32x32 images, 8x8 grid,
  q3_weights_trained.png  right after initialisation and after training (Q3.1.3)
  q3_deep_layer.png       e_i W2^T W1^T for the --classes, and the validation
                          image that maximises each class's output (Q3.1.4)
  q3_confusion.png        the test confusion matrix (Q3.1.5)
  metrics.json            train_acc, valid_acc, test_acc, the curves,
                          s_per_epoch, the most confused pairs, ...
and the trained model to --save (default DIR/q3_model.safetensors; the format
is in docs/q3_train.md#saved-model-format).

recog q3 sweep does the learning-rate study (Q3.1.2): one run at each of
--lr, 10 x --lr and --lr / 10, and writes q3_sweep_lr_<rate>_accuracy.png and
q3_sweep_lr_<rate>_loss.png for each rate, q3_sweep_valid_acc.png (the three
validation curves) and metrics.json (sweep_lr, sweep_valid_acc, ..., the
best rate by final validation accuracy and its test accuracy, and the curves
as valid_acc_curve_base, _x10 and _x0_1).

Needs ./data/nist36 (recog data nist36). Build with -tags openblas for
OpenBLAS matrix products (README.md).`

func runQ3(args []string, stdout, stderr io.Writer) error {
	def := train.DefaultConfig()
	fs := newFlagSet("q3", q3Help, stderr)
	epochs := fs.Int("epochs", def.Epochs, "training epochs")
	lr := fs.Float64("lr", def.LR, "learning rate (θ ← θ - LR·Σ_batch ∇J); for sweep, the base rate (also run at 10x and 1/10)")
	batch := fs.Int("batch", def.BatchSize, "mini-batch size")
	hidden := fs.Int("hidden", def.Hidden, "hidden sigmoid units")
	seed := fs.Uint64("seed", def.Seed, "random seed of initialisation and batch order")
	f32 := fs.Bool("float32", false, "train with float32 parameters and products (faster; same algorithm)")
	classes := fs.String("classes", "A,T,3", "three `CLASSES` (comma-separated) for the deep-layer figure")
	dataDir := fs.String("data", "", "data `DIR` holding nist36/ (default <repo>/data)")
	out := fs.String("out", "out/q3", "output `DIR`")
	save := fs.String("save", "", "write the trained model to `FILE` (default DIR/q3_model.safetensors; \"-\" for none)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	sweep := len(pos) == 1 && pos[0] == "sweep"
	if len(pos) > 0 && !sweep {
		return usagef("unexpected arguments %q (want nothing or \"sweep\")", pos)
	}
	cfg := train.Config{Hidden: *hidden, Epochs: *epochs, LR: *lr, BatchSize: *batch, Seed: *seed, Float32: *f32}
	if err := checkFlags(want{cfg.Epochs < 1, "epochs", cfg.Epochs, "≥ 1"},
		want{!(cfg.LR > 0) || math.IsInf(cfg.LR, 0), "lr", cfg.LR, "a positive number"},
		want{cfg.BatchSize < 1, "batch", cfg.BatchSize, "≥ 1"}, want{cfg.Hidden < 1, "hidden", cfg.Hidden, "≥ 1"}); err != nil {
		return err
	}
	if cfg.DeepClasses, err = parseClasses(*classes); err != nil {
		return usageError{err}
	}
	sets, err := data.LoadNIST36Splits(*dataDir, "train", "valid", "test")
	if err != nil {
		return err
	}
	if sweep {
		_, err = q3Sweep(sets, cfg, *out, stdout, stderr)
		return err
	}
	if *save == "" {
		*save = filepath.Join(*out, "q3_model.safetensors")
	}
	_, err = q3Train(sets, cfg, *out, *save, stdout, stderr)
	return err
}

// parseClasses turns "A,T,3" into class indices of data.NIST36Classes.
func parseClasses(s string) ([]int, error) {
	var out []int
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		i := slices.Index(data.NIST36Classes, strings.ToUpper(name))
		if i < 0 {
			return nil, fmt.Errorf("--classes: %q is not a NIST36 class (A..Z, 0..9)", name)
		}
		out = append(out, i)
	}
	if len(out) != 3 {
		return nil, fmt.Errorf("--classes %q: want three classes", s)
	}
	return out, nil
}

// q3Train runs question 3 (train.Run), saves the network to modelPath ("-":
// not saved) and writes the figures and metrics.json into out: `recog q3`
// and the q3 stage of `recog all`.
func q3Train(sets *data.Splits, cfg train.Config, out, modelPath string, stdout, stderr io.Writer) (train.Metrics, error) {
	fmt.Fprintf(stdout, "q3: %d -> %d sigmoid -> 36 softmax, %d epochs, lr %g, batch %d, seed %d, %s, BLAS %s\n",
		sets.Train.X.RawMatrix().Cols, cfg.Hidden, cfg.Epochs, cfg.LR, cfg.BatchSize, cfg.Seed, cfg.Precision(), blas.Name())
	bar, onEpoch := epochBar(stderr, cfg.Epochs, "q3")
	res, err := train.Run(sets, cfg, onEpoch)
	bar.Finish()
	if err != nil {
		return train.Metrics{}, err
	}
	if modelPath != "-" {
		res.Metrics.ModelPath = modelPath
	}
	if err := writeRun(out, res.Metrics, res.Figures); err != nil {
		return train.Metrics{}, err
	}
	if modelPath != "-" {
		if err := nn.SaveModel(modelPath, res.Net, sets.Train.Classes, res.ModelMeta()); err != nil {
			return train.Metrics{}, err
		}
	}
	m := res.Metrics
	fmt.Fprintf(stdout, "q3: train acc %.4f, valid acc %.4f, test acc %.4f; best valid %.4f at epoch %d (test acc there %.4f); %.3f s/epoch (%s); wrote %s\n",
		m.TrainAcc, m.ValidAcc, m.TestAcc, m.BestValidAcc, m.BestValidEpoch, m.BestTestAcc, m.SPerEpoch, m.BLAS, out)
	if len(m.ConfusedPairs) > 0 {
		fmt.Fprintf(stdout, "q3: most confused on test: %s\n", strings.Join(m.ConfusedPairs[:min(5, len(m.ConfusedPairs))], "; "))
	}
	return m, nil
}

// q3Sweep runs the learning-rate study of Q3.1.2 (train.Sweep) around
// cfg.LR and writes its figures and metrics.json into out: `recog q3 sweep`
// and the q3_sweep stage of `recog all`.
func q3Sweep(sets *data.Splits, cfg train.Config, out string, stdout, stderr io.Writer) (train.SweepMetrics, error) {
	rates := train.SweepRates(cfg.LR)
	fmt.Fprintf(stdout, "q3 sweep: learning rates %v, %d epochs, batch %d, BLAS %s\n", rates, cfg.Epochs, cfg.BatchSize, blas.Name())
	bar := progress.New(stderr, int64(cfg.Epochs*len(rates)), "q3 sweep")
	sw, err := train.Sweep(sets, cfg, rates, func(run int, m nn.EpochMetrics) {
		bar.Describe(fmt.Sprintf("q3 sweep lr %g: valid %.3f", rates[run], m.ValidAcc))
		bar.Add(1)
	})
	bar.Finish()
	if err != nil {
		return train.SweepMetrics{}, err
	}
	if err := writeRun(out, sw.Metrics, sw.Figures); err != nil {
		return train.SweepMetrics{}, err
	}
	m := sw.Metrics
	for i := range rates {
		fmt.Fprintf(stdout, "q3 sweep: lr %-8g train acc %.4f, valid acc %.4f (best %.4f), test acc %.4f\n", rates[i], m.Train[i], m.Valid[i], m.BestVal[i], m.Test[i])
	}
	fmt.Fprintf(stdout, "q3 sweep: best lr %g: valid acc %.4f, test acc %.4f; wrote %s\n", m.BestLR, m.ValidAcc, m.TestAcc, out)
	return m, nil
}

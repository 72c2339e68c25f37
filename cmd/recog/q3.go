package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"recog/internal/blas"
	"recog/internal/data"
	"recog/internal/progress"
	"recog/internal/viz"
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
	sweep := false
	switch {
	case len(pos) == 1 && pos[0] == "sweep":
		sweep = true
	case len(pos) > 0:
		return usagef("unexpected arguments %q (want nothing or \"sweep\")", pos)
	}
	cfg := train.Config{Hidden: *hidden, Epochs: *epochs, LR: *lr, BatchSize: *batch, Seed: *seed, Float32: *f32}
	switch {
	case cfg.Epochs < 1:
		return usagef("--epochs %d: want ≥ 1", cfg.Epochs)
	case !(cfg.LR > 0) || math.IsInf(cfg.LR, 0):
		return usagef("--lr %g: want a positive number", cfg.LR)
	case cfg.BatchSize < 1:
		return usagef("--batch %d: want ≥ 1", cfg.BatchSize)
	case cfg.Hidden < 1:
		return usagef("--hidden %d: want ≥ 1", cfg.Hidden)
	}
	deep, err := parseClasses(*classes)
	if err != nil {
		return usageError{err}
	}
	sets, err := loadNIST36Splits(*dataDir, "train", "valid", "test")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	s := train.Sets{Train: sets[0], Valid: sets[1], Test: sets[2]}
	if sweep {
		return runQ3Sweep(s, cfg, *out, stdout, stderr)
	}
	modelPath := *save
	if modelPath == "" {
		modelPath = filepath.Join(*out, "q3_model.safetensors")
	}
	return runQ3Train(s, cfg, deep, *out, modelPath, stdout, stderr)
}

// parseClasses turns "A,T,3" into class indices of data.NIST36Classes.
func parseClasses(s string) ([]int, error) {
	var out []int
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		i := indexOf(data.NIST36Classes, strings.ToUpper(name))
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

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// epochBar returns a progress bar over epochs and the callback advancing it
// with the latest numbers.
func epochBar(stderr io.Writer, total int, desc string) (*progress.Bar, func(nn.EpochMetrics)) {
	bar := progress.New(stderr, int64(total), desc)
	return bar, func(m nn.EpochMetrics) {
		bar.Describe(fmt.Sprintf("%s: train %.3f valid %.3f", desc, m.TrainAcc, m.ValidAcc))
		bar.Add(1)
	}
}

func precision(cfg train.Config) string {
	if cfg.Float32 {
		return "float32"
	}
	return "float64"
}

func curves(hist []nn.EpochMetrics) map[string][]float64 {
	c := map[string][]float64{}
	for _, m := range hist {
		c["train_acc_curve"] = append(c["train_acc_curve"], m.TrainAcc)
		c["valid_acc_curve"] = append(c["valid_acc_curve"], m.ValidAcc)
		c["train_loss_curve"] = append(c["train_loss_curve"], m.TrainLoss)
		c["valid_loss_curve"] = append(c["valid_loss_curve"], m.ValidLoss)
		c["s_epoch_curve"] = append(c["s_epoch_curve"], m.Seconds)
	}
	return c
}

func runQ3Train(s train.Sets, cfg train.Config, deepClasses []int, out, modelPath string, stdout, stderr io.Writer) error {
	fmt.Fprintf(stdout, "q3: %d -> %d sigmoid -> 36 softmax, %d epochs, lr %g, batch %d, seed %d, %s, BLAS %s\n",
		s.Train.X.RawMatrix().Cols, cfg.Hidden, cfg.Epochs, cfg.LR, cfg.BatchSize, cfg.Seed, precision(cfg), blas.Name())
	bar, onEpoch := epochBar(stderr, cfg.Epochs, "q3")
	start := time.Now()
	res, err := train.Run(s, cfg, onEpoch)
	bar.Finish()
	if err != nil {
		return err
	}
	total := time.Since(start).Seconds()
	f, best := res.Final(), res.Best
	classes := data.NIST36Classes

	// Figures.
	title := fmt.Sprintf("lr %g, batch %d", cfg.LR, cfg.BatchSize)
	acc, err := train.AccuracyPlot(res.History, "Q3.1.1 accuracy ("+title+")")
	if err != nil {
		return err
	}
	loss, err := train.LossPlot(res.History, "Q3.1.1 average cross-entropy ("+title+")")
	if err != nil {
		return err
	}
	if err := viz.SavePNG(acc, 800, 500, filepath.Join(out, "q3_accuracy.png")); err != nil {
		return err
	}
	if err := viz.SavePNG(loss, 800, 500, filepath.Join(out, "q3_loss.png")); err != nil {
		return err
	}
	for name, net := range map[string]*nn.Network{"q3_weights_init.png": res.Init, "q3_weights_trained.png": res.Net} {
		g, err := train.WeightGrid(net)
		if err != nil {
			return err
		}
		if err := viz.SaveImagePNG(g, filepath.Join(out, name)); err != nil {
			return err
		}
	}
	deep, err := train.DeepLayers(res.Net, s.Valid, deepClasses)
	if err != nil {
		return err
	}
	dg, err := train.DeepLayerGrid(deep, classes)
	if err != nil {
		return err
	}
	if err := viz.SaveImagePNG(dg, filepath.Join(out, "q3_deep_layer.png")); err != nil {
		return err
	}
	counts, err := train.ConfusionMatrix(res.Net, s.Test)
	if err != nil {
		return err
	}
	cp, err := train.ConfusionPlot(counts, classes, "Q3.1.5 confusion matrix, NIST36 test set")
	if err != nil {
		return err
	}
	if err := viz.SavePNG(cp, 1200, 1200, filepath.Join(out, "q3_confusion.png")); err != nil {
		return err
	}

	// Model.
	meta := map[string]string{
		"epochs": strconv.Itoa(cfg.Epochs), "lr": strconv.FormatFloat(cfg.LR, 'g', -1, 64),
		"batch": strconv.Itoa(cfg.BatchSize), "seed": strconv.FormatUint(cfg.Seed, 10),
		"valid_acc": strconv.FormatFloat(f.ValidAcc, 'f', 6, 64), "test_acc": strconv.FormatFloat(res.TestAcc, 'f', 6, 64),
		"trained_by": "recog q3",
	}
	if modelPath != "-" {
		if err := nn.SaveModel(modelPath, res.Net, classes, meta); err != nil {
			return err
		}
	}

	// Numbers.
	pairs := train.TopConfusions(counts, classes, 10)
	var pairText []string
	for _, p := range pairs {
		pairText = append(pairText, fmt.Sprintf("%s/%s: %d (%s as %s %d, %s as %s %d)", p.A, p.B, p.Total, p.A, p.B, p.AB, p.B, p.A, p.BA))
	}
	var deepRows []int
	var deepProbs []float64
	var deepNames []string
	for _, d := range deep {
		deepRows, deepProbs = append(deepRows, d.Row), append(deepProbs, d.Prob)
		deepNames = append(deepNames, classes[d.Class]+"->"+classes[d.Label])
	}
	m := map[string]any{
		"epochs": cfg.Epochs, "lr": cfg.LR, "batch": cfg.BatchSize, "hidden": cfg.Hidden, "seed": cfg.Seed, "precision": precision(cfg),
		"train_acc": f.TrainAcc, "valid_acc": f.ValidAcc, "test_acc": res.TestAcc,
		"train_loss": f.TrainLoss, "valid_loss": f.ValidLoss, "test_loss": res.TestLoss,
		"best_valid_acc": best.ValidAcc, "best_valid_epoch": best.Epoch, "best_test_acc": res.BestTestAcc,
		"train_metrics":     "whole training set evaluated after each epoch",
		"s_per_epoch":       res.SecondsPerEpoch(),
		"s_total":           total,
		"blas":              blas.Name(),
		"confused_pairs":    pairText,
		"deep_layer_rows":   deepRows,
		"deep_layer_probs":  deepProbs,
		"deep_layer_labels": deepNames,
	}
	if modelPath != "-" {
		m["model_path"] = modelPath
	}
	for k, v := range curves(res.History) {
		m[k] = v
	}
	if err := writeQMetrics(filepath.Join(out, "metrics.json"), m); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q3: train acc %.4f, valid acc %.4f, test acc %.4f; best valid %.4f at epoch %d (test acc there %.4f); %.3f s/epoch (%s); wrote %s\n",
		f.TrainAcc, f.ValidAcc, res.TestAcc, best.ValidAcc, best.Epoch, res.BestTestAcc, res.SecondsPerEpoch(), blas.Name(), out)
	if len(pairs) > 0 {
		fmt.Fprintf(stdout, "q3: most confused on test: %s\n", strings.Join(pairText[:min(5, len(pairText))], "; "))
	}
	return nil
}

// sweepKeys suffix the curves of the sweep's runs in metrics.json, in the
// order of train.SweepRates: the base rate, 10x and 1/10.
var sweepKeys = []string{"base", "x10", "x0_1"}

func runQ3Sweep(s train.Sets, cfg train.Config, out string, stdout, stderr io.Writer) error {
	rates := train.SweepRates(cfg.LR)
	fmt.Fprintf(stdout, "q3 sweep: learning rates %v, %d epochs, batch %d, BLAS %s\n", rates, cfg.Epochs, cfg.BatchSize, blas.Name())
	bar := progress.New(stderr, int64(cfg.Epochs*len(rates)), "q3 sweep")
	sw, err := train.Sweep(s, cfg, rates, func(run int, m nn.EpochMetrics) {
		bar.Describe(fmt.Sprintf("q3 sweep lr %g: valid %.3f", rates[run], m.ValidAcc))
		bar.Add(1)
	})
	bar.Finish()
	if err != nil {
		return err
	}
	m := map[string]any{"epochs": cfg.Epochs, "batch": cfg.BatchSize, "hidden": cfg.Hidden, "seed": cfg.Seed, "blas": blas.Name()}
	var lrs, tra, va, te, bva []float64
	for i, r := range sw.Runs {
		lr := rates[i]
		tag := "lr_" + strconv.FormatFloat(lr, 'g', -1, 64)
		f := r.Final()
		lrs, tra, va, te = append(lrs, lr), append(tra, f.TrainAcc), append(va, f.ValidAcc), append(te, r.TestAcc)
		bva = append(bva, r.Best.ValidAcc)
		title := fmt.Sprintf("lr %g", lr)
		if i == sw.Best {
			title += " (best)"
		}
		acc, err := train.AccuracyPlot(r.History, "Q3.1.2 accuracy, "+title)
		if err != nil {
			return err
		}
		loss, err := train.LossPlot(r.History, "Q3.1.2 average cross-entropy, "+title)
		if err != nil {
			return err
		}
		if err := viz.SavePNG(acc, 800, 500, filepath.Join(out, "q3_sweep_"+tag+"_accuracy.png")); err != nil {
			return err
		}
		if err := viz.SavePNG(loss, 800, 500, filepath.Join(out, "q3_sweep_"+tag+"_loss.png")); err != nil {
			return err
		}
		for k, v := range curves(r.History) {
			m[k+"_"+sweepKeys[i]] = v
		}
	}
	cmp, err := train.SweepPlot(sw, "Q3.1.2 validation accuracy per learning rate", "valid accuracy",
		func(e nn.EpochMetrics) float64 { return e.ValidAcc })
	if err != nil {
		return err
	}
	if err := viz.SavePNG(cmp, 800, 500, filepath.Join(out, "q3_sweep_valid_acc.png")); err != nil {
		return err
	}
	best := sw.Runs[sw.Best]
	m["sweep_lr"], m["sweep_train_acc"], m["sweep_valid_acc"], m["sweep_test_acc"], m["sweep_best_valid_acc"] = lrs, tra, va, te, bva
	m["best_lr"], m["valid_acc"], m["test_acc"] = rates[sw.Best], best.Final().ValidAcc, best.TestAcc
	m["s_per_epoch"] = best.SecondsPerEpoch()
	if err := writeQMetrics(filepath.Join(out, "metrics.json"), m); err != nil {
		return err
	}
	for i := range rates {
		fmt.Fprintf(stdout, "q3 sweep: lr %-8g train acc %.4f, valid acc %.4f (best %.4f), test acc %.4f\n", rates[i], tra[i], va[i], bva[i], te[i])
	}
	fmt.Fprintf(stdout, "q3 sweep: best lr %g: valid acc %.4f, test acc %.4f; wrote %s\n", rates[sw.Best], best.Final().ValidAcc, best.TestAcc, out)
	return nil
}

func init() {
	registerBench(benchCase{
		name: "q3/train-epoch",
		what: "one Q3 training epoch: 10716 NIST36 images, batch 32, 1024-64-36, float64",
		setup: func(dir string) (func() error, error) {
			sets, err := loadNIST36Splits(dir, "train")
			if err != nil {
				return nil, err
			}
			net, err := train.NewNetwork(1024, train.DefaultHidden, 36, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				return nil, err
			}
			return func() error {
				_, err := nn.Train(net, sets[0], nn.Options{Epochs: 1, LR: train.DefaultLR, BatchSize: train.DefaultBatchSize})
				return err
			}, nil
		},
	})
	registerBench(benchCase{
		name: "q3/train-epoch-f32",
		what: "the same epoch with float32 parameters and products (q3 --float32)",
		setup: func(dir string) (func() error, error) {
			sets, err := loadNIST36Splits(dir, "train")
			if err != nil {
				return nil, err
			}
			net, err := train.NewNetwork(1024, train.DefaultHidden, 36, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				return nil, err
			}
			t32, err := nn.NewTrainer(net, sets[0], nn.Options{LR: train.DefaultLR, BatchSize: train.DefaultBatchSize, Float32: true})
			if err != nil {
				return nil, err
			}
			return func() error { _, err := t32.Epoch(); return err }, nil
		},
	})
	registerBench(benchCase{
		name: "q3/forward-valid",
		what: "one forward pass (Predict) over the 3572 NIST36 validation images",
		setup: func(dir string) (func() error, error) {
			sets, err := loadNIST36Splits(dir, "valid")
			if err != nil {
				return nil, err
			}
			net, err := train.NewNetwork(1024, train.DefaultHidden, 36, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				return nil, err
			}
			return func() error {
				_, err := net.Predict(sets[0].X)
				return err
			}, nil
		},
	})
}

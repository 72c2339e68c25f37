package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"recog/internal/viz"
	"recog/q5_autoencoder"
	"recog/q6_pca"
)

func init() {
	register(command{
		name:    "q6",
		summary: "Q6 PCA: projection matrix, reconstructions, PSNR, parameter counts",
		usage:   "q6 [--k K] [--data DIR] [--out DIR]",
		run:     runQ6,
	})
}

const q6Help = `
Fits PCA on the mean-centred NIST36 training set by SVD, keeps the first K
principal components (the projection matrix P, 1024 x K), reconstructs the
test set as x̂ = μ + (x - μ) P Pᵀ and writes to DIR:
  q6_test_reconstructions.png  2 test images of 5 classes and their
                               reconstructions (Q6.2)
  q6_explained_variance.png    variance explained by the first components
  metrics.json                 p_rows, p_cols, p_rank (Q6.1), test_psnr_db
                               (Q6.3), params and params_autoencoder (Q6.4), ...
Needs ./data/nist36 (recog data nist36).`

func runQ6(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("q6", q6Help, stderr)
	k := fs.Int("k", pca.Components, "number of principal components")
	dataDir := fs.String("data", "", "data `DIR` holding nist36/ (default <repo>/data)")
	out := fs.String("out", "out/q6", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected arguments %q", pos)
	}
	if *k < 1 || *k > 1024 {
		return usagef("--k %d: want 1 ≤ K ≤ 1024", *k)
	}
	sets, err := loadNIST36Splits(*dataDir, "train", "test")
	if err != nil {
		return err
	}
	train, test := sets[0], sets[1]
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q6: PCA of %d training images, %d components\n", train.Len(), *k)
	start := time.Now()
	res, err := pca.Run(train, test, *k, nil)
	if err != nil {
		return err
	}
	elapsed := time.Since(start).Seconds()
	ae, err := autoencoder.New(nil, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		return err
	}
	aeParams := autoencoder.Params(ae)

	if res.Grid != nil {
		if err := viz.SaveImagePNG(res.Grid, filepath.Join(*out, "q6_test_reconstructions.png")); err != nil {
			return err
		}
	}
	vars := res.Model.Variances
	var total float64
	for _, v := range vars {
		total += v
	}
	nShow := min(len(vars), 200)
	xs, cum := make([]float64, nShow), make([]float64, nShow)
	var acc float64
	for i := range nShow {
		acc += vars[i]
		xs[i], cum[i] = float64(i+1), acc/total
	}
	p, err := viz.Curves("Q6 variance explained by the first principal components",
		"number of components", "fraction of variance", viz.Series{Name: "cumulative", X: xs, Y: cum})
	if err != nil {
		return err
	}
	if err := viz.SavePNG(p, 800, 500, filepath.Join(*out, "q6_explained_variance.png")); err != nil {
		return err
	}
	metrics := map[string]any{
		"k":                     *k,
		"p_rows":                res.Rows,
		"p_cols":                res.Cols,
		"p_rank":                res.Rank,
		"explained_variance":    res.ExplainedVariance,
		"test_psnr_db":          res.TestPSNR,
		"train_psnr_db":         res.TrainPSNR,
		"params":                res.ProjectionParams + res.MeanParams,
		"params_projection":     res.ProjectionParams,
		"params_mean":           res.MeanParams,
		"params_autoencoder":    aeParams,
		"variances_first_32":    vars[:min(32, len(vars))],
		"s_fit_and_reconstruct": elapsed,
		"shown_test_rows":       res.Shown,
		"shown_classes":         res.Classes,
	}
	if err := writeQMetrics(filepath.Join(*out, "metrics.json"), metrics); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q6: P is %d x %d of rank %d; %.2f%% of the variance; test PSNR %.3f dB (train %.3f dB); parameters: PCA %d (+%d mean), autoencoder %d; %.1f s; wrote %s\n",
		res.Rows, res.Cols, res.Rank, 100*res.ExplainedVariance, res.TestPSNR, res.TrainPSNR,
		res.ProjectionParams, res.MeanParams, aeParams, elapsed, *out)
	return nil
}

package main

import (
	"fmt"
	"io"

	"recog/internal/data"
	autoencoder "recog/q5_autoencoder"
	pca "recog/q6_pca"
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
	if err := noArgs(pos); err != nil {
		return err
	}
	if err := checkFlags(want{*k < 1 || *k > 1024, "k", *k, "1 ≤ K ≤ 1024"}); err != nil {
		return err
	}
	sets, err := data.LoadNIST36Splits(*dataDir, "train", "test")
	if err != nil {
		return err
	}
	_, err = q6Run(sets, *k, *out, stdout)
	return err
}

// q6Run fits question 6's PCA (pca.Run, against the autoencoder's
// parameter count) and writes its figures and metrics.json into out:
// `recog q6` and the q6 stage of `recog all`.
func q6Run(sets *data.Splits, k int, out string, stdout io.Writer) (pca.Metrics, error) {
	fmt.Fprintf(stdout, "q6: PCA of %d training images, %d components\n", sets.Train.Len(), k)
	res, err := pca.Run(sets, pca.Options{K: k, AutoencoderParams: autoencoder.ParamCount()})
	if err != nil {
		return pca.Metrics{}, err
	}
	if err := writeRun(out, res.Metrics, res.Figures); err != nil {
		return pca.Metrics{}, err
	}
	m := res.Metrics
	fmt.Fprintf(stdout, "q6: P is %d x %d of rank %d; %.2f%% of the variance; test PSNR %.3f dB (train %.3f dB); parameters: PCA %d (+%d mean), autoencoder %d; %.1f s; wrote %s\n",
		m.PRows, m.PCols, m.PRank, 100*m.ExplainedVariance, m.TestPSNR, m.TrainPSNR, m.ParamsProjection, m.ParamsMean, m.ParamsAutoencoder, m.Seconds, out)
	return m, nil
}

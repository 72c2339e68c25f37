package main

import (
	"fmt"
	"io"

	"recog/internal/cli"
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

func runQ6(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("q6", helpText("q6"), stderr)
	k := fs.IntRange("k", pca.Components, 1, 1024, "number of principal components")
	dataDir := fs.String("data", "", "data `DIR` holding nist36/ (default <repo>/data)")
	out := fs.OutDir("out", "out/q6", "output `DIR`")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cli.NoArgs(pos); err != nil {
		return err
	}
	sets, err := data.LoadNIST36Splits(*dataDir, "train", "test")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "q6: PCA of %d training images, %d components\n", sets.Train.Len(), *k)
	res, err := pca.Run(sets, pca.Options{K: *k, AutoencoderParams: autoencoder.ParamCount()})
	if err != nil {
		return err
	}
	return writeRun(*out, res.Metrics, res.Figures, res.Metrics.Summary(), stdout)
}

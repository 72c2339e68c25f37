package autoencoder

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
)

func TestScratch(t *testing.T) {
	mode := os.Getenv("AE_SCRATCH")
	if mode == "" {
		t.Skip()
	}
	dir := datatest.Dir(t, "nist36")
	train, err := data.LoadNIST36(filepath.Join(dir, data.SplitFile("train")), "train")
	require.NoError(t, err)
	valid, err := data.LoadNIST36(filepath.Join(dir, data.SplitFile("valid")), "valid")
	require.NoError(t, err)
	test, err := data.LoadNIST36(filepath.Join(dir, data.SplitFile("test")), "test")
	require.NoError(t, err)
	m, _ := ParseMode(mode)
	opt, _ := ModeOptions(m)
	if e := os.Getenv("AE_EPOCHS"); e != "" {
		opt.Epochs, _ = strconv.Atoi(e)
	}
	if e := os.Getenv("AE_LR"); e != "" {
		opt.LR, _ = strconv.ParseFloat(e, 64)
	}
	opt.DataInit = os.Getenv("AE_INIT") != "0" && opt.DataInit
	if os.Getenv("AE_INIT") == "1" {
		opt.DataInit = true
	}
	if os.Getenv("AE_COSINE") == "0" {
		opt.Cosine = false
	}
	if os.Getenv("AE_OPT") == "momentum" {
		opt.Optimizer = Momentum
	}
	if os.Getenv("AE_REVIVE") == "1" {
		opt.Revive = true
	}
	opt.Valid = valid.X
	opt.Progress = os.Stderr
	net, _, err := Fit(train.X, opt)
	require.NoError(t, err)
	xh, _ := Reconstruct(net, test.X)
	p, _ := MeanPSNR(test.X, xh)
	dead, _ := DeadUnits(net, valid.X)
	t.Logf("test psnr %.4f dead %v", p, dead)
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	nn "recog/q2_nn"
)

func TestQ3Usage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"q3", "--epochs", "0"}, "--epochs 0"},
		{[]string{"q3", "--lr", "-1"}, "--lr -1"},
		{[]string{"q3", "--batch", "0"}, "--batch 0"},
		{[]string{"q3", "--classes", "A,B"}, "want three classes"},
		{[]string{"q3", "--classes", "A,b,%"}, `"%" is not a NIST36 class`},
		{[]string{"q3", "sweeps"}, `unexpected arguments ["sweeps"]`},
		{[]string{"bench", "--run", "no-such-case"}, `no bench case matches "no-such-case"`},
		{[]string{"bench", "--repeat", "0"}, "--repeat 0"},
	} {
		code, _, errs := recog(tc.args...)
		require.Equal(t, 2, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, tc.err)
	}
	code, _, errs := recog("q3", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, errs, "q3_confusion.png")
}

// TestQ3OneEpoch runs `recog q3` for one epoch on the real data and checks
// that every figure, metrics.json (flat snake_case keys) and a loadable
// model are written.
func TestQ3OneEpoch(t *testing.T) {
	skipTrainingIfShort(t)
	dir := datatest.Dir(t, "nist36")
	out := t.TempDir()
	code, stdout, errs := recog("q3", "--epochs", "1", "--data", filepath.Dir(dir), "--out", out, "--float32")
	require.Equal(t, 0, code, "stdout %s\nstderr %s", stdout, errs)
	require.Contains(t, stdout, "float32")
	for _, f := range []string{"q3_accuracy.png", "q3_loss.png", "q3_weights_init.png", "q3_weights_trained.png",
		"q3_deep_layer.png", "q3_confusion.png"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(b), "\x89PNG"), f)
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"train_acc", "valid_acc", "test_acc", "train_loss_curve", "valid_acc_curve", "s_per_epoch", "confused_pairs"} {
		require.Contains(t, m, k)
	}
	require.Len(t, m["valid_acc_curve"], 1)
	net, h, err := nn.LoadModel(filepath.Join(out, "q3_model.safetensors"))
	require.NoError(t, err)
	require.Equal(t, 36, net.Out())
	require.Equal(t, "recog q3", h.Meta["trained_by"])
	require.Equal(t, data.NIST36Classes, h.Classes)

	code, stdout, errs = recog("bench", "--run", "q3/forward-valid", "--repeat", "1", "--data", filepath.Dir(dir))
	require.Equal(t, 0, code, errs)
	require.Contains(t, stdout, "q3/forward-valid")
}

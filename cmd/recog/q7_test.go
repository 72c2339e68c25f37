package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

func TestQ7Usage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"q7"}, "want a task"},
		{[]string{"q7", "no-such-task"}, "no-such-task"},
		{[]string{"q7", "mnist", "--epochs", "0"}, "--epochs 0"},
		{[]string{"q7", "flowers", "--epochs", "0"}, "--epochs 0"},
		{[]string{"q7", "flowers", "--per-class", "-1"}, "--per-class -1"},
		{[]string{"q7", "flowers", "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"q7", "flowers", "--recipe", "abl9"}, `--recipe abl9: unknown recipe "abl9" (want one of finetune-abl0`},
		{[]string{"q7", "flowers", "--recipe", "plus", "--scratch-epochs", "0"}, "--scratch-epochs 0"},
	} {
		code, _, errs := recog(tc.args...)
		require.Equal(t, 2, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, tc.err, "%v", tc.args)
	}
}

// TestQ7FlowersTiny runs `recog q7 flowers` on 2 images per class and split
// and checks its files: the two figures and a metrics.json with both models'
// test accuracies (far from the full run's, which docs/q7_autodiff.md gives).
func TestQ7FlowersTiny(t *testing.T) {
	skipTrainingIfShort(t)
	dir := filepath.Dir(datatest.Dir(t, "flowers17"))
	datatest.Dir(t, "squeezenet")
	out := t.TempDir()
	code, stdout, errs := recog("q7", "flowers", "--per-class", "2", "--epochs", "2", "--scratch-epochs", "1", "--data", dir, "--out", out)
	require.Equal(t, 0, code, errs)
	require.Contains(t, stdout, "fine-tuned SqueezeNet test accuracy")
	for _, f := range []string{"q7_flowers_acc.png", "q7_flowers_loss.png"} {
		st, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err)
		require.Greater(t, st.Size(), int64(1000), f)
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"finetune_test_acc", "scratch_test_acc", "features_s", "total_s", "finetune_params_trained"} {
		require.Contains(t, m, k)
	}
	require.EqualValues(t, 17*2, m["n_test"])
	require.EqualValues(t, 512*17+17, m["finetune_params_trained"])
}

// TestQ7FlowersRecipe runs an ablation row of the scratch CNN on 1 image per
// class and split: metrics.json names the recipe, has no fine-tuned model,
// and its test accuracy is null (the rows are scored on validation only);
// --scratch-epochs overrides the row's epochs.
func TestQ7FlowersRecipe(t *testing.T) {
	skipTrainingIfShort(t)
	dir := filepath.Dir(datatest.Dir(t, "flowers17"))
	datatest.Dir(t, "squeezenet")
	out := t.TempDir()
	code, stdout, errs := recog("q7", "flowers", "--recipe", "scratch-abl3", "--per-class", "1", "--scratch-epochs", "2", "--data", dir, "--out", out)
	require.Equal(t, 0, code, errs)
	require.Contains(t, stdout, "q7 flowers scratch-abl3: fine-tuned SqueezeNet test accuracy not trained, CNN from scratch not tested (validation ")
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	require.Equal(t, "scratch-abl3", m["recipe"])
	require.Equal(t, true, m["valid_only"])
	require.Nil(t, m["scratch_test_acc"])
	require.NotNil(t, m["scratch_valid_acc"])
	require.EqualValues(t, 2, m["scratch_epochs"])
	require.Contains(t, m["scratch_setup"], "cosine from 0.002 over 2 epochs")
	require.NotContains(t, m, "finetune_valid_acc")
}

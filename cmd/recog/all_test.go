package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
	"recog/internal/pipeline"
	"recog/internal/report"
)

// TestAllQuick runs `recog all --quick` on the real data and checks the
// report: every section and write-up question, every figure, the metrics of
// every stage, and that each number shown equals the one in metrics.json.
func TestAllQuick(t *testing.T) {
	skipTrainingIfShort(t)
	var dataDir string
	for _, set := range []string{"nist36", "images", "mnist", "emnist", "flowers17", "squeezenet"} {
		dataDir = filepath.Dir(datatest.Dir(t, set))
	}
	out, docs := t.TempDir(), t.TempDir()
	code, stdout, errs := recog("all", "--quick", "--out", out, "--data", dataDir, "--docs", docs)
	require.Equal(t, 0, code, "stdout %s\nstderr %s", stdout, errs)

	// One progress line per stage, then the time table.
	for i, st := range pipeline.Stages {
		require.Contains(t, errs, "] "+st.Name+": ", "progress line of stage %d", i)
	}
	require.Regexp(t, `(?m)^ *total +[0-9.]+$`, errs)

	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	b, err = os.ReadFile(filepath.Join(out, "report.md"))
	require.NoError(t, err)
	md := string(b)

	// Every stage ran.
	for _, st := range pipeline.Stages {
		s, ok := m["stages"].(map[string]any)[st.Name].(map[string]any)
		require.True(t, ok, "stage %s has a status", st.Name)
		require.Equal(t, "ok", s["status"], "stage %s: %v", st.Name, s["reason"])
	}
	require.NotContains(t, md, "**failed:**")

	// The quick banner and the run's identity.
	require.Contains(t, md, "**Quick run (`recog all --quick`)**")
	run := m["run"].(map[string]any)
	require.Equal(t, true, run["quick"])
	for _, k := range []string{"date", "commit", "goos", "goarch", "go", "blas"} {
		require.NotEmpty(t, run[k], k)
	}

	// Every write-up question has its heading.
	for _, q := range []string{"Q3.1.1", "Q3.1.2", "Q3.1.3", "Q3.1.4", "Q3.1.5", "Q4.1", "Q4.3", "Q4.4",
		"Q5.2", "Q5.3.1", "Q5.3.2", "Q6.1", "Q6.2", "Q6.3", "Q6.4", "Q7.1.1", "Q7.1.2", "Q7.1.3", "Q7.1.4", "Q7.2.1"} {
		require.Regexp(t, `(?m)^#+ `+regexp.QuoteMeta(q)+` `, md, "heading of %s", q)
	}

	// Every number and string shown equals its metric, and the key numbers
	// are shown.
	marks, err := report.Check(md, m)
	require.NoError(t, err)
	shown := map[string]bool{}
	for _, k := range marks {
		shown[k.Path] = true
	}
	for _, p := range []string{"q3.train_acc", "q3.valid_acc", "q3.test_acc", "q3.deep_layer_probs.0", "q3.confused_pairs.0",
		"q3_sweep.sweep_valid_acc.1", "q3_sweep.best_lr", "q3_sweep.test_acc",
		"q4.cer", "q4.p01_list.cer", "q4.p04_deep.box_recall", "q4.p02_letters.text_lines.0",
		"q5.valid_psnr_db", "q5.train_loss_per_image.0", "q5_improved.test_psnr_db", "q5.dead_units.0",
		"q6.p_rows", "q6.p_cols", "q6.p_rank", "q6.test_psnr_db", "q6.params", "q6.params_autoencoder",
		"q7_mlp.test_acc", "q7_mnist.test_acc", "q7_nist36.test_acc", "q7_emnist.test_acc",
		"q7_flowers.finetune_test_acc", "q7_flowers.scratch_test_acc", "q7_emnist_photos.cer", "q7_emnist_photos.words_cer",
		"cmp.q5_improved_minus_pca_test_db", "run.total_s", "stages.q3.seconds"} {
		require.True(t, shown[p], "report.md shows %s", p)
	}
	require.Greater(t, len(marks), 150)

	// Every figure the report shows exists and is a PNG; the main ones are shown.
	figs := regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllStringSubmatch(md, -1)
	links := map[string]bool{}
	for _, f := range figs {
		links[f[1]] = true
		b, err := os.ReadFile(filepath.Join(out, f[1]))
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(b), "\x89PNG"), f[1])
	}
	for _, f := range []string{"q3/q3_accuracy.png", "q3/q3_loss.png", "q3/q3_weights_init.png", "q3/q3_weights_trained.png",
		"q3/q3_deep_layer.png", "q3/q3_confusion.png", "q3_sweep/q3_sweep_valid_acc.png", "q3_sweep/q3_sweep_lr_0.05_loss.png",
		"q4/q4_01_list.png", "q4/q4_04_deep.png", "q4/q4_fail_touching.png", "q5/q5_loss.png", "q5/q5_valid_reconstructions.png",
		"q5_improved/q5_valid_reconstructions.png", "q6/q6_test_reconstructions.png", "q6/q6_explained_variance.png",
		"q7_mlp/q7_mlp_acc.png", "q7_mnist/q7_mnist_acc.png", "q7_nist36/q7_nist36_loss.png", "q7_emnist/q7_emnist_acc.png",
		"q7_flowers/q7_flowers_acc.png"} {
		require.True(t, links[f], "report.md shows %s", f)
	}

	// --docs: RESULTS.md is the same report with its figures in results/.
	b, err = os.ReadFile(filepath.Join(docs, "RESULTS.md"))
	require.NoError(t, err)
	require.Equal(t, strings.ReplaceAll(md, "](q", "](results/q"), string(b))
	for f := range links {
		_, err := os.Stat(filepath.Join(docs, "results", f))
		require.NoError(t, err)
	}
}

func TestAllUsage(t *testing.T) {
	code, _, errs := recog("all", "extra")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `unexpected arguments ["extra"]`)
	code, _, errs = recog("all", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, errs, "report.md")
}

package report

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// Compose renders the header, each section whose stages succeeded, a
// "not run"/"failed" note for the others under the section's title, and
// the times; every number keeps its marker.
func TestCompose(t *testing.T) {
	fsys := fstest.MapFS{"header.md": {Data: []byte("# Report")}, "times.md": {Data: []byte("total {{num \"run.total_s\" 0}} s")}}
	for _, sec := range Sections {
		fsys[sec.File] = &fstest.MapFile{Data: []byte("## " + sec.File + "\n\nbody of " + sec.File)}
	}
	stages := map[string]any{}
	for _, sec := range Sections {
		for _, st := range sec.Stages {
			stages[st] = map[string]any{"status": "ok"}
		}
	}
	stages["q4"] = map[string]any{"status": "failed", "reason": "no photos"}
	md, err := Compose(fsys, map[string]any{"stages": stages, "run": map[string]any{"total_s": 61.7}})
	require.NoError(t, err)
	require.Contains(t, md, "# Report\n\n## q3.md\n\nbody of q3.md\n\n")
	require.Contains(t, md, "## q4.md\n\n**failed:** no photos (stage `q4`).\n\n")
	require.NotContains(t, md, "body of q4.md")
	require.Contains(t, md, "## q7_1_4_photos.md\n\n**failed:** no photos (stage `q4`).")
	require.Contains(t, md, "total 62<!--run.total_s--> s")
	_, err = Check(md, map[string]any{"run": map[string]any{"total_s": 61.7}})
	require.NoError(t, err)
	delete(fsys, "times.md")
	_, err = Compose(fsys, map[string]any{"stages": stages})
	require.Error(t, err)
}

func TestRelink(t *testing.T) {
	md, figs := Relink("a ![x](q3/q3_loss.png) b ![y](q4/q4_01_list.png) [not a figure](q3.md)", "results")
	require.Equal(t, "a ![x](results/q3/q3_loss.png) b ![y](results/q4/q4_01_list.png) [not a figure](q3.md)", md)
	require.Equal(t, []string{"q3/q3_loss.png", "q4/q4_01_list.png"}, figs)
}

// Comparisons are differences of metrics, and left out when an input is
// missing.
func TestComparisons(t *testing.T) {
	m := map[string]any{
		"q3":          map[string]any{"train_acc": 0.9, "valid_acc": 0.8, "test_acc": 0.79},
		"q7_mlp":      map[string]any{"test_acc": 0.75},
		"q6":          map[string]any{"params": 33792.0, "params_autoencoder": 68704.0, "test_psnr_db": 17.9},
		"q5":          map[string]any{"test_psnr_db": 15.0, "train_loss_per_image": []any{10.0, 8.0, 7.0, 6.5}},
		"q3_sweep":    map[string]any{"best_lr": 0.005, "sweep_lr": []any{0.005, 0.05, 0.0005}},
		"q5_improved": map[string]any{},
	}
	c := Comparisons(m)
	require.InDelta(t, 0.1, c["q3_train_minus_valid"], 1e-12)
	require.InDelta(t, -0.04, c["q7_mlp_minus_q3_test_acc"], 1e-12)
	require.InDelta(t, 2.9, c["pca_minus_q5_default_test_db"], 1e-12)
	require.InDelta(t, 68704.0/33792, c["q5_params_over_pca"], 1e-12)
	require.Equal(t, 0, c["q3_sweep_best_index"])
	require.Equal(t, 2, c["q5_loss_first_epochs"])
	require.InDelta(t, 2.0, c["q5_loss_drop_first"], 1e-12)
	require.NotContains(t, c, "q5_improved_minus_pca_test_db")
	require.NotContains(t, c, "flowers_finetune_minus_scratch")
}

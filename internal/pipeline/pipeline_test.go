package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/report"
)

// The stages are in an order that runs: every stage needs only stages
// before it, names are unique, and every section of the report names
// stages that exist.
func TestStagesOrder(t *testing.T) {
	var seen []string
	for _, st := range Stages {
		require.NotContains(t, seen, st.Name, "duplicate stage")
		for _, n := range st.Needs {
			require.Contains(t, seen, n, "%s needs %s, which comes later or not at all", st.Name, n)
		}
		require.NotNil(t, st.Run, st.Name)
		seen = append(seen, st.Name)
	}
	for _, sec := range report.Sections {
		for _, n := range sec.Stages {
			require.True(t, slices.Contains(seen, n), "section %s names stage %s", sec.File, n)
		}
	}
}

// A default run is every runner at its own defaults (the zero Settings:
// no second copy of epoch counts), and a quick one sets every size, every
// Q7.1 CNN at least two epochs (the curves are lines) on subsets.
func TestDefaults(t *testing.T) {
	require.Equal(t, Settings{}, Defaults(false))
	q := Defaults(true)
	for _, n := range []int{q.Q3Epochs, q.SweepEpochs, q.Q5Epochs, q.Q5ImprovedEpochs, q.Flowers.PerClass, q.Flowers.FineTuneEpochs, q.Flowers.ScratchEpochs} {
		require.Positive(t, n)
	}
	require.Positive(t, q.Q7["mlp"].Epochs)
	for _, task := range []string{"mnist", "nist36", "emnist"} {
		require.GreaterOrEqual(t, q.Q7[task].Epochs, 2, task)
		require.Positive(t, q.Q7[task].TrainLimit, task)
		require.Positive(t, q.Q7[task].EvalLimit, task)
	}
}

// The data stage is the run's Fetch, and q4 without the q3 stage's network
// fails with a message instead of a nil dereference.
func TestStagesWithoutData(t *testing.T) {
	r := &Run{Fetch: func() error { return errors.New("offline") }}
	_, err := Stages[0].Run(r)
	require.EqualError(t, err, "offline")
	_, err = r.q4()
	require.ErrorContains(t, err, "q3 stage did not run")
}

// TestCopyFiguresLinksGolden: a figure of the report is copied to
// docs/results/ and relinked there, unless a test already keeps the same
// bytes under golden/ (the Q4 failure cases): then RESULTS.md links the
// golden file and docs/ gets no copy.
func TestCopyFiguresLinksGolden(t *testing.T) {
	root := t.TempDir()
	out, docs := filepath.Join(root, "out"), filepath.Join(root, "docs")
	write := func(path, s string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
	}
	write(filepath.Join(out, "q4", "q4_fail_shadow.png"), "shadow figure")
	write(filepath.Join(out, "q4", "q4_01_list.png"), "overlay")
	write(filepath.Join(root, "golden", "q4_ocr", "fail_shadow.png"), "shadow figure")
	write(filepath.Join(root, "golden", "q4_ocr", "other.png"), "overlay, changed")

	md := "![](q4/q4_fail_shadow.png) ![list](q4/q4_01_list.png)\n"
	res, err := copyFigures(md, out, docs)
	require.NoError(t, err)
	require.Equal(t, "![](../golden/q4_ocr/fail_shadow.png) ![list](results/q4/q4_01_list.png)\n", res)
	b, err := os.ReadFile(filepath.Join(docs, "results", "q4", "q4_01_list.png"))
	require.NoError(t, err)
	require.Equal(t, "overlay", string(b))
	require.NoFileExists(t, filepath.Join(docs, "results", "q4", "q4_fail_shadow.png"))

	// Without a golden folder every figure is copied.
	require.NoError(t, os.RemoveAll(filepath.Join(root, "golden")))
	res, err = copyFigures(md, out, docs)
	require.NoError(t, err)
	require.Equal(t, "![](results/q4/q4_fail_shadow.png) ![list](results/q4/q4_01_list.png)\n", res)
}

// TestFillPagesStudies: FillPages fills a page's markers of the run, of
// the committed studies (docs/results/studies/NAME, report.WithStudies) and
// of the golden files (golden/PKG/NAME.json),
// leaves RESULTS.md and the run's metrics alone, and a broken study stops
// it with an error naming the study's file.
func TestFillPagesStudies(t *testing.T) {
	docs := filepath.Join(t.TempDir(), "docs")
	write := func(rel, s string) {
		path := filepath.Join(docs, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
	}
	study := report.StudiesDir + "/nist36-abl0/"
	write(study+"metrics.json", `{"final_valid_acc": 0.8849384098544233}`)
	write(study+"run.json", `{"command": "recog q7 nist36-abl0 --out DIR", "commit": "93fca5d", "date": "2026-12-03", "load": "3.7"}`)
	write("q7.md", "abl0 0.1<!--studies.nist36-abl0.final_valid_acc-->, Q3 0.5<!--q3.valid_acc-->\n")
	write("../golden/q4_ocr/cer.json", `{"substitutions": {"O->0": 11}}`)
	write("q4.md", "O as 0: 3<!--golden.q4_ocr.cer.substitutions.O->0-->\n")
	write("RESULTS.md", "0.1<!--studies.nist36-abl0.final_valid_acc-->\n")
	m := map[string]any{"q3": map[string]any{"valid_acc": 0.793}}

	require.NoError(t, FillPages(docs, m))
	b, err := os.ReadFile(filepath.Join(docs, "q7.md"))
	require.NoError(t, err)
	require.Equal(t, "abl0 0.9<!--studies.nist36-abl0.final_valid_acc-->, Q3 0.8<!--q3.valid_acc-->\n", string(b))
	b, err = os.ReadFile(filepath.Join(docs, "q4.md"))
	require.NoError(t, err)
	require.Equal(t, "O as 0: 11<!--golden.q4_ocr.cer.substitutions.O->0-->\n", string(b), "golden files fill too")
	b, err = os.ReadFile(filepath.Join(docs, "RESULTS.md"))
	require.NoError(t, err)
	require.Equal(t, "0.1<!--studies.nist36-abl0.final_valid_acc-->\n", string(b), "RESULTS.md is the report's, not filled")
	require.NotContains(t, m, report.StudiesKey, "the run's metrics (its metrics.json) get no studies")

	require.NoError(t, os.Remove(filepath.Join(docs, filepath.FromSlash(study+"run.json"))))
	require.ErrorContains(t, FillPages(docs, m), filepath.Join("nist36-abl0", "run.json"))
}

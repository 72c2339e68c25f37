package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const goodRun = `{"command": "recog q7 nist36-abl0 --out DIR", "commit": "93fca5d", "date": "2026-12-03 06:15-06:20 UTC", "load": "5.25 → 3.73"}`

// writeStudies writes files (slash paths relative to DOCS/results/studies)
// under a new docs folder and returns the docs folder.
func writeStudies(t *testing.T, files map[string]string) string {
	t.Helper()
	docs := t.TempDir()
	for rel, text := range files {
		p := filepath.Join(docs, filepath.FromSlash(StudiesDir), filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return docs
}

func TestLoadStudies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string // nil: no studies folder at all
		want    map[string]any
		wantErr []string // substrings of the error, the file's path among them
	}{
		{name: "no studies folder", want: map[string]any{}},
		{
			name:  "one study",
			files: map[string]string{"a/metrics.json": `{"final_valid_acc": 0.88493, "curve": [1, 2]}`, "a/run.json": goodRun},
			want: map[string]any{"a": map[string]any{
				"final_valid_acc": 0.88493, "curve": []any{1.0, 2.0},
				"run": map[string]any{"command": "recog q7 nist36-abl0 --out DIR", "commit": "93fca5d", "date": "2026-12-03 06:15-06:20 UTC", "load": "5.25 → 3.73"},
			}},
		},
		{
			name:    "metrics.json missing",
			files:   map[string]string{"a/run.json": goodRun},
			wantErr: []string{filepath.Join("a", "metrics.json")},
		},
		{
			name:    "run.json missing",
			files:   map[string]string{"a/metrics.json": `{}`},
			wantErr: []string{filepath.Join("a", "run.json")},
		},
		{
			name:    "metrics.json not JSON",
			files:   map[string]string{"a/metrics.json": `{"x": 1,`, "a/run.json": goodRun},
			wantErr: []string{filepath.Join("a", "metrics.json"), "unexpected end of JSON"},
		},
		{
			name:    "metrics.json an array",
			files:   map[string]string{"a/metrics.json": `[1]`, "a/run.json": goodRun},
			wantErr: []string{filepath.Join("a", "metrics.json")},
		},
		{
			name:    "metrics.json null",
			files:   map[string]string{"a/metrics.json": `null`, "a/run.json": goodRun},
			wantErr: []string{filepath.Join("a", "metrics.json"), "not a JSON object"},
		},
		{
			name:    "run.json without commit and load",
			files:   map[string]string{"a/metrics.json": `{}`, "a/run.json": `{"command": "recog q7 x", "date": "today", "commit": ""}`},
			wantErr: []string{filepath.Join("a", "run.json"), `"commit"`, `"load"`},
		},
		{
			name:    "metrics.json with a run key",
			files:   map[string]string{"a/metrics.json": `{"run": {}}`, "a/run.json": goodRun},
			wantErr: []string{filepath.Join("a", "metrics.json"), `"run" key`},
		},
		{
			name:    "a file beside the study folders",
			files:   map[string]string{"notes.txt": "x"},
			wantErr: []string{"notes.txt", "not a study folder"},
		},
		{
			name:    "the good study does not hide the bad one",
			files:   map[string]string{"a/metrics.json": `{}`, "a/run.json": goodRun, "b/metrics.json": `{}`},
			wantErr: []string{filepath.Join("b", "run.json")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs := t.TempDir()
			if tc.files != nil {
				docs = writeStudies(t, tc.files)
			}
			got, err := LoadStudies(filepath.Join(docs, filepath.FromSlash(StudiesDir)))
			if tc.wantErr != nil {
				require.Error(t, err)
				for _, s := range tc.wantErr {
					require.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// WithStudies adds the studies under "studies" to a copy, leaves the run's
// metrics as they were (they are written as the run's metrics.json), and
// the marker paths reach the studies' numbers.
func TestWithStudies(t *testing.T) {
	docs := writeStudies(t, map[string]string{
		"nist36-abl0/metrics.json": `{"final_valid_acc": 0.8849384098544233}`,
		"nist36-abl0/run.json":     goodRun,
	})
	m := metrics()
	all, err := WithStudies(m, docs)
	require.NoError(t, err)
	require.NotContains(t, m, StudiesKey, "the run's own metrics are not changed")
	require.Equal(t, m["q3"], all["q3"])

	page := "abl0 0.8849<!--studies.nist36-abl0.final_valid_acc--> from <!--s:studies.nist36-abl0.run.commit-->93fca5d<!--/s-->, Q3 0.793<!--q3.valid_acc-->\n"
	_, err = Check(page, all)
	require.NoError(t, err)
	filled, err := Fill("abl0 0.1<!--studies.nist36-abl0.final_valid_acc-->", all)
	require.NoError(t, err)
	require.Equal(t, "abl0 0.9<!--studies.nist36-abl0.final_valid_acc-->", filled)

	_, err = WithStudies(all, docs)
	require.ErrorContains(t, err, `already have a "studies" key`)

	bad := writeStudies(t, map[string]string{"x/metrics.json": `{}`})
	_, err = WithStudies(m, bad)
	require.ErrorContains(t, err, filepath.Join("x", "run.json"))
}

// LoadGolden reads golden/PKG/NAME.json as PKG.NAME, skips other files and
// names a file that is not JSON.
func TestLoadGolden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "golden")
	write := func(rel, s string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
	}
	got, err := LoadGolden(dir)
	require.NoError(t, err)
	require.Equal(t, map[string]any{}, got, "no golden folder: nothing")

	write("q4_ocr/cer.json", `{"photos": [{"cer": 0.125}], "substitutions": {"O->0": 11}}`)
	write("q4_ocr/01_list.txt", "T0 D0\n")
	write("q4_ocr/fail.png", "\x89PNG")
	write("q4_ocr/deeper/x.json", `not read`)
	write("q6_pca/list.json", `[1, 2]`)
	write("README", "not a package")
	got, err = LoadGolden(dir)
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"q4_ocr": map[string]any{"cer": map[string]any{"photos": []any{map[string]any{"cer": 0.125}}, "substitutions": map[string]any{"O->0": 11.0}}},
		"q6_pca": map[string]any{"list": []any{1.0, 2.0}},
	}, got)

	write("q6_pca/bad.json", `{"x": `)
	_, err = LoadGolden(dir)
	require.ErrorContains(t, err, filepath.Join("q6_pca", "bad.json"))
}

// WithStudies puts the golden files of DOCS/../golden under "golden", and a
// marker reaches a key with "->" in it.
func TestWithStudiesGolden(t *testing.T) {
	root := t.TempDir()
	docs := filepath.Join(root, "docs")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "golden", "q4_ocr"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "golden", "q4_ocr", "cer.json"),
		[]byte(`{"photos": [{"photo": "overall", "cer": 0.125}], "substitutions": {"O->0": 11, "I->2": 5}}`), 0o644))
	m := metrics()
	all, err := WithStudies(m, docs)
	require.NoError(t, err)
	require.NotContains(t, m, GoldenKey, "the run's own metrics are not changed")

	page := "O read as 0: 11<!--golden.q4_ocr.cer.substitutions.O->0-->, I as 2: 5<!--golden.q4_ocr.cer.substitutions.I->2-->, " +
		"CER 0.125<!--golden.q4_ocr.cer.photos.0.cer--> (<!--s:golden.q4_ocr.cer.photos.0.photo-->overall<!--/s-->)\n"
	marks, err := Check(page, all)
	require.NoError(t, err)
	require.Equal(t, "golden.q4_ocr.cer.substitutions.O->0", marks[0].Path)
	require.Equal(t, "11", marks[0].Text)
	filled, err := Fill("3<!--golden.q4_ocr.cer.substitutions.O->0-->", all)
	require.NoError(t, err)
	require.Equal(t, "11<!--golden.q4_ocr.cer.substitutions.O->0-->", filled)
	_, err = Check("12<!--golden.q4_ocr.cer.substitutions.O->0-->", all)
	require.ErrorContains(t, err, "golden.q4_ocr.cer.substitutions.O->0: shown as 12")

	_, err = WithStudies(all, docs)
	require.ErrorContains(t, err, `already have a "studies" key`)
	delete(all, StudiesKey)
	_, err = WithStudies(all, docs)
	require.ErrorContains(t, err, `already have a "golden" key`)
}

package report

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

// pages returns the Markdown pages a reader opens, relative to the
// repository root: README.md and every docs/*.md (not the templates of
// docs/report, whose links are relative to a run's folder).
func pages(t *testing.T, root string) []string {
	t.Helper()
	out := []string{"README.md"}
	md, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	for _, p := range md {
		out = append(out, filepath.Join("docs", filepath.Base(p)))
	}
	return out
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// Every number and string marked on a page (README.md, docs/*.md with
// docs/RESULTS.md) equals its metric in the committed run's
// docs/results/metrics.json, or in a committed study's
// docs/results/studies/NAME/metrics.json (a marker path starting
// studies.NAME, WithStudies), or in a test's golden file
// golden/PKG/NAME.json (golden.PKG.NAME), rounded to the decimals shown; and every
// committed study is shown somewhere.
func TestDocsAgreeWithCommittedRun(t *testing.T) {
	root := datatest.RepoPath(t)
	b, err := os.ReadFile(filepath.Join(root, "docs", "results", "metrics.json"))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	require.Equal(t, false, m["run"].(map[string]any)["quick"], "the committed run is a default run")
	require.NotContains(t, m["run"].(map[string]any)["commit"], "uncommitted", "the committed run names a clean commit")
	m, err = WithStudies(m, filepath.Join(root, "docs"))
	require.NoError(t, err)
	total := 0
	shown := map[string]bool{} // the studies a marker shows
	for _, p := range pages(t, root) {
		b, err := os.ReadFile(filepath.Join(root, p))
		require.NoError(t, err)
		// A page agrees when filling it with the metrics changes nothing
		// (Check would also refuse the "{{" of a page's shell examples).
		filled, err := Fill(string(b), m)
		assert.NoError(t, err, p)
		assert.Equal(t, string(b), filled, "%s disagrees with docs/results/metrics.json or a study's (go run ./cmd/recog all --report-only --docs docs refills it)", p)
		marks, err := Marks(string(b))
		require.NoError(t, err, p)
		total += len(marks)
		for _, k := range marks {
			if rest, ok := strings.CutPrefix(k.Path, StudiesKey+"."); ok {
				name, _, _ := strings.Cut(rest, ".")
				shown[name] = true
			}
		}
	}
	require.Greater(t, total, 300)
	for name := range m[StudiesKey].(map[string]any) {
		assert.True(t, shown[name], "docs/%s/%s: no page shows a number of this study (commit only the outputs a page uses)", StudiesDir, name)
	}
}

// Every relative link of README.md and docs/*.md resolves: the file or
// folder exists and, for a link to a line of a Go file (file.go#L42), the
// file has that line. Every PNG under docs/ is linked from some page, and
// no two are the same bytes, nor the bytes of a PNG under golden/ (a
// figure that a test writes is linked from golden/, not copied).
func TestDocsLinks(t *testing.T) {
	root := datatest.RepoPath(t)
	linked := map[string]bool{}
	for _, p := range pages(t, root) {
		b, err := os.ReadFile(filepath.Join(root, p))
		require.NoError(t, err)
		for _, l := range mdLink.FindAllStringSubmatch(string(b), -1) {
			target := l[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := filepath.Clean(filepath.Join(root, filepath.Dir(p), filepath.FromSlash(file)))
			src, err := os.ReadFile(path)
			if err != nil {
				st, serr := os.Stat(path)
				assert.True(t, serr == nil && st.IsDir(), "%s links %s, which does not exist", p, target)
				continue
			}
			linked[path] = true
			if strings.HasSuffix(file, ".go") && strings.HasPrefix(anchor, "L") {
				line, _, _ := strings.Cut(anchor[1:], "-")
				n, err := strconv.Atoi(line)
				require.NoError(t, err, "%s links %s", p, target)
				assert.LessOrEqual(t, n, strings.Count(string(src), "\n")+1, "%s links %s: the file is shorter", p, target)
			}
		}
	}
	seen := map[string]string{}
	err := filepath.WalkDir(filepath.Join(root, "golden"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".png" {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		seen[string(b)] = rel
		return nil
	})
	require.NoError(t, err)
	err = filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".png" {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		assert.True(t, linked[path], "%s is linked from no page", rel)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		if other, ok := seen[string(b)]; ok {
			assert.Fail(t, "byte-identical figures", "%s and %s", other, rel)
		}
		seen[string(b)] = rel
		return nil
	})
	require.NoError(t, err)
}

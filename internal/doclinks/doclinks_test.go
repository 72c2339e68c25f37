package doclinks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

// fixture writes a small module: two packages with a function of the same
// name, a type with a method, a test file and a command.
func fixture(t *testing.T) *Index {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"a/a.go": "package alpha\n\n" + // 1-2
			"func Forward() {}\n\n" + // 3
			"type Net struct{}\n\n" + // 5
			"func (n *Net) Step() {}\n\n" + // 7
			"func helper() {}\n\n" + // 9
			"func gramEigen() {}\n\n" + // 11
			"type (\n\tPair struct{}\n)\n", // 13-15: Pair at 14
		"b/b.go":        "package beta\n\nfunc Forward() {}\n\ntype Net struct{}\n",
		"a/a_test.go":   "package alpha\n\nimport \"testing\"\n\nfunc TestForward(t *testing.T) {}\n",
		"cmd/x/main.go": "package main\n\nfunc Run() {}\n\nfunc main() {}\n",
		"testdata/t.go": "package broken {{{\n", // skipped: fixtures
		"data/d.go":     "package broken {{{\n", // skipped: the data sets
		"lib/data/d.go": "package data\n\nfunc Read() {}\n",
	}
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	ix, err := Load(root)
	require.NoError(t, err)
	return ix
}

func TestIdentPath(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Forward", []string{"Forward"}},
		{"nn.Forward", []string{"nn", "Forward"}},
		{"nn.NewMLP({1024, 64, 36}, {sigmoid, softmax})", []string{"nn", "NewMLP"}},
		{"Dense{Out, ReLU}", []string{"Dense"}},
		{"nets.Model.Predict(rows)", []string{"nets", "Model", "Predict"}},
		{"Network.Forward/Backward", nil},
		{"q7_autodiff/ocr.go", nil},
		{"recog q7 mlp", nil},
		{"*rand.Rand", nil},
		{"-short", nil},
		{"(*Network).Step(lr)", []string{"Network", "Step"}},
		{"(*nn.Network).Step", []string{"nn", "Network", "Step"}},
		{"(x)", nil},
	} {
		require.Equal(t, c.want, IdentPath(c.in), c.in)
	}
}

func TestResolve(t *testing.T) {
	ix := fixture(t)
	for _, c := range []struct {
		text string
		home []string
		want Resolution
		decl string // Decl.String() when found
		line int
	}{
		{"Forward", []string{"a"}, Found, "alpha.Forward", 3},
		{"Forward", []string{"a", "b"}, Ambiguous, "", 0},
		{"Forward", nil, None, "", 0},
		{"alpha.Forward", nil, Found, "alpha.Forward", 3},
		{"beta.Forward", []string{"a"}, Found, "beta.Forward", 3},
		{"Net.Step", nil, Found, "alpha.Net.Step", 7},
		{"alpha.Net.Step", nil, Found, "alpha.Net.Step", 7},
		{"Step", []string{"a"}, Found, "alpha.Net.Step", 7}, // the one method of that name
		{"(*Net).Step(x)", nil, Found, "alpha.Net.Step", 7},
		{"(*alpha.Net).Step", nil, Found, "alpha.Net.Step", 7},
		{"Forward", []string{"a"}, Found, "alpha.Forward", 3}, // a function before a method
		{"Pair", []string{"a"}, Found, "alpha.Pair", 14},
		{"helper", []string{"a"}, None, "", 0}, // a plain word
		{"gramEigen", []string{"a"}, Found, "alpha.gramEigen", 11},
		{"TestForward", []string{"a"}, None, "", 0}, // tests are not indexed
		{"Run", []string{"cmd/x"}, None, "", 0},     // nor commands
		{"alpha.Missing", nil, None, "", 0},
		{"data.Read", nil, Found, "data.Read", 3}, // a package folder named data is indexed
	} {
		d, r := ix.Resolve(IdentPath(c.text), c.home)
		require.Equal(t, c.want, r, c.text)
		if r == Found {
			require.Equal(t, c.decl, d.String(), c.text)
			require.Equal(t, c.line, d.Line, c.text)
		}
	}
}

func TestCheck(t *testing.T) {
	ix := fixture(t)
	for _, c := range []struct {
		name string
		md   string
		home []string
		want []string // substrings of the problems, in order; none for a good page
	}{
		{"good link", "[`alpha.Forward`](../a/a.go#L3)", nil, nil},
		{"good method link", "[`Net.Step`](../a/a.go#L7)", nil, nil},
		{"link to a test", "[`TestForward`](../a/a_test.go#L5)", nil, nil},
		{"file link without a line", "[a.go](../a/a.go)", nil, nil},
		{"wrong line", "see [`alpha.Forward`](../a/a.go#L4)", nil, []string{"p.md:1: link ../a/a.go#L4: line 4 of a/a.go does not declare alpha.Forward (it is at line 3)"}},
		{"wrong receiver", "[`Other.Step`](../a/a.go#L7)", nil, []string{"a/a.go declares no Other.Step"}},
		{"no such file", "x\n[`Forward`](../a/nope.go#L3)", nil, []string{"p.md:2: link ../a/nope.go#L3: no file a/nope.go"}},
		{"no identifier", "[the code](../a/a.go#L3)", nil, []string{"names no function or type"}},
		{"bad fragment", "[`Forward`](../a/a.go#forward)", nil, []string{"is not a line"}},
		{"unlinked mention", "The `Forward` pass.", []string{"a"}, []string{"p.md:1: `Forward` names alpha.Forward (a/a.go:3) but its section links it nowhere"}},
		{"unlinked, no home", "The `Forward` pass.", nil, nil},
		{"ambiguous", "The `Forward` pass.", []string{"a", "b"}, nil},
		{"code block", "```\n`Forward`\n```", []string{"a"}, nil},
		{"indented code", "    `Forward`", []string{"a"}, nil},
		{"heading", "## `Forward`", []string{"a"}, nil},
		{"linked once per section", "[`Forward`](../a/a.go#L3) then `Forward` again", []string{"a"}, nil},
		{"new section", "[`Forward`](../a/a.go#L3)\n## Next\n`Forward`", []string{"a"}, []string{"p.md:3: `Forward` names alpha.Forward"}},
		{"another library's", "gorgonia's own `Forward`, `Net.Step`/`Pair` and gonum `Net`", []string{"a"}, nil},
		{"another library's, in a table", "| `Stock: true`: gorgonia `Forward` |", []string{"a"}, nil},
		{"after a link to another library", "uses [gorgonia](https://gorgonia.org)'s `Forward`", []string{"a"}, []string{"`Forward` names alpha.Forward"}},
		{"one report per section", "`Forward`, `Forward(x)`", []string{"a"}, []string{"p.md:1: `Forward`"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			probs := ix.Check("docs/p.md", []byte(c.md), c.home)
			require.Len(t, probs, len(c.want), "%v", probs)
			for i, w := range c.want {
				require.Contains(t, probs[i].String(), w)
			}
		})
	}
}

func TestFix(t *testing.T) {
	ix := fixture(t)
	md := "# P\n\n`alpha.Forward` and [`Net`](../a/a.go#L1), `Net.Step()`, `Forward` again.\n\n" +
		"```\n`Forward`\n```\n\n## Q\n\n| `beta.Net` | `Forward` (ambiguous here) |\n"
	want := "# P\n\n[`alpha.Forward`](../a/a.go#L3) and [`Net`](../a/a.go#L5), [`Net.Step()`](../a/a.go#L7), `Forward` again.\n\n" +
		"```\n`Forward`\n```\n\n## Q\n\n| [`beta.Net`](../b/b.go#L5) | `Forward` (ambiguous here) |\n"
	home := []string{"a", "b"}
	got := ix.Fix("docs/p.md", []byte(md), home)
	require.Equal(t, want, string(got))
	require.Empty(t, ix.Check("docs/p.md", got, home))
	require.Equal(t, want, string(ix.Fix("docs/p.md", got, home)), "Fix of a fixed page changes nothing")
	require.Equal(t, []string{"docs/p.md:3: `Forward`", "docs/p.md:11: `Forward`"}, ix.Ambiguous("docs/p.md", got, home))
}

func TestLoadNamesBrokenFile(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "x.go"), []byte("package x {"), 0o644))
	_, err := Load(root)
	require.ErrorContains(t, err, "x.go")
}

// homes are the packages each page that -update rewrites is about: the names
// it mentions bare resolve in these folders. The other pages (generated, or
// owned elsewhere) are checked only.
var homes = map[string][]string{
	"docs/q1_theory.md":      {"q1_theory"},
	"docs/q2_nn.md":          {"q2_nn"},
	"docs/q3_train.md":       {"q3_train"},
	"docs/q4_ocr.md":         {"q4_ocr"},
	"docs/q5_autoencoder.md": {"q5_autoencoder", "internal/recon"},
	"docs/q6_pca.md":         {"q6_pca", "internal/recon"},
	"docs/q7_autodiff.md":    {"q7_autodiff", "q7_autodiff/nets", "q7_autodiff/ops"},
	"docs/q7_flowers.md":     {"q7_autodiff/flowers", "q7_autodiff/nets"},
	// pages about several packages: qualified names only (`data.FetchSets`)
	"docs/ARCHITECTURE.md": {},
	"docs/DATA.md":         {"internal/data"},
}

// TestDocsLinkTheCode: every link from the docs and the READMEs to a line of
// a Go file points at the declaration its text names, and every function or
// type a question's page names (in its home packages, or qualified) is
// linked in each section that names it. `go test ./internal/doclinks
// -update` moves the links to their lines and adds the missing ones.
func TestDocsLinkTheCode(t *testing.T) {
	root := datatest.RepoPath(t)
	ix, err := Load(root)
	require.NoError(t, err)

	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	for _, extra := range []string{"README.md", "q3_train/model/README.md", "q7_autodiff/model/README.md"} {
		pages = append(pages, filepath.Join(root, filepath.FromSlash(extra)))
	}
	update := datatest.Updating(t)
	var probs []string
	for _, p := range pages {
		rel, err := filepath.Rel(root, p)
		require.NoError(t, err)
		page := filepath.ToSlash(rel)
		home, isQ := homes[page]
		if strings.HasPrefix(page, "docs/q") && strings.HasSuffix(page, ".md") {
			require.True(t, isQ, "%s: a question page needs its home packages in homes", page)
		}
		md, err := os.ReadFile(p)
		require.NoError(t, err)
		if update && isQ {
			if fixed := ix.Fix(page, md, home); string(fixed) != string(md) {
				require.NoError(t, os.WriteFile(p, fixed, 0o644))
				t.Logf("rewrote %s", page)
				md = fixed
			}
		}
		for _, pr := range ix.Check(page, md, home) {
			probs = append(probs, pr.String())
		}
		for _, a := range ix.Ambiguous(page, md, home) {
			t.Logf("not linked, names several declarations: %s", a)
		}
	}
	require.Empty(t, probs, "\n%s", strings.Join(probs, "\n"))
}

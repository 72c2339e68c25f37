package grade

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

const root = "../.."

// The rubric's points: the figures the issue and the assignment give, the
// section sums and the totals.
func TestRubricPoints(t *testing.T) {
	points, extra := Totals()
	require.Equal(t, 205, points, "Q1 to Q6")
	require.Equal(t, 40, extra, "extra credit (Q7)")

	section := map[string]int{}
	seen := map[string]bool{}
	for _, it := range Rubric {
		require.False(t, seen[it.Number], "%s twice", it.Number)
		seen[it.Number] = true
		require.Regexp(t, `^Q[1-7](\.[0-9]+)*$`, it.Number)
		require.Positive(t, it.Points, it.Number)
		require.Contains(t, []Kind{Theory, Code, WriteUp}, it.Kind, it.Number)
		require.Equal(t, strings.HasPrefix(it.Number, "Q7"), it.Extra, "%s: Q7 is the extra credit", it.Number)
		require.NotEmpty(t, it.Tests, it.Number)
		require.NotEmpty(t, it.Title, it.Number)
		section[strings.SplitN(it.Number, ".", 2)[0]] += it.Points
		doc, anchor, _ := strings.Cut(it.Doc, "#")
		b, err := os.ReadFile(filepath.Join(root, doc))
		require.NoError(t, err, "%s: doc page", it.Number)
		if anchor != "" {
			require.Contains(t, anchors(string(b)), anchor, "%s: anchor of %s", it.Number, it.Doc)
		}
	}
	require.Equal(t, 45, section["Q1"], "Theory")
	require.Equal(t, 65, section["Q2"], "Implement a Fully Connected Network")
	for num, want := range map[string]int{"Q1.1": 4, "Q2.2.1": 12, "Q2.5.1": 15, "Q4.2": 13} {
		it, err := Lookup(num)
		require.NoError(t, err)
		require.Equal(t, want, it.Points, num)
	}
	_, err := Lookup("Q9.9")
	require.Error(t, err)
}

// anchors returns the anchors of a markdown page: GitHub's slug of each
// heading and the explicit <a id="..."> anchors.
func anchors(md string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<a id="([^"]+)">`).FindAllStringSubmatch(md, -1) {
		out = append(out, m[1])
	}
	for _, line := range strings.Split(md, "\n") {
		h, ok := strings.CutPrefix(line, "#")
		if !ok {
			continue
		}
		h = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(strings.TrimLeft(h, "# "), "")
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(h)) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// Every test the rubric names exists in the module; every TestQ... of the
// module is in the rubric, under the item its name carries.
func TestRubricTestsExist(t *testing.T) {
	mod, err := ModuleTests(root)
	require.NoError(t, err)
	inRubric := map[Test]string{}
	for _, it := range Rubric {
		for _, tt := range it.Tests {
			_, ok := mod[tt]
			require.True(t, ok, "%s: test %s not found in the module", it.Number, tt)
			inRubric[tt] = it.Number
			if strings.HasPrefix(tt.Name, "TestQ") {
				require.True(t, strings.HasPrefix(tt.Name, it.TestPrefix()), "%s grades %s: its name should start with %s",
					tt, it.Number, it.TestPrefix())
			}
		}
	}
	var missing []string
	for tt := range mod {
		if regexp.MustCompile(`^TestQ[0-9]+_`).MatchString(tt.Name) && inRubric[tt] == "" {
			missing = append(missing, tt.String())
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "TestQ... tests not in the rubric")
}

// The starter set: the marked functions, each of a code item of the rubric.
func TestStarterSet(t *testing.T) {
	marked, err := Starters(root)
	require.NoError(t, err)
	got := map[string][]string{}
	for _, m := range marked {
		it, err := Lookup(m.Item)
		require.NoError(t, err, "%s:%d %s", m.File, m.Line, m.Func)
		require.Equal(t, Code, it.Kind, "%s marks %s, not a code item", m.Func, m.Item)
		got[m.Item] = append(got[m.Item], m.Func)
	}
	want := map[string][]string{
		"Q2.1.2": {"XavierUniform"},
		"Q2.2.1": {"Sigmoid", "(*Layer).forward"},
		"Q2.2.2": {"softmaxRow"},
		"Q2.2.3": {"LossAndAcc"},
		"Q2.3":   {"(*Layer).backwardPre", "(*Layer).backwardStep"},
		"Q2.4":   {"BatchIndices", "(*Trainer).Epoch"},
		"Q2.5.1": {"GradCheck"},
		"Q4.2":   {"Detect"},
		"Q5.1.1": {"New"},
		"Q5.1.2": {"momentum"},
		"Q6.1":   {"Fit"},
	}
	sortAll := cmp.Transformer("sort", func(s []string) []string {
		s = append([]string(nil), s...)
		sort.Strings(s)
		return s
	})
	require.Empty(t, cmp.Diff(want, got, sortAll))
}

// Parse and Score on a recorded event stream: subtests are not items,
// a test without an event in a package that ran did not run, a package
// that did not run leaves its items unscored, and so does the full tier.
func TestParseAndScore(t *testing.T) {
	events := `{"Action":"start","Package":"recog/q1_theory"}
{"Action":"run","Package":"recog/q1_theory","Test":"TestQ1_1_SoftmaxTranslationInvariance"}
{"Action":"pass","Package":"recog/q1_theory","Test":"TestQ1_1_SoftmaxTranslationInvariance"}
{"Action":"pass","Package":"recog/q1_theory","Test":"TestQ1_1_NaiveSoftmaxOverflows"}
{"Action":"pass","Package":"recog/q1_theory","Test":"TestQ1_1_ShiftByMaxBoundsExponents"}
{"Action":"fail","Package":"recog/q1_theory","Test":"TestQ1_2_SoftmaxSteps/row"}
{"Action":"pass","Package":"recog/q1_theory","Test":"TestQ1_2_SoftmaxSteps"}
{"Action":"fail","Package":"recog/q1_theory","Test":"TestQ1_2_SoftmaxRangeAndSum"}
{"Action":"output","Package":"other/mod","Test":"TestQ1_4_SigmoidDerivative"}
{"Action":"fail","Package":"recog/q1_theory"}
`
	out, ran, err := Parse(strings.NewReader(events), "recog")
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"q1_theory": true}, ran)
	require.Equal(t, Pass, out[Test{"q1_theory", "TestQ1_2_SoftmaxSteps"}])
	require.Equal(t, Fail, out[Test{"q1_theory", "TestQ1_2_SoftmaxRangeAndSum"}])

	res := Score(out, ran, false)
	byNum := map[string]ItemResult{}
	for _, r := range res.Items {
		byNum[r.Number] = r
	}
	require.Equal(t, OK, byNum["Q1.1"].Status)
	require.Equal(t, 4, byNum["Q1.1"].Earned)
	require.Equal(t, Failed, byNum["Q1.2"].Status)
	require.Equal(t, []string{"q1_theory.TestQ1_2_SoftmaxRangeAndSum (fail)"}, byNum["Q1.2"].Failing)
	require.Equal(t, Failed, byNum["Q1.4"].Status)
	require.Equal(t, []string{"q1_theory.TestQ1_4_SigmoidDerivative (did not run)"}, byNum["Q1.4"].Failing)
	require.Equal(t, NotRun, byNum["Q2.2.1"].Status)
	require.Equal(t, "package q2_nn not run", byNum["Q2.2.1"].Reason)
	require.Equal(t, NotRun, byNum["Q3.1.1"].Status)
	require.Equal(t, "needs the full tier (--full)", byNum["Q3.1.1"].Reason)
	require.Equal(t, 4, res.Earned)
	require.Equal(t, 52, res.Possible, "Q1 and the theory items of Q2, all in q1_theory")
	require.Equal(t, 153, res.NotRun)
	require.Equal(t, 40, res.ExtraNotRun)

	var b strings.Builder
	require.NoError(t, res.WriteText(&b))
	require.Contains(t, b.String(), "Q1.2    theory       0/5  Softmax is a probability distribution\n")
	require.Contains(t, b.String(), "failing: q1_theory.TestQ1_2_SoftmaxRangeAndSum (fail)")
	require.Contains(t, b.String(), "total 4/52 (153 more points not run); extra credit 0/0 (40 more points not run); full tier not run\n")

	var js strings.Builder
	require.NoError(t, res.WriteJSON(&js))
	var back Result
	require.NoError(t, json.Unmarshal([]byte(js.String()), &back))
	require.Empty(t, cmp.Diff(*res, back))
	require.Contains(t, js.String(), `"status": "not run"`)

	_, _, err = Parse(strings.NewReader("not json"), "recog")
	require.ErrorContains(t, err, "event 1 of go test -json")
}

// grade runs the grading of pkgs in dir and returns the items by number.
func grade(t *testing.T, dir string, pkgs ...string) (*Result, map[string]ItemResult) {
	t.Helper()
	var stderr strings.Builder
	res, err := Run(Options{Dir: dir, Pkgs: pkgs, Stderr: &stderr})
	require.NoError(t, err, stderr.String())
	byNum := map[string]ItemResult{}
	for _, r := range res.Items {
		byNum[r.Number] = r
	}
	return res, byNum
}

// The reference scores full marks on Q1 and Q2 (the packages q1_theory and
// q2_nn, graded by a real go test -json run).
func TestReferenceFullMarks(t *testing.T) {
	res, items := grade(t, root, "./q1_theory", "./q2_nn")
	n := 0
	for _, it := range Rubric {
		r := items[it.Number]
		if strings.HasPrefix(it.Number, "Q1.") || strings.HasPrefix(it.Number, "Q2.") {
			require.Equal(t, OK, r.Status, "%s: %v", it.Number, r.Failing)
			require.Equal(t, it.Points, r.Earned, it.Number)
			n++
		} else {
			require.Equal(t, NotRun, r.Status, it.Number)
		}
	}
	require.Equal(t, 16, n)
	require.Equal(t, 110, res.Possible)
	require.Equal(t, 110, res.Earned)
}

// A fresh starter builds and vets, scores 0 on every code item of Q2, and
// restoring the reference body of one item's functions raises exactly that
// item to its points (for three items; the others stay as they were).
func TestStarterRestore(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "starter")
	marked, err := Starters(root)
	require.NoError(t, err)
	stubs, err := Starter(root, dst)
	require.NoError(t, err)
	require.Equal(t, len(marked), len(stubs))

	vet := exec.Command("go", "vet", "./...")
	vet.Dir = dst
	b, err := vet.CombinedOutput()
	require.NoError(t, err, "go vet ./... in the starter:\n%s", b)
	readme, err := os.ReadFile(filepath.Join(dst, "README.md"))
	require.NoError(t, err)
	require.Contains(t, string(readme), "## How to work through it")
	require.Contains(t, string(readme), "`softmaxRow` ([q2_nn/activation.go](q2_nn/activation.go#L")

	// A starter of the starter (not a git work tree: every file is copied)
	// is the same copy.
	again := filepath.Join(t.TempDir(), "again")
	_, err = Starter(dst, again)
	require.NoError(t, err)
	requireSameTree(t, dst, again)

	_, fresh := grade(t, dst, "./q2_nn")
	for _, it := range Rubric {
		if it.Kind == Code && strings.HasPrefix(it.Number, "Q2.") {
			require.Equal(t, Failed, fresh[it.Number].Status, it.Number)
			require.Zero(t, fresh[it.Number].Earned, it.Number)
		}
	}
	for _, item := range []string{"Q2.1.2", "Q2.2.2", "Q2.2.3"} {
		t.Run(item, func(t *testing.T) {
			saved := map[string][]byte{}
			for _, m := range stubs {
				if m.Item != item {
					continue
				}
				p := filepath.Join(dst, filepath.FromSlash(m.File))
				cur, err := os.ReadFile(p)
				require.NoError(t, err)
				if _, ok := saved[p]; !ok {
					saved[p] = cur
				}
				ref, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(m.File)))
				require.NoError(t, err)
				restored, err := RestoreFunc(root, m.File, cur, ref, m.Func)
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(p, restored, 0o644))
			}
			require.NotEmpty(t, saved)
			defer func() {
				for p, b := range saved {
					require.NoError(t, os.WriteFile(p, b, 0o644))
				}
			}()
			_, now := grade(t, dst, "./q2_nn")
			for _, it := range Rubric {
				want := fresh[it.Number].Earned
				if it.Number == item {
					want = it.Points
				}
				require.Equal(t, want, now[it.Number].Earned, "%s after restoring %s (failing %v)", it.Number, item, now[it.Number].Failing)
			}
		})
	}
}

// docs/GRADING.md is the rubric as RubricDoc makes it, and each of its
// links to a line of Go code points at the declaration it names.
func TestRubricDoc(t *testing.T) {
	doc, err := RubricDoc(root)
	require.NoError(t, err)
	path := datatest.RepoPath(t, "docs", "GRADING.md")
	if datatest.Updating(t) {
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, doc, string(b), "docs/GRADING.md is out of date: go test ./internal/grade -run TestRubricDoc -update")

	links := regexp.MustCompile(`\[`+"`?"+`([^\]`+"`"+`]+)`+"`?"+`\]\(\.\./([^)#]+\.go)#L([0-9]+)\)`).FindAllStringSubmatch(doc, -1)
	require.Greater(t, len(links), 100)
	for _, l := range links {
		name, file, line := l[1], l[2], l[3]
		src, err := os.ReadFile(filepath.Join(root, file))
		require.NoError(t, err)
		n, _ := strconv.Atoi(line)
		lines := strings.Split(string(src), "\n")
		require.Less(t, n-1, len(lines), "%s:%s", file, line)
		decl := lines[n-1]
		if i := strings.LastIndexByte(name, '.'); i >= 0 { // (*Layer).forward
			name = name[i+1:]
		}
		require.Regexp(t, `^func (\([^)]*\) )?`+regexp.QuoteMeta(name)+`[(\[]`, decl, "%s:%s", file, line)
	}
}

// requireSameTree fails unless the folders a and b hold the same files with
// the same contents.
func requireSameTree(t *testing.T, a, b string) {
	t.Helper()
	read := func(root string) map[string]string {
		out := map[string]string{}
		require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			c, err := os.ReadFile(p)
			out[rel] = string(c)
			return err
		}))
		return out
	}
	ta, tb := read(a), read(b)
	require.Equal(t, len(ta), len(tb), "number of files")
	for k, v := range ta {
		require.True(t, v == tb[k], "%s differs", k)
	}
}

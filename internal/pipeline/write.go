package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	reportdocs "recog/docs/report"
	"recog/internal/metrics"
	"recog/internal/report"
	"recog/internal/viz"
)

// Status is how a stage went: "ok", "failed" or "not run", its seconds
// and, unless ok, the reason (the keys of metrics.json's "stages").
type Status struct {
	Status  string  `json:"status"`
	Seconds float64 `json:"seconds"`
	Reason  string  `json:"reason,omitempty"`
}

// Summary is what RunAll did: the commit it ran (report.Commit at its
// start), the load averages at its start (report.LoadAvg), the metrics of every stage that succeeded, the status of every
// stage, the stages that failed and the total seconds.
type Summary struct {
	Commit, LoadStart string
	Metrics           map[string]any
	Status            map[string]Status
	Failed            []string
	Seconds           float64
}

// RunAll runs every stage whose needs succeeded, in order, writing each
// one's figures, metrics.json and models into out/<stage>; a line per
// stage goes to progress, and the errors to r.Log as well. A stage that
// fails does not stop the others.
func (r *Run) RunAll(out string, progress io.Writer) *Summary {
	s := &Summary{Commit: report.Commit(), LoadStart: report.LoadAvg(), Metrics: map[string]any{}, Status: map[string]Status{}}
	start := time.Now()
	for i, st := range Stages {
		fmt.Fprintf(progress, "recog all: [%d/%d] %s: %s\n", i+1, len(Stages), st.Name, st.What)
		fmt.Fprintf(r.Log, "\n== %s: %s ==\n", st.Name, st.What)
		if bad := slices.IndexFunc(st.Needs, func(n string) bool { return s.Status[n].Status != "ok" }); bad >= 0 {
			s.Status[st.Name] = Status{Status: "not run", Reason: fmt.Sprintf("it needs stage %s, which did not succeed", st.Needs[bad])}
			fmt.Fprintf(progress, "recog all: %s not run: %s\n", st.Name, s.Status[st.Name].Reason)
			continue
		}
		t0 := time.Now()
		res, err := st.Run(r)
		if err == nil && res.Metrics != nil {
			err = writeStage(filepath.Join(out, st.Name), res)
			s.Metrics[st.Name] = res.Metrics
		}
		secs := time.Since(t0).Seconds()
		if err != nil {
			delete(s.Metrics, st.Name)
			s.Status[st.Name] = Status{Status: "failed", Seconds: secs, Reason: strings.Join(strings.Fields(err.Error()), " ")}
			s.Failed = append(s.Failed, st.Name)
			fmt.Fprintf(progress, "recog all: %s failed after %.0f s: %v\n", st.Name, secs, err)
			fmt.Fprintf(r.Log, "error: %v\n", err)
			continue
		}
		s.Status[st.Name] = Status{Status: "ok", Seconds: secs}
	}
	s.Seconds = time.Since(start).Seconds()
	return s
}

// Write writes a run's figures and its metrics m as metrics.json into dir
// (a stage of RunAll, or a command's run).
func Write(dir string, m any, figs []viz.Figure) error {
	if err := viz.SaveFigures(dir, figs); err != nil {
		return err
	}
	return metrics.Write(filepath.Join(dir, "metrics.json"), m)
}

// writeStage writes a stage's figures, metrics.json and models into dir.
func writeStage(dir string, res *Output) error {
	if err := Write(dir, res.Metrics, res.Figures); err != nil {
		return err
	}
	for name, save := range res.Models {
		if err := save(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// StageNames returns the names of the stages in order.
func StageNames() []string {
	var out []string
	for _, s := range Stages {
		out = append(out, s.Name)
	}
	return out
}

// PrintTimes prints each stage's status and seconds, and the total.
func (s *Summary) PrintTimes(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tstatus\tseconds\t")
	for _, st := range Stages {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t\n", st.Name, s.Status[st.Name].Status, s.Status[st.Name].Seconds)
	}
	fmt.Fprintf(tw, "total\t\t%.1f\t\n", s.Seconds)
	tw.Flush()
}

// WriteReport adds the stages' status, the run's identity (quick or not)
// and the comparisons to the metrics, writes out/metrics.json and the
// report (Report).
func (s *Summary) WriteReport(out, docs string, quick bool) error {
	m := map[string]any{"stages": s.Status, "run": report.RunInfo(quick, s.Commit, s.LoadStart, s.Seconds, StageNames())}
	for k, v := range s.Metrics {
		m[k] = v
	}
	plain, err := metrics.Object(m)
	if err != nil {
		return err
	}
	if plain["cmp"], err = metrics.Values(report.Comparisons(plain)); err != nil {
		return err
	}
	if err := metrics.Write(filepath.Join(out, "metrics.json"), plain); err != nil {
		return err
	}
	return Report(out, docs, plain)
}

// ReportAgain renders out/report.md (and docs/RESULTS.md) again from
// out/metrics.json, after the templates of docs/report changed.
func ReportAgain(out, docs string) error {
	path := filepath.Join(out, "metrics.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return Report(out, docs, m)
}

// Report renders out/report.md from the metrics m (report.Compose), checks
// it against them and, with docs set, writes docs/RESULTS.md with the
// figures it shows copied to docs/results/ (copyFigures), the metrics to
// docs/results/metrics.json and the metrics into the marked numbers of the
// other pages (FillPages).
func Report(out, docs string, m map[string]any) error {
	md, err := report.Compose(reportdocs.FS, m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "report.md"), []byte(md), 0o644); err != nil {
		return err
	}
	if _, err := report.Check(md, m); err != nil {
		return fmt.Errorf("%s disagrees with the metrics: %w", filepath.Join(out, "report.md"), err)
	}
	if docs == "" {
		return nil
	}
	res, err := copyFigures(md, out, docs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(docs, "results"), 0o755); err != nil {
		return err
	}
	if err := metrics.Write(filepath.Join(docs, "results", "metrics.json"), m); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(docs, "RESULTS.md"), []byte(res), 0o644); err != nil {
		return err
	}
	return FillPages(docs, m)
}

// FillPages writes the metrics m, with the committed studies of dir
// (report.WithStudies: DIR/results/studies/NAME/metrics.json under
// "studies") and the tests' golden JSON files (DIR/../golden/PKG/NAME.json
// under "golden"), into the marked numbers of the pages written by hand
// (report.Fill): every DIR/*.md but RESULTS.md, and the README.md next to
// DIR if there is one. m itself is not changed.
func FillPages(dir string, m map[string]any) error {
	m, err := report.WithStudies(m, dir)
	if err != nil {
		return err
	}
	pages, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return err
	}
	if readme := filepath.Join(dir, "..", "README.md"); fileExists(readme) {
		pages = append(pages, readme)
	}
	var errs []error
	for _, p := range pages {
		if filepath.Base(p) == "RESULTS.md" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		md, err := report.Fill(string(b), m)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		if md != string(b) {
			if err := os.WriteFile(p, []byte(md), 0o644); err != nil {
				return err
			}
		}
	}
	return errors.Join(errs...)
}

// copyFigures relinks the figures of the report md (written in out) for
// docs/RESULTS.md and copies them to docs/results/, except a figure with
// the bytes of a PNG under the golden/ folder next to docs (one that a test
// writes, such as the Q4 failure cases): that one is linked where the test
// keeps it, so that docs/ holds no copy of it.
func copyFigures(md, out, docs string) (string, error) {
	res, figs := report.Relink(md, "results")
	golden, err := goldenPNGs(filepath.Join(docs, "..", "golden"))
	if err != nil {
		return "", err
	}
	for _, rel := range figs {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			return "", err
		}
		if g, ok := golden[string(b)]; ok {
			res = strings.ReplaceAll(res, "](results/"+rel+")", "](../golden/"+g+")")
			continue
		}
		dst := filepath.Join(docs, "results", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return "", err
		}
	}
	return res, nil
}

// goldenPNGs maps the contents of every PNG under dir (the repository's
// golden/, written by tests) to its slash path relative to dir. A missing
// dir gives an empty map.
func goldenPNGs(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if path == dir && errors.Is(err, os.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || filepath.Ext(path) != ".png" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		out[string(b)] = filepath.ToSlash(rel)
		return nil
	})
	return out, err
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

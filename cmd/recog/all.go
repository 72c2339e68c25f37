package main

import (
	"encoding/json"
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
	"recog/internal/pipeline"
	"recog/internal/report"
)

func init() {
	register(command{
		name:    "all",
		summary: "every question end to end: report.md, metrics.json and figures",
		usage:   "all [--out DIR] [--quick] [--data DIR] [--mirror DIR] [--docs DIR]",
		run:     runAll,
	})
}

const allHelp = `
Runs every question end to end, one stage after the other: fetches the data
sets (as recog data), trains Q3 and its learning-rate sweep, reads the photos
of Q4 with the Q3 network just trained, trains both Q5 autoencoders, fits
Q6's PCA, trains the Q7 networks and fine-tunes SqueezeNet (Q7.2). Then it
writes
  DIR/report.md     one section per question answering the write-up
                    questions with the measured numbers and the figures
  DIR/metrics.json  every number of the report, one object per stage
                    ("q3", "q3_sweep", "q4", ..., "run", "stages")
  DIR/<stage>/      each stage's figures and metrics.json
The words of the report are docs/report/*.md; each number in it is followed
by an invisible marker naming its metric. A stage that fails or cannot run
is reported as such ("not run: <reason>") and the others go on; the command
then exits with status 1.

The default run keeps every question's own settings where they fit in about
20 minutes of a 2-core machine (pure Go); the Q5 improved recipe, the Q7
CNNs and the Q7.2 scratch CNN are trained for fewer epochs or on subsets (the
report states each run's settings). --quick cuts epochs and subsets further
(about 3 minutes) and its report says so in a banner at the top.

--docs DIR also writes DIR/RESULTS.md (the report, with the date, commit and
machine) and copies the figures it shows to DIR/results/.`

func runAll(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("all", allHelp, stderr)
	out := fs.String("out", "out/all", "output `DIR`")
	quick := fs.Bool("quick", false, "fewer epochs and subsets (about 3 minutes; marked in the report)")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	mirror := fs.String("mirror", "", "mirror `DIR` for the data stage (default $RECOG_MIRROR, else ../shared/data)")
	docs := fs.String("docs", "", "also write `DIR`/RESULTS.md and its figures in DIR/results/")
	reportOnly := fs.Bool("report-only", false, "run nothing: render report.md again from --out's metrics.json (after editing docs/report)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if *reportOnly {
		return reportAgain(*out, *docs)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(*out, "log.txt"))
	if err != nil {
		return err
	}
	defer logf.Close()
	r := &pipeline.Run{DataDir: dataOr(*dataDir), Set: pipeline.Defaults(*quick), Log: logf}
	r.Fetch = func() error {
		args := []string{"nist36", "images", "mnist", "emnist", "flowers17", "squeezenet", "--dir", r.DataDir}
		if *mirror != "" {
			args = append(args, "--mirror", *mirror)
		}
		return runData(args, logf, logf)
	}
	defer r.Close()
	start := time.Now()
	m, status, failed := runStages(r, *out, stderr)
	total := time.Since(start).Seconds()
	m["stages"], m["run"] = status, report.RunInfo(*quick, total, stageNames())
	if err := writeAll(*out, *docs, m); err != nil {
		return err
	}
	printTimes(stderr, status, total)
	fmt.Fprintf(stdout, "recog all: wrote %s and %s in %.0f s\n", filepath.Join(*out, "report.md"), filepath.Join(*out, "metrics.json"), total)
	if len(failed) > 0 {
		return fmt.Errorf("%d stages failed: %s (details in %s)", len(failed), strings.Join(failed, ", "), filepath.Join(*out, "log.txt"))
	}
	return nil
}

// runStages runs every stage whose needs succeeded, writing each one's
// figures, metrics.json and models into out/<stage>. It returns the metrics
// of each stage, the status of each ("ok", "failed", "not run", with the
// seconds and the reason) and the stages that failed.
func runStages(r *pipeline.Run, out string, stderr io.Writer) (map[string]any, map[string]any, []string) {
	m, status := map[string]any{}, map[string]any{}
	var failed []string
	ok := func(n string) bool { return status[n].(map[string]any)["status"] == "ok" }
	for i, st := range pipeline.Stages {
		fmt.Fprintf(stderr, "recog all: [%d/%d] %s: %s\n", i+1, len(pipeline.Stages), st.Name, st.What)
		fmt.Fprintf(r.Log, "\n== %s: %s ==\n", st.Name, st.What)
		s := map[string]any{"status": "not run", "seconds": 0.0}
		status[st.Name] = s
		if bad := slices.IndexFunc(st.Needs, func(n string) bool { return !ok(n) }); bad >= 0 {
			s["reason"] = fmt.Sprintf("it needs stage %s, which did not succeed", st.Needs[bad])
			fmt.Fprintf(stderr, "recog all: %s not run: %s\n", st.Name, s["reason"])
			continue
		}
		t0 := time.Now()
		res, err := st.Run(r)
		if err == nil && res.Metrics != nil {
			err = writeStage(filepath.Join(out, st.Name), res)
			m[st.Name] = res.Metrics
		}
		s["seconds"] = time.Since(t0).Seconds()
		if err != nil {
			delete(m, st.Name)
			s["status"], s["reason"] = "failed", strings.Join(strings.Fields(err.Error()), " ")
			failed = append(failed, st.Name)
			fmt.Fprintf(stderr, "recog all: %s failed after %.0f s: %v\n", st.Name, s["seconds"], err)
			fmt.Fprintf(r.Log, "error: %v\n", err)
			continue
		}
		s["status"] = "ok"
	}
	return m, status, failed
}

// writeStage writes a stage's figures, metrics.json and models into dir.
func writeStage(dir string, res *pipeline.Output) error {
	if err := writeRun(dir, res.Metrics, res.Figures); err != nil {
		return err
	}
	for name, save := range res.Models {
		if err := save(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

func stageNames() []string {
	var out []string
	for _, s := range pipeline.Stages {
		out = append(out, s.Name)
	}
	return out
}

// writeAll adds the comparisons to the metrics m, writes metrics.json and
// the report.
func writeAll(out, docs string, m map[string]any) error {
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
	return writeReport(out, docs, plain)
}

// reportAgain renders report.md (and RESULTS.md) again from out's
// metrics.json.
func reportAgain(out, docs string) error {
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(out, "metrics.json"), err)
	}
	return writeReport(out, docs, m)
}

// printTimes prints each stage's status and seconds, and the total.
func printTimes(w io.Writer, status map[string]any, total float64) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tstatus\tseconds\t")
	for _, s := range pipeline.Stages {
		st := status[s.Name].(map[string]any)
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t\n", s.Name, st["status"], st["seconds"])
	}
	fmt.Fprintf(tw, "total\t\t%.1f\t\n", total)
	tw.Flush()
}

// writeReport renders out/report.md from the metrics m (report.Compose),
// checks it against them and, with docs set, writes docs/RESULTS.md with
// the figures it shows copied to docs/results/.
func writeReport(out, docs string, m map[string]any) error {
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
	res, figs := report.Relink(md, "results")
	for _, rel := range figs {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		dst := filepath.Join(docs, "results", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(docs, "RESULTS.md"), []byte(res), 0o644)
}

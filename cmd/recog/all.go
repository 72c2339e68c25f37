package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	reportdocs "recog/docs/report"
	"recog/internal/blas"
	"recog/internal/data"
	"recog/internal/metrics"
	"recog/internal/report"
	"recog/internal/viz"
	nn "recog/q2_nn"
	ocr "recog/q4_ocr"
	autodiff "recog/q7_autodiff"
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

// allSettings are the sizes of one `recog all` run.
type allSettings struct {
	q3Epochs, sweepEpochs      int
	q5Epochs, q5ImprovedEpochs int
	mlpEpochs                  int
	mnist, nist36, emnist      cnnRun
	flowers                    autodiff.FlowersConfig
}

// cnnRun sizes one Q7.1 CNN run: epochs (at least 2, so that the curves
// are lines) and the first Train training and Eval validation/test examples
// (0: all).
type cnnRun struct{ epochs, train, eval int }

func allDefaults(quick bool) allSettings {
	if quick {
		return allSettings{
			q3Epochs: 5, sweepEpochs: 3, q5Epochs: 3, q5ImprovedEpochs: 3, mlpEpochs: 3,
			mnist:   cnnRun{2, 500, 500},
			nist36:  cnnRun{2, 1000, 500},
			emnist:  cnnRun{2, 1000, 500},
			flowers: autodiff.FlowersConfig{PerClass: 4, FineTuneEpochs: 5, ScratchEpochs: 2},
		}
	}
	return allSettings{
		q3Epochs: 50, sweepEpochs: 50, q5Epochs: 100, q5ImprovedEpochs: 50, mlpEpochs: 50,
		mnist:   cnnRun{2, 5000, 2000},
		nist36:  cnnRun{2, 0, 1000},
		emnist:  cnnRun{2, 5000, 1000},
		flowers: autodiff.FlowersConfig{FineTuneEpochs: 30, ScratchEpochs: 10},
	}
}

// allRun is the state of one `recog all`.
type allRun struct {
	out, dataDir, mirror string
	quick                bool
	set                  allSettings
	log                  io.Writer // the subcommands' stdout
	stderr               io.Writer
	metrics              map[string]any  // per stage, JSON-normalised
	emnist               *autodiff.Model // the q7_emnist stage's model, for q7_emnist_photos
	photoCache           []ocr.Photo     // see photos
}

// photos returns the photos of data/images decoded, with their
// transcripts; the q4 and q7_emnist_photos stages share one decoding.
func (a *allRun) photos() ([]ocr.Photo, error) {
	if a.photoCache == nil {
		p, err := ocr.PhotosIn(filepath.Join(a.dataDir, "images"))
		if err != nil {
			return nil, err
		}
		a.photoCache = p
	}
	return a.photoCache, nil
}

// allStage is one step of `recog all`; its metrics go under its name.
type allStage struct {
	name, what string
	needs      []string // stages that must have succeeded first
	run        func(a *allRun, dir string) (map[string]any, error)
}

// allStages are the stages in order.
var allStages = []allStage{
	{name: "data", what: "fetch and verify the data sets", run: (*allRun).data},
	{name: "q3", what: "train the Q3 network on NIST36", needs: []string{"data"}, run: (*allRun).q3},
	{name: "q3_sweep", what: "Q3.1.2 learning-rate sweep", needs: []string{"data"}, run: (*allRun).q3Sweep},
	{name: "q4", what: "Q4 read the four photos with the Q3 network", needs: []string{"data", "q3"}, run: (*allRun).q4},
	{name: "q5", what: "Q5 autoencoder, the assignment's recipe", needs: []string{"data"}, run: q5Stage("default")},
	{name: "q5_improved", what: "Q5 autoencoder, improved recipe", needs: []string{"data"}, run: q5Stage("improved")},
	{name: "q6", what: "Q6 PCA", needs: []string{"data"}, run: (*allRun).q6},
	{name: "q7_mlp", what: "Q7.1.1 the Q3 network in gorgonia", needs: []string{"data"}, run: (*allRun).q7mlp},
	{name: "q7_mnist", what: "Q7.1.2 CNN on MNIST", needs: []string{"data"}, run: cnnStage("mnist")},
	{name: "q7_nist36", what: "Q7.1.3 CNN on NIST36", needs: []string{"data"}, run: cnnStage("nist36")},
	{name: "q7_emnist", what: "Q7.1.4 CNN on EMNIST Balanced", needs: []string{"data"}, run: cnnStage("emnist")},
	{name: "q7_emnist_photos", what: "Q7.1.4 the EMNIST CNN on the Q4 photos", needs: []string{"q7_emnist"}, run: (*allRun).emnistPhotos},
	{name: "q7_flowers", what: "Q7.2.1 SqueezeNet fine-tuning and a CNN from scratch on Flowers 17", needs: []string{"data"}, run: (*allRun).flowers},
}

// notImplemented names the stages whose code does not exist yet, and why.
var notImplemented = map[string]string{}

// allSections are the report's sections: a template of docs/report and the
// stages it needs (a missing one makes the section say "not run").
var allSections = []struct {
	file   string
	stages []string
}{
	{"q3.md", []string{"q3"}},
	{"q3_sweep.md", []string{"q3_sweep"}},
	{"q4.md", []string{"q4"}},
	{"q5.md", []string{"q5", "q5_improved", "q6"}},
	{"q6.md", []string{"q6", "q5", "q5_improved"}},
	{"q7_1_1.md", []string{"q7_mlp", "q3"}},
	{"q7_1_2.md", []string{"q7_mnist"}},
	{"q7_1_3.md", []string{"q7_nist36", "q7_mlp"}},
	{"q7_1_4.md", []string{"q7_emnist"}},
	{"q7_1_4_photos.md", []string{"q7_emnist_photos", "q4"}},
	{"q7_2.md", []string{"q7_flowers"}},
}

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
	if len(pos) > 0 {
		return usagef("unexpected arguments %q", pos)
	}
	if *dataDir == "" {
		*dataDir = data.DefaultDir()
	}
	if *reportOnly {
		m, err := readJSONObject(filepath.Join(*out, "metrics.json"))
		if err != nil {
			return err
		}
		return writeReport(*out, *docs, m)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(*out, "log.txt"))
	if err != nil {
		return err
	}
	defer logf.Close()
	a := &allRun{out: *out, dataDir: *dataDir, mirror: *mirror, quick: *quick, set: allDefaults(*quick),
		log: logf, stderr: stderr, metrics: map[string]any{}}
	defer func() {
		if a.emnist != nil {
			a.emnist.Close()
		}
	}()
	start := time.Now()
	status := map[string]map[string]any{}
	var failed []string
	for i, st := range allStages {
		fmt.Fprintf(stderr, "recog all: [%d/%d] %s: %s\n", i+1, len(allStages), st.name, st.what)
		fmt.Fprintf(logf, "\n== %s: %s ==\n", st.name, st.what)
		s := map[string]any{"status": "not run", "seconds": 0.0}
		status[st.name] = s
		if why, ok := notImplemented[st.name]; ok || st.run == nil {
			s["reason"] = why
			fmt.Fprintf(stderr, "recog all: %s not run: %s\n", st.name, why)
			continue
		}
		if bad := slices.IndexFunc(st.needs, func(n string) bool { return status[n]["status"] != "ok" }); bad >= 0 {
			s["reason"] = fmt.Sprintf("it needs stage %s, which did not succeed", st.needs[bad])
			fmt.Fprintf(stderr, "recog all: %s not run: %s\n", st.name, s["reason"])
			continue
		}
		t0 := time.Now()
		m, err := st.run(a, filepath.Join(*out, st.name))
		s["seconds"] = time.Since(t0).Seconds()
		if err != nil {
			s["status"], s["reason"] = "failed", oneLine(err.Error())
			failed = append(failed, st.name)
			fmt.Fprintf(stderr, "recog all: %s failed after %.0f s: %v\n", st.name, s["seconds"], err)
			fmt.Fprintf(logf, "error: %v\n", err)
			continue
		}
		s["status"] = "ok"
		if m != nil {
			a.metrics[st.name] = m
		}
	}
	total := time.Since(start).Seconds()

	// Normalise every number to float64 (as in metrics.json), add the
	// comparisons the report states, then render and check.
	st := map[string]any{}
	for k, v := range status {
		st[k] = v
	}
	a.metrics["stages"] = st
	a.metrics["run"] = runInfo(*quick, total)
	a.metrics["cmp"] = comparisons(a.metrics)
	m, err := normalise(a.metrics)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "metrics.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	if err := writeReport(*out, *docs, m); err != nil {
		return err
	}

	tw := tabwriter.NewWriter(stderr, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tstatus\tseconds\t")
	for _, s := range allStages {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t\n", s.name, status[s.name]["status"], status[s.name]["seconds"])
	}
	fmt.Fprintf(tw, "total\t\t%.1f\t\n", total)
	tw.Flush()
	fmt.Fprintf(stdout, "recog all: wrote %s and %s in %.0f s\n", filepath.Join(*out, "report.md"), filepath.Join(*out, "metrics.json"), total)
	if len(failed) > 0 {
		return fmt.Errorf("%d stages failed: %s (details in %s)", len(failed), strings.Join(failed, ", "), filepath.Join(*out, "log.txt"))
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// sub runs a recog subcommand with its output going to the log, then reads
// the metrics.json it wrote to dir.
func (a *allRun) sub(dir string, args ...string) (map[string]any, error) {
	fmt.Fprintf(a.log, "$ recog %s\n", strings.Join(args, " "))
	if err := commands[args[0]].run(args[1:], a.log, a.log); err != nil {
		return nil, fmt.Errorf("recog %s: %w", strings.Join(args, " "), err)
	}
	return readJSONObject(filepath.Join(dir, "metrics.json"))
}

func readJSONObject(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func (a *allRun) data(string) (map[string]any, error) {
	args := []string{"data", "nist36", "images", "mnist", "emnist", "flowers17", "squeezenet", "--dir", a.dataDir}
	if a.mirror != "" {
		args = append(args, "--mirror", a.mirror)
	}
	fmt.Fprintf(a.log, "$ recog %s\n", strings.Join(args, " "))
	if err := commands["data"].run(args[1:], a.log, a.log); err != nil {
		return nil, err
	}
	return nil, nil
}

func itoa(n int) string { return fmt.Sprint(n) }

func (a *allRun) q3(dir string) (map[string]any, error) {
	return a.sub(dir, "q3", "--epochs", itoa(a.set.q3Epochs), "--data", a.dataDir, "--out", dir)
}

func (a *allRun) q3Sweep(dir string) (map[string]any, error) {
	m, err := a.sub(dir, "q3", "sweep", "--epochs", itoa(a.set.sweepEpochs), "--data", a.dataDir, "--out", dir)
	if err != nil {
		return nil, err
	}
	// The figure names carry the rates; list them for the report.
	lrs, _ := m["sweep_lr"].([]any)
	var files []any
	for _, lr := range lrs {
		f, _ := report.Number(lr)
		files = append(files, "lr_"+strconv.FormatFloat(f, 'g', -1, 64))
	}
	m["sweep_tags"] = files
	return m, nil
}

func q5Stage(mode string) func(*allRun, string) (map[string]any, error) {
	return func(a *allRun, dir string) (map[string]any, error) {
		epochs := a.set.q5Epochs
		if mode == "improved" {
			epochs = a.set.q5ImprovedEpochs
		}
		return a.sub(dir, "q5", "--mode", mode, "--epochs", itoa(epochs), "--data", a.dataDir, "--out", dir)
	}
}

func (a *allRun) q6(dir string) (map[string]any, error) {
	return a.sub(dir, "q6", "--data", a.dataDir, "--out", dir)
}

func (a *allRun) q7mlp(dir string) (map[string]any, error) {
	return a.sub(dir, "q7", "mlp", "--epochs", itoa(a.set.mlpEpochs), "--data", a.dataDir, "--out", dir)
}

// q4 reads every photo of data/images with the network trained by the q3
// stage and scores it against the photo's transcript (ocr.Run).
func (a *allRun) q4(dir string) (map[string]any, error) {
	net, h, err := nn.LoadModel(filepath.Join(a.out, "q3", "q3_model.safetensors"))
	if err != nil {
		return nil, err
	}
	p, err := q3Probs(net, h)
	if err != nil {
		return nil, err
	}
	photos, err := a.photos()
	if err != nil {
		return nil, err
	}
	res, err := ocr.Run(photos, ocr.Options{Reader: ocr.Reader{Model: p}, Model: "q3/q3_model.safetensors (this run)",
		OverlayMax: 1000, Failures: true})
	if err != nil {
		return nil, err
	}
	for _, r := range res.Readings {
		s := r.Score
		fmt.Fprintf(a.log, "%s: CER %.3f (%d/%d), boxes recall %.3f precision %.3f\n", filepath.Base(r.Photo.Path), s.CER, s.Edits, s.Chars, s.Boxes.Recall, s.Boxes.Precision)
	}
	if err := writeRun(dir, res.Metrics, res.Figures); err != nil {
		return nil, err
	}
	return metrics.Object(res.Metrics)
}

// cnn trains a Q7.1 CNN task on the sizes of a.set (the q7 command has no
// flag for an evaluation subset, so this calls the package directly), and
// writes the figures and metrics.json as `recog q7 TASK` does.
func cnnStage(task string) func(*allRun, string) (map[string]any, error) {
	return func(a *allRun, dir string) (map[string]any, error) {
		size := map[string]cnnRun{"mnist": a.set.mnist, "nist36": a.set.nist36, "emnist": a.set.emnist}[task]
		t := autodiff.Tasks[task]
		fullEpochs := t.Epochs
		t.Epochs = size.epochs
		s, err := autodiff.LoadTaskData(t, a.dataDir)
		if err != nil {
			return nil, err
		}
		full := map[string]any{"train": s.Train.Len(), "test": s.Test.Len()}
		s.Train = s.Train.Head(size.train)
		s.Test = s.Test.Head(size.eval)
		if s.Valid != nil {
			full["valid"] = s.Valid.Len()
			s.Valid = s.Valid.Head(size.eval)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		res, err := autodiff.RunTask(t, s, 1, a.log)
		if err != nil {
			return nil, err
		}
		if task == "emnist" {
			a.emnist = res.Model // closed by runAll
		} else {
			defer res.Model.Close()
		}
		h := res.History
		ep := make([]float64, len(h.Epochs))
		for i := range ep {
			ep[i] = float64(i + 1)
		}
		evalLabel := map[string]string{"valid": "validation", "test": "test"}[res.EvalName]
		for _, c := range []struct{ what, ylabel string }{{"acc", "accuracy"}, {"loss", "cross-entropy loss (mean)"}} {
			p, err := viz.Curves(fmt.Sprintf("Q7 %s CNN: %s per epoch", task, c.ylabel), "epoch", c.ylabel,
				viz.Series{Name: "training", X: ep, Y: h.Curve("train_" + c.what)},
				viz.Series{Name: evalLabel, X: ep, Y: h.Curve("valid_" + c.what), Dashed: true})
			if err != nil {
				return nil, err
			}
			if err := viz.SavePNG(p, 800, 500, filepath.Join(dir, fmt.Sprintf("q7_%s_%s.png", task, c.what))); err != nil {
				return nil, err
			}
		}
		last := h.Epochs[len(h.Epochs)-1]
		m := map[string]any{
			"task": task, "model": res.Model.Name, "params": res.Model.NumParams(),
			"epochs": t.Epochs, "task_epochs": fullEpochs, "batch": t.BatchSize, "lr": t.LR, "seed": 1, "blas": blas.Name(),
			"train_examples": s.Train.Len(), "test_examples": s.Test.Len(), "full_sizes": full,
			"train_loss_curve": h.Curve("train_loss"), "train_acc_curve": h.Curve("train_acc"),
			res.EvalName + "_loss_curve": h.Curve("valid_loss"), res.EvalName + "_acc_curve": h.Curve("valid_acc"),
			"test_acc": res.TestAcc, "test_loss": res.TestLoss,
			"final_train_acc": last.TrainAcc,
			"s_per_epoch":     res.TrainSeconds / float64(len(h.Epochs)), "samples_per_s": res.SamplesPerSec,
			"final_" + res.EvalName + "_acc": last.ValidAcc,
		}
		if s.Valid != nil {
			m["valid_examples"] = s.Valid.Len()
		}
		if err := writeQMetrics(filepath.Join(dir, "metrics.json"), m); err != nil {
			return nil, err
		}
		return m, nil
	}
}

// emnistPhotos reads the Q4 photos with the EMNIST CNN of the q7_emnist
// stage, crop by crop and with the word rule, and with the embedded small
// CNN and the word rule (`recog ocr`'s default), and scores them
// (ocr.Compare).
func (a *allRun) emnistPhotos(dir string) (map[string]any, error) {
	photos, err := a.photos()
	if err != nil {
		return nil, err
	}
	def, err := autodiff.DefaultOCRModel()
	if err != nil {
		return nil, err
	}
	defer def.Close()
	em := autodiff.EMNISTProbs(a.emnist, nil)
	c, err := ocr.Compare(photos, []ocr.Reader{{Model: em}, {Name: "words", Model: em, Words: true},
		{Name: "default_words", Model: autodiff.EMNISTProbs(def, nil), Words: true}})
	if err != nil {
		return nil, err
	}
	return metrics.Object(c.Metrics)
}

// flowers runs Q7.2 with a.set.flowers, as `recog q7 flowers` does.
func (a *allRun) flowers(dir string) (map[string]any, error) {
	cfg := a.set.flowers
	cfg.DataDir, cfg.Seed = a.dataDir, 1
	return writeFlowers(cfg, dir, a.log)
}

// runInfo describes the run: date, commit, machine.
func runInfo(quick bool, total float64) map[string]any {
	commit := "unknown"
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
			commit += " (with uncommitted changes)"
		}
	}
	mode := "default"
	if quick {
		mode = "quick"
	}
	var order []string
	for _, s := range allStages {
		order = append(order, s.name)
	}
	return map[string]any{
		"stage_order": order,
		"date":        time.Now().UTC().Format("2006-01-02 15:04 UTC"), "commit": commit, "mode": mode, "quick": quick,
		"cores": runtime.NumCPU(), "goos": runtime.GOOS, "goarch": runtime.GOARCH, "go": runtime.Version(),
		"blas": blas.Name(), "total_s": total, "total_min": total / 60,
	}
}

// comparisons are the differences the report's sentences are about,
// computed once so that the report shows them with markers like every other
// number. A comparison whose inputs are missing is left out.
func comparisons(m map[string]any) map[string]any {
	get := func(path string) (float64, bool) {
		v, ok := report.Lookup(m, path)
		if !ok {
			return 0, false
		}
		return report.Number(v)
	}
	out := map[string]any{}
	diff := func(name, a, b string) {
		x, ok1 := get(a)
		y, ok2 := get(b)
		if ok1 && ok2 {
			out[name] = x - y
		}
	}
	diff("q3_train_minus_valid", "q3.train_acc", "q3.valid_acc")
	diff("q5_improved_minus_default_test_db", "q5_improved.test_psnr_db", "q5.test_psnr_db")
	diff("pca_minus_q5_default_test_db", "q6.test_psnr_db", "q5.test_psnr_db")
	diff("q5_improved_minus_pca_test_db", "q5_improved.test_psnr_db", "q6.test_psnr_db")
	diff("q5_params_minus_pca", "q6.params_autoencoder", "q6.params")
	diff("q7_mlp_minus_q3_test_acc", "q7_mlp.test_acc", "q3.test_acc")
	diff("q7_cnn_minus_mlp_test_acc", "q7_nist36.test_acc", "q7_mlp.test_acc")
	diff("emnist_photos_minus_q3_cer", "q7_emnist_photos.cer", "q4.cer")
	diff("flowers_finetune_minus_scratch", "q7_flowers.finetune_test_acc", "q7_flowers.scratch_test_acc")
	if v, ok := report.Lookup(m, "q5.train_loss_per_image"); ok {
		if l := floats(v); len(l) >= 3 {
			k := max(2, (len(l)+9)/10) // the first tenth of the epochs, at least 2
			out["q5_loss_first_epochs"] = k
			out["q5_loss_drop_first"] = l[0] - l[k-1]
			out["q5_loss_drop_rest"] = l[k-1] - l[len(l)-1]
		}
	}
	if x, ok := get("q6.params_autoencoder"); ok {
		if y, ok := get("q6.params"); ok && y > 0 {
			out["q5_params_over_pca"] = x / y
		}
	}
	if x, ok := get("q3_sweep.valid_acc"); ok {
		_ = x
		if lrs, ok := report.Lookup(m, "q3_sweep.sweep_lr"); ok {
			if best, ok := get("q3_sweep.best_lr"); ok {
				for i, lr := range lrs.([]any) {
					if f, _ := report.Number(lr); f == best {
						out["q3_sweep_best_index"] = i
					}
				}
			}
		}
	}
	return out
}

// floats returns v as []float64 if it is a slice of numbers, else nil.
func floats(v any) []float64 {
	switch x := v.(type) {
	case []float64:
		return x
	case []any:
		out := make([]float64, len(x))
		for i, e := range x {
			f, ok := report.Number(e)
			if !ok {
				return nil
			}
			out[i] = f
		}
		return out
	}
	return nil
}

// normalise round-trips m through JSON: numbers become float64, NaN and
// ±Inf become null (and are then not shown as numbers).
func normalise(m map[string]any) (map[string]any, error) {
	var clean func(v any) any
	clean = func(v any) any {
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil
			}
		case []float64:
			out := make([]any, len(x))
			for i, f := range x {
				out[i] = clean(f)
			}
			return out
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				out[k] = clean(e)
			}
			return out
		}
		return v
	}
	b, err := json.Marshal(clean(m))
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// writeReport renders out/report.md from the metrics m, checks it against
// them and, with docs set, writes docs/RESULTS.md.
func writeReport(out, docs string, m map[string]any) error {
	md, err := renderReport(m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "report.md"), []byte(md), 0o644); err != nil {
		return err
	}
	if _, err := report.Check(md, m); err != nil {
		return fmt.Errorf("%s disagrees with the metrics: %w", filepath.Join(out, "report.md"), err)
	}
	if docs != "" {
		return writeDocs(docs, out, md)
	}
	return nil
}

// renderReport fills the header, each section and the stage table.
func renderReport(m map[string]any) (string, error) {
	var b strings.Builder
	part := func(file string) error {
		t, err := reportdocs.FS.ReadFile(file)
		if err != nil {
			return err
		}
		s, err := report.Render(file, string(t), m)
		if err != nil {
			return fmt.Errorf("docs/report/%s: %w", file, err)
		}
		b.WriteString(strings.TrimSpace(s) + "\n\n")
		return nil
	}
	if err := part("header.md"); err != nil {
		return "", err
	}
	stages, _ := m["stages"].(map[string]any)
	for _, sec := range allSections {
		var missing []string
		for _, st := range sec.stages {
			s, _ := stages[st].(map[string]any)
			if s["status"] != "ok" {
				missing = append(missing, st)
			}
		}
		if len(missing) == 0 {
			if err := part(sec.file); err != nil {
				return "", err
			}
			continue
		}
		// The section's title is the template's first line.
		t, err := reportdocs.FS.ReadFile(sec.file)
		if err != nil {
			return "", err
		}
		title, _, _ := strings.Cut(string(t), "\n")
		b.WriteString(title + "\n\n")
		for _, st := range missing {
			s, _ := stages[st].(map[string]any)
			fmt.Fprintf(&b, "**%s:** %v (stage `%s`).\n\n", s["status"], s["reason"], st)
		}
	}
	if err := part("times.md"); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeDocs writes docsDir/RESULTS.md (the report with its figure links
// pointing into docsDir/results/) and copies the figures there.
func writeDocs(docsDir, out, md string) error {
	img := regexp.MustCompile(`\]\(([A-Za-z0-9_./\-]+\.png)\)`)
	var errs []error
	res := img.ReplaceAllStringFunc(md, func(s string) string {
		rel := img.FindStringSubmatch(s)[1]
		dst := filepath.Join(docsDir, "results", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			errs = append(errs, err)
		}
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			errs = append(errs, err)
		} else if err := os.WriteFile(dst, b, 0o644); err != nil {
			errs = append(errs, err)
		}
		return "](results/" + rel + ")"
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(docsDir, "RESULTS.md"), []byte(res), 0o644)
}

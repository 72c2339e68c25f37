package report

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"time"

	"recog/internal/blas"
)

// Section is one section of the report of `recog all`: a template and the
// stages whose metrics it shows. A stage that did not succeed makes the
// section say so instead ("**failed:** reason (stage `q4`)").
type Section struct {
	File   string   // template in docs/report
	Stages []string // stages it needs
}

// Sections are the report's sections in order, between header.md and
// times.md.
var Sections = []Section{
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

// Compose renders the report from the templates of fsys (docs/report) and
// the metrics m of a run (one object per stage, plus "stages" with each
// stage's status and reason, "run" and "cmp"): header.md, each of Sections,
// times.md.
func Compose(fsys fs.FS, m map[string]any) (string, error) {
	var b strings.Builder
	part := func(file string) error {
		t, err := fs.ReadFile(fsys, file)
		if err != nil {
			return err
		}
		s, err := Render(file, string(t), m)
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
	for _, sec := range Sections {
		var missing []string
		for _, st := range sec.Stages {
			if s, _ := stages[st].(map[string]any); s["status"] != "ok" {
				missing = append(missing, st)
			}
		}
		if len(missing) == 0 {
			if err := part(sec.File); err != nil {
				return "", err
			}
			continue
		}
		t, err := fs.ReadFile(fsys, sec.File)
		if err != nil {
			return "", err
		}
		title, _, _ := strings.Cut(string(t), "\n") // the section's title is the template's first line
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

var figureLink = regexp.MustCompile(`\]\(([A-Za-z0-9_./\-]+\.png)\)`)

// Relink returns md with each figure link "](q3/q3_loss.png)" pointing
// into dir instead ("](results/q3/q3_loss.png)"), and the figures' paths
// as they were, for a copy of the report kept elsewhere (docs/RESULTS.md).
func Relink(md, dir string) (string, []string) {
	var figs []string
	out := figureLink.ReplaceAllStringFunc(md, func(s string) string {
		rel := figureLink.FindStringSubmatch(s)[1]
		figs = append(figs, rel)
		return "](" + dir + "/" + rel + ")"
	})
	return out, figs
}

// Comparisons are the differences the report's sentences are about,
// computed once from the metrics m so that the report shows them with
// markers like every other number. A comparison whose inputs are missing is
// left out.
func Comparisons(m map[string]any) map[string]any {
	get := func(path string) (float64, bool) {
		v, ok := Lookup(m, path)
		if !ok {
			return 0, false
		}
		return Number(v)
	}
	out := map[string]any{}
	for _, d := range []struct{ name, a, b string }{
		{"q3_train_minus_valid", "q3.train_acc", "q3.valid_acc"},
		{"q5_improved_minus_default_test_db", "q5_improved.test_psnr_db", "q5.test_psnr_db"},
		{"pca_minus_q5_default_test_db", "q6.test_psnr_db", "q5.test_psnr_db"},
		{"q5_improved_minus_pca_test_db", "q5_improved.test_psnr_db", "q6.test_psnr_db"},
		{"q5_params_minus_pca", "q6.params_autoencoder", "q6.params"},
		{"q7_mlp_minus_q3_test_acc", "q7_mlp.test_acc", "q3.test_acc"},
		{"q7_cnn_minus_mlp_test_acc", "q7_nist36.test_acc", "q7_mlp.test_acc"},
		{"emnist_photos_minus_q3_cer", "q7_emnist_photos.cer", "q4.cer"},
		{"flowers_finetune_minus_scratch", "q7_flowers.finetune_test_acc", "q7_flowers.scratch_test_acc"},
	} {
		x, ok1 := get(d.a)
		y, ok2 := get(d.b)
		if ok1 && ok2 {
			out[d.name] = x - y
		}
	}
	if v, ok := Lookup(m, "q5.train_loss_per_image"); ok {
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
	if best, ok := get("q3_sweep.best_lr"); ok {
		if lrs, ok := Lookup(m, "q3_sweep.sweep_lr"); ok {
			for i, lr := range floats(lrs) {
				if lr == best {
					out["q3_sweep_best_index"] = i
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
			f, ok := Number(e)
			if !ok {
				return nil
			}
			out[i] = f
		}
		return out
	}
	return nil
}

// Commit returns the short hash of the checked-out commit, with a note
// when tracked files have uncommitted changes ("unknown" outside git). A
// run takes it when it starts, so that the stamp names the code that ran
// even if files are edited while it runs.
func Commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	commit := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += " (with uncommitted changes)"
	}
	return commit
}

// LoadAvg returns the machine's load averages over 1, 5 and 15 minutes
// ("1.51 1.36 1.06", from /proc/loadavg), or "" where there is none.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// RunInfo describes a run of `recog all` for the report's header: date,
// commit (Commit, taken when the run started), the load averages when it
// started (loadStart, LoadAvg) and ended, mode, machine, BLAS, total time
// and the stages in order.
func RunInfo(quick bool, commit, loadStart string, total float64, stages []string) map[string]any {
	return map[string]any{
		"load_start": loadStart, "load_end": LoadAvg(),
		"stage_order": stages,
		"date":        time.Now().UTC().Format("2006-01-02 15:04 UTC"), "commit": commit,
		"mode": map[bool]string{true: "quick", false: "default"}[quick], "quick": quick,
		"cores": runtime.NumCPU(), "goos": runtime.GOOS, "goarch": runtime.GOARCH, "go": runtime.Version(),
		"blas": blas.Name(), "total_s": total, "total_min": total / 60,
	}
}

package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// StudiesDir is where the committed study outputs live, relative to the
// docs folder: one folder per study run (docs/results/studies/NAME/), holding
// the metrics.json its command wrote and a run.json of its provenance.
//
// A study is a run outside `recog all` (an ablation row, a recipe, a model
// training) whose numbers a docs page shows. Committing its metrics.json lets
// the page mark those numbers as it marks the default run's, so that the
// same test checks them (TestDocsAgreeWithCommittedRun) and the same fill
// rewrites them (`recog all --report-only --docs docs`).
const StudiesDir = "results/studies"

// StudiesKey is the key under which WithStudies puts the studies in the
// metrics map: a page writes 0.8849<!--studies.nist36-abl0.final_valid_acc-->.
const StudiesKey = "studies"

// GoldenDir is the folder of the tests' golden files, relative to the docs
// folder (the repository's golden/, next to docs/): golden/PKG/NAME.json is
// written by `go test ./PKG -update` and compared by the same test.
const GoldenDir = "../golden"

// GoldenKey is the key under which WithStudies puts the golden JSON files:
// a page writes 0.1250<!--golden.q4_ocr.cer.photos.4.cer--> for the value
// that golden/q4_ocr/cer.json holds, a number that a test both checks and
// writes.
const GoldenKey = "golden"

// runFields are the fields every study's run.json must give as non-empty
// strings: what was run, from which commit, when and on how loaded a
// machine (so that a reader can judge its times).
var runFields = []string{"command", "commit", "date", "load"}

// LoadStudies reads every study under dir (DOCS/results/studies): for each
// folder NAME, NAME/metrics.json (a JSON object) with NAME/run.json (a JSON
// object giving command, commit, date and load as strings) added under the
// key "run". It returns the studies by name; a missing dir is no studies. A
// folder without either file, a file that is not a JSON object, a run.json
// without a field, or a metrics.json that has a "run" key of its own is an
// error naming the file.
func LoadStudies(dir string) (map[string]any, error) {
	return readDirMap(dir, func(path string, e os.DirEntry) (any, bool, error) {
		if !e.IsDir() {
			return nil, false, fmt.Errorf("%s: not a study folder (a study is a folder NAME with metrics.json and run.json)", path)
		}
		s, err := loadStudy(path)
		return s, err == nil, err
	})
}

// readDirMap reads the entries of dir (none when dir does not exist) and
// returns, by entry name, the value load gives each entry it keeps (ok),
// with the errors load returns for any of them joined.
func readDirMap(dir string, load func(path string, e os.DirEntry) (v any, ok bool, err error)) (map[string]any, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	var errs []error
	for _, e := range entries {
		v, ok, err := load(filepath.Join(dir, e.Name()), e)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			out[e.Name()] = v
		}
	}
	return out, errors.Join(errs...)
}

// loadStudy reads one study folder (LoadStudies).
func loadStudy(dir string) (map[string]any, error) {
	m, err := readObject(filepath.Join(dir, "metrics.json"))
	if err != nil {
		return nil, err
	}
	runPath := filepath.Join(dir, "run.json")
	run, err := readObject(runPath)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, f := range runFields {
		if s, ok := run[f].(string); !ok || s == "" {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("%s: no %q (a run.json gives %q as strings)", runPath, missing, runFields)
	}
	if _, ok := m["run"]; ok {
		return nil, fmt.Errorf("%s: has a \"run\" key, where the study's run.json goes", filepath.Join(dir, "metrics.json"))
	}
	m["run"] = run
	return m, nil
}

// LoadGolden reads every JSON file of the tests' golden folder dir
// (golden/): golden/PKG/NAME.json under PKG, then NAME (the file name
// without .json), holding the file's JSON value. Other files (PNGs, text)
// and deeper folders are not read; a missing dir is no golden files. A file
// that is not JSON is an error naming it.
func LoadGolden(dir string) (map[string]any, error) {
	return readDirMap(dir, func(path string, e os.DirEntry) (any, bool, error) {
		if !e.IsDir() {
			return nil, false, nil
		}
		files, err := filepath.Glob(filepath.Join(path, "*.json"))
		if err != nil {
			return nil, false, err
		}
		pkg := map[string]any{}
		var errs []error
		for _, f := range files {
			v, err := readJSON(f)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			pkg[strings.TrimSuffix(filepath.Base(f), ".json")] = v
		}
		return pkg, true, errors.Join(errs...)
	})
}

// readJSON reads the JSON value of the file at path; errors name the file.
func readJSON(path string) (any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err // names the path
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// readObject reads a JSON object from the file at path; errors name the file.
func readObject(path string) (map[string]any, error) {
	v, err := readJSON(path)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	if m == nil {
		return nil, fmt.Errorf("%s: not a JSON object", path)
	}
	return m, nil
}

// WithStudies returns the metrics a docs page is filled and checked with:
// a copy of the run's metrics m with the studies of docs (LoadStudies of
// DOCS/results/studies) under StudiesKey and the tests' golden JSON files
// (LoadGolden of DOCS/../golden) under GoldenKey. m itself is not changed,
// so the run's metrics.json stays the run's alone. An m that already has
// either key is an error.
func WithStudies(m map[string]any, docs string) (map[string]any, error) {
	for _, k := range []string{StudiesKey, GoldenKey} {
		if _, ok := m[k]; ok {
			return nil, fmt.Errorf("the run's metrics already have a %q key", k)
		}
	}
	st, err := LoadStudies(filepath.Join(docs, filepath.FromSlash(StudiesDir)))
	if err != nil {
		return nil, err
	}
	g, err := LoadGolden(filepath.Join(docs, filepath.FromSlash(GoldenDir)))
	if err != nil {
		return nil, err
	}
	out := maps.Clone(m)
	out[StudiesKey] = st
	out[GoldenKey] = g
	return out, nil
}

// Package report fills the report templates of `recog all` (docs/report/)
// with measured numbers and checks the result.
//
// A template is Go text/template text rendered with the run's metrics, a
// nested map whose leaves are JSON values (numbers are float64), so
// conditionals compare measurements directly:
//
//	{{if gt .q5_improved.test_psnr_db .q6.test_psnr_db}}beats{{else}}does not beat{{end}}
//
// Numbers are written with {{num "q3.valid_acc" 3}}: the value at that dotted
// path, formatted with 3 decimals and followed by a marker naming the path,
// 0.793<!--q3.valid_acc-->, which GitHub does not show. Strings from the
// metrics are written with {{str "q3.confused_pairs.0"}} as
// <!--s:q3.confused_pairs.0-->text<!--/s-->. Check reads the markers back
// and verifies each shown value against the metrics, so a report can be
// tested for numbers that disagree with metrics.json.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"text/template"
)

// Lookup returns the value at a dotted path in m: "q3.valid_acc",
// "q5.dead_units.0" (a number indexes a slice).
func Lookup(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		v := reflect.ValueOf(cur)
		switch v.Kind() {
		case reflect.Map:
			if v.Type().Key().Kind() != reflect.String {
				return nil, false
			}
			e := v.MapIndex(reflect.ValueOf(part).Convert(v.Type().Key()))
			if !e.IsValid() {
				return nil, false
			}
			cur = e.Interface()
		case reflect.Slice, reflect.Array:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= v.Len() {
				return nil, false
			}
			cur = v.Index(i).Interface()
		default:
			return nil, false
		}
	}
	return cur, true
}

// Number converts a numeric value (any Go integer or float kind) to float64.
func Number(v any) (float64, bool) {
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Float32, reflect.Float64:
		return r.Float(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(r.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(r.Uint()), true
	}
	return 0, false
}

// Format returns v with digits decimals ('f' format; digits 0 gives an
// integer).
func Format(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if s == "-0" || strings.Trim(s, "-0.") == "" && strings.HasPrefix(s, "-") {
		s = s[1:] // no "-0.000"
	}
	return s
}

// Render fills the template text (named name in errors) with the metrics m.
// A missing key, a non-numeric value given to num or a path without a
// string given to str is an error.
func Render(name, text string, m map[string]any) (string, error) {
	funcs := template.FuncMap{
		"num": func(path string, digits int) (string, error) {
			v, ok := Lookup(m, path)
			if !ok {
				return "", fmt.Errorf("no metric %q", path)
			}
			f, ok := Number(v)
			if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
				return "", fmt.Errorf("metric %q is %v, not a finite number", path, v)
			}
			if digits < 0 || digits > 12 {
				return "", fmt.Errorf("num %q: %d digits, want 0..12", path, digits)
			}
			return Format(f, digits) + "<!--" + path + "-->", nil
		},
		"str": func(path string) (string, error) {
			v, ok := Lookup(m, path)
			if !ok {
				return "", fmt.Errorf("no metric %q", path)
			}
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("metric %q is %v, not a string", path, v)
			}
			if strings.Contains(s, "<!--") || strings.Contains(s, "\n") {
				return "", fmt.Errorf("metric %q: %q cannot be shown in one line", path, s)
			}
			return "<!--s:" + path + "-->" + s + "<!--/s-->", nil
		},
		// has reports whether the path exists (and is not null).
		"has": func(path string) bool {
			v, ok := Lookup(m, path)
			return ok && v != nil
		},
		// len of a slice at path (0 when missing).
		"count": func(path string) int {
			v, ok := Lookup(m, path)
			if !ok {
				return 0
			}
			r := reflect.ValueOf(v)
			if r.Kind() == reflect.Slice || r.Kind() == reflect.Array {
				return r.Len()
			}
			return 0
		},
		"inc": func(i int) int { return i + 1 },
		"dec": func(i int) int { return i - 1 },
		"seq": func(n int) []int {
			out := make([]int, max(n, 0))
			for i := range out {
				out[i] = i
			}
			return out
		},
		"path": func(parts ...any) string {
			s := make([]string, len(parts))
			for i, p := range parts {
				s[i] = fmt.Sprint(p)
			}
			return strings.Join(s, ".")
		},
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(funcs).Parse(text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, m); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Mark is one value shown in a report: the path of its metric and the text
// shown.
type Mark struct {
	Path, Text string
	Number     bool // a num marker (else a str marker)
}

var (
	comment = regexp.MustCompile(`<!--(.*?)-->`)
	// A marker path is keys joined by dots; a key may hold '>' besides
	// letters, digits, '_' and '-', for the substitution counts of a golden
	// file ("O->0": golden.q4_ocr.cer.substitutions.O->0).
	numMark = regexp.MustCompile(`(-?[0-9]+(?:\.[0-9]+)?)<!--([A-Za-z0-9_.\->]+)-->$`)
	strMark = regexp.MustCompile(`(?s)^<!--s:([A-Za-z0-9_.\->]+)-->(.*?)<!--/s-->`)
)

// Marks returns every marked value of a rendered report, in order. Any
// other HTML comment, or a marker without its value, is an error.
func Marks(md string) ([]Mark, error) {
	at, err := marksAt(md)
	out := make([]Mark, len(at))
	for i, a := range at {
		out[i] = a.Mark
	}
	return out, err
}

// markAt is a Mark and where its shown text is in the report, md[start:end].
type markAt struct {
	Mark
	start, end int
}

func marksAt(md string) ([]markAt, error) {
	var out []markAt
	for _, loc := range comment.FindAllStringSubmatchIndex(md, -1) {
		body := md[loc[2]:loc[3]]
		switch {
		case body == "/s":
			continue // the end of a str marker, read with its start
		case strings.HasPrefix(body, "s:"):
			sm := strMark.FindStringSubmatchIndex(md[loc[0]:])
			if sm == nil {
				return nil, fmt.Errorf("offset %d: string marker %q without its end", loc[0], body)
			}
			start, end := loc[0]+sm[4], loc[0]+sm[5]
			out = append(out, markAt{Mark{Path: md[loc[0]+sm[2] : loc[0]+sm[3]], Text: md[start:end]}, start, end})
		default:
			lo := max(0, loc[0]-40)
			nm := numMark.FindStringSubmatchIndex(md[lo:loc[1]])
			if nm == nil {
				return nil, fmt.Errorf("offset %d: comment <!--%s--> does not follow a number", loc[0], body)
			}
			start, end := lo+nm[2], lo+nm[3]
			// "rank-32": a hyphen after a letter or digit is not a sign.
			if md[start] == '-' && start > 0 && isWordByte(md[start-1]) {
				start++
			}
			out = append(out, markAt{Mark{Path: md[lo+nm[4] : lo+nm[5]], Text: md[start:end], Number: true}, start, end})
		}
	}
	return out, nil
}

// Fill returns md with every marked value replaced by its metric in m: a
// number with as many decimals as the text it replaces, a string as it is.
// It is how a page written by hand (docs/qN_*.md), its numbers marked as
// the report's are, takes the numbers of a new run. A marker whose metric
// is missing, or is not a number (a string) where the marker wants one, is
// an error.
func Fill(md string, m map[string]any) (string, error) {
	at, err := marksAt(md)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var errs []error
	prev := 0
	for _, k := range at {
		text, err := shown(k.Mark, m)
		if err != nil {
			errs = append(errs, err)
			text = k.Text
		}
		b.WriteString(md[prev:k.start])
		b.WriteString(text)
		prev = k.end
	}
	b.WriteString(md[prev:])
	return b.String(), errors.Join(errs...)
}

// shown is the text a mark shows for its metric in m (a number rounded to
// the decimals of k.Text).
func shown(k Mark, m map[string]any) (string, error) {
	v, ok := Lookup(m, k.Path)
	if !ok {
		return "", fmt.Errorf("%s: shown as %q but not in the metrics", k.Path, k.Text)
	}
	if !k.Number {
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("%s: shown as %q, metric is %v", k.Path, k.Text, v)
		}
		return s, nil
	}
	f, ok := Number(v)
	if !ok {
		return "", fmt.Errorf("%s: shown as %q, metric is %v", k.Path, k.Text, v)
	}
	return Format(f, decimals(k.Text)), nil
}

// decimals is the number of digits after the point of a number's text.
func decimals(text string) int {
	if i := strings.IndexByte(text, '.'); i >= 0 {
		return len(text) - i - 1
	}
	return 0
}

// Check verifies a rendered report against the metrics: every marked number
// equals its metric rounded to the decimals shown, every marked string
// equals its metric, and no template action is left. It returns the marks.
func Check(md string, m map[string]any) ([]Mark, error) {
	if i := strings.Index(md, "{{"); i >= 0 {
		return nil, fmt.Errorf("offset %d: unfilled template action %q", i, md[i:min(len(md), i+40)])
	}
	marks, err := Marks(md)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, k := range marks {
		want, err := shown(k, m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if want == k.Text {
			continue
		}
		if !k.Number {
			errs = append(errs, fmt.Errorf("%s: shown as %q, metric is %q", k.Path, k.Text, want))
			continue
		}
		// "0.000" shows a metric of -0.0001 too (Format drops the sign).
		if f, err := strconv.ParseFloat(k.Text, 64); err != nil || Format(f, decimals(k.Text)) != want {
			v, _ := Lookup(m, k.Path)
			errs = append(errs, fmt.Errorf("%s: shown as %s, metric %v rounds to %s", k.Path, k.Text, v, want))
		}
	}
	return marks, errors.Join(errs...)
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

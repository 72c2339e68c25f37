package report

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func metrics() map[string]any {
	return map[string]any{
		"q3":  map[string]any{"valid_acc": 0.79349, "pairs": []any{"O/0: 35", "I/1: 17"}, "epochs": 50.0},
		"q5":  map[string]any{"dead": []any{13.0, 1.0, 1.0}, "db": -0.25},
		"run": map[string]any{"quick": false},
	}
}

func TestLookup(t *testing.T) {
	m := metrics()
	for _, tc := range []struct {
		path string
		want any
		ok   bool
	}{
		{"q3.valid_acc", 0.79349, true},
		{"q3.pairs.1", "I/1: 17", true},
		{"q5.dead.0", 13.0, true},
		{"q5.dead.3", nil, false},
		{"q5.dead.x", nil, false},
		{"q3.nope", nil, false},
		{"q3.valid_acc.0", nil, false},
		{"run.quick", false, true},
	} {
		got, ok := Lookup(m, tc.path)
		require.Equal(t, tc.ok, ok, tc.path)
		require.Equal(t, tc.want, got, tc.path)
	}
	got, ok := Lookup(map[string]any{"a": []float64{1, 2}, "b": map[string]int{"c": 3}}, "b.c")
	require.True(t, ok)
	require.Equal(t, 3, got)
	got, ok = Lookup(map[string]any{"a": []float64{1, 2}}, "a.1")
	require.True(t, ok)
	require.Equal(t, 2.0, got)
}

func TestRenderAndCheck(t *testing.T) {
	m := metrics()
	tmpl := `valid {{num "q3.valid_acc" 3}} after {{num "q3.epochs" 0}} epochs; ` +
		`{{if gt .q3.valid_acc 0.75}}above{{else}}below{{end}} 0.75; ` +
		`{{range $i, $p := .q3.pairs}}{{str (path "q3.pairs" $i)}};{{end}} ` +
		`dead {{range $i, $d := .q5.dead}}{{num (path "q5.dead" $i) 0}} {{end}}db {{num "q5.db" 1}} rank-{{num "q3.epochs" 0}}`
	md, err := Render("t", tmpl, m)
	require.NoError(t, err)
	require.Equal(t, "valid 0.793<!--q3.valid_acc--> after 50<!--q3.epochs--> epochs; above 0.75; "+
		"<!--s:q3.pairs.0-->O/0: 35<!--/s-->;<!--s:q3.pairs.1-->I/1: 17<!--/s-->; "+
		"dead 13<!--q5.dead.0--> 1<!--q5.dead.1--> 1<!--q5.dead.2--> db -0.2<!--q5.db--> rank-50<!--q3.epochs-->", md)
	marks, err := Check(md, m)
	require.NoError(t, err)
	require.Len(t, marks, 9)
	require.Equal(t, Mark{Path: "q5.db", Text: "-0.2", Number: true}, marks[7])
	require.Equal(t, Mark{Path: "q3.epochs", Text: "50", Number: true}, marks[8], "the hyphen of rank-50 is no sign")

	// Render refuses what it cannot show.
	for _, bad := range []string{`{{num "q3.nope" 2}}`, `{{num "q3.pairs" 2}}`, `{{str "q3.valid_acc"}}`, `{{.q3.nope}}`, `{{num "q3.valid_acc" 13}}`} {
		_, err := Render("bad", bad, m)
		require.Error(t, err, bad)
	}
}

func TestCheckFindsDisagreements(t *testing.T) {
	m := metrics()
	for _, tc := range []struct{ md, err string }{
		{"valid 0.794<!--q3.valid_acc-->", "q3.valid_acc: shown as 0.794, metric 0.79349 rounds to 0.793"},
		{"valid 0.79<!--q3.valid_acc-->", ""},
		{"valid 0.7935<!--q3.valid_acc-->", ""},
		{"valid 0.79350<!--q3.valid_acc-->", "rounds to 0.79349"},
		{"x 3<!--q3.missing-->", "q3.missing: shown as \"3\" but not in the metrics"},
		{"<!--s:q3.pairs.0-->O/0: 36<!--/s-->", `shown as "O/0: 36"`},
		{"<!--s:q3.pairs.0-->O/0: 35", "without its end"},
		{"text <!--a note-->", "does not follow a number"},
		{"left {{num}}", "unfilled template action"},
		{"db -0.3<!--q5.db-->", "q5.db: shown as -0.3"},
	} {
		_, err := Check(tc.md, m)
		if tc.err == "" {
			require.NoError(t, err, tc.md)
		} else {
			require.ErrorContains(t, err, tc.err, tc.md)
		}
	}
}

func TestFormat(t *testing.T) {
	require.Equal(t, "0.000", Format(-0.0001, 3))
	require.Equal(t, "-0.001", Format(-0.0008, 3))
	require.Equal(t, "12", Format(11.6, 0))
	require.Equal(t, "0", Format(-0.2, 0))
}

// Fill writes the metrics into a page's marked values, numbers with the
// decimals shown, and leaves the rest of the page as it is; a marker whose
// metric is missing or of the wrong kind is an error naming it.
func TestFill(t *testing.T) {
	m := metrics()
	page := "valid 0.5<!--q3.valid_acc--> (0.79<!--q3.valid_acc-->), rank-7<!--q3.epochs-->, " +
		"<!--s:q3.pairs.1-->x<!--/s--> db 3<!--q5.db--> end"
	got, err := Fill(page, m)
	require.NoError(t, err)
	require.Equal(t, "valid 0.8<!--q3.valid_acc--> (0.79<!--q3.valid_acc-->), rank-50<!--q3.epochs-->, "+
		"<!--s:q3.pairs.1-->I/1: 17<!--/s--> db 0<!--q5.db--> end", got)
	_, err = Check(got, m)
	require.NoError(t, err)
	_, err = Check(page, m)
	require.Error(t, err)
	for _, bad := range []string{"1<!--q3.nope-->", "1<!--q3.pairs.0-->", "<!--s:q3.epochs-->50<!--/s-->", "<!--a comment-->"} {
		_, err := Fill(bad, m)
		require.Error(t, err, bad)
	}
}

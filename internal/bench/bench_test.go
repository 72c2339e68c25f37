package bench

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{1, 2}, 1.5},
		{[]float64{1, 2, 9}, 2},
		{[]float64{1, 2, 4, 9}, 3},
	} {
		require.Equal(t, c.want, Median(c.v), "%v", c.v)
	}
}

// TestRun: the matching cases in name order, each set up once and run
// Repeat+1 times (one warm-up); errors name the case; no match is
// ErrNoMatch.
func TestRun(t *testing.T) {
	runs := map[string]int{}
	mk := func(name string, fail error) Case {
		return Case{Name: name, What: "what " + name, Setup: func(dir string) (func() error, error) {
			require.Equal(t, "DATA", dir)
			return func() error { runs[name]++; return fail }, nil
		}}
	}
	cases := []Case{mk("q7/b", nil), mk("q3/a", nil), mk("gemm/x", nil)}
	var out bytes.Buffer
	require.NoError(t, Run(&out, cases, Options{Match: regexp.MustCompile("^q"), Repeat: 3, DataDir: "DATA"}))
	require.Equal(t, map[string]int{"q3/a": 4, "q7/b": 4}, runs)
	s := out.String()
	require.Contains(t, s, "3 timed runs per case")
	require.Less(t, strings.Index(s, "q3/a"), strings.Index(s, "q7/b"))
	require.Contains(t, s, "what q7/b")

	boom := errors.New("boom")
	err := Run(&out, []Case{mk("q5/epoch", boom)}, Options{Repeat: 1, DataDir: "DATA"})
	require.ErrorIs(t, err, boom)
	require.ErrorContains(t, err, "bench q5/epoch: boom")

	require.ErrorIs(t, Run(&out, cases, Options{Match: regexp.MustCompile("none"), Repeat: 1, DataDir: "DATA"}), ErrNoMatch)
}

// Every shape of the project has a gemm case, and one runs.
func TestGemmCases(t *testing.T) {
	cs := GemmCases()
	require.NotEmpty(t, cs)
	op, err := cs[0].Setup("")
	require.NoError(t, err)
	require.NoError(t, op())
}

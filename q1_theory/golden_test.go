package theory

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

// measured is a number that a test measures and docs/q1_theory.md shows:
// the value (6 significant digits) and, for the page, its mantissa with one
// decimal and its power of ten (value ≈ m · 10^e).
type measured struct {
	Value float64 `json:"value"`
	M     float64 `json:"m"`
	E     int     `json:"e"`
}

// measure returns v as a measured number.
func measure(v float64) measured {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return measured{Value: v}
	}
	e := int(math.Floor(math.Log10(math.Abs(v))))
	m := math.Round(v/math.Pow(10, float64(e))*10) / 10
	if math.Abs(m) >= 10 { // 9.96 rounds to 10.0
		m, e = m/10, e+1
	}
	six, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	return measured{Value: six, M: m, E: e}
}

// assertMeasured writes got to golden/q1_theory/NAME under -update; otherwise
// it compares every value with the golden's to a relative rel, keys and
// order alike.
func assertMeasured(t *testing.T, name string, got map[string]measured, rel float64) {
	t.Helper()
	var want map[string]measured
	if !datatest.GoldenNumbers(t, "q1_theory", name, got, &want, nil) {
		return
	}
	require.Len(t, got, len(want), name)
	for k, w := range want {
		g, ok := got[k]
		require.True(t, ok, "%s: no %q", name, k)
		require.InDelta(t, w.Value, g.Value, rel*math.Abs(w.Value), "%s: %s", name, k)
	}
}

func TestMeasure(t *testing.T) {
	require.Equal(t, measured{Value: 3.50212e-7, M: 3.5, E: -7}, measure(3.502123e-7))
	require.Equal(t, measured{Value: 0.0502, M: 5, E: -2}, measure(0.0502))
	require.Equal(t, measured{Value: 9.96, M: 1, E: 1}, measure(9.96))
	require.Equal(t, measured{Value: 1.4e21, M: 1.4, E: 21}, measure(1.4e21))
}

package viz

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks is a plot.Ticker with labelled major ticks every step, where step
// is 1, 2 or 5 × 10^k chosen so that about Target ticks fall in the range,
// and unlabelled minor ticks every step/5 (step/2 for a step of 2 × 10^k).
// Labels have as many decimals as the step needs (0.05 → "0.15").
type niceTicks struct{ Target int }

// niceStep returns the smallest 1, 2 or 5 × 10^k that is ≥ span / target.
func niceStep(span float64, target int) float64 {
	raw := span / float64(max(target, 1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*mag >= raw*(1-1e-9) {
			return f * mag
		}
	}
	return 10 * mag
}

// Ticks implements plot.Ticker.
func (nt niceTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) { // plot sanitises ranges; be safe anyway
		if lo == hi && !math.IsInf(lo, 0) {
			return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', -1, 64)}}
		}
		return nil
	}
	step := niceStep(span, nt.Target)
	mant := step / math.Pow(10, math.Floor(math.Log10(step)))
	minor := step / 5
	if math.Abs(mant-2) < 1e-9 {
		minor = step / 2
	}
	dec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if math.Abs(mant-2.5) < 1e-9 {
		dec++
	}
	var ticks []plot.Tick
	k0, k1 := int(math.Ceil(lo/minor-1e-9)), int(math.Floor(hi/minor+1e-9))
	perMajor := int(math.Round(step / minor))
	for k := k0; k <= k1; k++ {
		v := float64(k) * minor
		if math.Abs(v) < minor*1e-9 {
			v = 0
		}
		t := plot.Tick{Value: v}
		if k%perMajor == 0 {
			t.Label = strconv.FormatFloat(v, 'f', dec, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

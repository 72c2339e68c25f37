// Package vec holds the small vector functions that several packages share,
// so that each is written once: Argmax.
package vec

import "cmp"

// Argmax returns the index of the largest value of v, the first one on ties,
// and -1 when v is empty. It keeps v[0] and replaces it by each later value
// greater than the best so far; a comparison with NaN is false, so a later
// NaN is never chosen and a NaN at index 0 is never replaced.
func Argmax[T cmp.Ordered](v []T) int {
	if len(v) == 0 {
		return -1
	}
	best := 0
	for j, x := range v {
		if x > v[best] {
			best = j
		}
	}
	return best
}

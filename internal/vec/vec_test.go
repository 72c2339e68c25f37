package vec

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestArgmax(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    []float64
		want int
	}{
		{"empty", nil, -1},
		{"one", []float64{-3}, 0},
		{"largest", []float64{0.1, 0.7, 0.2}, 1},
		{"first on ties", []float64{0.4, 0.1, 0.4}, 0},
		{"negative", []float64{-5, -1, -2}, 1},
		{"a later NaN is never chosen", []float64{2, math.NaN(), 3, math.NaN()}, 2},
		{"a NaN first is never replaced", []float64{math.NaN(), 2, 3}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Argmax(tc.v))
		})
	}
	require.Equal(t, 2, Argmax([]float32{1, 2, 3}))
	require.Equal(t, 1, Argmax([]int{7, 9, 9}))
}

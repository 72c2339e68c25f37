package nn

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// Grades get_random_batches: every sample once per epoch, batch sizes, a new
// permutation each epoch, determinism from the seed, X and Y rows kept together.
func TestQ2_4_RandomBatches(t *testing.T) {
	for _, tc := range []struct {
		n, bs int
		sizes []int
	}{
		{10, 3, []int{3, 3, 3, 1}},
		{12, 4, []int{4, 4, 4}},
		{5, 8, []int{5}},
		{1, 1, []int{1}},
		{0, 4, []int{}},
	} {
		rng := newRand(21)
		var prev []int
		for epoch := 0; epoch < 3; epoch++ {
			idx, err := BatchIndices(tc.n, tc.bs, rng)
			require.NoError(t, err)
			sizes := []int{}
			var all []int
			for _, b := range idx {
				sizes = append(sizes, len(b))
				all = append(all, b...)
			}
			require.Equal(t, tc.sizes, sizes, "n=%d bs=%d sizes", tc.n, tc.bs)
			sorted := slices.Sorted(slices.Values(all))
			for i, v := range sorted {
				require.Equal(t, i, v, "n=%d: every sample exactly once", tc.n)
			}
			if tc.n >= 10 && epoch > 0 {
				require.NotEqual(t, prev, all, "new permutation each epoch")
			}
			prev = all
		}
	}

	// Same seed, same batches.
	a, err := BatchIndices(50, 7, newRand(4))
	require.NoError(t, err)
	b, err := BatchIndices(50, 7, newRand(4))
	require.NoError(t, err)
	require.Equal(t, a, b)

	// RandomBatches copies matching rows of X and Y.
	const n, c = 11, 3
	x := mat.NewDense(n, 2, nil)
	y := mat.NewDense(n, c, nil)
	for i := 0; i < n; i++ {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, -float64(i))
		y.Set(i, i%c, 1)
	}
	batches, err := RandomBatches(x, y, 4, newRand(9))
	require.NoError(t, err)
	require.Len(t, batches, 3)
	seen := map[int]bool{}
	for _, bt := range batches {
		r, _ := bt.X.Dims()
		ry, _ := bt.Y.Dims()
		require.Equal(t, r, ry)
		for i := 0; i < r; i++ {
			k := int(bt.X.At(i, 0))
			require.Equal(t, -float64(k), bt.X.At(i, 1))
			require.Equal(t, 1.0, bt.Y.At(i, k%c), "row %d keeps its label", k)
			require.False(t, seen[k])
			seen[k] = true
		}
	}
	require.Len(t, seen, n)

	_, err = RandomBatches(x, mat.NewDense(3, c, nil), 4, newRand(1))
	require.ErrorContains(t, err, "11 rows but y has 3")
	_, err = BatchIndices(5, 0, newRand(1))
	require.Error(t, err)
	_, err = BatchIndices(5, 2, nil)
	require.Error(t, err)
}

package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Batch is one mini-batch: rows of X with the matching rows of Y.
type Batch struct {
	X, Y *mat.Dense
}

// BatchIndices splits a fresh random permutation of 0..n-1 into consecutive
// batches of batchSize indices (the last one holds the remaining n mod
// batchSize, if any): every index appears exactly once.
//
//recog:starter Q2.4
func BatchIndices(n, batchSize int, rng *rand.Rand) ([][]int, error) {
	if n < 0 || batchSize <= 0 {
		return nil, fmt.Errorf("batches: %d examples in batches of %d: want n ≥ 0 and batch size > 0", n, batchSize)
	}
	if rng == nil {
		return nil, errors.New("batches: nil *rand.Rand")
	}
	perm := rng.Perm(n)
	out := make([][]int, 0, (n+batchSize-1)/batchSize)
	for start := 0; start < n; start += batchSize {
		out = append(out, perm[start:min(start+batchSize, n):min(start+batchSize, n)])
	}
	return out, nil
}

// RandomBatches returns x and y (rows = examples) shuffled by a fresh random
// permutation and cut into batches of batchSize rows, the last one possibly
// smaller: the assignment's get_random_batches. The batches are copies.
func RandomBatches(x, y *mat.Dense, batchSize int, rng *rand.Rand) ([]Batch, error) {
	if x == nil || y == nil {
		return nil, errors.New("batches: nil x or y")
	}
	n, dx := x.Dims()
	ny, dy := y.Dims()
	if n != ny {
		return nil, fmt.Errorf("batches: x has %d rows but y has %d", n, ny)
	}
	idx, err := BatchIndices(n, batchSize, rng)
	if err != nil {
		return nil, err
	}
	out := make([]Batch, len(idx))
	for b, rows := range idx {
		out[b] = Batch{X: gather(nil, x, rows, dx), Y: gather(nil, y, rows, dy)}
	}
	return out, nil
}

// gather copies rows of src into dst (resized to len(rows) x cols).
func gather(dst, src *mat.Dense, rows []int, cols int) *mat.Dense {
	dst = resize(dst, len(rows), cols)
	for i, k := range rows {
		copy(dst.RawRowView(i), src.RawRowView(k))
	}
	return dst
}

package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
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
		out[b] = Batch{X: gather(nil, x, rows, dx, dx), Y: gather(nil, y, rows, dy, dy)}
	}
	return out, nil
}

// gather copies rows of src into dst, made len(rows) x cols with its rows
// stride ≥ cols values apart, reusing dst's storage when it holds enough.
func gather(dst, src *mat.Dense, rows []int, cols, stride int) *mat.Dense {
	var buf []float64
	if dst != nil {
		buf = dst.RawMatrix().Data
	}
	need := (len(rows)-1)*stride + cols
	if cap(buf) < need {
		buf = make([]float64, need)
	}
	raw := blas64.General{Rows: len(rows), Cols: cols, Stride: stride, Data: buf[:need]}
	for i, k := range rows {
		copy(raw.Data[i*stride:i*stride+cols], src.RawRowView(k))
	}
	if dst == nil {
		dst = new(mat.Dense)
	}
	dst.SetRawMatrix(raw)
	return dst
}

// prefetch gathers the rows of the next batch on another goroutine while
// the current one trains, into the other of two pairs of buffers. The
// gather reads rows scattered over the whole training set (8 KiB each in
// Q3, mostly from memory rather than cache): in line, it took a seventh of
// a Q3 epoch, whose products are too small to split over the cores (see
// internal/blas), so the other core is free for it. The batches are copied
// exactly, so the training is the same.
type prefetch struct {
	x, y [2]*mat.Dense
	cur  int           // the pair that start filled last
	done chan struct{} // receives when that gather has finished
}

// start gathers the rows of ds into the pair of buffers not handed out by
// the last wait. Each start must be followed by a wait before the next.
func (p *prefetch) start(ds *data.Dataset, rows []int) {
	if p.done == nil {
		p.done = make(chan struct{}, 1)
	}
	p.cur ^= 1
	k := p.cur
	_, dx := ds.X.Dims()
	_, dy := ds.Y.Dims()
	go func() {
		p.x[k] = gather(p.x[k], ds.X, rows, dx, paddedStride(dx))
		p.y[k] = gather(p.y[k], ds.Y, rows, dy, dy)
		p.done <- struct{}{}
	}()
}

// wait returns the batch the last start gathered, once it is ready.
func (p *prefetch) wait() (x, y *mat.Dense) {
	<-p.done
	return p.x[p.cur], p.y[p.cur]
}

// paddedStride returns the row stride of a batch of rows of cols values:
// one cache line (8 values) more than cols when a row is a multiple of
// 1 KiB, as Q3's 1024 values are. The weight gradient Xᵀ·dA reads the
// batch down its columns, a value of each row per step of k: rows a
// multiple of 4 KiB apart fall in one set of the L1 cache, which holds 12
// of the 32, and the padding spreads them (that product ran 15% faster, go
// test ./internal/blas -bench on 2026-12-03). Each element of a product is
// summed in the same order whatever the stride, so the results are the
// same.
func paddedStride(cols int) int {
	if cols*8%1024 == 0 {
		return cols + 8
	}
	return cols
}

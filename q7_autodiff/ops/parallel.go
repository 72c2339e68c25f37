package ops

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// chunks is the number of pieces Parallel splits work into. It is fixed
// (not GOMAXPROCS) so that per-chunk partial sums, reduced in chunk order,
// give the same float32 results on any machine.
const chunks = 4

// Parallel runs f(lo, hi, chunk) over [0, n) split into min(chunks, n)
// contiguous chunks and returns the number of chunks. The split depends
// only on n, so reductions done per chunk and then in chunk order are
// deterministic. The chunks are taken in order by min(chunks,
// GOMAXPROCS) goroutines, the caller being one of them, so that no more
// goroutines run than there are processors (with four goroutines on two,
// the scheduler would keep switching them).
func Parallel(n int, f func(lo, hi, chunk int)) int {
	w := min(chunks, n)
	if w <= 1 {
		f(0, n, 0)
		return 1
	}
	var next atomic.Int32
	work := func() {
		for {
			k := int(next.Add(1)) - 1
			if k >= w {
				return
			}
			f(k*n/w, (k+1)*n/w, k)
		}
	}
	var wg sync.WaitGroup
	for range min(w, runtime.GOMAXPROCS(0)) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	return w
}

// bufPool hands out float32 scratch slices; slices come back zero-length-safe
// (callers overwrite or clear them).
var bufPool sync.Pool

func getBuf(n int) []float32 {
	if p, ok := bufPool.Get().(*[]float32); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float32, n)
}

func putBuf(b []float32) {
	if b != nil {
		bufPool.Put(&b)
	}
}

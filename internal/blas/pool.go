package blas

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The helper goroutines of parallel products. A goroutine started or woken
// for a share of a product can begin it tens of microseconds late (its
// thread must be woken, and on a virtual machine its CPU too), so helpers
// do not exit after a product: they spin for helperSpin, ready to take
// shares of the next one at once, then park until woken. (OpenBLAS's
// threads do the same, for longer.)

// helperSpin is how long a helper waits for the next product before it
// parks.
const helperSpin = 100 * time.Microsecond

// job is one parallel product: share(t) computes share t of n.
type job struct {
	share    func(t int)
	n        int64
	next     atomic.Int64  // the next share to take
	done     atomic.Int64  // shares finished
	finished chan struct{} // closed when done reaches n
}

// run takes and computes shares until none is left.
func (j *job) run() {
	for {
		t := j.next.Add(1) - 1
		if t >= j.n {
			return
		}
		j.share(int(t))
		if j.done.Add(1) == j.n {
			close(j.finished)
		}
	}
}

var pool struct {
	mu      sync.Mutex // held by the product that uses the helpers
	cur     atomic.Pointer[job]
	seq     atomic.Uint64 // bumped for each job
	started int           // helpers started, under mu
	parked  atomic.Int32
	wake    chan struct{}
}

// pool.wake holds a token per helper to wake (buffered, so that a token
// sent while a helper is between deciding to park and parking is not lost).
func init() { pool.wake = make(chan struct{}, 256) }

// runShares computes share(t) for t < n on the calling goroutine and up to
// helpers others, returning when all are done. When another product holds
// the helpers, the calling goroutine computes every share itself.
func runShares(n, helpers int, share func(t int)) {
	j := &job{share: share, n: int64(n), finished: make(chan struct{})}
	if !pool.mu.TryLock() {
		j.run()
		return
	}
	for pool.started < helpers {
		pool.started++
		go helper()
	}
	pool.cur.Store(j)
	pool.seq.Add(1)
	for range min(int(pool.parked.Load()), helpers) {
		select {
		case pool.wake <- struct{}{}:
		default:
		}
	}
	j.run()
	pool.cur.Store(nil)
	pool.mu.Unlock()
	if j.done.Load() < j.n {
		<-j.finished
	}
}

// helper runs the shares of each new job, spinning for helperSpin after a
// job before it parks on pool.wake.
func helper() {
	var seen uint64
	for {
		deadline := time.Now().Add(helperSpin)
		for pool.seq.Load() == seen {
			if time.Now().After(deadline) {
				pool.parked.Add(1)
				if pool.seq.Load() == seen {
					<-pool.wake
				}
				pool.parked.Add(-1)
				deadline = time.Now().Add(helperSpin)
				continue
			}
			runtime.Gosched()
		}
		seen = pool.seq.Load()
		if j := pool.cur.Load(); j != nil {
			j.run()
		}
	}
}

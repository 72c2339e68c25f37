package blas

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkGemm times each of Shapes with this package's kernels
// (impl=ours) and, right after, with the reference BLAS of the build
// (reference): gonum's pure-Go BLAS (impl=gonum) in the default build,
// OpenBLAS (impl=openblas) under the openblas tag. It reports GFLOP/s
// (2·M·N·K per product). scripts/bench_gemm.sh runs it in the openblas
// build and prints the ratios.
func BenchmarkGemm(b *testing.B) {
	b.Logf("ours: kernel %s, %d thread(s); installed: %s, %d thread(s)", Kernel(), ourThreads(), Name(), Threads())
	ref := reference()
	for _, s := range Shapes {
		b.Run(fmt.Sprintf("shape=%s-f%d", s.Name, s.Float), func(b *testing.B) {
			for _, impl := range []struct {
				name string
				run  func()
			}{
				{"ours", s.Product(Implementation{}, Implementation{})},
				{ref.name, s.Product(ref.impl, ref.impl)},
			} {
				b.Run("impl="+impl.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						impl.run()
					}
					b.ReportMetric(s.Flops()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		})
	}
}

// pairBatch is how long BenchmarkGemmPaired runs one side of a pair.
const pairBatch = 2 * time.Millisecond

// BenchmarkGemmPaired times each of Shapes with this package's kernels and
// with the reference BLAS of the build in alternation: each iteration is
// one pair, a batch of calls of ours and as many of the reference (which
// of the two goes first alternates), ours taking about pairBatch, each
// batch after one untimed call that brings its operands back into the
// caches (as in BenchmarkGemm, where a product follows itself). It
// reports the median time per call of each (ours-ns/call, ref-ns/call),
// and the median and lower quartile over the pairs of the ratio reference
// time / our time (ratio, ratio-p25; above 1: ours is faster).
//
// It serves the products that both run on one thread (under 2²³
// multiply-adds here, parallelMin, and under 2¹⁸ in OpenBLAS by its
// source's defaults: Q3's, Q5's and the CNNs' small ones). Alternating
// every few milliseconds, the two meet the same slowdowns of a shared
// machine, which come and go over seconds; BenchmarkGemm's two runs of a
// shape are hundreds of milliseconds apart, and the ratio of the 2-8 µs
// products moved by up to 0.3 from one such run to the next. Products that
// use two threads are not compared fairly by it: OpenBLAS's threads spin
// for a while after each call, taking a core from ours (the square
// product took twice its time when it followed OpenBLAS's, 2026-12-03).
func BenchmarkGemmPaired(b *testing.B) {
	ref := reference()
	for _, s := range Shapes {
		b.Run(fmt.Sprintf("shape=%s-f%d", s.Name, s.Float), func(b *testing.B) {
			ours, theirs := s.Product(Implementation{}, Implementation{}), s.Product(ref.impl, ref.impl)
			batch := func(f func(), n int) time.Duration {
				f() // untimed: the operands back in cache after the other's batch
				t := time.Now()
				for range n {
					f()
				}
				return time.Since(t)
			}
			n := 1 // calls per batch: about pairBatch of ours
			for d := batch(ours, n); d < pairBatch; d = batch(ours, n) {
				n = max(2*n, int(float64(n)*float64(pairBatch)/float64(max(d, 1))))
			}
			var to, tr, ratio []float64
			for i := 0; b.Loop(); i++ {
				var o, r time.Duration
				if i%2 == 0 {
					o, r = batch(ours, n), batch(theirs, n)
				} else {
					r, o = batch(theirs, n), batch(ours, n)
				}
				to = append(to, float64(o)/float64(n))
				tr = append(tr, float64(r)/float64(n))
				ratio = append(ratio, float64(r)/float64(o))
			}
			b.ReportMetric(quantile(to, 0.5), "ours-ns/call")
			b.ReportMetric(quantile(tr, 0.5), "ref-ns/call")
			b.ReportMetric(quantile(ratio, 0.5), "ratio")
			b.ReportMetric(quantile(ratio, 0.25), "ratio-p25")
		})
	}
}

// quantile returns the q-quantile of xs (the element at rank ⌊q·(len-1)⌋
// once sorted; xs is sorted in place).
func quantile(xs []float64, q float64) float64 {
	slices.Sort(xs)
	return xs[int(q*float64(len(xs)-1))]
}

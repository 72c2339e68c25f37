package blas

import (
	"fmt"
	"testing"
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

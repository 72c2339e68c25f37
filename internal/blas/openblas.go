//go:build openblas

package blas

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
	"gorgonia.org/gorgonia"

	"recog/internal/blas/openblas"
)

// openblasDefault is OpenBLAS's own thread count at start
// (OPENBLAS_NUM_THREADS, else the number of CPUs).
var openblasDefault int

// Under the openblas tag, OpenBLAS (through gonum.org/v1/netlib) serves
// gonum (blas64, blas32) and gorgonia; Implementation keeps this package's
// kernels available for comparisons.
func init() {
	openblasDefault = openblas.Threads()
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
	gorgonia.Use(netlib.Implementation{})
}

// Name returns the GEMM in use: "openblas" in this build.
func Name() string { return "openblas" }

// Threads returns the number of threads OpenBLAS may use for one call:
// its own default (OPENBLAS_NUM_THREADS, else the number of CPUs) unless
// SetThreads changed it.
func Threads() int { return openblas.Threads() }

// SetThreads sets the number of threads one matrix product may use, both
// for OpenBLAS (for the whole process) and for Implementation; n < 1
// restores the defaults (OpenBLAS's own, and GOMAXPROCS).
func SetThreads(n int) {
	threads.Store(int64(max(n, 0)))
	if n < 1 {
		n = openblasDefault
	}
	openblas.SetThreads(n)
}

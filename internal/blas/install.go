//go:build !openblas

package blas

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/gorgonia"
)

// The default build installs Implementation for the whole program: gonum's
// mat and LAPACK (blas64), blas32 users (Q3's float32 trainer, q7's ops) and
// gorgonia with its tensor package.
func init() {
	blas64.Use(Implementation{})
	blas32.Use(Implementation{})
	gorgonia.Use(Implementation{})
}

// Name returns the GEMM in use: the kernel family of Implementation,
// "avx512", "avx2" or "portable", in this build.
func Name() string { return Kernel() }

// Threads returns the number of goroutines one matrix product may use
// (SetThreads; by default GOMAXPROCS). See doc.go for when a product uses
// fewer.
func Threads() int { return ourThreads() }

// SetThreads sets the number of goroutines one matrix product may use;
// n < 1 restores the default, GOMAXPROCS.
func SetThreads(n int) { threads.Store(int64(max(n, 0))) }

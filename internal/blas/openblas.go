//go:build openblas

package blas

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
// int openblas_get_num_threads(void);
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
}

// Name returns the BLAS in use: "openblas" in this build.
func Name() string { return "openblas" }

// Threads returns the number of threads OpenBLAS may use for one call
// (OPENBLAS_NUM_THREADS, else the number of CPUs, unless SetThreads or
// another package changed it).
func Threads() int { return int(C.openblas_get_num_threads()) }

// SetThreads sets the number of threads OpenBLAS may use for one call
// (n < 1 is taken as 1). It applies to the whole process.
func SetThreads(n int) { C.openblas_set_num_threads(C.int(max(n, 1))) }

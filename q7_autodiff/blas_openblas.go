//go:build openblas

package autodiff

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// With the build tag openblas, this package's ops and gorgonia's tensor
// package (matrix products of the dense layers) call OpenBLAS (Debian's
// libopenblas-dev) through gonum.org/v1/netlib instead of gonum's pure-Go
// BLAS. See docs/q7_autodiff.md#speed.
func init() {
	sgemm = netlib.Implementation{}
	G.Use(netlib.Implementation{})
	BLASName = "openblas"
	setBLASThreads = func(n int) { C.openblas_set_num_threads(C.int(n)) }
	// One BLAS thread per call: the ops split batches across goroutines
	// themselves, and idle OpenBLAS threads spin.
	setBLASThreads(1)
}

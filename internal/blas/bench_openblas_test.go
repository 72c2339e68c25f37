//go:build openblas

package blas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"
)

// reference is the BLAS that BenchmarkGemm compares ours with in this
// build: OpenBLAS.
func reference() (r struct {
	name string
	impl interface {
		blas.Float32
		blas.Float64
	}
}) {
	r.name, r.impl = "openblas", netlib.Implementation{}
	return r
}

//go:build !openblas

package blas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// reference is the BLAS that BenchmarkGemm compares ours with in this
// build: gonum's pure-Go implementation.
func reference() (r struct {
	name string
	impl interface {
		blas.Float32
		blas.Float64
	}
}) {
	r.name, r.impl = "gonum", gonum.Implementation{}
	return r
}

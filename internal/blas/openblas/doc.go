// Package openblas reaches OpenBLAS's thread count through cgo, for package
// blas under the build tag openblas (it is empty in other builds). It is a
// package of its own because a Go package that uses cgo cannot also hold Go
// assembly, as package blas does (its GEMM kernels).
package openblas

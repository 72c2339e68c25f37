// Package blas selects the BLAS implementation behind gonum's mat package for
// the whole program: importing it (for its side effect, or for Name) is enough.
//
// The default build uses gonum's pure-Go BLAS (blas/gonum) and needs nothing
// but Go. Built with the tag openblas,
//
//	CGO_LDFLAGS=-lopenblas go build -tags openblas ./cmd/recog
//
// it routes blas64 and blas32 (so every mat.Dense product) to OpenBLAS through
// gonum.org/v1/netlib/blas/netlib (Debian: apt-get install libopenblas-dev),
// which is several times faster for the matrix products of training. Results
// agree with the pure-Go build to rounding (the order of the sums differs).
// See README.md, "Faster matrix products with OpenBLAS".
package blas

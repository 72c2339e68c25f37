//go:build !openblas

package blas

import "runtime"

// Name returns the BLAS in use: "gonum" (pure Go) in this build.
func Name() string { return "gonum" }

// Threads returns the number of threads the BLAS may use: gonum's Dgemm
// splits large products over up to GOMAXPROCS goroutines.
func Threads() int { return runtime.GOMAXPROCS(0) }

// SetThreads does nothing in the pure-Go build (gonum's BLAS follows
// GOMAXPROCS); it exists so that callers need no build tags.
func SetThreads(int) {}

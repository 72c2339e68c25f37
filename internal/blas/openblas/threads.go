//go:build openblas

package openblas

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
// int openblas_get_num_threads(void);
import "C"

// Threads returns the number of threads OpenBLAS may use for one call.
func Threads() int { return int(C.openblas_get_num_threads()) }

// SetThreads sets the number of threads OpenBLAS may use for one call, for
// the whole process (n ≥ 1).
func SetThreads(n int) { C.openblas_set_num_threads(C.int(n)) }

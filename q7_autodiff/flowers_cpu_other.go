//go:build !unix

package autodiff

// cpuTime returns 0: process CPU time is read on Unix systems only.
func cpuTime() float64 { return 0 }

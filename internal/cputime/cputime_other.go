//go:build !unix

package cputime

// Seconds returns 0: process CPU time is read on Unix systems only.
func Seconds() float64 { return 0 }

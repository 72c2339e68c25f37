//go:build unix

// Package cputime reads the CPU time of this process, which is steadier
// than wall time when other programs share the machine: on a machine shared
// with other jobs, CPU seconds divided by the number of cores used is what
// the wall time would be on an idle machine.
package cputime

import "syscall"

// Seconds returns the user + system CPU seconds used by this process so far
// (all threads).
func Seconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

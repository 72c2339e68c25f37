package cputime

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSecondsGrows(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("CPU time is read on Unix systems only")
	}
	t0 := Seconds()
	x := 0.0
	for i := range 50_000_000 {
		x += float64(i % 7)
	}
	require.Greater(t, x, 0.0)
	require.Greater(t, Seconds(), t0)
}

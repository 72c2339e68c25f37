package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/blas"
)

// TestBenchGemm: `recog bench` names the GEMM in use and has one case per
// shape of blas.Shapes, and a gemm case runs.
func TestBenchGemm(t *testing.T) {
	names := map[string]bool{}
	for _, c := range benchCases {
		names[c.Name] = true
	}
	for _, s := range blas.Shapes {
		require.True(t, names[fmt.Sprintf("gemm/%s-f%d", s.Name, s.Float)], "no bench case for %v", s)
	}
	t.Cleanup(func() { blas.SetThreads(0) }) // --threads sets them for the process
	code, stdout, errs := recog("bench", "--run", "^gemm/q3.fwd2-f32$", "--repeat", "1", "--threads", "1")
	require.Equal(t, 0, code, errs)
	require.True(t, strings.HasPrefix(stdout, fmt.Sprintf("BLAS %s, 1 thread(s);", blas.Name())), stdout)
	require.Contains(t, stdout, "gemm/q3.fwd2-f32")
	require.Contains(t, stdout, "32x36x64 NN f32")
}

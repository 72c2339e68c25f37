package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/cpu"
	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
	"gorgonia.org/gorgonia"
)

// TestProductMatchesNaive checks that the installed BLAS (ours or OpenBLAS,
// depending on the build) computes C = AB as the triple loop does, in
// float64 through mat.Dense and in float32 through blas32.Gemm.
func TestProductMatchesNaive(t *testing.T) {
	require.Contains(t, []string{"avx512", "avx2", "portable", "openblas"}, Name())
	require.GreaterOrEqual(t, Threads(), 1)
	rng := rand.New(rand.NewPCG(1, 2))
	const m, k, n = 67, 131, 45
	a, b := make([]float64, m*k), make([]float64, k*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	var c mat.Dense
	c.Mul(mat.NewDense(m, k, a), mat.NewDense(k, n, b))

	a32, b32 := make([]float32, len(a)), make([]float32, len(b))
	for i, v := range a {
		a32[i] = float32(v)
	}
	for i, v := range b {
		b32[i] = float32(v)
	}
	c32 := blas32.General{Rows: m, Cols: n, Stride: n, Data: make([]float32, m*n)}
	blas32.Gemm(gblas.NoTrans, gblas.NoTrans, 1,
		blas32.General{Rows: m, Cols: k, Stride: k, Data: a32},
		blas32.General{Rows: k, Cols: n, Stride: n, Data: b32}, 0, c32)

	for i := range m {
		for j := range n {
			var want float64
			for l := range k {
				want += a[i*k+l] * b[l*n+j]
			}
			require.InDelta(t, want, c.At(i, j), 1e-12*math.Max(1, math.Abs(want)), "float64 (%d,%d)", i, j)
			require.InDelta(t, want, float64(c32.Data[i*n+j]), 1e-4*math.Max(1, math.Abs(want)), "float32 (%d,%d)", i, j)
		}
	}
}

// TestImplementationIsNamed checks that blas64, blas32 (what mat and q7's
// ops use) and gorgonia really are the implementation Name reports, and
// that Kernel names a kernel family this CPU has.
func TestImplementationIsNamed(t *testing.T) {
	want := "blas.Implementation"
	if Name() == "openblas" {
		want = "netlib.Implementation"
	} else {
		require.Equal(t, Kernel(), Name())
	}
	require.Equal(t, want, fmt.Sprintf("%T", blas64.Implementation()))
	require.Equal(t, want, fmt.Sprintf("%T", blas32.Implementation()))
	require.Equal(t, want, fmt.Sprintf("%T", gorgonia.WhichBLAS()))
	require.Equal(t, kernelNames()[0], Kernel())
	if runtime.GOARCH == "amd64" && !purego {
		require.Equal(t, cpu.X86.HasAVX512F, slices.Contains(kernelNames(), "avx512"))
	}
}

// TestSetThreads: SetThreads(n) makes Threads() n in either build, and
// n < 1 restores the default (GOMAXPROCS for ours).
func TestSetThreads(t *testing.T) {
	defer SetThreads(0)
	SetThreads(3)
	require.Equal(t, 3, Threads())
	require.Equal(t, 3, ourThreads())
	SetThreads(1)
	require.Equal(t, 1, Threads())
	SetThreads(0)
	require.Equal(t, runtime.GOMAXPROCS(0), ourThreads())
	require.GreaterOrEqual(t, Threads(), 1)
}

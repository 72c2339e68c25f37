package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/pprof"

	"recog/internal/bench"
	"recog/internal/blas"
)

// benchCases are the rows of `recog bench`. Questions add theirs with
// registerBench (bench_cases.go).
var benchCases []bench.Case

// registerBench adds a case to `recog bench`; it is called from init
// functions.
func registerBench(c bench.Case) {
	for _, b := range benchCases {
		if b.Name == c.Name {
			panic("recog: bench case " + c.Name + " registered twice")
		}
	}
	benchCases = append(benchCases, c)
}

func init() {
	for _, c := range bench.GemmCases() {
		registerBench(c)
	}
	register(command{
		name:    "bench",
		summary: "speed figures of every question, one table",
		usage:   "bench [--run REGEXP] [--repeat N] [--threads T] [--data DIR] [--cpuprofile FILE]",
		run:     runBench,
	})
}

const benchHelp = `
Times each registered operation (for example one Q3 training epoch) after
one untimed warm-up run, --repeat times, and prints a table: the minimum
and the median wall time, and the median CPU time (user + system of the
whole process), which is steadier than wall time when other programs share
the machine. The BLAS line names the matrix product in use: this
repository's GEMM with its avx512, avx2 or portable kernels, or openblas
(build with -tags openblas, see README.md), and its threads per product.
The gemm/ cases time each matrix shape the project multiplies (blas.Shapes).
--cpuprofile writes a CPU profile of everything the command runs (warm-ups
included) for go tool pprof. The scripts scripts/bench_*.sh compare the
cases with numpy and PyTorch side by side (bench_q3, bench_q5, bench_q6,
bench_q7, bench_squeezenet; bench_all runs them all), and bench_gemm our
GEMM with OpenBLAS.`

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", benchHelp, stderr)
	pattern := fs.String("run", "", "only the cases whose name matches `REGEXP`")
	repeat := fs.IntRange("repeat", 5, 1, 1000, "timed runs of each case")
	threads := fs.IntRange("threads", 0, 0, 1024, "threads per matrix product (0: the default, GOMAXPROCS, or OPENBLAS_NUM_THREADS or one per CPU for OpenBLAS)")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the timed runs to `FILE` (go tool pprof FILE)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected arguments %q", pos)
	}
	re, err := regexp.Compile(*pattern)
	if err != nil {
		return usagef("--run: %v", err)
	}
	if *threads > 0 {
		blas.SetThreads(*threads)
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("--cpuprofile %s: %w", *profile, err)
		}
		defer pprof.StopCPUProfile()
	}
	err = bench.Run(stdout, benchCases, bench.Options{Match: re, Repeat: *repeat, DataDir: *dataDir})
	if errors.Is(err, bench.ErrNoMatch) {
		return usagef("no bench case matches %q", *pattern)
	}
	return err
}

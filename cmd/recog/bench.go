package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime/pprof"
	"slices"
	"sort"
	"syscall"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"recog/internal/blas"
)

// benchCase is one row of `recog bench`. Questions add theirs from their
// own file's init with registerBench.
type benchCase struct {
	name string // "q3/train-epoch": question/what, unique
	what string // one line: what one operation is
	// setup loads data and builds what the operation needs (not timed) and
	// returns the operation to time; dataDir is --data ("" for the default).
	setup func(dataDir string) (op func() error, err error)
}

var benchCases []benchCase

// registerBench adds a case to `recog bench`; it is called from init
// functions.
func registerBench(c benchCase) {
	for _, b := range benchCases {
		if b.name == c.name {
			panic("recog: bench case " + c.name + " registered twice")
		}
	}
	benchCases = append(benchCases, c)
}

func init() {
	registerGemmBenches()
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
	cases := slices.Clone(benchCases)
	sort.SliceStable(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	fmt.Fprintf(stdout, "BLAS %s, %d thread(s); %d timed runs per case after one warm-up\n", blas.Name(), blas.Threads(), *repeat)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tmin s\tmedian s\tmedian cpu s\twhat")
	n := 0
	for _, c := range cases {
		if !re.MatchString(c.name) {
			continue
		}
		n++
		op, err := c.setup(*dataDir)
		if err != nil {
			return fmt.Errorf("bench %s: %w", c.name, err)
		}
		if err := op(); err != nil {
			return fmt.Errorf("bench %s: %w", c.name, err)
		}
		wall, cpu := make([]float64, *repeat), make([]float64, *repeat)
		for i := range *repeat {
			c0, t0 := cpuSeconds(), time.Now()
			if err := op(); err != nil {
				return fmt.Errorf("bench %s: %w", c.name, err)
			}
			wall[i], cpu[i] = time.Since(t0).Seconds(), cpuSeconds()-c0
		}
		slices.Sort(wall)
		slices.Sort(cpu)
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%s\n", c.name, wall[0], median(wall), median(cpu), c.what)
	}
	if n == 0 {
		return usagef("no bench case matches %q", *pattern)
	}
	return tw.Flush()
}

// registerGemmBenches adds a case per matrix shape of the project
// (blas.Shapes): gemm/SHAPE-fBITS runs the product with the installed BLAS
// enough times for about 1 GFLOP.
func registerGemmBenches() {
	for _, s := range blas.Shapes {
		reps := max(1, int(math.Round(1e9/s.Flops())))
		registerBench(benchCase{
			name: fmt.Sprintf("gemm/%s-f%d", s.Name, s.Float),
			what: fmt.Sprintf("C = op(A)·op(B), MxNxK %v, %d times (%.2f GFLOP)", s, reps, float64(reps)*s.Flops()/1e9),
			setup: func(string) (func() error, error) {
				run := s.Product(blas32.Implementation(), blas64.Implementation())
				return func() error {
					for range reps {
						run()
					}
					return nil
				}, nil
			},
		})
	}
}

// median returns the middle of sorted v (the mean of the two middle values
// for an even length).
func median(v []float64) float64 {
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

// cpuSeconds returns the user + system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

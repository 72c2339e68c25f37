package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"syscall"
	"text/tabwriter"
	"time"

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
	register(command{
		name:    "bench",
		summary: "speed figures of every question, one table",
		usage:   "bench [--run REGEXP] [--repeat N] [--threads T] [--data DIR]",
		run:     runBench,
	})
}

const benchHelp = `
Times each registered operation (for example one Q3 training epoch) after
one untimed warm-up run, --repeat times, and prints a table: the minimum
and the median wall time, and the median CPU time (user + system of the
whole process), which is steadier than wall time when other programs share
the machine. The BLAS line says whether matrix products use gonum's pure
Go or OpenBLAS (build with -tags openblas, see README.md), and with how many
threads. scripts/bench_q3.sh compares Q3's epoch with numpy and PyTorch in
one run.`

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", benchHelp, stderr)
	pattern := fs.String("run", "", "only the cases whose name matches `REGEXP`")
	repeat := fs.Int("repeat", 5, "timed runs of each case")
	threads := fs.IntRange("threads", 0, 0, 1024, "BLAS threads (OpenBLAS only; 0: keeps OPENBLAS_NUM_THREADS or the default)")
	dataDir := fs.String("data", "", "data `DIR` (default <repo>/data)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected arguments %q", pos)
	}
	if *repeat < 1 {
		return usagef("--repeat %d: want ≥ 1", *repeat)
	}
	re, err := regexp.Compile(*pattern)
	if err != nil {
		return usagef("--run: %v", err)
	}
	if *threads > 0 {
		blas.SetThreads(*threads)
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

// Package bench times the operations of `recog bench`: each case is set up
// once (not timed), run once to warm up, then run Repeat times; the table
// gives the minimum and the median wall time and the median CPU time (user
// + system of the whole process, internal/cputime), which is steadier than
// wall time when other programs share the machine.
package bench

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"recog/internal/blas"
	"recog/internal/cputime"
)

// Case is one row of the table.
type Case struct {
	Name string // "q3/train-epoch": question/what, unique
	What string // one line: what one operation is
	// Setup loads data and builds what the operation needs (not timed) and
	// returns the operation to time; dataDir is the data folder ("" for the
	// default).
	Setup func(dataDir string) (op func() error, err error)
}

// Options select and repeat the cases.
type Options struct {
	Match   *regexp.Regexp // only the cases whose name matches (nil: all)
	Repeat  int            // timed runs of each case, ≥ 1
	DataDir string         // passed to each case's Setup
}

// ErrNoMatch is returned by Run when no case matches Options.Match.
var ErrNoMatch = errors.New("no bench case matches")

// Run times the matching cases in name order and writes the table to w,
// after a line naming the BLAS in use (blas.Name, blas.Threads). An error
// of a case's set-up or operation names the case.
func Run(w io.Writer, cases []Case, opt Options) error {
	if opt.Repeat < 1 {
		panic("bench: Repeat < 1")
	}
	cases = slices.Clone(cases)
	slices.SortStableFunc(cases, func(a, b Case) int { return strings.Compare(a.Name, b.Name) })
	fmt.Fprintf(w, "BLAS %s, %d thread(s); %d timed runs per case after one warm-up\n", blas.Name(), blas.Threads(), opt.Repeat)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tmin s\tmedian s\tmedian cpu s\twhat")
	n := 0
	for _, c := range cases {
		if opt.Match != nil && !opt.Match.MatchString(c.Name) {
			continue
		}
		n++
		wall, cpu, err := time1(c, opt)
		if err != nil {
			return fmt.Errorf("bench %s: %w", c.Name, err)
		}
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%s\n", c.Name, wall[0], Median(wall), Median(cpu), c.What)
	}
	if n == 0 {
		return ErrNoMatch
	}
	return tw.Flush()
}

// time1 sets c up, warms it up and returns its sorted wall and CPU seconds
// of opt.Repeat runs.
func time1(c Case, opt Options) (wall, cpu []float64, err error) {
	op, err := c.Setup(opt.DataDir)
	if err != nil {
		return nil, nil, err
	}
	if err := op(); err != nil {
		return nil, nil, err
	}
	wall, cpu = make([]float64, opt.Repeat), make([]float64, opt.Repeat)
	for i := range opt.Repeat {
		c0, t0 := cputime.Seconds(), time.Now()
		if err := op(); err != nil {
			return nil, nil, err
		}
		wall[i], cpu[i] = time.Since(t0).Seconds(), cputime.Seconds()-c0
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return wall, cpu, nil
}

// Median returns the middle of sorted v (the mean of the two middle values
// for an even length); v must not be empty.
func Median(v []float64) float64 {
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

// GemmCases are one case per matrix shape of the project (blas.Shapes):
// gemm/SHAPE-fBITS runs the product with the installed BLAS enough times
// for about 1 GFLOP.
func GemmCases() []Case {
	var out []Case
	for _, s := range blas.Shapes {
		reps := max(1, int(math.Round(1e9/s.Flops())))
		out = append(out, Case{
			Name: fmt.Sprintf("gemm/%s-f%d", s.Name, s.Float),
			What: fmt.Sprintf("C = op(A)·op(B), MxNxK %v, %d times (%.2f GFLOP)", s, reps, float64(reps)*s.Flops()/1e9),
			Setup: func(string) (func() error, error) {
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
	return out
}

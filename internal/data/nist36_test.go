package data_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/datatest"
)

// The real-data tests live in package data_test because datatest imports
// data.

// meanImages returns the mean upright h x w image of each class of d,
// turning rows upright with data.RowToImage.
func meanImages(t *testing.T, d *data.Dataset, h, w int) map[string]*mat.Dense {
	t.Helper()
	sum := map[string]*mat.Dense{}
	count := map[string]float64{}
	for i, l := range d.Labels() {
		img, err := data.RowToImage(d.X.RawRowView(i), h, w)
		require.NoError(t, err)
		c := d.Classes[l]
		if sum[c] == nil {
			sum[c] = mat.NewDense(h, w, nil)
		}
		sum[c].Add(sum[c], img)
		count[c]++
	}
	for c, m := range sum {
		m.Scale(1/count[c], m)
	}
	return sum
}

// inkBalance returns the mean ink in the top half minus that in the bottom
// half, and in the left half minus the right half, of an image where ink is
// ink(v).
func inkBalance(m *mat.Dense, ink func(float64) float64) (topMinusBottom, leftMinusRight float64) {
	h, w := m.Dims()
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			v := ink(m.At(r, c))
			if r < h/2 {
				topMinusBottom += v
			} else {
				topMinusBottom -= v
			}
			if c < w/2 {
				leftMinusRight += v
			} else {
				leftMinusRight -= v
			}
		}
	}
	n := float64(h * w / 2)
	return topMinusBottom / n, leftMinusRight / n
}

// inkRule says on which side a class's mean image has more ink: tb is the
// wanted sign of top-minus-bottom ink, lr of left-minus-right (0: either).
type inkRule struct {
	class  string
	tb, lr int
}

// Rules that only upright images meet. Letters and digits (NIST36, EMNIST):
// an L is heavy at the bottom left, a 7 at the top. MNIST's digits are
// centred by their centre of mass, so its rules are weaker: a 7 is heavier at
// the top and right, a 6 at the bottom.
var (
	letterRules = []inkRule{{"L", -1, +1}, {"7", +1, 0}}
	mnistRules  = []inkRule{{"7", +1, -1}, {"6", -1, 0}}
)

// upright reports whether the mean images follow every rule by a margin of
// 0.01 mean ink per pixel; if not, it says which rule failed.
func upright(means map[string]*mat.Dense, ink func(float64) float64, rules []inkRule) (bool, string) {
	for _, r := range rules {
		tb, lr := inkBalance(means[r.class], ink)
		if float64(r.tb)*tb < 0.01 && r.tb != 0 || float64(r.lr)*lr < 0.01 && r.lr != 0 {
			return false, fmt.Sprintf("class %s: top-minus-bottom ink %.3f (want sign %+d), left-minus-right %.3f (want sign %+d)", r.class, tb, r.tb, lr, r.lr)
		}
	}
	return true, ""
}

// checkUpright checks that the mean images (made with RowToImage) look
// upright and that their transposes do not, so that the check can tell.
func checkUpright(t *testing.T, means map[string]*mat.Dense, ink func(float64) float64, rules []inkRule) {
	t.Helper()
	ok, why := upright(means, ink, rules)
	require.True(t, ok, why)
	ok, _ = upright(transposed(means), ink, rules)
	require.False(t, ok, "the transposed images pass the check too")
}

func TestLoadNIST36Real(t *testing.T) {
	dir := datatest.Dir(t, "nist36")
	// The mirror's stand-in has 10716/3572/1786 rows, the course files
	// 10800/3600/1800; N is read from the file and must be one of them.
	known := map[string][]int{"train": {10716, 10800}, "valid": {3572, 3600}, "test": {1786, 1800}}
	for _, split := range []string{"train", "valid", "test"} {
		t.Run(split, func(t *testing.T) {
			d, err := data.LoadNIST36(filepath.Join(dir, data.SplitFile(split)), split)
			require.NoError(t, err)
			n, dx := d.X.Dims()
			ny, c := d.Y.Dims()
			require.Equal(t, 1024, dx)
			require.Equal(t, 36, c)
			require.Equal(t, n, ny)
			require.Contains(t, known[split], n)
			require.Equal(t, data.NIST36Classes, d.Classes)

			lo, hi := mat.Min(d.X), mat.Max(d.X)
			require.GreaterOrEqual(t, lo, -0.16)
			require.LessOrEqual(t, hi, 1.14)
			require.Less(t, lo, 0.0, "bicubic overshoot below 0 expected")

			perClass := make([]int, 36)
			labels := d.Labels()
			for i := 0; i < n; i++ {
				row := d.Y.RawRowView(i)
				require.Equal(t, 1.0, floats.Sum(row), "row %d", i)
				require.Equal(t, 1.0, slices.Max(row), "row %d", i)
				require.Equal(t, 0.0, slices.Min(row), "row %d", i)
				perClass[labels[i]]++
			}
			for k, m := range perClass {
				require.Positive(t, m, "class %s", data.NIST36Classes[k])
			}
			// Black ink (0) on white (1): ink = 1 - value.
			checkUpright(t, meanImages(t, d, 32, 32), func(v float64) float64 { return 1 - v }, letterRules)
		})
	}
}

func BenchmarkLoadNIST36Train(b *testing.B) {
	path := filepath.Join(datatest.Dir(b, "nist36"), data.SplitFile("train"))
	for b.Loop() {
		if _, err := data.LoadNIST36(path, "train"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadNIST36Splits loads the named splits of a folder and leaves the
// others nil; a missing file is an error naming it and saying how to fetch
// it, an unknown split an error naming it.
func TestLoadNIST36Splits(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "nist36"), 0o755))
	_, err := data.LoadNIST36Splits(dir, "train")
	require.ErrorContains(t, err, "nist36_train.mat")
	require.ErrorContains(t, err, "recog data nist36")
	_, err = data.LoadNIST36Splits(dir, "dev")
	require.ErrorContains(t, err, `unknown split "dev"`)
	s, err := data.LoadNIST36Splits(dir)
	require.NoError(t, err)
	require.Equal(t, &data.Splits{}, s)
}

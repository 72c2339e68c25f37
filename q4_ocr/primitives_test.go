package ocr

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// parseBinary reads a picture of '#' (ink) and '.' (background) rows.
func parseBinary(s string) *binary {
	rows := strings.Fields(s)
	b := newBinary(len(rows[0]), len(rows))
	for y, r := range rows {
		for x, c := range r {
			b.pix[y*b.w+x] = c == '#'
		}
	}
	return b
}

func (b *binary) String() string {
	var sb strings.Builder
	for y := 0; y < b.h; y++ {
		for x := 0; x < b.w; x++ {
			if b.at(x, y) {
				sb.WriteByte('#')
			} else {
				sb.WriteByte('.')
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func picture(s string) string { return strings.Join(strings.Fields(s), "\n") + "\n" }

func TestOtsu(t *testing.T) {
	// Brute force: the t maximising ω0 ω1 (μ0 − μ1)².
	brute := func(h []float64) (float64, []int) {
		best, arg := -1.0, []int{}
		for t := 1; t < len(h); t++ {
			var w0, w1, s0, s1 float64
			for i, v := range h {
				if i < t {
					w0 += v
					s0 += float64(i) * v
				} else {
					w1 += v
					s1 += float64(i) * v
				}
			}
			if w0 == 0 || w1 == 0 {
				continue
			}
			d := s0/w0 - s1/w1
			v := w0 * w1 * d * d
			if v > best+1e-9 {
				best, arg = v, []int{t}
			} else if math.Abs(v-best) <= 1e-9 {
				arg = append(arg, t)
			}
		}
		return best, arg
	}
	tests := []struct {
		name string
		hist []float64
		want int
	}{
		// Two spikes at 2 and 7: every t in 3..7 separates them; the middle is 5.
		{"two spikes", []float64{0, 0, 10, 0, 0, 0, 0, 10, 0, 0}, 5},
		// Bimodal: modes around 1-2 and 6-7 with a valley at 4 (one pixel).
		{"bimodal valley", []float64{1, 5, 5, 1, 1, 1, 5, 5, 1}, 4},
		{"empty", []float64{0, 0, 0}, 0},
		{"one bin", []float64{0, 7, 0}, 0},
		{"two adjacent bins", []float64{3, 3}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Otsu(tc.hist)
			require.Equal(t, tc.want, got)
			if _, arg := brute(tc.hist); len(arg) > 0 {
				require.GreaterOrEqual(t, got, arg[0])
				require.LessOrEqual(t, got, arg[len(arg)-1])
			}
		})
	}
	// otsuValue on values in [0, 1]: dark paper 0.02..0.05, ink 0.6..0.8.
	var vals []float32
	for i := range 900 {
		vals = append(vals, 0.02+0.03*float32(i%10)/10)
	}
	for i := range 100 {
		vals = append(vals, 0.6+0.2*float32(i%10)/10)
	}
	th := otsuValue(vals)
	require.Greater(t, th, float32(0.05))
	require.Less(t, th, float32(0.6))
}

func TestComponents(t *testing.T) {
	b := parseBinary(`
		##..#..
		#...#..
		..#....
		.....##
		#....##`)
	labels, comps := labelComponents(b)
	// (0,0),(1,0),(0,1) and the diagonal (2,2) are one 8-connected component
	// with the column at x=4? No: (2,2) touches (1,1)? (1,1) is '.', so (2,2)
	// joins via (1,... ) only diagonally to (1,1) which is background: alone.
	want := []Component{
		{Box: [4]int{0, 0, 2, 2}, Area: 3},
		{Box: [4]int{0, 4, 2, 5}, Area: 2},
		{Box: [4]int{2, 2, 3, 3}, Area: 1},
		{Box: [4]int{3, 5, 5, 7}, Area: 4},
		{Box: [4]int{4, 0, 5, 1}, Area: 1},
	}
	require.Empty(t, cmp.Diff(want, comps))
	require.Equal(t, int32(1), labels[0])
	require.Equal(t, int32(3), labels[2*7+2])

	// A U shape needs the union-find merge: the two arms get different
	// provisional labels that meet at the bottom. The diagonal staircase is
	// 8-connected (one component) but not 4-connected.
	u := parseBinary(`
		#...#..#
		#...#.#.
		#####...`)
	_, comps = labelComponents(u)
	require.Equal(t, []Component{
		{Box: [4]int{0, 0, 3, 5}, Area: 9},
		{Box: [4]int{0, 6, 2, 8}, Area: 2},
	}, comps)

	// An empty image has no components.
	_, comps = labelComponents(newBinary(4, 3))
	require.Empty(t, comps)
}

func TestMorphology(t *testing.T) {
	b := parseBinary(`
		.......
		.......
		...#...
		.......
		......#`)
	require.Equal(t, picture(`
		.......
		..###..
		..###..
		..#####
		.....##`), dilate(b, 1).String())
	// A broken bar: closing with r=1 bridges the 1-pixel gap and keeps the
	// bar's thickness; a 3-pixel gap stays open.
	bar := parseBinary(`
		.............
		.###.###...##
		.###.###...##
		.............`)
	require.Equal(t, picture(`
		.............
		.#######...##
		.#######...##
		.............`), closing(bar, 1).String())
	// Erosion removes anything thinner than 2r+1; ink touching the border
	// survives (outside pixels do not erode).
	e := parseBinary(`
		###....
		###.##.
		###.##.`)
	require.Equal(t, picture(`
		##.....
		##.....
		##.....`), erode(e, 1).String())
	// r = 0 is the identity; the running-count filter equals a direct one.
	require.Equal(t, b.String(), dilate(b, 0).String())
	direct := func(b *binary, r int, all bool) *binary {
		out := newBinary(b.w, b.h)
		for y := 0; y < b.h; y++ {
			for x := 0; x < b.w; x++ {
				any, every := false, true
				for yy := max(y-r, 0); yy <= min(y+r, b.h-1); yy++ {
					for xx := max(x-r, 0); xx <= min(x+r, b.w-1); xx++ {
						any = any || b.at(xx, yy)
						every = every && b.at(xx, yy)
					}
				}
				out.pix[y*b.w+x] = (all && every) || (!all && any)
			}
		}
		return out
	}
	noisy := newBinary(23, 17)
	for i := range noisy.pix {
		noisy.pix[i] = (i*7919)%11 < 4
	}
	for r := 1; r <= 4; r++ {
		require.Equal(t, direct(noisy, r, false).String(), dilate(noisy, r).String(), "dilate r=%d", r)
		require.Equal(t, direct(noisy, r, true).String(), erode(noisy, r).String(), "erode r=%d", r)
	}
	// Disk of radius 2: 13 pixels.
	d := newBinary(7, 7)
	d.pix[3*7+3] = true
	require.Equal(t, picture(`
		.......
		...#...
		..###..
		.#####.
		..###..
		...#...
		.......`), dilateDisk(d, 2).String())
}

func TestBackgroundFlattensGradient(t *testing.T) {
	// Paper brightness falls from 250 to 100 across the image (a shadow);
	// ink strokes are 40% darker than the paper under them. After dividing by
	// the background estimate, paper must read as (almost) no ink and every
	// stroke as ink, on both the light and the dark side.
	p := newPlane(200, 120)
	stroke := func(x int) bool { return x%25 >= 11 && x%25 < 14 }
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			paper := 250 - 150*float32(x)/float32(p.w-1)
			v := paper
			if stroke(x) {
				v = 0.6 * paper
			}
			p.pix[y*p.w+x] = v
		}
	}
	bg := background(p, 32, 0.9)
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			s := 1 - p.pix[y*p.w+x]/bg.pix[y*p.w+x]
			if stroke(x) {
				require.Greater(t, s, float32(0.3), "stroke at (%d,%d)", x, y)
			} else {
				require.Less(t, s, float32(0.15), "paper at (%d,%d)", x, y)
			}
		}
	}
}

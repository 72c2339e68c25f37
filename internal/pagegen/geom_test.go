package pagegen

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func requirePoint(t *testing.T, want, got Point, tol float64, msg string) {
	t.Helper()
	require.InDelta(t, want.X, got.X, tol, "%s: x", msg)
	require.InDelta(t, want.Y, got.Y, tol, "%s: y", msg)
}

// TestHomographyCorners: the homography from four points takes each of them
// exactly where it should, keeps straight lines straight (the centre of the
// source square goes to the crossing of the destination's diagonals) and
// refuses collinear points.
func TestHomographyCorners(t *testing.T) {
	square := [4]Point{{0, 0}, {1600, 0}, {1600, 1200}, {0, 1200}}
	tests := []struct {
		name string
		dst  [4]Point
	}{
		{"identity", square},
		{"scale and shift", [4]Point{{10, 20}, {810, 20}, {810, 620}, {10, 620}}},
		{"camera tilt", [4]Point{{80, 40}, {1500, 60}, {1580, 1150}, {20, 1180}}},
		{"turned", [4]Point{{60, 30}, {1570, 70}, {1540, 1170}, {30, 1130}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := HomographyFrom(square, tc.dst)
			require.NoError(t, err)
			for i := range 4 {
				requirePoint(t, tc.dst[i], h.Apply(square[i]), 1e-6, "corner")
			}
			// The diagonals of the image quadrilateral cross at the image of
			// the square's centre.
			a, b, c, d := tc.dst[0], tc.dst[2], tc.dst[1], tc.dst[3]
			den := (a.X-b.X)*(c.Y-d.Y) - (a.Y-b.Y)*(c.X-d.X)
			u := ((a.X-c.X)*(c.Y-d.Y) - (a.Y-c.Y)*(c.X-d.X)) / den
			cross := Point{a.X + u*(b.X-a.X), a.Y + u*(b.Y-a.Y)}
			requirePoint(t, cross, h.Apply(Point{800, 600}), 1e-6, "centre")
			// Points along an edge stay on the image of that edge.
			for _, s := range []float64{0.1, 0.5, 0.9} {
				p := h.Apply(Point{1600 * s, 0})
				e0, e1 := tc.dst[0], tc.dst[1]
				crossZ := (e1.X-e0.X)*(p.Y-e0.Y) - (e1.Y-e0.Y)*(p.X-e0.X)
				require.InDelta(t, 0, crossZ/math.Hypot(e1.X-e0.X, e1.Y-e0.Y), 1e-6, "point %v of the top edge", s)
			}
		})
	}
	_, err := HomographyFrom(square, [4]Point{{0, 0}, {10, 10}, {20, 20}, {0, 30}})
	require.ErrorContains(t, err, "collinear")
}

// TestPlacement: placement takes the anchor to its place, scales lengths by
// k and turns them by θ; slanted moves points above the baseline to the
// right in proportion to their height.
func TestPlacement(t *testing.T) {
	m := placement(Point{3, 10}, Point{100, 200}, 2, math.Pi/2)
	requirePoint(t, Point{100, 200}, m.apply(Point{3, 10}), 1e-12, "anchor")
	// A unit step right becomes 2 px down (θ = 90°, y down: clockwise).
	requirePoint(t, Point{100, 202}, m.apply(Point{4, 10}), 1e-12, "right")
	inv := m.invert()
	for _, p := range []Point{{0, 0}, {7, -3}, {28, 28}} {
		requirePoint(t, p, inv.apply(m.apply(p)), 1e-9, "inverse")
	}
	s := slanted(placement(Point{0, 10}, Point{}, 1, 0), 0.2, Point{0, 10})
	requirePoint(t, Point{0, 0}, s.apply(Point{0, 10}), 1e-12, "baseline stays")
	requirePoint(t, Point{2, -10}, s.apply(Point{0, 0}), 1e-12, "10 up moves 2 right")
}

// TestBilinear: pixel centres give the pixel, a linear ramp is reproduced
// between centres, and points outside the plane blend towards the outside
// value.
func TestBilinear(t *testing.T) {
	p := newPlane(4, 3)
	for y := range 3 {
		for x := range 4 {
			p.pix[y*4+x] = float32(2*x + 10*y)
		}
	}
	require.InDelta(t, 12, p.bilinear(1.5, 1.5, -1), 1e-6)
	require.InDelta(t, 13, p.bilinear(2, 1.5, -1), 1e-6)
	require.InDelta(t, 18.6, p.bilinear(2.3, 2.0, -1), 1e-5)
	require.InDelta(t, -1, p.bilinear(-5, 1, -1), 1e-6)
	require.InDelta(t, (0-1)/2.0, p.bilinear(0.5, 0, -1), 1e-6) // half way to the row above
}

// TestValueNoise: values lie in [0, 1], neighbours differ little (smooth),
// and the same seed gives the same field.
func TestValueNoise(t *testing.T) {
	a := valueNoise(200, 150, 40, rand.New(rand.NewPCG(1, 2)))
	b := valueNoise(200, 150, 40, rand.New(rand.NewPCG(1, 2)))
	require.Equal(t, a.pix, b.pix)
	var lo, hi float32 = 1, 0
	for y := range 150 {
		for x := range 200 {
			v := a.pix[y*200+x]
			lo, hi = min(lo, v), max(hi, v)
			if x > 0 {
				require.Less(t, math.Abs(float64(v-a.pix[y*200+x-1])), 0.06, "step at (%d,%d)", x, y)
			}
		}
	}
	require.GreaterOrEqual(t, lo, float32(0))
	require.LessOrEqual(t, hi, float32(1))
	require.Greater(t, hi-lo, float32(0.5), "the field varies")
}

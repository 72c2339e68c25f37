package pagegen

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Point is a position in pixels, x to the right and y down.
type Point struct{ X, Y float64 }

// affine is the map p ↦ (a·x + b·y + c, d·x + e·y + f).
type affine struct{ a, b, c, d, e, f float64 }

// apply returns m(p).
func (m affine) apply(p Point) Point {
	return Point{m.a*p.X + m.b*p.Y + m.c, m.d*p.X + m.e*p.Y + m.f}
}

// invert returns m⁻¹; m must not be singular (a programmer error).
func (m affine) invert() affine {
	det := m.a*m.e - m.b*m.d
	if det == 0 {
		panic("pagegen: singular affine map")
	}
	a, b, d, e := m.e/det, -m.b/det, -m.d/det, m.a/det
	return affine{a: a, b: b, c: -(a*m.c + b*m.f), d: d, e: e, f: -(d*m.c + e*m.f)}
}

// placement returns the map that scales glyph units by k, rotates by theta
// (radians, clockwise on the page since y points down) and moves the glyph
// point anchor to the page point at:
//
//	p ↦ at + R(θ)·k·(p − anchor),  R(θ) = [cos θ  −sin θ; sin θ  cos θ].
func placement(anchor, at Point, k, theta float64) affine {
	cs, sn := k*math.Cos(theta), k*math.Sin(theta)
	return affine{
		a: cs, b: -sn, c: at.X - cs*anchor.X + sn*anchor.Y,
		d: sn, e: cs, f: at.Y - sn*anchor.X - cs*anchor.Y,
	}
}

// Homography is a plane projective map given by a 3x3 matrix H (row-major,
// H[8] = 1):
//
//	(x, y) ↦ ((h₀x + h₁y + h₂) / w, (h₃x + h₄y + h₅) / w),  w = h₆x + h₇y + 1.
//
// It is how a camera sees a flat page: straight lines stay straight, parallel
// lines may meet.
type Homography [9]float64

// Apply returns H(p).
func (h Homography) Apply(p Point) Point {
	w := h[6]*p.X + h[7]*p.Y + h[8]
	return Point{(h[0]*p.X + h[1]*p.Y + h[2]) / w, (h[3]*p.X + h[4]*p.Y + h[5]) / w}
}

// HomographyFrom returns the homography that maps src[i] to dst[i] for the
// four point pairs. Each pair gives two linear equations in h₀ … h₇
// (h₈ = 1), from u·w = h₀x + h₁y + h₂ and v·w = h₃x + h₄y + h₅:
//
//	h₀x + h₁y + h₂ − h₆xu − h₇yu = u,
//	h₃x + h₄y + h₅ − h₆xv − h₇yv = v,
//
// and the 8x8 system is solved directly. Three collinear points (no
// homography exists) give an error.
func HomographyFrom(src, dst [4]Point) (Homography, error) {
	a := mat.NewDense(8, 8, nil)
	b := mat.NewVecDense(8, nil)
	for i := range 4 {
		x, y, u, v := src[i].X, src[i].Y, dst[i].X, dst[i].Y
		a.SetRow(2*i, []float64{x, y, 1, 0, 0, 0, -x * u, -y * u})
		a.SetRow(2*i+1, []float64{0, 0, 0, x, y, 1, -x * v, -y * v})
		b.SetVec(2*i, u)
		b.SetVec(2*i+1, v)
	}
	// Three collinear source or destination points make the system singular.
	for _, q := range [2][4]Point{src, dst} {
		for i := range 4 {
			p0, p1, p2 := q[(i+1)%4], q[(i+2)%4], q[(i+3)%4]
			cross := (p1.X-p0.X)*(p2.Y-p0.Y) - (p1.Y-p0.Y)*(p2.X-p0.X)
			if math.Abs(cross) < 1e-9 {
				return Homography{}, fmt.Errorf("pagegen: homography from %v to %v: three points are collinear", src, dst)
			}
		}
	}
	var x mat.VecDense
	if err := x.SolveVec(a, b); err != nil {
		return Homography{}, fmt.Errorf("pagegen: homography from %v to %v: %w", src, dst, err)
	}
	var h Homography
	for i := range 8 {
		h[i] = x.AtVec(i)
	}
	h[8] = 1
	return h, nil
}

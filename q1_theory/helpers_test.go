package theory

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// newRNG returns the tests' deterministic generator.
func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// randDense returns an r×c matrix of N(0, 1) entries.
func randDense(r, c int, rng *rand.Rand) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	raw := m.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.NormFloat64()
	}
	return m
}

// randVec returns a length-n vector of N(0, 1) entries.
func randVec(n int, rng *rand.Rand) *mat.VecDense {
	v := mat.NewVecDense(n, nil)
	for i := range n {
		v.SetVec(i, rng.NormFloat64())
	}
	return v
}

func randSlice(n int, scale float64, rng *rand.Rand) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = scale * rng.NormFloat64()
	}
	return s
}

// numGrad returns the central-difference gradient (J(θ+h) − J(θ−h)) / 2h of J
// with respect to every entry of params, which J must read; params is restored.
func numGrad(J func() float64, params []float64) []float64 {
	const h = 1e-5
	g := make([]float64, len(params))
	for i := range params {
		old := params[i]
		params[i] = old + h
		jp := J()
		params[i] = old - h
		jm := J()
		params[i] = old
		g[i] = (jp - jm) / (2 * h)
	}
	return g
}

// relErr returns ‖a − b‖ / max(‖a‖ + ‖b‖, 1e-300), the usual gradient-check measure.
func relErr(a, b []float64) float64 {
	var d, na, nb float64
	for i := range a {
		d += (a[i] - b[i]) * (a[i] - b[i])
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	return math.Sqrt(d) / math.Max(math.Sqrt(na)+math.Sqrt(nb), 1e-300)
}

// raw returns the backing slice of a dense matrix or vector (row-major).
func raw(m mat.Matrix) []float64 {
	switch v := m.(type) {
	case *mat.Dense:
		return v.RawMatrix().Data
	case *mat.VecDense:
		return v.RawVector().Data
	}
	panic("raw: unsupported type")
}

// testJ is the scalar test loss J(y) = Σ_i c_i y_i + ½ Σ_i y_i², with ∂J/∂y_i = c_i + y_i.
func testJ(y, c []float64) float64 {
	var s float64
	for i := range y {
		s += c[i]*y[i] + 0.5*y[i]*y[i]
	}
	return s
}

func testJGrad(y, c []float64) []float64 {
	g := make([]float64, len(y))
	for i := range y {
		g[i] = c[i] + y[i]
	}
	return g
}

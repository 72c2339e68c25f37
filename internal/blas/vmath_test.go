package blas

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// ulps returns the number of float64 values between a and b (0 when equal,
// both NaN, or the same infinity), for a and b of the same sign.
func ulps(a, b float64) uint64 {
	switch {
	case a == b, math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a), math.IsNaN(b), math.Signbit(a) != math.Signbit(b):
		return math.MaxUint64
	}
	ia, ib := math.Float64bits(math.Abs(a)), math.Float64bits(math.Abs(b))
	if ia > ib {
		return ia - ib
	}
	return ib - ia
}

// expInputs returns n values spread over the whole range where e^x is
// neither 0 nor +Inf (and a little beyond), plus the special values.
func expInputs(n int) []float64 {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, math.Ln2, -math.Ln2, 0.5 * math.Ln2, -0.5 * math.Ln2,
		709.782712893384, 709.79, 710, 800, -708.39, -708.4, -744.44, -745.13, -745.14, -746, -1000,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64, 1e-300, -1e-300}
	for len(xs) < n {
		switch rng.IntN(3) {
		case 0: // the whole range
			xs = append(xs, -750+1462*rng.Float64())
		case 1: // where sigmoids and softmaxes live
			xs = append(xs, 40*rng.NormFloat64())
		default: // near the edges of the reduction intervals, k·ln2/2
			k := float64(rng.IntN(2000) - 1000)
			xs = append(xs, k*math.Ln2/2+1e-12*rng.NormFloat64())
		}
	}
	return xs
}

// ln2Big is ln 2 to 40 digits.
var ln2Big, _ = new(big.Float).SetPrec(200).SetString("0.6931471805599453094172321214581765680755")

// expBig returns e^x to 200 bits: x = k·ln2 + r exactly, e^r by its
// Taylor series, times 2^k.
func expBig(x float64) *big.Float {
	const prec = 200
	k := math.Round(x / math.Ln2)
	r := new(big.Float).SetPrec(prec).SetFloat64(x)
	r.Sub(r, new(big.Float).SetPrec(prec).Mul(new(big.Float).SetFloat64(k), ln2Big))
	sum := new(big.Float).SetPrec(prec).SetFloat64(1)
	term := new(big.Float).SetPrec(prec).SetFloat64(1)
	for j := 1; j < 60; j++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetFloat64(float64(j)))
		sum.Add(sum, term)
	}
	return sum.SetMantExp(sum, int(k))
}

// expExact and sigmoidExact are e^x and 1/(1 + e^-x) rounded to float64
// from expBig.
func expExact(x float64) float64 {
	v, _ := expBig(x).Float64()
	return v
}

func sigmoidExact(x float64) float64 {
	e := expBig(-x)
	one := new(big.Float).SetPrec(e.Prec()).SetFloat64(1)
	v, _ := one.Quo(one, e.Add(e, one)).Float64()
	return v
}

// TestExp: exp64 is within 1 ulp of e^x everywhere, including the
// subnormal results below e^-708.4 and up to the overflow above 709.78:
// against a 200-bit computation on 40,000 inputs over the whole range, and
// within 2 ulp of math.Exp (itself within 1 ulp) on a million up to
// x = 709.4 (amd64's math.Exp overflows to +Inf from about 709.44, below
// the true threshold). It is exact at 0, NaN for NaN, and 0 and +Inf at
// the infinities.
func TestExp(t *testing.T) {
	var worst uint64
	var at float64
	for _, x := range expInputs(40_000) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 800 {
			continue
		}
		if u := ulps(exp64(x), expExact(x)); u > worst {
			worst, at = u, x
		}
	}
	t.Logf("largest difference from the 200-bit e^x: %d ulp at x = %v", worst, at)
	require.LessOrEqual(t, worst, uint64(1), "at x = %v", at)
	worst = 0
	for _, x := range expInputs(1_000_000) {
		if x > 709.4 {
			continue
		}
		if u := ulps(exp64(x), math.Exp(x)); u > worst {
			worst, at = u, x
		}
	}
	t.Logf("largest difference from math.Exp: %d ulp at x = %v", worst, at)
	require.LessOrEqual(t, worst, uint64(2), "at x = %v", at)
	require.True(t, math.IsInf(exp64(709.79), 1))
	require.Equal(t, expExact(709.78), exp64(709.78))
	require.Equal(t, 1.0, exp64(0))
	require.True(t, math.IsNaN(exp64(math.NaN())))
	require.Equal(t, 0.0, exp64(math.Inf(-1)))
	require.True(t, math.IsInf(exp64(math.Inf(1)), 1))
	require.Equal(t, math.E, exp64(1))
}

// TestSigmoid: sigmoid64 is within 2 ulp of 1/(1 + e^-x) (1 ulp from
// exp64, half an ulp from each of the addition and the division) against a
// 200-bit computation, in [0, 1] for every input, 0 and 1 at the
// infinities, and NaN for NaN.
func TestSigmoid(t *testing.T) {
	var worst uint64
	var at float64
	for i, x := range expInputs(300_000) {
		got := sigmoid64(x)
		if !math.IsNaN(x) {
			require.True(t, got >= 0 && got <= 1, "sigmoid(%v) = %v", x, got)
		}
		if i%10 != 0 || math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 800 {
			continue
		}
		if u := ulps(got, sigmoidExact(x)); u > worst {
			worst, at = u, x
		}
	}
	t.Logf("largest difference from the 200-bit 1/(1+e^-x): %d ulp at x = %v", worst, at)
	require.LessOrEqual(t, worst, uint64(2), "at x = %v", at)
	require.Equal(t, 0.5, sigmoid64(0))
	require.Equal(t, 0.0, sigmoid64(math.Inf(-1)))
	require.Equal(t, 1.0, sigmoid64(math.Inf(1)))
	require.True(t, math.IsNaN(sigmoid64(math.NaN())))
}

// TestExpKernels: every kernel family computes Exp and Sigmoid bit for bit
// as exp64 and sigmoid64 do, for lengths around the vector widths, in
// place and out of place.
func TestExpKernels(t *testing.T) {
	xs := expInputs(4096)
	forEachKernel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, len(xs)} {
			x := xs[len(xs)-n:]
			for _, shift := range []float64{0, 2.5, -700} {
				got := make([]float64, n+1)
				got[n] = 42 // past the end: untouched
				Exp(got, x, shift)
				for i, v := range x {
					requireSameBits(t, exp64(v-shift), got[i], "n=%d shift=%v exp(%v)", n, shift, v)
				}
				require.Equal(t, 42.0, got[n])
			}
			got := make([]float64, n)
			Sigmoid(got, x)
			in := append([]float64(nil), x...)
			Sigmoid(in, in)
			for i, v := range x {
				requireSameBits(t, sigmoid64(v), got[i], "n=%d sigmoid(%v)", n, v)
				requireSameBits(t, got[i], in[i], "in place")
			}
		}
	})
}

// requireSameBits requires want and got to be the same float64, bit for
// bit, or both NaN (the sign and payload of a NaN are not specified).
func requireSameBits(t *testing.T, want, got float64, msg string, args ...any) {
	t.Helper()
	if math.IsNaN(want) {
		require.True(t, math.IsNaN(got), append([]any{msg}, args...)...)
		return
	}
	require.Equal(t, math.Float64bits(want), math.Float64bits(got), append([]any{msg}, args...)...)
}

// BenchmarkSigmoid times Sigmoid on a Q5 output batch (36 x 1024) against
// the scalar loop over math.Exp it replaces.
func BenchmarkSigmoid(b *testing.B) {
	x := expInputs(36 * 1024)[:36*1024]
	dst := make([]float64, len(x))
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			Sigmoid(dst, x)
		}
		b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e6, "M/s")
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				dst[i] = 1 / (1 + math.Exp(-v))
			}
		}
		b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e6, "M/s")
	})
}

// TestFloat32Kernels: every kernel family computes ReLUMask and Adam bit
// for bit as the Go loops do, for lengths around the vector widths.
func TestFloat32Kernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	f32 := func(n int, f func() float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(f())
		}
		return v
	}
	forEachKernel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 33, 100, 1000} {
			// A ReLU output: zeros and positive values.
			y := f32(n, func() float64 { return math.Max(rng.NormFloat64(), 0) })
			gy := f32(n, rng.NormFloat64)
			gz := make([]float32, n+1)
			gz[n] = 42
			ReLUMask(gz[:n], gy, y)
			for i := range n {
				want := float32(0)
				if y[i] > 0 {
					want = gy[i]
				}
				require.Equal(t, math.Float32bits(want), math.Float32bits(gz[i]), "n=%d i=%d", n, i)
			}
			require.Equal(t, float32(42), gz[n])

			w, g := f32(n, rng.NormFloat64), f32(n, rng.NormFloat64)
			m, v := f32(n, rng.NormFloat64), f32(n, func() float64 { return rng.ExpFloat64() })
			w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
			var b1, b2, step, sc2, eps float32 = 0.9, 0.999, 1.3e-3, 1.7, 1e-8
			Adam(w, g, m, v, b1, b2, step, sc2, eps)
			adamGo(w2, g, m2, v2, b1, 1-b1, b2, 1-b2, step, sc2, eps)
			for i := range n {
				require.Equal(t, math.Float32bits(w2[i]), math.Float32bits(w[i]), "n=%d w[%d]", n, i)
				require.Equal(t, math.Float32bits(m2[i]), math.Float32bits(m[i]), "n=%d m[%d]", n, i)
				require.Equal(t, math.Float32bits(v2[i]), math.Float32bits(v[i]), "n=%d v[%d]", n, i)
			}
		}
	})
}

// TestMax: every kernel family computes Max as Go's max, NaN included (in
// either operand), for lengths around the vector widths and in place.
func TestMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	forEachKernel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 33, 100} {
			a, b := make([]float32, n), make([]float32, n)
			for i := range a {
				a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
				switch rng.IntN(10) {
				case 0:
					a[i] = float32(math.NaN())
				case 1:
					b[i] = float32(math.NaN())
				case 2:
					b[i] = a[i]
				case 3:
					a[i] = float32(math.Inf(-1))
				}
			}
			got := make([]float32, n)
			Max(got, a, b)
			for i := range n {
				want := max(a[i], b[i])
				if math.IsNaN(float64(want)) {
					require.True(t, math.IsNaN(float64(got[i])), "n=%d i=%d max(%v, %v) = %v", n, i, a[i], b[i], got[i])
					continue
				}
				require.Equal(t, want, got[i], "n=%d i=%d max(%v, %v)", n, i, a[i], b[i])
			}
			Max(a, a, b)
			for i := range n {
				require.Equal(t, math.IsNaN(float64(got[i])), math.IsNaN(float64(a[i])))
				if !math.IsNaN(float64(got[i])) {
					require.Equal(t, got[i], a[i], "in place")
				}
			}
		}
	})
}

// TestBiasReLU checks each kernel family's BiasReLU against Go's
// max(src[i]+b, 0) bit for bit (the sign of a zero included), NaNs and
// infinities among the inputs, at lengths around the vector widths, out
// of place and in place.
func TestBiasReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	negZero := float32(math.Copysign(0, -1))
	forEachKernel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 24, 33, 100} {
			for _, b := range []float32{0, negZero, 0.25, -0.5} {
				src := make([]float32, n)
				for i := range src {
					src[i] = float32(rng.NormFloat64())
					switch rng.IntN(8) {
					case 0:
						src[i] = float32(math.NaN())
					case 1:
						src[i] = negZero
					case 2:
						src[i] = -b // a zero sum
					case 3:
						src[i] = float32(math.Inf(1 - 2*rng.IntN(2)))
					}
				}
				want := make([]float32, n)
				for i, v := range src {
					want[i] = max(v+b, 0)
				}
				got := make([]float32, n)
				BiasReLU(got, src, b)
				for i := range n {
					require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]),
						"n=%d b=%v i=%d: max(%v+%v, 0) = %v, want %v", n, b, i, src[i], b, got[i], want[i])
				}
				BiasReLU(src, src, b)
				for i := range n {
					require.Equal(t, math.Float32bits(want[i]), math.Float32bits(src[i]), "in place: n=%d i=%d", n, i)
				}
			}
		}
	})
}

// TestMaxPoolGrad2x2 checks each kernel family's MaxPoolGrad2x2 against the
// rule written out (gy to the first cell of r0[2w], r0[2w+1], r1[2w],
// r1[2w+1] equal to y[w], the last if none is; 0 elsewhere), bit for bit,
// with ties, NaNs and signed zeros among the cells, at window counts
// around the kernel's 8, and checks that nothing past 2·len(y) is written.
func TestMaxPoolGrad2x2(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	negZero := float32(math.Copysign(0, -1))
	forEachKernel(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 3, 7, 8, 9, 12, 16, 17, 30} {
			r0, r1 := make([]float32, 2*n), make([]float32, 2*n)
			y, gy := make([]float32, n), make([]float32, n)
			for w := range n {
				cells := []*float32{&r0[2*w], &r0[2*w+1], &r1[2*w], &r1[2*w+1]}
				for _, c := range cells {
					*c = float32(rng.IntN(3)) // ties are common
				}
				y[w] = max(r0[2*w], r0[2*w+1], r1[2*w], r1[2*w+1])
				gy[w] = float32(rng.NormFloat64())
				switch rng.IntN(6) {
				case 0:
					y[w] = float32(math.NaN()) // no cell equals it
				case 1:
					*cells[rng.IntN(4)], y[w] = negZero, 0 // -0 == +0
				case 2:
					gy[w] = negZero
				}
			}
			want0, want1 := make([]float32, 2*n), make([]float32, 2*n)
			for w := range n {
				k := 3
				for c, v := range []float32{r0[2*w], r0[2*w+1], r1[2*w], r1[2*w+1]} {
					if v == y[w] {
						k = c
						break
					}
				}
				switch k {
				case 0, 1:
					want0[2*w+k] = gy[w]
				default:
					want1[2*w+k-2] = gy[w]
				}
			}
			const guard = 5
			d0, d1 := make([]float32, 2*n+guard), make([]float32, 2*n+guard)
			for i := range d0 {
				d0[i], d1[i] = float32(math.NaN()), 7 // overwritten, or left alone past 2n
			}
			MaxPoolGrad2x2(d0, d1, r0, r1, y, gy)
			for i := range 2 * n {
				require.Equal(t, math.Float32bits(want0[i]), math.Float32bits(d0[i]), "n=%d d0[%d]", n, i)
				require.Equal(t, math.Float32bits(want1[i]), math.Float32bits(d1[i]), "n=%d d1[%d]", n, i)
			}
			for i := 2 * n; i < len(d0); i++ {
				require.True(t, math.IsNaN(float64(d0[i])), "n=%d d0[%d] written", n, i)
				require.Equal(t, float32(7), d1[i], "n=%d d1[%d] written", n, i)
			}
		}
	})
}

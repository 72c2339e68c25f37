package blas

import (
	"math"
	"unsafe"
)

// The exponential of the activations (the sigmoid of Q2-Q5 and the softmax
// of Q2-Q3), vectorised: math.Exp is a scalar call of about 5 ns, and the
// autoencoder of Q5 takes 11 million of them per epoch (a sigmoid output of
// 36 x 1024 per batch), more time than all its matrix products. exp64 below
// is the method; the assembly kernels (asm/vmath.go) compute it 8 (AVX-512)
// or 4 (AVX2) lanes at a time with the same operations in the same order,
// so every kernel family gives the same bits.

// Constants of exp64. ln2hi + ln2lo is ln 2 to about 2⁻¹⁰⁸; shifter is
// 1.5·2⁵², the number whose addition rounds a double to an integer (any
// |k| < 2⁵¹ then sits in its low mantissa bits).
const (
	expLo      = -746 // e^-746 is below half the smallest subnormal: 0
	expHi      = 710  // e^710 overflows: +Inf
	expShifter = 0x1.8p52
	expLn2Hi   = 0x1.62e42fefa39efp-1
	expLn2Lo   = 0x1.abc9e3b39803fp-56
	expDegree  = 13
)

// expCoef holds 1/j! for j = 0..expDegree, rounded to float64 (the same
// expression as in asm/vmath.go).
var expCoef = func() (c [expDegree + 1]float64) {
	for j := range c {
		f := 1.0
		for i := 2; i <= j; i++ {
			f *= float64(i)
		}
		c[j] = 1 / f
	}
	return c
}()

// exp64 returns e^x within 1 ulp of math.Exp (TestExp checks it over the
// whole range), computed as the vector kernels do:
//
//  1. clamp x to [-746, 710], outside which e^x is 0 or +Inf in float64
//     (a NaN stays NaN);
//  2. reduce: k = round(x/ln 2) and r = x - k·ln 2, |r| ≤ ln2/2, with ln 2
//     in two parts (Cody and Waite) and fused multiply-adds, so r carries
//     no error beyond its last bit;
//  3. e^r = Σ_{j≤13} r^j/j! by Horner's rule: the first term left out,
//     r¹⁴/14! ≤ 0.347¹⁴/14! < 5·10⁻¹⁸, is far below half an ulp of 1;
//  4. e^x = e^r · 2^k, with 2^k built from its exponent bits in two
//     factors 2^⌊k/2⌋ · 2^(k-⌊k/2⌋), each a normal number for every
//     clamped x, so that overflow to +Inf and gradual underflow to
//     subnormals and 0 happen in the last multiplication only, rounded
//     once.
//
// Everything is branch-free, which is what lets the kernels do it on a
// whole vector at once.
func exp64(x float64) float64 {
	t := math.Min(math.Max(x, expLo), expHi)
	kf := math.FMA(t, math.Log2E, expShifter) - expShifter
	r := math.FMA(-kf, expLn2Hi, t)
	r = math.FMA(-kf, expLn2Lo, r)
	p := expCoef[expDegree]
	for j := expDegree - 1; j >= 0; j-- {
		p = math.FMA(p, r, expCoef[j])
	}
	k1 := math.Floor(kf * 0.5)
	k2 := kf - k1
	p *= pow2(k1)
	return p * pow2(k2)
}

// pow2 returns 2^k for an integral k in [-1022, 1023] given as a float64:
// k + shifter holds k in its low bits, and adding the exponent bias 1023
// and shifting by 52 moves k + 1023 into the exponent field.
func pow2(k float64) float64 {
	return math.Float64frombits((math.Float64bits(k+expShifter) + 1023) << 52)
}

// sigmoid64 is the logistic function σ(x) = 1/(1 + e^-x) with exp64, from
// e = e^-|x| in (0, 1], which never overflows: σ(x) = 1/(1 + e) for x ≥ 0
// and e/(1 + e) = e^x/(1 + e^x) for x < 0 (the kernels choose the
// numerator by the sign bit of x, a blend rather than a branch). So it is
// within 2 ulp of σ(x) for every x, including the subnormal values of
// σ(x) below x = -708.
func sigmoid64(x float64) float64 {
	e := exp64(-math.Abs(x))
	num := 1.0
	if math.Signbit(x) {
		num = e
	}
	return num / (1 + e)
}

// vecKernels are one family's elementwise kernels over float64 arrays:
// exp(dst, x, n, shift) sets dst[i] = exp64(x[i] - shift) and
// sigmoid(dst, x, n) dst[i] = sigmoid64(x[i]) for i < n, n a multiple of
// lanes; symvRow is the row kernel of Dsymv (level2.go).
type vecKernels struct {
	lanes   int
	exp     func(dst, x *float64, n int, shift float64)
	sigmoid func(dst, x *float64, n int)
	symvRow func(a, x, t *float64, n int, xi float64) float64
}

// portableVec is the family in Go, one element at a time.
var portableVec = &vecKernels{
	lanes: 1,
	exp: func(dst, x *float64, n int, shift float64) {
		d, s := unsafe.Slice(dst, n), unsafe.Slice(x, n)
		for i, v := range s {
			d[i] = exp64(v - shift)
		}
	},
	sigmoid: func(dst, x *float64, n int) {
		d, s := unsafe.Slice(dst, n), unsafe.Slice(x, n)
		for i, v := range s {
			d[i] = sigmoid64(v)
		}
	},
	symvRow: func(a, x, t *float64, n int, xi float64) float64 {
		return symvRowGo(unsafe.Slice(a, n), unsafe.Slice(x, n), unsafe.Slice(t, n), xi)
	},
}

// activeVec is the family of the active GEMM kernels (useKernel).
func activeVec() *vecKernels {
	if v := activeVecs; v != nil {
		return v
	}
	return portableVec
}

// Exp sets dst[i] = e^(x[i] - shift) for every i < len(x), to within 1 ulp
// of math.Exp(x[i] - shift) (exp64 gives the method and the bound). The
// shift is the softmax's: with shift = max x, every result is in (0, 1].
// dst must be at least as long as x and may be x.
func Exp(dst, x []float64, shift float64) {
	dst = dst[:len(x)]
	k := activeVec()
	n := len(x) - len(x)%k.lanes
	if n > 0 {
		k.exp(&dst[0], &x[0], n, shift)
	}
	if n < len(x) {
		// The last len(x) - n elements: one vector, through a buffer.
		var buf [8]float64
		copy(buf[:], x[n:])
		k.exp(&buf[0], &buf[0], k.lanes, shift)
		copy(dst[n:], buf[:])
	}
}

// Sigmoid sets dst[i] = 1/(1 + e^-x[i]) for every i < len(x), within 2 ulp
// (sigmoid64), in [0, 1] for every x. dst must be at least as long as x
// and may be x.
func Sigmoid(dst, x []float64) {
	dst = dst[:len(x)]
	k := activeVec()
	n := len(x) - len(x)%k.lanes
	if n > 0 {
		k.sigmoid(&dst[0], &x[0], n)
	}
	if n < len(x) {
		var buf [8]float64
		copy(buf[:], x[n:])
		k.sigmoid(&buf[0], &buf[0], k.lanes)
		copy(dst[n:], buf[:])
	}
}

package blas

import "math"

// The float32 elementwise kernels of q7's training step: the ReLU's
// gradient mask, the Adam update, max-pooling's maximum and gradient and a
// convolution's bias and ReLU, all passes over whole arrays (1.2
// million parameters per Adam step of the MNIST CNN) that cost more in Go,
// one element at a time, than their share of the step.

// f32Kernels are one family's float32 kernels (n a multiple of lanes).
type f32Kernels struct {
	lanes    int
	reluMask func(gz, gy, y *float32, n int)
	adam     func(w, g, m, v *float32, n int, b1, omb1, b2, omb2, step, sc2, eps float32)
	max      func(dst, a, b *float32, n int)
	biasReLU func(dst, src *float32, n int, b float32)
	anyN     bool                                        // biasReLU takes any n (a masked last vector), not only multiples of lanes
	poolGrad func(d0, d1, r0, r1, y, gy *float32, n int) // any n; nil: the Go loop
}

// activeF32 is the family of the active GEMM kernels, or nil for the
// portable one.
func activeF32() *f32Kernels { return activeF32s }

// ReLUMask sets gz[i] = gy[i] where y[i] > 0 and gz[i] = 0 elsewhere, for
// i < len(gz), given a ReLU output y (y ≥ 0, so y > 0 exactly when its bit
// pattern is not zero, which is what is tested: no comparison, no branch).
// It is dL/dz = dL/dy ⊙ [y > 0] for y = max(z, 0). gy and y must be at
// least as long as gz; gz may be gy.
func ReLUMask(gz, gy, y []float32) {
	gy, y = gy[:len(gz)], y[:len(gz)]
	n := 0
	if k := activeF32(); k != nil {
		n = len(gz) - len(gz)%k.lanes
		if n > 0 {
			k.reluMask(&gz[0], &gy[0], &y[0], n)
		}
	}
	for i := n; i < len(gz); i++ {
		m := math.Float32bits(y[i])
		mask := uint32(int32(m|-m) >> 31) // all ones when m ≠ 0
		gz[i] = math.Float32frombits(math.Float32bits(gy[i]) & mask)
	}
}

// Adam does one step of Kingma and Ba's update on the parameters w from
// their gradients g, with the moment estimates m and v (all of the same
// length):
//
//	m ← b1·m + (1-b1)·g
//	v ← b2·v + (1-b2)·g²
//	w ← w - step·m / (√v·sc2 + eps)
//
// where the caller folds the bias corrections into step = lr/(1 - b1ᵗ)
// and sc2 = 1/√(1 - b2ᵗ). Every operation is rounded to float32 on its
// own, in this order, by the vector kernels as by the Go loop, so the
// result does not depend on the kernel family.
func Adam(w, g, m, v []float32, b1, b2, step, sc2, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	omb1, omb2 := 1-b1, 1-b2
	n := 0
	if k := activeF32(); k != nil {
		n = len(w) - len(w)%k.lanes
		if n > 0 {
			k.adam(&w[0], &g[0], &m[0], &v[0], n, b1, omb1, b2, omb2, step, sc2, eps)
		}
	}
	adamGo(w[n:], g[n:], m[n:], v[n:], b1, omb1, b2, omb2, step, sc2, eps)
}

// adamGo is Adam one element at a time.
func adamGo(w, g, m, v []float32, b1, omb1, b2, omb2, step, sc2, eps float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for j, gj := range g {
		m[j] = b1*m[j] + omb1*gj
		v[j] = b2*v[j] + omb2*gj*gj
		w[j] -= step * m[j] / (float32(math.Sqrt(float64(v[j])))*sc2 + eps)
	}
}

// Max sets dst[i] = max(a[i], b[i]) for i < len(dst): NaN where either is
// NaN, as Go's max; the one difference is the sign of a zero result when
// a and b are zeros of opposite signs (Go's max gives +0, the vector
// kernels either). It is the building block of max-pooling, whose windows
// are reduced a row (or a shifted row) at a time. a and b must be at least
// as long as dst; dst may be a or b.
func Max(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	n := 0
	if k := activeF32(); k != nil {
		n = len(dst) - len(dst)%k.lanes
		if n > 0 {
			k.max(&dst[0], &a[0], &b[0], n)
		}
	}
	for i := n; i < len(dst); i++ {
		dst[i] = max(a[i], b[i])
	}
}

// BiasReLU sets dst[i] = max(src[i]+b, 0) for i < len(dst): a
// convolution's bias added to a row of its output and the ReLU applied,
// with Go's max (NaN where the sum is NaN, +0 for either zero), so that
// every element is what the Go loop gives. src must be at least as long as
// dst; dst may be src.
func BiasReLU(dst, src []float32, b float32) {
	src = src[:len(dst)]
	n := 0
	if k := activeF32(); k != nil {
		n = len(dst)
		if !k.anyN {
			n -= n % k.lanes
		}
		if n > 0 {
			k.biasReLU(&dst[0], &src[0], n, b)
		}
	}
	for i := n; i < len(dst); i++ {
		dst[i] = max(src[i]+b, 0)
	}
}

// MaxPoolGrad2x2 is the gradient of a 2x2 max-pool of stride 2 over one pair
// of input rows r0, r1, for the len(y) windows w whose cells are r0[2w],
// r0[2w+1], r1[2w], r1[2w+1] (in that order), y their maxima and gy the
// gradient of y: it writes gy[w] to the first cell equal to y[w] (the last
// cell if none is, as when y[w] is NaN) and 0 to the other three, in d0 and
// d1 (the gradient's rows). r0, r1, d0 and d1 must hold at least 2·len(y)
// values, gy len(y).
func MaxPoolGrad2x2(d0, d1, r0, r1, y, gy []float32) {
	n := len(y)
	d0, d1, r0, r1, gy = d0[:2*n], d1[:2*n], r0[:2*n], r1[:2*n], gy[:n]
	if k := activeF32(); k != nil && k.poolGrad != nil {
		if n > 0 {
			k.poolGrad(&d0[0], &d1[0], &r0[0], &r1[0], &y[0], &gy[0], n)
		}
		return
	}
	for w, m := range y {
		// The first of the window's four cells that holds the maximum,
		// without branches: conditional moves from the last candidate to
		// the first, so the first match wins.
		a, b := r0[2*w:2*w+2:2*w+2], r1[2*w:2*w+2:2*w+2]
		k := 3
		if b[0] == m {
			k = 2
		}
		if a[1] == m {
			k = 1
		}
		if a[0] == m {
			k = 0
		}
		da, db := d0[2*w:2*w+2:2*w+2], d1[2*w:2*w+2:2*w+2]
		da[0], da[1], db[0], db[1] = 0, 0, 0, 0
		*[4]*float32{&da[0], &da[1], &db[0], &db[1]}[k] = gy[w]
	}
}

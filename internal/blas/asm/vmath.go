package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The elementwise kernels: e^x and the logistic sigmoid over float64
// arrays, L lanes at a time (8 with AVX-512, 4 with AVX2). Each is the
// vector transcription, instruction for instruction, of the Go function
// exp64 in ../vmath.go (which documents the method), so that every lane
// gets exactly the value exp64 gives:
//
//	dexp<ISA>(dst, x, n, shift):  dst[i] = exp64(x[i] - shift)
//	dsigmoid<ISA>(dst, x, n):     dst[i] = sigmoid64(x[i])
//
// for i < n, n a multiple of L (the caller does the rest in Go).

// The constants of exp64, each repeated over a 64-byte row so that both
// ISAs can take it as a full-width memory operand.
var expConsts = []struct {
	name string
	bits uint64
}{
	{"lo", math.Float64bits(-746)},
	{"hi", math.Float64bits(710)},
	{"log2e", math.Float64bits(math.Log2E)},
	{"shifter", math.Float64bits(0x1.8p52)},
	{"ln2hi", 0x3fe62e42fefa39ef},
	{"ln2lo", 0x3c7abc9e3b39803f},
	{"half", math.Float64bits(0.5)},
	{"one", math.Float64bits(1)},
	{"bias", 1023},
	{"sign", 1 << 63},
}

// expDegree is the degree of the Taylor polynomial of e^r (see exp64).
const expDegree = 13

var expTable Mem
var expIndex = map[string]int{}

// expConstTable emits the table: the named constants, then the Taylor
// coefficients 1/j! for j = expDegree down to 0.
func expConstTable() {
	expTable = GLOBL("expconst", RODATA|NOPTR)
	row := 0
	emit := func(name string, bits uint64) {
		expIndex[name] = row
		for l := 0; l < 8; l++ {
			DATA(64*row+8*l, U64(bits))
		}
		row++
	}
	for _, c := range expConsts {
		emit(c.name, c.bits)
	}
	for j := expDegree; j >= 0; j-- {
		emit(fmt.Sprintf("c%d", j), math.Float64bits(invFactorial(j)))
	}
}

// invFactorial returns 1/j! rounded to float64 (the same expression as in
// ../vmath.go, so both round it the same way).
func invFactorial(j int) float64 {
	f := 1.0
	for i := 2; i <= j; i++ {
		f *= float64(i)
	}
	return 1 / f
}

// ec returns the memory operand of constant name.
func ec(name string) Mem {
	r, ok := expIndex[name]
	if !ok {
		panic("no constant " + name)
	}
	return expTable.Offset(64 * r)
}

// expKernel generates dexp<ISA> (sigmoid false) or dsigmoid<ISA>.
func expKernel(is isa, sigmoid bool) {
	lanes := 4
	if is.avx512 {
		lanes = 8
	}
	name := "dexp" + is.name
	sig := "func(dst, x *float64, n int, shift float64)"
	doc := fmt.Sprintf("%s sets dst[i] = exp64(x[i] - shift) for i < n, n a multiple of %d (see vmath.go).", name, lanes)
	if sigmoid {
		name = "dsigmoid" + is.name
		sig = "func(dst, x *float64, n int)"
		doc = fmt.Sprintf("%s sets dst[i] = sigmoid64(x[i]) for i < n, n a multiple of %d (see vmath.go).", name, lanes)
	}
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(doc)
	dst, x, n := GP64(), GP64(), GP64()
	Load(Param("dst"), dst)
	Load(Param("x"), x)
	Load(Param("n"), n)
	v := is.vec
	V, T, K, R, P, K1, S, SH := v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7)
	X, N, D := v(8), v(9), v(10)
	if !sigmoid {
		VBROADCASTSD(addr("shift"), SH)
	}
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	if sigmoid {
		Comment("v = -|x| (set the sign bit), so that e^v is in [0, 1]")
		VMOVUPD(Mem{Base: x}, X)
		if is.avx512 {
			VPORQ(ec("sign"), X, V)
		} else {
			VORPD(ec("sign"), X, V)
		}
	} else {
		Comment("v = x - shift")
		VMOVUPD(Mem{Base: x}, V)
		VSUBPD(SH, V, V)
	}
	Comment("t = min(max(v, lo), hi); a NaN in v stays NaN (it is the second source)")
	VMOVUPD(ec("lo"), T)
	VMAXPD(V, T, T)
	VMOVUPD(ec("hi"), P)
	VMINPD(T, P, T)
	Comment("k = t·log2e + shifter rounds t/ln2 to an integer, kf = k - shifter")
	VMOVUPD(ec("shifter"), K)
	VFMADD231PD(ec("log2e"), T, K)
	VSUBPD(ec("shifter"), K, K)
	Comment("r = t - kf·ln2hi - kf·ln2lo")
	VMOVUPD(T, R)
	VFNMADD231PD(ec("ln2hi"), K, R)
	VFNMADD231PD(ec("ln2lo"), K, R)
	Comment("p = Σ r^j/j!, Horner")
	VMOVUPD(ec(fmt.Sprintf("c%d", expDegree)), P)
	for j := expDegree - 1; j >= 0; j-- {
		VFMADD213PD(ec(fmt.Sprintf("c%d", j)), R, P)
	}
	Comment("k1 = floor(kf/2), k2 = kf - k1; p·2^k1·2^k2")
	VMULPD(ec("half"), K, K1)
	if is.avx512 {
		VRNDSCALEPD(U8(0x09), K1, K1)
	} else {
		VROUNDPD(U8(0x09), K1, K1)
	}
	VSUBPD(K1, K, K)
	for _, kk := range []VecPhysical{K1, K} {
		VADDPD(ec("shifter"), kk, S)
		VPADDQ(ec("bias"), S, S)
		VPSLLQ(U8(52), S, S)
		VMULPD(S, P, P)
	}
	if sigmoid {
		Comment("e = e^-|x|: 1/(1 + e) where x has no sign bit, e/(1 + e) where it has")
		VADDPD(ec("one"), P, D)
		VMOVUPD(ec("one"), N)
		if is.avx512 {
			VPTESTMQ(ec("sign"), X, K2)
			VMOVUPD(P, K2, N)
		} else {
			VBLENDVPD(X, P, N, N)
		}
		VDIVPD(D, N, P)
	}
	VMOVUPD(P, Mem{Base: dst})
	ADDQ(U8(8*lanes), x)
	ADDQ(U8(8*lanes), dst)
	SUBQ(U8(lanes), n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// symvKernel generates dsymvRow<ISA>:
//
//	dsymvRow(a, x, t, n, xi) = Σ_{j<n} a[j]·x[j], and t[j] += xi·a[j] for j < n,
//
// one row of a symmetric matrix-vector product from one triangle (see
// ../level2.go): the row's dot product with x and its contribution to the
// entries of t = A·x that the other triangle would give. n is a multiple
// of the lanes; the dot product is accumulated in 4 vector accumulators,
// lane by lane, then added in a fixed order.
func symvKernel(is isa) {
	lanes := 4
	if is.avx512 {
		lanes = 8
	}
	name := "dsymvRow" + is.name
	TEXT(name, NOSPLIT, "func(a, x, t *float64, n int, xi float64) float64")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s returns Σ a[j]·x[j] and adds xi·a[j] to t[j], j < n, n a multiple of %d (see level2.go).", name, lanes))
	a, x, t, n := GP64(), GP64(), GP64(), GP64()
	Load(Param("a"), a)
	Load(Param("x"), x)
	Load(Param("t"), t)
	Load(Param("n"), n)
	v := is.vec
	XI := v(0)
	acc := []VecPhysical{v(1), v(2), v(3), v(4)}
	A, T := []VecPhysical{v(5), v(6), v(7), v(8)}, []VecPhysical{v(9), v(10), v(11), v(12)}
	VBROADCASTSD(addr("xi"), XI)
	for _, r := range acc {
		if is.avx512 {
			VPXORQ(r, r, r)
		} else {
			VXORPD(r, r, r)
		}
	}
	step := 8 * lanes
	Comment("Four vectors per iteration, then one at a time.")
	CMPQ(n, U32(4*lanes))
	JL(LabelRef("one"))
	Label("four")
	for u := 0; u < 4; u++ {
		VMOVUPD(Mem{Base: a, Disp: u * step}, A[u])
		VMOVUPD(Mem{Base: t, Disp: u * step}, T[u])
		VFMADD231PD(Mem{Base: x, Disp: u * step}, A[u], acc[u])
		VFMADD231PD(XI, A[u], T[u])
		VMOVUPD(T[u], Mem{Base: t, Disp: u * step})
	}
	ADDQ(U32(4*step), a)
	ADDQ(U32(4*step), x)
	ADDQ(U32(4*step), t)
	SUBQ(U32(4*lanes), n)
	CMPQ(n, U32(4*lanes))
	JGE(LabelRef("four"))
	Label("one")
	TESTQ(n, n)
	JZ(LabelRef("sum"))
	VMOVUPD(Mem{Base: a}, A[0])
	VMOVUPD(Mem{Base: t}, T[0])
	VFMADD231PD(Mem{Base: x}, A[0], acc[0])
	VFMADD231PD(XI, A[0], T[0])
	VMOVUPD(T[0], Mem{Base: t})
	ADDQ(U32(step), a)
	ADDQ(U32(step), x)
	ADDQ(U32(step), t)
	SUBQ(U32(lanes), n)
	JMP(LabelRef("one"))
	Label("sum")
	Comment("(acc0 + acc1) + (acc2 + acc3), then the lanes")
	VADDPD(acc[1], acc[0], acc[0])
	VADDPD(acc[3], acc[2], acc[2])
	VADDPD(acc[2], acc[0], acc[0])
	// acc[0] is Z1 (Y1): high half onto low half, down to one lane in X0.
	if is.avx512 {
		VEXTRACTF64X4(U8(1), Z1, Y5)
		VADDPD(Y5, Y1, Y0)
	} else {
		VMOVAPD(Y1, Y0)
	}
	VEXTRACTF128(U8(1), Y0, X5)
	VADDPD(X5, X0, X0)
	VPERMILPD(U8(1), X0, X5)
	VADDSD(X5, X0, X0)
	Store(X0, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// The float32 kernels of q7's training step, n a multiple of the lanes (16
// with AVX-512, 8 with AVX2; the caller does the rest in Go, with the same
// operations in the same order, so that every lane gets the Go value):
//
//	sreluMask<ISA>(gz, gy, y, n):  gz[i] = gy[i] where the bits of y[i] are not 0 (y > 0 for a ReLU output), else 0
//	sadam<ISA>(w, grad, m, v, n, b1, omb1, b2, omb2, step, sc2, eps), g = grad:
//	    m = b1·m + omb1·g;  v = b2·v + (omb2·g)·g;  w = w - (step·m) / (√v·sc2 + eps)
//
// each operation rounded on its own (no fused multiply-add), as Go
// evaluates the same expressions.

func reluMaskKernel(is isa) {
	lanes := is.f32Lanes()
	name := "sreluMask" + is.name
	TEXT(name, NOSPLIT, "func(gz, gy, y *float32, n int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets gz[i] = gy[i] where y[i] has a bit set, else 0, for i < n, n a multiple of %d (see ../vmath32.go).", name, lanes))
	gz, gy, y, n := GP64(), GP64(), GP64(), GP64()
	Load(Param("gz"), gz)
	Load(Param("gy"), gy)
	Load(Param("y"), y)
	Load(Param("n"), n)
	v := is.vec
	Y, G, Z := v(0), v(1), v(2)
	if !is.avx512 {
		VXORPS(Z, Z, Z)
	}
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVUPS(Mem{Base: y}, Y)
	if is.avx512 {
		VPTESTMD(Y, Y, K1)
		VMOVUPS_Z(Mem{Base: gy}, K1, G)
	} else {
		VPCMPEQD(Z, Y, Y) // all ones where y's bits are 0
		VPANDN(Mem{Base: gy}, Y, G)
	}
	VMOVUPS(G, Mem{Base: gz})
	ADDQ(U8(4*lanes), y)
	ADDQ(U8(4*lanes), gy)
	ADDQ(U8(4*lanes), gz)
	SUBQ(U8(lanes), n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

func adamKernel(is isa) {
	lanes := is.f32Lanes()
	name := "sadam" + is.name
	TEXT(name, NOSPLIT, "func(w, grad, m, v *float32, n int, b1, omb1, b2, omb2, step, sc2, eps float32)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s does one Adam update of w[i], i < n, n a multiple of %d (see ../vmath32.go).", name, lanes))
	w, g, m, vv, n := GP64(), GP64(), GP64(), GP64(), GP64()
	Load(Param("w"), w)
	Load(Param("grad"), g)
	Load(Param("m"), m)
	Load(Param("v"), vv)
	Load(Param("n"), n)
	r := is.vec
	B1, OMB1, B2, OMB2, STEP, SC2, EPS := r(0), r(1), r(2), r(3), r(4), r(5), r(6)
	for i, p := range []string{"b1", "omb1", "b2", "omb2", "step", "sc2", "eps"} {
		VBROADCASTSS(addr(p), r(i))
	}
	G, M, V, T, S, W := r(7), r(8), r(9), r(10), r(11), r(12)
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVUPS(Mem{Base: g}, G)
	Comment("m = b1·m + omb1·g")
	VMULPS(Mem{Base: m}, B1, M)
	VMULPS(G, OMB1, T)
	VADDPS(T, M, M)
	VMOVUPS(M, Mem{Base: m})
	Comment("v = b2·v + (omb2·g)·g")
	VMULPS(Mem{Base: vv}, B2, V)
	VMULPS(G, OMB2, T)
	VMULPS(G, T, T)
	VADDPS(T, V, V)
	VMOVUPS(V, Mem{Base: vv})
	Comment("w = w - (step·m) / (√v·sc2 + eps)")
	VSQRTPS(V, S)
	VMULPS(SC2, S, S)
	VADDPS(EPS, S, S)
	VMULPS(M, STEP, T)
	VDIVPS(S, T, T)
	VMOVUPS(Mem{Base: w}, W)
	VSUBPS(T, W, W)
	VMOVUPS(W, Mem{Base: w})
	for _, p := range []GPVirtual{w, g, m, vv} {
		ADDQ(U8(4*lanes), p)
	}
	SUBQ(U8(lanes), n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// smax<ISA>(dst, a, b, n): dst[i] = max(a[i], b[i]), NaN where either is
// NaN (VMAXPS alone returns its second source when either is NaN, so the
// lanes where a is NaN are taken from a afterwards), for n a multiple of
// the lanes.
func maxKernel(is isa) {
	lanes := is.f32Lanes()
	name := "smax" + is.name
	TEXT(name, NOSPLIT, "func(dst, a, b *float32, n int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets dst[i] = max(a[i], b[i]) (NaN if either is) for i < n, n a multiple of %d (see ../vmath32.go).", name, lanes))
	dst, a, b, n := GP64(), GP64(), GP64(), GP64()
	Load(Param("dst"), dst)
	Load(Param("a"), a)
	Load(Param("b"), b)
	Load(Param("n"), n)
	v := is.vec
	A, M, U := v(0), v(1), v(2)
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVUPS(Mem{Base: a}, A)
	VMAXPS(Mem{Base: b}, A, M) // max(a, b); b where either is NaN
	if is.avx512 {
		VCMPPS(U8(3), A, A, K1) // unordered: a is NaN
		VMOVUPS(A, K1, M)
	} else {
		VCMPPS(U8(3), A, A, U)
		VBLENDVPS(U, A, M, M)
	}
	VMOVUPS(M, Mem{Base: dst})
	ADDQ(U8(4*lanes), a)
	ADDQ(U8(4*lanes), b)
	ADDQ(U8(4*lanes), dst)
	SUBQ(U8(lanes), n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// sbiasReLU<ISA>(dst, src, n, b): dst[i] = max(src[i]+b, 0) as Go computes
// it: the sum rounded to float32, then VMAXPS(sum, +0), which gives +0 for
// either zero, as Go's max does, and +0 for a NaN, which the lanes where
// the sum is NaN then replace. The AVX-512 kernel takes any n (the last
// vector through a mask), the AVX2 one n a multiple of 8.
func biasReLUKernel(is isa) {
	lanes := is.f32Lanes()
	name := "sbiasReLU" + is.name
	TEXT(name, NOSPLIT, "func(dst, src *float32, n int, b float32)")
	Pragma("noescape")
	if is.avx512 {
		Doc(fmt.Sprintf("%s sets dst[i] = max(src[i]+b, 0) (NaN if the sum is) for i < n (see ../vmath32.go).", name))
	} else {
		Doc(fmt.Sprintf("%s sets dst[i] = max(src[i]+b, 0) (NaN if the sum is) for i < n, n a multiple of %d (see ../vmath32.go).", name, lanes))
	}
	dst, src, n := GP64(), GP64(), GP64()
	Load(Param("dst"), dst)
	Load(Param("src"), src)
	Load(Param("n"), n)
	v := is.vec
	B, Z, X, M, U := v(0), v(1), v(2), v(3), v(4)
	VBROADCASTSS(addr("b"), B)
	VXORPS(Z, Z, Z)
	// one vector X = src + b (loaded or already in X) to M and on to dst
	relu := func() {
		VMAXPS(Z, X, M) // X > 0 ? X : +0
		if is.avx512 {
			VCMPPS(U8(3), X, X, K1) // unordered: the sum is NaN
			VMOVUPS(X, K1, M)
		} else {
			VCMPPS(U8(3), X, X, U)
			VBLENDVPS(U, X, M, M)
		}
	}
	CMPQ(n, U8(lanes))
	JB(LabelRef("tail"))
	Label("loop")
	VADDPS(Mem{Base: src}, B, X)
	relu()
	VMOVUPS(M, Mem{Base: dst})
	ADDQ(U8(4*lanes), src)
	ADDQ(U8(4*lanes), dst)
	SUBQ(U8(lanes), n)
	CMPQ(n, U8(lanes))
	JAE(LabelRef("loop"))
	Label("tail")
	if is.avx512 {
		TESTQ(n, n)
		JZ(LabelRef("done"))
		ones, t := GP32(), GP32()
		MOVL(U32(1<<lanes-1), ones)
		BZHIL(n.As32(), ones, t)
		KMOVW(t, K2)
		VMOVUPS_Z(Mem{Base: src}, K2, X)
		VADDPS(B, X, X)
		relu()
		VMOVUPS(M, K2, Mem{Base: dst})
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// smaxPoolGrad2x2AVX512(d0, d1, r0, r1, y, gy, n): the gradient of a 2x2,
// stride-2 max-pool over one pair of input rows, n windows (any n), 8 at a
// time. Window w has the cells r0[2w], r0[2w+1], r1[2w], r1[2w+1]; gy[w]
// goes to the first of them equal to y[w] (the last if none is) and 0 to
// the other three, in d0 and d1. y and gy are spread to the 16 lanes of
// their window's cells (VPERMPS by pool2idx), compared with the cells
// (K1, K2: one bit per cell), and the first match of each window is picked
// from those bits in general registers, with E = 0x5555 the bits of the
// even cells:
//
//	a0 = K1 & E, a1 = K1>>1 & E, b0 = K2 & E
//	row 0 gets gy at a0 | (a1 &^ a0)<<1
//	row 1 gets gy at b0 &^ (a0|a1) | (E &^ (a0|a1|b0))<<1
func maxPoolGrad2x2Kernel() {
	idx := GLOBL("pool2idx", RODATA|NOPTR)
	for l := 0; l < 16; l++ {
		DATA(4*l, U32(l/2))
	}
	TEXT("smaxPoolGrad2x2AVX512", NOSPLIT, "func(d0, d1, r0, r1, y, gy *float32, n int)")
	Pragma("noescape")
	Doc("smaxPoolGrad2x2AVX512 writes the gradient of n 2x2 max-pool windows over the rows r0, r1 to d0, d1 (see ../vmath32.go).")
	d0, d1, r0, r1, y, gy, n := GP64(), GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	for _, p := range []struct {
		name string
		r    GPVirtual
	}{{"d0", d0}, {"d1", d1}, {"r0", r0}, {"r1", r1}, {"y", y}, {"gy", gy}, {"n", n}} {
		Load(Param(p.name), p.r)
	}
	IDX, R0, R1, YS, GS, YY, GG, T := Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7
	VMOVUPS(idx, IDX)
	ones, w, cells, a, b, a0, a1, b0, s, e := GP32(), GP32(), GP32(), GP32(), GP32(), GP32(), GP32(), GP32(), GP32(), GP32()
	MOVL(U32(0xffff), ones)
	MOVL(U32(0x5555), e)
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	// w windows this step (8, or the n left), 2w cells: the masks K3 (y, gy)
	// and K4 (the cells).
	MOVL(U32(8), w)
	CMPQ(n, U8(8))
	CMOVLLT(n.As32(), w)
	BZHIL(w, ones, a)
	KMOVW(a, K3)
	MOVL(w, cells)
	ADDL(cells, cells)
	BZHIL(cells, ones, b)
	KMOVW(b, K4)
	VMOVUPS_Z(Mem{Base: r0}, K4, R0)
	VMOVUPS_Z(Mem{Base: r1}, K4, R1)
	VMOVUPS_Z(Mem{Base: y}, K3, YS)
	VMOVUPS_Z(Mem{Base: gy}, K3, GS)
	VPERMPS(YS, IDX, YY)
	VPERMPS(GS, IDX, GG)
	VCMPPS(U8(0), YY, R0, K1) // r0 == y (ordered: never for NaN)
	VCMPPS(U8(0), YY, R1, K2)
	KMOVW(K1, a)
	KMOVW(K2, b)
	MOVL(a, a0)
	ANDL(e, a0)
	MOVL(a, a1)
	SHRL(U8(1), a1)
	ANDL(e, a1)
	MOVL(b, b0)
	ANDL(e, b0)
	Comment("row 0: a0 | (a1 &^ a0) << 1")
	ANDNL(a1, a0, s) // s = ^a0 & a1
	ADDL(s, s)
	ORL(a0, s)
	KMOVW(s, K5)
	VMOVUPS_Z(GG, K5, T)
	VMOVUPS(T, K4, Mem{Base: d0})
	Comment("row 1: b0 &^ (a0|a1) | (E &^ (a0|a1|b0)) << 1")
	ORL(a1, a0) // a0 = a0|a1
	ANDNL(b0, a0, s)
	ORL(b0, a0)
	ANDNL(e, a0, a)
	ADDL(a, a)
	ORL(a, s)
	KMOVW(s, K5)
	VMOVUPS_Z(GG, K5, T)
	VMOVUPS(T, K4, Mem{Base: d1})
	ADDQ(U8(64), r0)
	ADDQ(U8(64), r1)
	ADDQ(U8(64), d0)
	ADDQ(U8(64), d1)
	ADDQ(U8(32), y)
	ADDQ(U8(32), gy)
	SUBQ(U8(8), n)
	JG(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// f32Lanes is the number of float32 lanes of the ISA's vectors.
func (is isa) f32Lanes() int {
	if is.avx512 {
		return 16
	}
	return 8
}

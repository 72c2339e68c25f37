// Command asm generates the amd64 GEMM micro-kernels of package blas
// (../kernels_amd64.s and their Go declarations ../kernels_stubs_amd64.go)
// with avo. It is its own module so that package blas does not depend on
// avo. Regenerate from internal/blas with
//
//	go generate
//
// which runs `go -C asm run . -out ../kernels_amd64.s -stubs ../kernels_stubs_amd64.go -pkg blas`.
//
// Every kernel computes one tile of C (row-major, stride ldc elements):
//
//	C[i, j] = alpha·Σ_l a[i·rsa + l·csa]·b[l·rsb + j] + beta·C[i, j]   for r0 ≤ i < mr, j < nr,
//
// reading MR rows of A with any strides (a packed panel, rsa = 1 and
// csa = MR; A itself, rsa = lda and csa = 1; Aᵀ, rsa = 1 and csa = lda) and
// w = nv·L columns of B (L lanes per vector register, nv vectors per row of
// the tile) from rows rsb elements apart. All strides are in elements.
// The sum over l runs in order with one fused multiply-add per step and one
// accumulator per element, so an element's value does not depend on where
// its tile lies. With beta = 0, C is not read. Rows outside [r0, mr) and
// columns j ≥ nr of the tile are neither read nor written (masked loads
// and stores), so the caller needs no temporary tile at the edges of C: a
// last panel of fewer than MR rows is either packed with zeros (r0 = 0) or
// moved up over rows of the panel before, which it then does not store
// (r0 > 0). The caller guarantees k ≥ 1, 0 ≤ r0 < mr ≤ MR, (nv-1)·L < nr ≤ nv·L, and that all
// MR rows of A may be read. The AVX-512 kernels load the last vector of a
// row of B through a mask, so they read only the nr columns of B; the AVX2
// kernels read all w.
//
// With np > 1 a kernel computes np such tiles one below the other, tile p
// from a + p·MR·rsa and at c + p·MR·ldc, each as above: a column of tiles of
// a small product whose A is read in place, in one call (gemmSmall).
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// isa is one instruction set's register file and instructions.
type isa struct {
	name   string // "AVX512" or "AVX2"
	regs   int    // vector registers
	vec    func(i int) VecPhysical
	avx512 bool
}

var (
	avx512 = isa{name: "AVX512", regs: 32, vec: zmm, avx512: true}
	avx2   = isa{name: "AVX2", regs: 16, vec: ymm}
)

func zmm(i int) VecPhysical {
	return []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
		Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}[i]
}

func ymm(i int) VecPhysical {
	return []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}[i]
}

// elem is one element type's instructions.
type elem struct {
	goType    string              // "float32"
	letter    string              // "s" or "d", as in sgemm and dgemm
	size      int                 // bytes
	bcast     func(...Op)         // (m, v): v = m in every lane
	fma231    func(...Op)         // (x, y, acc): acc += x·y
	fma213    func(...Op)         // (t, alpha, acc): acc = alpha·acc + t
	mul       func(...Op)         // (x, y, dst): dst = x·y
	add       func(...Op)         // (x, y, dst): dst = x + y
	movu      func(...Op)         // (src, dst) or, AVX-512, (src, k, dst) masked store
	movuMaskZ func(m, k, dst Op)  // AVX-512 zeroing masked load
	maskmov   func(a, mask, b Op) // AVX2 masked load or store
}

var (
	f32 = elem{goType: "float32", letter: "s", size: 4, bcast: VBROADCASTSS, fma231: VFMADD231PS,
		fma213: VFMADD213PS, mul: VMULPS, add: VADDPS, movu: VMOVUPS, movuMaskZ: VMOVUPS_Z, maskmov: VMASKMOVPS}
	f64 = elem{goType: "float64", letter: "d", size: 8, bcast: VBROADCASTSD, fma231: VFMADD231PD,
		fma213: VFMADD213PD, mul: VMULPD, add: VADDPD, movu: VMOVUPD, movuMaskZ: VMOVUPD_Z, maskmov: VMASKMOVPD}
)

// config is one kernel family: MR rows, up to nvMax vectors of L lanes.
type config struct {
	isa   isa
	elem  elem
	mr    int
	nvMax int
}

func (c config) lanes() int {
	if c.isa.avx512 {
		return 64 / c.elem.size
	}
	return 32 / c.elem.size
}

// The kernel families. Registers: MR·nv accumulators, nv for a row of B and
// one for a broadcast element of A: AVX-512 8·3+3+1 = 28 of 32, AVX2
// 4·3+3+1 = 16 of 16.
var configs = []config{
	{isa: avx512, elem: f32, mr: 8, nvMax: 3},
	{isa: avx512, elem: f64, mr: 8, nvMax: 3},
	{isa: avx2, elem: f32, mr: 4, nvMax: 3},
	{isa: avx2, elem: f64, mr: 4, nvMax: 3},
}

// maskTables holds the AVX2 mask tables by element letter and ISA.
var maskTables = map[string]Mem{}

// unroll is how many steps of the k loop one iteration does.
const unroll = 4

func main() {
	ConstraintExpr("!purego")
	packT(f32)
	packT(f64)
	for _, c := range configs {
		if !c.isa.avx512 {
			maskTables[c.elem.letter+c.isa.name] = maskTable(c)
		}
		for nv := 1; nv <= c.nvMax; nv++ {
			kernel(c, nv)
		}
		dotKernel(c)
	}
	expConstTable()
	maxPoolGrad2x2Kernel()
	for _, is := range []isa{avx512, avx2} {
		expKernel(is, false)
		expKernel(is, true)
		symvKernel(is)
		reluMaskKernel(is)
		adamKernel(is)
		maxKernel(is)
		biasReLUKernel(is)
	}
	Generate()
}

// maskTable emits L all-ones elements then L zeros: the L elements from
// index L-t are the VMASKMOV mask of the first t lanes.
func maskTable(c config) Mem {
	l := c.lanes()
	m := GLOBL(fmt.Sprintf("%smask%s", c.elem.letter, c.isa.name), RODATA|NOPTR)
	for i := 0; i < 2*l; i++ {
		var v uint64
		if i < l {
			v = ^uint64(0)
		}
		if c.elem.size == 4 {
			DATA(4*i, U32(uint32(v)))
		} else {
			DATA(8*i, U64(v))
		}
	}
	return m
}

func kernelName(c config, nv int) string {
	return fmt.Sprintf("%sgemm%sx%d", c.elem.letter, c.isa.name, nv)
}

func kernel(c config, nv int) {
	e, l, mr := c.elem, c.lanes(), c.mr
	nr := nv * l
	TEXT(kernelName(c, nv), NOSPLIT, fmt.Sprintf("func(k int, a *%[1]s, rsa, csa int, b *%[1]s, rsb int, c *%[1]s, ldc int, alpha, beta %[1]s, r0, mr, nr, np int)", e.goType))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes a %dx%d tile of C = alpha·A·B + beta·C (see gen.go).", kernelName(c, nv), mr, nr))

	acc := func(i, v int) VecPhysical { return c.isa.vec(i*nv + v) }
	breg := func(v int) VecPhysical { return c.isa.vec(mr*nv + v) }
	bc := c.isa.vec(mr*nv + nv)
	if mr*nv+max(nv+1, 4) > c.isa.regs {
		panic("too many registers")
	}

	shift := U8(log2(e.size))
	// np panels of MR rows: panel p's A starts at a + p·MR·rsa (ap) and
	// its tile of C at c + p·MR·ldc (cbase).
	np, ap, cbase := GP64(), GP64(), GP64()
	Load(Param("np"), np)
	Load(Param("a"), ap)
	Load(Param("c"), cbase)
	// A's element (i, l) is at a + i·rsa + l·csa: rows 0-3 from a, rows
	// 4-7 from a4 = a + 4·rsa, at offsets 0, rsa, 2·rsa and rsa3 = 3·rsa.
	rsa, csa := GP64(), GP64()
	Load(Param("rsa"), rsa)
	Load(Param("csa"), csa)
	SHLQ(shift, rsa)
	SHLQ(shift, csa)
	rsa3 := GP64()
	LEAQ(Mem{Base: rsa, Index: rsa, Scale: 2}, rsa3)
	a := GP64()
	var a4 GPVirtual
	if mr > 4 {
		a4 = GP64()
	}
	arow := func(i int) Mem {
		base := a
		if i >= 4 {
			base = a4
		}
		switch i % 4 {
		case 0:
			return Mem{Base: base}
		case 1:
			return Mem{Base: base, Index: rsa, Scale: 1}
		case 2:
			return Mem{Base: base, Index: rsa, Scale: 2}
		default:
			return Mem{Base: base, Index: rsa3, Scale: 1}
		}
	}
	// B's row l is at b + l·rsb.
	rsb := GP64()
	Load(Param("rsb"), rsb)
	SHLQ(shift, rsb)
	cols := GP64()
	Load(Param("nr"), cols)
	if c.isa.avx512 {
		// K1 masks the columns of the last vector: its low nr - (nv-1)·L
		// bits (at least 1, and all L bits when nr = nv·L).
		ones, t := GP32(), GP32()
		MOVL(U32(1<<l-1), ones)
		MOVL(cols.As32(), t)
		if nv > 1 {
			SUBL(U32((nv-1)*l), t)
		}
		BZHIL(t, ones, t)
		KMOVW(t, K1)
	}

	Label("panel")
	k := Load(Param("k"), GP64())
	MOVQ(ap, a)
	if mr > 4 {
		LEAQ(Mem{Base: a, Index: rsa, Scale: 4}, a4)
	}
	b := Load(Param("b"), GP64())

	Comment("Zero the accumulators.")
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			if c.isa.avx512 {
				VPXORD(acc(i, v), acc(i, v), acc(i, v))
			} else {
				VXORPS(acc(i, v), acc(i, v), acc(i, v))
			}
		}
	}

	// step is one l: a row of B, then each row's element of A times it.
	// With masked, the last vector of B is loaded through K1, so that
	// columns past nr are not read.
	step := func(masked bool) {
		for v := 0; v < nv; v++ {
			m := Mem{Base: b, Disp: v * l * e.size}
			if masked && v == nv-1 {
				e.movuMaskZ(m, K1, breg(v))
			} else {
				e.movu(m, breg(v))
			}
		}
		for i := 0; i < mr; i++ {
			e.bcast(arow(i), bc)
			for v := 0; v < nv; v++ {
				e.fma231(breg(v), bc, acc(i, v))
			}
		}
		ADDQ(csa, a)
		if mr > 4 {
			ADDQ(csa, a4)
		}
		ADDQ(rsb, b)
	}
	loop := func(masked bool) {
		sfx := ""
		if masked {
			sfx = "masked"
		}
		Comment(fmt.Sprintf("k loop, %d steps per iteration.", unroll))
		CMPQ(k, U8(unroll))
		JL(LabelRef("tail" + sfx))
		Label("loop" + sfx)
		for u := 0; u < unroll; u++ {
			step(masked)
		}
		SUBQ(U8(unroll), k)
		CMPQ(k, U8(unroll))
		JGE(LabelRef("loop" + sfx))
		Label("tail" + sfx)
		TESTQ(k, k)
		JZ(LabelRef("store"))
		Label("tailloop" + sfx)
		step(masked)
		DECQ(k)
		JNZ(LabelRef("tailloop" + sfx))
	}
	if c.isa.avx512 {
		CMPQ(cols, U8(nr))
		JNE(LabelRef("maskedb"))
		loop(false)
		JMP(LabelRef("store"))
		Label("maskedb")
		loop(true)
	} else {
		loop(false)
	}

	Label("store")
	Comment("C = alpha·acc + beta·C; C is not read when beta is ±0.")
	// Every register but the accumulators is free now.
	alpha, beta, tmp, mask := c.isa.vec(mr*nv), c.isa.vec(mr*nv+1), c.isa.vec(mr*nv+2), c.isa.vec(mr*nv+3)
	e.bcast(addr("alpha"), alpha)
	cp := GP64()
	MOVQ(cbase, cp)
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(log2(e.size)), ldc)
	rows, first := GP64(), GP64()
	Load(Param("mr"), rows)
	Load(Param("r0"), first)
	bb := GP64()
	if e.size == 4 {
		MOVLQZX(addr("beta"), bb)
		SHLL(U8(1), bb.As32())
	} else {
		MOVQ(addr("beta"), bb)
		SHLQ(U8(1), bb)
	}
	CMPQ(rows, U8(mr))
	JNE(LabelRef("partial"))
	CMPQ(cols, U8(nr))
	JNE(LabelRef("partial"))
	TESTQ(first, first)
	JNZ(LabelRef("partial"))

	// Full tile. With alpha = 1 the product needs no multiply (alpha·acc
	// = acc exactly), and with beta = 1 neither does C (acc + C, one
	// rounding, as the fused alpha·acc + 1·C): Q7's ops (C preset to the
	// bias) and every k block after the first take that path.
	one := GP64()
	if e.size == 4 {
		MOVL(U32(0x3f800000), one.As32())
		CMPL(addr("alpha"), one.As32())
	} else {
		MOVQ(U64(0x3ff0000000000000), one)
		CMPQ(addr("alpha"), one)
	}
	JNE(LabelRef("fullalpha"))
	TESTQ(bb, bb)
	JZ(LabelRef("fullalpha1beta0"))
	if e.size == 4 {
		CMPL(addr("beta"), one.As32())
	} else {
		CMPQ(addr("beta"), one)
	}
	JNE(LabelRef("fullalpha"))
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			m := Mem{Base: cp, Disp: v * l * e.size}
			e.add(m, acc(i, v), acc(i, v))
			e.movu(acc(i, v), m)
		}
		if i < mr-1 {
			ADDQ(ldc, cp)
		}
	}
	JMP(LabelRef("next"))
	Label("fullalpha1beta0")
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			e.movu(acc(i, v), Mem{Base: cp, Disp: v * l * e.size})
		}
		if i < mr-1 {
			ADDQ(ldc, cp)
		}
	}
	JMP(LabelRef("next"))

	Label("fullalpha")
	TESTQ(bb, bb)
	JZ(LabelRef("fullbeta0"))
	e.bcast(addr("beta"), beta)
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			m := Mem{Base: cp, Disp: v * l * e.size}
			e.mul(m, beta, tmp)
			e.fma213(tmp, alpha, acc(i, v))
			e.movu(acc(i, v), m)
		}
		if i < mr-1 {
			ADDQ(ldc, cp)
		}
	}
	JMP(LabelRef("next"))
	Label("fullbeta0")
	for i := 0; i < mr; i++ {
		for v := 0; v < nv; v++ {
			m := Mem{Base: cp, Disp: v * l * e.size}
			e.mul(alpha, acc(i, v), acc(i, v))
			e.movu(acc(i, v), m)
		}
		if i < mr-1 {
			ADDQ(ldc, cp)
		}
	}
	JMP(LabelRef("next"))

	// Partial tile: rows r0 to mr-1; the last vector's columns masked (the
	// others are full, as nr > (nv-1)·L).
	Label("partial")
	var lastMask Mem
	if !c.isa.avx512 {
		// The mask is table[L - t:], t = nr - (nv-1)·L in 1..L.
		tab := GP64()
		LEAQ(maskTables[c.elem.letter+c.isa.name], tab)
		t := GP64()
		MOVQ(U32(nv*l), t)
		SUBQ(cols, t)
		lastMask = Mem{Base: tab, Index: t, Scale: uint8(e.size)}
	}
	partial := func(withBeta bool) {
		if !c.isa.avx512 {
			e.movu(lastMask, mask)
		}
		for i := 0; i < mr; i++ {
			if i > 0 {
				CMPQ(rows, U8(i))
				JLE(LabelRef(fmt.Sprintf("done%v", withBeta)))
			}
			skip := fmt.Sprintf("skip%v%d", withBeta, i)
			if i < mr-1 {
				CMPQ(first, U8(i))
				JG(LabelRef(skip))
			}
			for v := 0; v < nv; v++ {
				m := Mem{Base: cp, Disp: v * l * e.size}
				last := v == nv-1
				switch {
				case withBeta && !last:
					e.mul(m, beta, tmp)
				case withBeta && c.isa.avx512:
					e.movuMaskZ(m, K1, tmp)
					e.mul(beta, tmp, tmp)
				case withBeta:
					e.maskmov(m, mask, tmp)
					e.mul(beta, tmp, tmp)
				}
				if withBeta {
					e.fma213(tmp, alpha, acc(i, v))
				} else {
					e.mul(alpha, acc(i, v), acc(i, v))
				}
				switch {
				case !last:
					e.movu(acc(i, v), m)
				case c.isa.avx512:
					e.movu(acc(i, v), K1, m)
				default:
					e.maskmov(acc(i, v), mask, m)
				}
			}
			if i < mr-1 {
				Label(skip)
				ADDQ(ldc, cp)
			}
		}
		Label(fmt.Sprintf("done%v", withBeta))
		JMP(LabelRef("next"))
	}
	TESTQ(bb, bb)
	JZ(LabelRef("partialbeta0"))
	e.bcast(addr("beta"), beta)
	partial(true)
	Label("partialbeta0")
	partial(false)

	// The next panel, if any: A MR rows on, C MR rows down.
	Label("next")
	DECQ(np)
	JZ(LabelRef("done"))
	LEAQ(Mem{Base: ap, Index: rsa, Scale: uint8(mr)}, ap)
	ldcp := Load(Param("ldc"), GP64())
	SHLQ(U8(log2(e.size)+log2(mr)), ldcp)
	ADDQ(ldcp, cbase)
	JMP(LabelRef("panel"))
	Label("done")
	VZEROUPPER()
	RET()
}

// addr is the memory operand of the active function's parameter name.
func addr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

func log2(n int) int {
	s := 0
	for 1<<s < n {
		s++
	}
	return s
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The dot-product kernels of products C = alpha·A·Bᵀ + beta·C with few
// columns and a long k (the weight gradient of a convolution with one
// input channel: 9 columns, k = 676-900 pixels): rows of A and of B both
// run along k in memory, so the kernel takes its vectors along k, where
// the tiles of kernel() would take them along the 9 columns of C and leave
// most lanes empty. Each computes the MR x 3 dot products
//
//	dst[3·i + j] = Σ_{l<k} a[i·lda + l]·b[j·ldb + l]   for i < MR, j < 3, k ≥ 1,
//
// where rows i ≥ rows of A repeat row rows-1 and rows j ≥ cols of B repeat
// row cols-1 (the edges of C), reading no element of a row past k (the
// last k mod L elements through a mask). Each product is accumulated lane by lane in one register, in
// order along k, then its lanes are added in a fixed tree (halves onto
// halves), so its value does not depend on the rows' addresses or on the
// other products. Registers: 3·MR accumulators, 3 rows of B, one of A
// and, for AVX2, the mask: MR = 8 with AVX-512, 28 of 32 (the mask is K1);
// MR = 3 with AVX2, 14 of 16.
func dotKernel(c config) {
	is, e, lanes := c.isa, c.elem, c.lanes()
	mr := dotRows(is)
	name := fmt.Sprintf("%sdotNT%s", e.letter, is.name)
	TEXT(name, NOSPLIT, fmt.Sprintf("func(k int, a *%[1]s, lda, rows int, b *%[1]s, ldb, cols int, dst *%[1]s)", e.goType))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets dst[3i+j] = Σ_{l<k} a[i·lda+l]·b[j·ldb+l] for i < %d, j < 3 and k ≥ 1, rows past rows and cols repeating the last (see asm/dot.go).", name, mr))
	k := Load(Param("k"), GP64())
	// rowPtrs returns n pointers to rows of p, stride ld elements: row i,
	// or the last of the first cnt rows for i ≥ cnt.
	rowPtrs := func(p, ld, cnt string, n int) []GPVirtual {
		base, stride, count := GP64(), GP64(), GP64()
		Load(Param(p), base)
		Load(Param(ld), stride)
		Load(Param(cnt), count)
		SHLQ(U8(log2(e.size)), stride)
		r := []GPVirtual{base}
		for i := 1; i < n; i++ {
			next, t := GP64(), GP64()
			MOVQ(r[i-1], next)
			LEAQ(Mem{Base: r[i-1], Index: stride, Scale: 1}, t)
			CMPQ(count, U8(i))
			CMOVQGT(t, next)
			r = append(r, next)
		}
		return r
	}
	a := rowPtrs("a", "lda", "rows", mr)
	b := rowPtrs("b", "ldb", "cols", 3)
	// k = the whole vectors' bytes, rem = the elements after them.
	rem := GP64()
	MOVQ(k, rem)
	ANDQ(U8(lanes-1), rem)
	SUBQ(rem, k)
	SHLQ(U8(log2(e.size)), k)
	off := GP64() // byte offset along k
	XORQ(off, off)
	v := is.vec
	acc := func(i, j int) VecPhysical { return v(3*i + j) }
	B := []VecPhysical{v(3 * mr), v(3*mr + 1), v(3*mr + 2)}
	A, mask := v(3*mr+3), v(3*mr+4)
	for r := range 3 * mr {
		if is.avx512 {
			VPXORD(v(r), v(r), v(r))
		} else {
			VXORPS(v(r), v(r), v(r))
		}
	}
	// step multiplies one vector of each row at off, loaded through the
	// mask if masked.
	step := func(masked bool) {
		load := func(m Mem, dst VecPhysical) {
			switch {
			case !masked:
				e.movu(m, dst)
			case is.avx512:
				e.movuMaskZ(m, K1, dst)
			default:
				e.maskmov(m, mask, dst)
			}
		}
		for j := range 3 {
			load(Mem{Base: b[j], Index: off, Scale: 1}, B[j])
		}
		for i := range mr {
			load(Mem{Base: a[i], Index: off, Scale: 1}, A)
			for j := range 3 {
				e.fma231(B[j], A, acc(i, j))
			}
		}
	}
	Comment("One vector of k per iteration.")
	TESTQ(k, k)
	JZ(LabelRef("tail"))
	Label("loop")
	step(false)
	ADDQ(U8(lanes*e.size), off)
	CMPQ(off, k)
	JL(LabelRef("loop"))

	Label("tail")
	Comment("The last k mod L elements, through a mask of their lanes.")
	TESTQ(rem, rem)
	JZ(LabelRef("sum"))
	if is.avx512 {
		ones := GP32()
		MOVL(U32(1<<lanes-1), ones)
		BZHIL(rem.As32(), ones, ones)
		KMOVW(ones, K1)
	} else {
		// The mask table's elements from L - rem on: rem all-ones, then zeros.
		tab, t := GP64(), GP64()
		LEAQ(maskTables[e.letter+is.name], tab)
		MOVQ(U32(lanes), t)
		SUBQ(rem, t)
		e.movu(Mem{Base: tab, Index: t, Scale: uint8(e.size)}, mask)
	}
	step(true)

	Label("sum")
	Comment("Each accumulator's lanes: the high half onto the low half, down to one lane.")
	dst := Load(Param("dst"), GP64())
	t := B[0]
	for r := range 3 * mr {
		x := acc(r/3, r%3)
		if is.avx512 {
			// (EVEX forms: the registers go up to Z27.)
			VEXTRACTF64X4(U8(1), x, t.AsY())
			e.add(t.AsY(), x.AsY(), x.AsY())
			VEXTRACTF32X4(U8(1), x.AsY(), t.AsX())
		} else {
			VEXTRACTF128(U8(1), x.AsY(), t.AsX())
		}
		e.add(t.AsX(), x.AsX(), x.AsX())
		if e.size == 4 {
			VMOVHLPS(x.AsX(), t.AsX(), t.AsX())
			e.add(t.AsX(), x.AsX(), x.AsX())
			VMOVSHDUP(x.AsX(), t.AsX())
			VADDSS(t.AsX(), x.AsX(), x.AsX())
			VMOVSS(x.AsX(), Mem{Base: dst, Disp: 4 * r})
		} else {
			VPERMILPD(U8(1), x.AsX(), t.AsX())
			VADDSD(t.AsX(), x.AsX(), x.AsX())
			VMOVSD(x.AsX(), Mem{Base: dst, Disp: 8 * r})
		}
	}
	VZEROUPPER()
	RET()
}

// dotRows is the MR of the dot kernels of an instruction set.
func dotRows(is isa) int {
	if is.avx512 {
		return 8
	}
	return 3
}

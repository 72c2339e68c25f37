package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The transposing packers: for op(B) = Bᵀ the kernels need rows of Bᵀ, that
// is columns of B, as vectors, so the packing transposes square blocks of
// L x L elements (L lanes of an AVX-512 register) in registers:
//
//	dst[i·ldd + r] = src[r·lds + i]   for r < rows, i < cnt,
//	dst[i·ldd + r] = 0                for rows ≤ r < L, i < cnt,
//
// reading only rows r < rows of src and elements i < cnt of each (masked
// loads), writing cnt full rows of dst. The caller guarantees
// 0 ≤ rows ≤ L and 1 ≤ cnt ≤ L; strides are in elements.

// vreg is a register in the simulation: for each lane, the (row, column)
// of the source block it holds.
type vreg [][2]int

// shuffles simulates the instructions of the transpose on symbolic
// registers, so that the generator can check that the sequence transposes
// and find the register holding each row of the result.
func unpack(a, b vreg, unit int, hi bool) vreg {
	// Per 128-bit lane (4 floats): the low (or high) halves of a and b,
	// interleaved by units of unit floats (1 for PS, 2 for PD).
	out := make(vreg, len(a))
	for lane := 0; lane < len(a)/4; lane++ {
		base := lane * 4
		off := 0
		if hi {
			off = 2
		}
		k := 0
		for u := 0; u < 2/unit; u++ {
			for _, src := range []vreg{a, b} {
				for x := 0; x < unit; x++ {
					out[base+k] = src[base+off+u*unit+x]
					k++
				}
			}
		}
	}
	return out
}

func shuf128(a, b vreg, imm uint8) vreg {
	// VSHUFF32X4/VSHUFF64X2: 128-bit lanes 0 and 1 from a, 2 and 3 from b.
	out := make(vreg, 16)
	for i := 0; i < 4; i++ {
		src := a
		if i >= 2 {
			src = b
		}
		sel := int(imm>>(2*i)) & 3
		copy(out[4*i:4*i+4], src[4*sel:4*sel+4])
	}
	return out
}

// op is one shuffle of the transpose: dst = f(a, b).
type op struct {
	kind    string // "lps", "hps", "lpd", "hpd", "shuf"
	imm     uint8
	a, b, d int
}

// transposeOps returns the shuffle sequence for an n x n block (n = 16
// floats or 8 doubles; the simulation works in float units, a double being
// two), on registers 0..n-1 (input) and n..2n-1 (scratch), and the register
// that holds each output row.
func transposeOps(n int) ([]op, []int) {
	var ops []op
	if n == 16 {
		for i := 0; i < 16; i += 2 {
			ops = append(ops, op{kind: "lps", a: i, b: i + 1, d: 16 + i}, op{kind: "hps", a: i, b: i + 1, d: 17 + i})
		}
		for g := 0; g < 16; g += 4 {
			t := 16 + g
			ops = append(ops, op{kind: "lpd", a: t, b: t + 2, d: g}, op{kind: "hpd", a: t, b: t + 2, d: g + 1},
				op{kind: "lpd", a: t + 1, b: t + 3, d: g + 2}, op{kind: "hpd", a: t + 1, b: t + 3, d: g + 3})
		}
		for h := 0; h < 16; h += 8 {
			for i := 0; i < 4; i++ {
				ops = append(ops, op{kind: "shuf", imm: 0x88, a: h + i, b: h + 4 + i, d: 16 + h + i},
					op{kind: "shuf", imm: 0xdd, a: h + i, b: h + 4 + i, d: 16 + h + 4 + i})
			}
		}
		for i := 0; i < 8; i++ {
			ops = append(ops, op{kind: "shuf", imm: 0x88, a: 16 + i, b: 24 + i, d: i},
				op{kind: "shuf", imm: 0xdd, a: 16 + i, b: 24 + i, d: 8 + i})
		}
	} else {
		for i := 0; i < 8; i += 2 {
			ops = append(ops, op{kind: "lpd", a: i, b: i + 1, d: 8 + i}, op{kind: "hpd", a: i, b: i + 1, d: 9 + i})
		}
		for h := 0; h < 8; h += 4 {
			for i := 0; i < 2; i++ {
				ops = append(ops, op{kind: "shuf", imm: 0x88, a: 8 + h + i, b: 8 + h + 2 + i, d: h + i},
					op{kind: "shuf", imm: 0xdd, a: 8 + h + i, b: 8 + h + 2 + i, d: h + 2 + i})
			}
		}
		for i := 0; i < 4; i++ {
			ops = append(ops, op{kind: "shuf", imm: 0x88, a: i, b: 4 + i, d: 8 + i},
				op{kind: "shuf", imm: 0xdd, a: i, b: 4 + i, d: 12 + i})
		}
	}
	// Simulate, in float units (a double is two consecutive floats).
	unit := 16 / n
	regs := make([]vreg, 2*n)
	for r := 0; r < n; r++ {
		regs[r] = make(vreg, 16)
		for i := 0; i < 16; i++ {
			regs[r][i] = [2]int{r, i / unit}
		}
	}
	for _, o := range ops {
		switch o.kind {
		case "lps":
			regs[o.d] = unpack(regs[o.a], regs[o.b], 1, false)
		case "hps":
			regs[o.d] = unpack(regs[o.a], regs[o.b], 1, true)
		case "lpd":
			regs[o.d] = unpack(regs[o.a], regs[o.b], 2, false)
		case "hpd":
			regs[o.d] = unpack(regs[o.a], regs[o.b], 2, true)
		case "shuf":
			regs[o.d] = shuf128(regs[o.a], regs[o.b], o.imm)
		}
	}
	// Output row i must hold (r, i) in element r.
	where := make([]int, n)
	for i := range where {
		where[i] = -1
		for ri, r := range regs {
			ok := r != nil
			for e := 0; ok && e < n; e++ {
				ok = r[e*unit] == [2]int{e, i}
			}
			if ok {
				where[i] = ri
				break
			}
		}
		if where[i] < 0 {
			panic(fmt.Sprintf("transpose %dx%d: no register holds row %d", n, n, i))
		}
	}
	return ops, where
}

// packTName is the name of the transposing packer of e.
func packTName(e elem) string { return e.letter + "packTAVX512" }

// packT generates the AVX-512 transposing packer of e (see above).
func packT(e elem) {
	n := 64 / e.size
	TEXT(packTName(e), NOSPLIT, fmt.Sprintf("func(dst *%[1]s, ldd int, src *%[1]s, lds int, rows, cnt int)", e.goType))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s transposes a %dx%d block of %s (see transpose.go).", packTName(e), n, n, e.goType))
	src, lds := GP64(), GP64()
	Load(Param("src"), src)
	Load(Param("lds"), lds)
	SHLQ(U8(log2(e.size)), lds)
	rows, cnt := GP64(), GP64()
	Load(Param("rows"), rows)
	Load(Param("cnt"), cnt)
	// K1 = the low cnt bits: the elements of each source row to read.
	ones, t := GP32(), GP32()
	MOVL(U32(1<<n-1), ones)
	MOVL(cnt.As32(), t)
	BZHIL(t, ones, t)
	KMOVW(t, K1)
	Comment("Load the source rows below rows; zero the others.")
	for r := 0; r < n; r++ {
		CMPQ(rows, U8(r))
		JLE(LabelRef(fmt.Sprintf("zero%d", r)))
		e.movuMaskZ(Mem{Base: src}, K1, zmm(r))
		if r < n-1 {
			ADDQ(lds, src)
		}
	}
	JMP(LabelRef("transpose"))
	for r := 0; r < n; r++ {
		Label(fmt.Sprintf("zero%d", r))
		VPXORD(zmm(r), zmm(r), zmm(r))
	}
	Label("transpose")
	ops, where := transposeOps(n)
	for _, o := range ops {
		a, b, d := zmm(o.a), zmm(o.b), zmm(o.d)
		switch {
		case o.kind == "lps":
			VUNPCKLPS(b, a, d)
		case o.kind == "hps":
			VUNPCKHPS(b, a, d)
		case o.kind == "lpd":
			VUNPCKLPD(b, a, d)
		case o.kind == "hpd":
			VUNPCKHPD(b, a, d)
		case e.size == 4:
			VSHUFF32X4(U8(o.imm), b, a, d)
		default:
			// In 64-bit units the same 128-bit lane selection.
			VSHUFF64X2(U8(o.imm), b, a, d)
		}
	}
	Comment("Store the first cnt rows of the transpose.")
	dst, ldd := GP64(), GP64()
	Load(Param("dst"), dst)
	Load(Param("ldd"), ldd)
	SHLQ(U8(log2(e.size)), ldd)
	for i := 0; i < n; i++ {
		if i > 0 {
			CMPQ(cnt, U8(i))
			JLE(LabelRef("done"))
			ADDQ(ldd, dst)
		}
		e.movu(zmm(where[i]), Mem{Base: dst})
	}
	Label("done")
	VZEROUPPER()
	RET()
}

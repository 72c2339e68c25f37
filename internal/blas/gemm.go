package blas

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// parallelMin is the number of multiply-adds (m·n·k) below which a product
// runs on the calling goroutine. On the shared 2-core machine this was
// tuned on, a goroutine started for a share of a product began it 80-160 µs
// later on average (a core busy with other work must be given up by the OS
// first), longer than a whole product of 2²¹ multiply-adds takes on one
// core (15-30 µs); even with the helpers kept spinning (runShares), a Q3
// training epoch, whose largest products have 2²¹, ran up to twice as fast
// with every product on one goroutine. From 2²³ (60 µs and more on one
// core) a second goroutine pays.
const parallelMin = 1 << 23

var (
	threads  atomic.Int64 // goroutines one product may use; 0: GOMAXPROCS
	inflight atomic.Int64 // products running now, over all goroutines
)

// ourThreads returns the number of goroutines one product may use.
func ourThreads() int {
	if t := int(threads.Load()); t > 0 {
		return t
	}
	return runtime.GOMAXPROCS(0)
}

// gemm computes C = alpha·op(A)·op(B) + beta·C with the kernel family ks,
// for m, n ≥ 1 and arguments already checked as gonum checks them: op(A) is
// m x k (A, or with tA, Aᵀ), op(B) is k x n, C is m x n, all row-major with
// strides lda, ldb and ldc. With alpha = 0 or k = 0, A and B are not read;
// with beta = 0, C is not read.
//
// The work is split over up to ourThreads() goroutines along m or n, and
// along k only for the products splitsK accepts, which are cut in the same
// two halves of k whatever the number of goroutines. Each element is summed
// in the same order whatever the split, so the result does not depend on
// the number of goroutines.
func gemm[T float](ks *kernelSet[T], tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	busy := int(inflight.Add(1))
	defer inflight.Add(-1)
	w := 1
	if float64(m)*float64(n)*float64(k) >= parallelMin {
		// Leave the cores of the other products running now to them.
		w = max(1, ourThreads()-(busy-1))
	}
	if ks.usesDot(tA, tB, n, k) {
		// Decided on the whole product, not per share, so that a share
		// of a few columns does not take another path than the whole.
		gemmDotShares(ks, w, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if ks.splitsK(tA, m, n, k) {
		gemmSplitK(ks, w, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// Split so that no share packs what another packs too: along n when
	// only B is packed (A is read in place), along m when only Aᵀ is;
	// else along the dimension with more tiles.
	pm, pn := (m+ks.mr-1)/ks.mr, (n+ks.nr()-1)/ks.nr() // tiles along m and n
	var splitM bool
	switch pB, pA := ks.packsB(tB, m, k, ldb), ks.packsA(tA, k); {
	case pB && !pA:
		splitM = pn < w // unless there are too few columns
	case pA && !pB:
		splitM = pm >= w
	default:
		splitM = pm >= pn
	}
	if splitM {
		w = min(w, pm)
	} else {
		w = min(w, (n+ks.lanes-1)/ks.lanes)
	}
	if w <= 1 {
		gemmSerial(ks, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmParallel(ks, w, splitM, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// chunksPerThread is how many shares of C each goroutine takes on
// average: the goroutines take the next share as they finish one, so that
// a core slowed by other work (the machine may be shared) gets fewer.
const chunksPerThread = 4

// gemmParallel is gemm on w goroutines (the calling one and w-1 helpers,
// see runShares) that share the rows (splitM) or columns of C, cut into up to
// chunksPerThread·w chunks of whole units (MR rows, or one vector's
// columns). (A function of its own so that gemm's variables do not
// escape.) The caller guarantees at least w units.
func gemmParallel[T float](ks *kernelSet[T], w int, splitM, tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	// Chunks of columns are at least a widest tile wide, so that they run
	// the widest kernel.
	unit, units := ks.lanes, (n+ks.lanes-1)/ks.lanes
	chunks := min(max(units/len(ks.kern), w), chunksPerThread*w)
	if splitM {
		unit, units = ks.mr, (m+ks.mr-1)/ks.mr
		chunks = min(units, chunksPerThread*w)
		if ks.packsB(tB, (m+chunks-1)/chunks, k, ldb) {
			// Likewise every share of the rows packs the whole of op(B).
			chunks = w
		}
	} else if ks.packsA(tA, k) {
		// Every share of the columns packs the whole of Aᵀ (m x k), so
		// each share more packs it once more: one share per goroutine.
		// (Q6's Gram products, with k ≈ 10⁴, ran at 1.2 times their
		// one-goroutine speed in eight shares on two goroutines, against
		// 1.9 times for OpenBLAS; they are now cut along k instead, see
		// splitsK.)
		chunks = w
	}
	runShares(chunks, w-1, func(t int) {
		lo, hi := t*units/chunks*unit, (t+1)*units/chunks*unit
		if splitM {
			// Rows [lo, hi) of C: rows of op(A).
			hi = min(hi, m)
			var as []T
			if tA {
				as = a[lo:]
			} else {
				as = a[lo*lda:]
			}
			gemmSerial(ks, tA, tB, hi-lo, n, k, alpha, as, lda, b, ldb, beta, c[lo*ldc:], ldc)
			return
		}
		// Columns [lo, hi) of C: columns of op(B).
		hi = min(hi, n)
		var bs []T
		if tB {
			bs = b[lo*ldb:]
		} else {
			bs = b[lo:]
		}
		gemmSerial(ks, tA, tB, m, hi-lo, k, alpha, a, lda, bs, ldb, beta, c[lo:], ldc)
	})
}

// splitKMinK and splitKMaxMN bound the products that gemm cuts along k
// (splitsK): k at least splitKMinK, C at most splitKMaxMN elements.
const (
	splitKMinK  = 4096
	splitKMaxMN = 1 << 18
)

// splitsK reports whether gemm computes the product as the sum of two
// products over the halves of k (gemmSplitK): when Aᵀ is packed (packsA),
// k is long, C is small and the product large enough for two goroutines
// (parallelMin). These are Q6's Gram products XᵀX by blocks (128 rows of C,
// k = 10716 rows of X). Split along n, each share packed the whole of Aᵀ
// and read its columns of B from memory; on two cores this gained 1.35
// times where OpenBLAS gained 1.8. Split along k, the two goroutines read
// and pack disjoint halves of A and B, at the cost of one partial C (at
// most 2 MiB) and its sum. The decision does not depend on the number of
// goroutines, so neither do the sums.
func (ks *kernelSet[T]) splitsK(tA bool, m, n, k int) bool {
	return ks.packsA(tA, k) && k >= splitKMinK && m*n <= splitKMaxMN &&
		float64(m)*float64(n)*float64(k) >= parallelMin
}

// gemmSplitK is gemm for the products that splitsK accepts:
//
//	C = (alpha·op(A)[:, :k₁]·op(B)[:k₁, :] + beta·C) + alpha·op(A)[:, k₁:]·op(B)[k₁:, :],
//
// with k₁ the first multiple of kc from k/2, the first product into C and
// the second into a workspace P (m x n) that is then added to C. The two
// halves are two shares of runShares (on one goroutine, one after the
// other); with more than two goroutines each half is cut along n as well.
func gemmSplitK[T float](ks *kernelSet[T], w int, tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	k1 := (k/2 + ks.kc - 1) / ks.kc * ks.kc
	ws := ks.getWorkspace(m*n, 0)
	defer ks.putWorkspace(ws)
	p := ws.a[:m*n]
	unit, units := ks.lanes, (n+ks.lanes-1)/ks.lanes
	cols := max(1, min(w/2, units)) // shares of the columns in each half
	runShares(2*cols, w-1, func(t int) {
		half, j := t/cols, t%cols
		lo, hi := j*units/cols*unit, min((j+1)*units/cols*unit, n)
		k0, kn, dst, ldd, bt := 0, k1, c[lo:], ldc, beta
		if half == 1 {
			k0, kn, dst, ldd, bt = k1, k, p[lo:], n, 0
		}
		// op(A)'s column k0 and op(B)'s element (k0, lo).
		var as, bs []T
		if tA {
			as = a[k0*lda:]
		} else {
			as = a[k0:]
		}
		if tB {
			bs = b[lo*ldb+k0:]
		} else {
			bs = b[k0*ldb+lo:]
		}
		gemmSerial(ks, tA, tB, m, hi-lo, kn-k0, alpha, as, lda, bs, ldb, bt, dst, ldd)
	})
	for i := range m {
		cr, pr := c[i*ldc:i*ldc+n], p[i*n:i*n+n]
		for j, v := range pr {
			cr[j] += v
		}
	}
}

// directBRows is the largest number of rows of C for which B, when not
// transposed, is read in place by the kernels instead of being packed:
// packing pays only when enough panels of A reuse the packed block.
const directBRows = 128

// packATMinK is the k above which Aᵀ is packed (packBlockAT) rather than
// read in place: Q6's QR products (k ≈ 10⁴) gain, the training products
// (k ≤ 64) lose the time of packing.
const packATMinK = 64

// packsB reports whether gemmSerial packs B: when transposed, when more
// than directBRows rows of C reuse it, and when a long k walks rows of B
// whose stride is a multiple of 1 KiB (Q6's Gram matrix XᵀX of
// 1024-column rows, 8 KiB apart, and its 128-column blocks, 1 KiB apart):
// such rows fall in a sixteenth or fewer of the sets of the L1 cache,
// which then holds a few of them instead of a panel's kc; the 8 KiB case
// ran 5x slower than packed, the 1 KiB one (q6.gram-diag) 1.5x.
func (ks *kernelSet[T]) packsB(tB bool, m, k, ldb int) bool {
	var z T
	return ks.packAll || tB || m > directBRows || k > packATMinK && ldb*int(unsafe.Sizeof(z))%1024 == 0
}

// packsA reports whether gemmSerial packs A (see packATMinK).
func (ks *kernelSet[T]) packsA(tA bool, k int) bool { return ks.packAll || tA && k > packATMinK }

// gemmSerial is gemm on the calling goroutine, for alpha ≠ 0 and k ≥ 1.
//
// The loops, outermost first (BLIS's, with the roles of A and B swapped
// because C is row-major and the kernels' vectors run along its rows):
// blocks of mc rows of A; blocks of kc of the k dimension; blocks of nc
// columns of B (kc x nc stays in L2 when packed); panels of MR rows of A
// (one stays in L1); panels of B; the micro-kernel (for B read in place
// with a long k, the two panel loops the other way round).
//
// The kernels read A in place, whatever its transpose; Aᵀ is packed when
// k > packATMinK, and a block of fewer than MR rows is packed with zeros.
// B is packed into panels when transposed (the kernels load rows of op(B)
// as vectors) or when more than directBRows rows of C reuse it; else it is
// read in place, but for a last panel narrower than its kernel when the
// kernels would read past it (not the AVX-512 ones). The portable kernel
// takes packed A and B only (packAll).
func gemmSerial[T float](ks *kernelSet[T], tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if ks.small(tA, tB, m, n, k, ldb) {
		gemmSmall(ks, tA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	mr, nr, lanes := ks.mr, ks.nr(), ks.lanes
	packB := ks.packsB(tB, m, k, ldb)
	kb := min(k, ks.kc)
	nbuf := kb * nr // the last panel of B
	if packB {
		nbuf = kb * ((min(n, ks.nc) + lanes - 1) / lanes * lanes)
	}
	// Aᵀ is packed by blocks when k is long enough to pay (see
	// packBlockAT); else A is read in place (but for the portable kernel).
	packAT := ks.packsA(tA, k)
	na := mr * kb
	if packAT {
		na = (min(m, ks.mc) + mr - 1) / mr * mr * kb
	}
	// A product that packs nothing takes no workspace (a lock and an
	// unlock, a tenth of a 2 µs product): no packing of A or B, no block
	// of fewer than MR rows, no narrow panel of B for a family without
	// masked loads.
	var ws *workspace[T]
	if last := m % ks.mc; packB || packAT || last > 0 && last < mr || !ks.maskedB {
		ws = ks.getWorkspace(na, nbuf)
		defer ks.putWorkspace(ws)
	}
	// A's element (i, l) is at a[i·rsa + l·csa].
	rsa, csa := lda, 1
	if tA {
		rsa, csa = 1, lda
	}
	for ic := 0; ic < m; ic += ks.mc {
		mc := min(ks.mc, m-ic)
		for pc := 0; pc < k; pc += ks.kc {
			kc := min(ks.kc, k-pc)
			bt := beta
			if pc > 0 {
				bt = 1 // C already holds alpha·(the sum so far) + beta·C
			}
			switch {
			case packAT && tA:
				packBlockAT(ws.a, a, lda, ic, mc, pc, kc, mr)
			case packAT:
				for ir := 0; ir < mc; ir += mr {
					packA(ws.a[ir*kc:], false, a, lda, ic+ir, min(mr, mc-ir), pc, kc, mr)
				}
			case mc < mr:
				packA(ws.a, tA, a, lda, ic, mc, pc, kc, mr)
			}
			for jc := 0; jc < n; jc += ks.nc {
				nc := min(ks.nc, n-jc)
				// Pack B: every panel, or only a last one narrower than
				// its kernel.
				if packB && !tB {
					packBlockB(ks, ws.b, b, ldb, pc, kc, jc, nc)
				}
				for jr := 0; jr < nc; {
					nv := ks.panelVectors(nc - jr)
					cols := min(nv*lanes, nc-jr)
					if packB && tB {
						packPanelB(ws.b[jr*kc:], tB, b, ldb, pc, kc, jc+jr, cols, nv*lanes, ks.packT, lanes)
					} else if !packB && cols < nv*lanes && !ks.maskedB {
						packPanelB(ws.b, false, b, ldb, pc, kc, jc+jr, cols, nv*lanes, nil, lanes)
					}
					jr += cols
				}
				blk := block[T]{ks: ks, a: a, rsa: rsa, csa: csa, b: b, ldb: ldb, ws: ws, packAT: packAT, packB: packB,
					ic: ic, mc: mc, pc: pc, kc: kc, jc: jc, nc: nc}
				if packB || k <= 4*ks.kc {
					// The panel of A stays in L1 while the panels of B
					// stream from the packed block in L2 (or, in place,
					// from a small B), and C is written panel row by panel
					// row, which the hardware prefetches.
					for ir := 0; ir < mc; ir += mr {
						ap, rs, cs, first, rows, i := blk.panelA(ir)
						for jr := 0; jr < nc; {
							bp, rsb, nv, cols := blk.panelB(jr)
							ks.kern[nv-1](kc, ap, rs, cs, bp, rsb, &c[(ic+i)*ldc+jc+jr], ldc, alpha, bt, first, rows, cols, 1)
							jr += cols
						}
					}
					continue
				}
				// B in place with a long k (Q7's dense layers): a panel of
				// B stays in L1 (as far as it fits) while the panels of A
				// go by, so that it is read once from rows far apart,
				// rather than once per panel of A.
				for jr := 0; jr < nc; {
					bp, rsb, nv, cols := blk.panelB(jr)
					for ir := 0; ir < mc; ir += mr {
						ap, rs, cs, first, rows, i := blk.panelA(ir)
						ks.kern[nv-1](kc, ap, rs, cs, bp, rsb, &c[(ic+i)*ldc+jc+jr], ldc, alpha, bt, first, rows, cols, 1)
					}
					jr += cols
				}
			}
		}
	}
}

// small reports whether gemmSmall computes the product: it fits one block
// (m ≤ mc, n ≤ nc, k ≤ kc), has at least MR rows, packs nothing (A and B
// are read in place), and the family's kernels read no column of B past
// the last (maskedB), so that a narrow last panel of B needs no packing
// either.
func (ks *kernelSet[T]) small(tA, tB bool, m, n, k, ldb int) bool {
	return ks.maskedB && m >= ks.mr && m <= ks.mc && n <= ks.nc && k <= ks.kc &&
		!ks.packsB(tB, m, k, ldb) && !ks.packsA(tA, k)
}

// gemmSmall is gemmSerial for the products that small accepts, most of
// Q3's and Q5's (2-8 µs each): for each panel of columns of B, one kernel
// call computes the tiles of every full panel of MR rows of A (np = m/MR)
// and a second one the last m mod MR rows, moved up over the panel before
// as in gemmSerial. Each element is summed as gemmSerial sums it. (These
// products spent about an eighth of their time in gemmSerial's loops and
// in a call per tile.)
func gemmSmall[T float](ks *kernelSet[T], tA bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	mr := ks.mr
	// A's element (i, l) is at a[i·rsa + l·csa].
	rsa, csa := lda, 1
	if tA {
		rsa, csa = 1, lda
	}
	full, last := m/mr, m%mr
	for jr := 0; jr < n; {
		nv := ks.panelVectors(n - jr)
		cols := min(nv*ks.lanes, n-jr)
		kern := ks.kern[nv-1]
		kern(k, &a[0], rsa, csa, &b[jr], ldb, &c[jr], ldc, alpha, beta, 0, mr, cols, full)
		if last > 0 {
			i := m - mr
			kern(k, &a[i*rsa], rsa, csa, &b[jr], ldb, &c[i*ldc+jr], ldc, alpha, beta, mr-last, mr, cols, 1)
		}
		jr += cols
	}
}

// block is the state of gemmSerial for one block of C: rows [ic, ic+mc)
// and columns [jc, jc+nc), k block [pc, pc+kc).
type block[T float] struct {
	ks             *kernelSet[T]
	a              []T
	rsa, csa       int
	b              []T
	ldb            int
	ws             *workspace[T]
	packAT, packB  bool
	ic, mc, pc, kc int
	jc, nc         int
}

// panelA returns the panel of A at row ir of the block for the kernel: its
// first element and strides, the first row to store and the rows, and the
// row of the block where the panel starts. A panel from A in place that
// would have fewer than MR rows is moved up to end at row mc, storing only
// its new rows (from first); when the block has fewer than MR rows, its
// panel was packed with zeros.
func (k *block[T]) panelA(ir int) (ap *T, rs, cs, first, rows, i int) {
	mr := k.ks.mr
	rows = min(mr, k.mc-ir)
	switch {
	case k.packAT:
		return &k.ws.a[ir*k.kc], 1, mr, 0, rows, ir
	case k.mc < mr:
		return &k.ws.a[0], 1, mr, 0, rows, ir
	}
	if rows < mr {
		first, ir, rows = mr-rows, k.mc-mr, mr
	}
	return &k.a[(k.ic+ir)*k.rsa+k.pc*k.csa], k.rsa, k.csa, first, rows, ir
}

// panelB returns the panel of B at column jr of the block for the kernel:
// its first element and row stride, its vectors and its columns.
func (k *block[T]) panelB(jr int) (bp *T, rsb, nv, cols int) {
	ks := k.ks
	nv = ks.panelVectors(k.nc - jr)
	w := nv * ks.lanes
	cols = min(w, k.nc-jr)
	switch {
	case k.packB:
		return &k.ws.b[jr*k.kc], w, nv, cols
	case cols < w && !ks.maskedB:
		return &k.ws.b[0], w, nv, cols
	}
	return &k.b[k.pc*k.ldb+k.jc+jr], k.ldb, nv, cols
}

// scale sets C = beta·C (C = 0 for beta = 0, whatever C held).
func scale[T float](m, n int, beta T, c []T, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

package blas

import (
	"math/bits"
	"sync"
	"unsafe"
)

// float is the element type of a GEMM: float32 or float64.
type float interface{ ~float32 | ~float64 }

// microKernel computes one tile of C (row-major, stride ldc elements):
//
//	C[i, j] = alpha·Σ_{l<k} a[i·rsa + l·csa]·b[l·rsb + j] + beta·C[i, j]   for r0 ≤ i < mr, j < nr,
//
// reading MR rows of A with any strides (a packed panel: rsa = 1, csa = MR;
// A itself: rsa = lda, csa = 1; Aᵀ: rsa = 1, csa = lda) and w = nv·lanes
// columns of B (kernel kern[nv-1]) from rows rsb elements apart. With
// beta = 0, C is not read; rows outside [r0, mr) and columns ≥ nr of C are
// not touched (so a last panel of fewer than MR rows can be packed with
// zeros, r0 = 0, or moved up over rows of the panel before, r0 > 0),
// but all MR rows of A are read, and all w columns of B unless the family
// has maskedB (then only nr). The caller guarantees
// k ≥ 1, 0 ≤ r0 < mr ≤ MR and (nv-1)·lanes < nr ≤ nv·lanes. The sum over l runs
// in order, one accumulator per element, so the value of an element does
// not depend on the position of its tile or on the strides.
//
// With np > 1 it computes np such tiles, one below the other: tile p reads
// A from a + p·MR·rsa and writes C from c + p·MR·ldc (so A is read in place,
// not packed), each with the same r0, mr and nr. Small products run a
// column of tiles in one call (gemmSmall).
type microKernel[T float] func(k int, a *T, rsa, csa int, b *T, rsb int, c *T, ldc int, alpha, beta T, r0, mr, nr, np int)

// dotKernel sets dst[3i+j] = Σ_{l<k} a[i·lda+l]·b[j·ldb+l] for i < the
// family's dotMR, j < 3 and k ≥ 1 (rows of A and of B, each contiguous
// along k), rows i ≥ rows repeating row rows-1 and rows j ≥ cols row
// cols-1: each product accumulated lane by lane in order along l, the last
// k mod lanes elements through a mask, then the lanes added in a fixed
// tree. See asm/dot.go.
type dotKernel[T float] func(k int, a *T, lda, rows int, b *T, ldb, cols int, dst *T)

// transposer transposes an l x l block (l = lanes of the family):
// dst[i·ldd + r] = src[r·lds + i] for r < rows, i < cnt, and 0 for
// rows ≤ r < l, reading nothing of src past row rows or element cnt. See
// asm/transpose.go.
type transposer[T float] func(dst *T, ldd int, src *T, lds int, rows, cnt int)

// kernelSet is one family of micro-kernels with its block sizes.
type kernelSet[T float] struct {
	name  string           // "avx512", "avx2" or "portable"
	mr    int              // rows of a tile and of a packed panel of A
	lanes int              // packed panels of B are a multiple of lanes wide
	kern  []microKernel[T] // kern[nv-1] computes mr x nv·lanes tiles
	// maskedB: the kernels read no column of B past nr, so a narrow last
	// panel of B need not be packed.
	maskedB bool
	// packT, if not nil, packs panels of Bᵀ by blocks of lanes x lanes.
	packT transposer[T]
	// dot, if not nil, computes dotMR x 3 dot products along k for gemmDot.
	dot   dotKernel[T]
	dotMR int
	// packAll: A and B are always packed (the portable kernel has a fast
	// path for packed panels only).
	packAll bool
	kc      int // k block: a packed A panel (mr x kc) stays in L1
	mc      int // rows of A packed at once (multiple of mr)
	nc      int // columns of B packed at once (kc x nc stays in L2)

	mu   sync.Mutex
	free []*workspace[T] // at most maxFree, kept across garbage collections
}

// nr returns the widest tile.
func (ks *kernelSet[T]) nr() int { return ks.lanes * len(ks.kern) }

// panelVectors returns the vectors of the next panel of B when cols
// columns are left: the widest kernel's, except that a last vector left
// alone is shared out (3 + 1 vectors become 2 + 2): a one-vector kernel
// does a third of the work per load of the widest.
func (ks *kernelSet[T]) panelVectors(cols int) int {
	// (A shift, not a division: lanes is a power of 2 and this runs per tile.)
	left := (cols + ks.lanes - 1) >> bits.TrailingZeros(uint(ks.lanes))
	nv := len(ks.kern)
	if left == nv+1 && nv > 2 {
		return (left + 1) / 2
	}
	return min(nv, left)
}

// workspace holds the packed blocks of one goroutine.
type workspace[T float] struct{ a, b []T }

// maxFree is the number of workspaces a kernel family keeps for reuse (a
// sync.Pool would drop them at every garbage collection, and they are
// large: up to mc·kc + kc·nc elements, 1-2.5 MB).
const maxFree = 8

// getWorkspace returns a workspace whose a holds at least na elements and b
// at least nb, reusing a free one when it can.
func (ks *kernelSet[T]) getWorkspace(na, nb int) *workspace[T] {
	var w *workspace[T]
	ks.mu.Lock()
	if n := len(ks.free); n > 0 {
		w = ks.free[n-1]
		ks.free = ks.free[:n-1]
	}
	ks.mu.Unlock()
	if w == nil {
		w = new(workspace[T])
	}
	if len(w.a) < na {
		w.a = make([]T, na)
	}
	if len(w.b) < nb {
		w.b = make([]T, nb)
	}
	return w
}

func (ks *kernelSet[T]) putWorkspace(w *workspace[T]) {
	ks.mu.Lock()
	if len(ks.free) < maxFree {
		ks.free = append(ks.free, w)
	}
	ks.mu.Unlock()
}

// portableMR and portableNR are the tile of the portable Go kernel: 2 x 4,
// 8 accumulators, so that with the elements of A and B in use they fit the
// 15 floating-point registers Go has on amd64 (a 4 x 4 tile spills its
// accumulators to the stack at every step there).
const portableMR, portableNR = 2, 4

// portableKernel is the microKernel in Go for any CPU: a 2x4 tile in 8
// local accumulators, from packed panels (its family has packAll), one
// tile per call (np = 1).
func portableKernel[T float](k int, a *T, rsa, csa int, b *T, rsb int, c *T, ldc int, alpha, beta T, r0, mr, nr, np int) {
	if rsa != 1 || csa != portableMR || rsb != portableNR || np != 1 {
		panic("blas: the portable kernel takes packed panels only")
	}
	ap := unsafe.Slice(a, portableMR*k)
	bp := unsafe.Slice(b, portableNR*k)
	var c00, c01, c02, c03, c10, c11, c12, c13 T
	for l := range k {
		av := ap[l*portableMR : l*portableMR+portableMR : l*portableMR+portableMR]
		bv := bp[l*portableNR : l*portableNR+portableNR : l*portableNR+portableNR]
		a0, a1 := av[0], av[1]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
	}
	acc := [portableMR][portableNR]T{{c00, c01, c02, c03}, {c10, c11, c12, c13}}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := r0; i < mr; i++ {
		row := cs[i*ldc : i*ldc+nr]
		if beta == 0 {
			for j := range row {
				row[j] = alpha * acc[i][j]
			}
			continue
		}
		for j := range row {
			row[j] = alpha*acc[i][j] + beta*row[j]
		}
	}
}

var (
	portable32 = &kernelSet[float32]{name: "portable", mr: portableMR, lanes: portableNR,
		kern: []microKernel[float32]{portableKernel[float32]}, packAll: true, kc: 256, mc: 512, nc: 1024}
	portable64 = &kernelSet[float64]{name: "portable", mr: portableMR, lanes: portableNR,
		kern: []microKernel[float64]{portableKernel[float64]}, packAll: true, kc: 256, mc: 512, nc: 512}
)

// kernels32 and kernels64 list the kernel families this CPU can run,
// fastest first (cpuKernels, then the portable one).
var kernels32, kernels64 = func() ([]*kernelSet[float32], []*kernelSet[float64]) {
	k32, k64 := cpuKernels()
	return append(k32, portable32), append(k64, portable64)
}()

// active32 and active64 are the kernel families in use: the fastest.
var active32, active64 = kernels32[0], kernels64[0]

// activeVecs and activeF32s are the elementwise kernels of the family in
// use (nil: the Go loops), kept here rather than looked up by name in every
// call: the bias and max-pool kernels are called once per row.
var activeVecs, activeF32s = vecFamilies[active64.name], f32Families[active32.name]

// useKernel makes the family named name the one in use and reports whether
// this CPU has it. Tests force each family with it.
func useKernel(name string) bool {
	var k32 *kernelSet[float32]
	var k64 *kernelSet[float64]
	for _, k := range kernels32 {
		if k.name == name {
			k32 = k
		}
	}
	for _, k := range kernels64 {
		if k.name == name {
			k64 = k
		}
	}
	if k32 == nil || k64 == nil {
		return false
	}
	active32, active64 = k32, k64
	activeVecs, activeF32s = vecFamilies[name], f32Families[name]
	return true
}

// Kernel returns the name of this package's GEMM micro-kernels in use:
// "avx512", "avx2" or "portable". (Name says which BLAS is installed: under
// the openblas tag it is OpenBLAS, while Implementation still runs these
// kernels.)
func Kernel() string { return active32.name }

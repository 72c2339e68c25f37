// Package blas is the one switch for the BLAS of the whole program: which
// matrix product (GEMM) serves float32 and float64, for gonum (blas32 and
// blas64, hence every mat.Dense product and gonum's LAPACK, such as the SVD
// of Q6), for gorgonia (and its tensor package), and for q7's own ops (which
// call blas32.Implementation()). Importing it, for its side effect or for
// Name, is enough.
//
// # The default build: our GEMM
//
// The default build (pure Go toolchain, no cgo, no build tag) installs
// Implementation: gonum's pure-Go BLAS with Sgemm and Dgemm replaced by a
// packed, blocked GEMM in the scheme of GotoBLAS and BLIS. The product
// C = alpha·op(A)·op(B) + beta·C is cut into blocks that fit the caches:
// kc of the k dimension (a panel of MR rows of A by kc stays in L1), nc
// columns of B (kc x nc stays in L2) and mc rows of A, and each tile of C
// of MR rows by up to NR columns is computed by a micro-kernel that keeps
// the tile in vector registers and adds one rank-1 update per step of k.
// The kernels read A where it is (either transpose: they take row and
// column strides), but for Aᵀ with k > 64, which is packed block by block
// (reading A row by row, as the hardware prefetches), and B where it is
// when it is not transposed and at most 128 rows of C reuse it; otherwise
// B is packed into panels of NR columns (Bᵀ by transposing blocks in
// registers). The edges of C need no temporary tile: the kernels load and
// store the last vector of a row through a mask, and a last panel of fewer
// than MR rows is moved up over the panel before it (storing only its new
// rows), or packed with zeros when m < MR. Packing buffers are kept for
// reuse, so a product allocates nothing once warm (a product split over
// goroutines allocates a few small objects). A product that fits one block
// and packs nothing (most of Q3's and Q5's) runs each panel of columns of
// C in one kernel call over all its panels of MR rows (gemmSmall).
//
// A product A·Bᵀ with at most 12 columns and k ≥ 128 (the weight gradient
// of a convolution with one input channel: 9 columns, k = 676-900 pixels)
// takes another path (dot.go): the rows of A and of B both run along k in
// memory, so its kernels take their vectors along k and compute each
// element as a dot product, 8 (AVX-512) or 3 (AVX2) rows of A by 3 rows of
// B at a time, where the tiles would fill 9 of 16 lanes. The path is chosen
// on the whole product, so a share of a split product takes the same one.
//
// The micro-kernels are Go assembly for amd64, generated with avo
// (github.com/mmcloughlin/avo) by the program in asm/, a module of its own
// so that this module does not depend on avo. Regenerate them from this
// directory with
//
//	go generate
//
// which runs `go -C asm run . -out ../kernels_amd64.s -stubs ../kernels_stubs_amd64.go -pkg blas`.
// The kernel family is chosen at start with golang.org/x/sys/cpu:
//
//   - "avx512" (AVX-512F with AVX2, FMA and BMI2): tiles of 8 rows by 16,
//     32 or 48 float32 (8, 16 or 24 float64); Bᵀ packed by 16x16 (8x8)
//     transposes in registers; dot products 8 x 3;
//   - "avx2" (AVX2, FMA and BMI2): tiles of 4 rows by 8, 16 or 24 float32
//     (4, 8 or 12 float64); dot products 3 x 3;
//   - "portable": a 2x4 tile in Go on packed panels (no dot path), for every other CPU,
//     and the only one in a build with the tag purego
//     (go build -tags purego), the Go convention for "no assembly".
//
// Kernel returns the family in use and Name the GEMM installed ("avx512",
// "avx2", "portable", or "openblas" below). Tests force each family the CPU
// has with the unexported useKernel.
//
// # Threads
//
// Threads is the number of goroutines one product may use: by default
// GOMAXPROCS, else what SetThreads set. The work is split along m or n in
// whole tiles (a product with a long k and a small C, as Q6's Gram
// products, is first cut into two halves of k; see splitsK), in a few shares per goroutine that each takes as it
// finishes the one before (so a core slowed by other work takes fewer);
// the calling goroutine is one of them, the others are helper goroutines
// that stay ready (spinning) for 100 µs after a product, then park. A
// product runs on the calling goroutine alone when it has fewer than 2²³
// multiply-adds (m·n·k), where waiting for another goroutine to start
// costs more than it saves (see parallelMin), and a product leaves to the
// others the threads of the products already running in other goroutines
// (it uses Threads minus the number of those, at least one). So callers
// that already split a batch over goroutines, as q7's convolution and
// dense ops do, do not oversubscribe the cores. Nothing else in the
// program sets BLAS threads.
//
// # Determinism
//
// Each element of C is one sum over k in the same order whatever the
// split: the k blocks in order, and within a block one multiply-add per
// step into one accumulator (fused, in the assembly kernels), then
// C = alpha·sum + beta·C per block (beta·C rounded first; beta = 1 after
// the first block). Goroutines divide m and n; k is divided only for the
// products splitsK accepts, always into the same two halves, the second
// half's sum added to the first's C afterwards, whatever the number of
// goroutines. So the result is bit-identical whatever the number of
// threads, and from run to run; it depends only on the kernel family (a product computed by the
// AVX-512, AVX2 or portable kernels can differ in the last bits). The
// results differ from gonum's reference BLAS (gonum.Implementation) only by
// rounding: the same products summed in another order, in the assembly
// kernels with fused multiply-adds.
//
// Implementation follows gonum's BLAS contract: the same panics, with the
// same messages and in the same order, for programmer errors such as
// lda < k; with beta = 0, C is not read (a NaN in C is overwritten); with
// alpha = 0 or k = 0, A and B are not read. Besides Sgemm and Dgemm it
// replaces the three routines of the symmetric eigenproblem of Q6's PCA
// (level2.go, level3sym.go): Dsyrk, which forms the Gram matrix XᵀX, and
// Dsyr2k, both by blocks of rows computed with the GEMM, and Dsymv, the
// matrix-vector product of the tridiagonal reduction (LAPACK's Dsytrd),
// with a vector kernel that reads each stored row once for both of its
// uses. gonum's scalar Dsymv took 70 % of that reduction.
//
// # Elementwise kernels
//
// Exp and Sigmoid (vmath.go) are the exponential of the activations of
// Q2-Q5 (the sigmoid and the softmax), vectorised with the same kernel
// families: one method, exp64 (a polynomial after reduction by ln 2,
// within 1 ulp of e^x), transcribed lane for lane into AVX-512 and AVX2,
// so that all families give the same bits. The float32 kernels of q7's
// training step (vmath32.go: ReLUMask, Adam, Max and BiasReLU, the
// convolutions' bias and ReLU) do the operations of their Go loops in the
// same order, so they too give the Go loops' bits.
//
// # The OpenBLAS build
//
// Built with the tag openblas,
//
//	CGO_LDFLAGS=-lopenblas go build -tags openblas ./cmd/recog
//
// the package installs OpenBLAS instead (through gonum.org/v1/netlib/blas/netlib;
// Debian: apt-get install libopenblas-dev), for blas64, blas32 and gorgonia,
// as an option and a cross-check; Implementation stays callable, so that
// BenchmarkGemm and scripts/bench_gemm.sh time ours and OpenBLAS side by
// side in one binary (and BenchmarkGemmPaired in alternation, for the
// products that both run on one thread). OpenBLAS keeps its own thread count
// (OPENBLAS_NUM_THREADS, else one per CPU) unless SetThreads is called,
// which sets both OpenBLAS's and ours. (The cgo calls live in the
// subpackage openblas: a package with cgo cannot hold Go assembly.)
//
// Shapes lists the matrix products of the project; BenchmarkGemm and
// `recog bench` time each.
package blas

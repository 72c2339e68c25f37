package blas

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
)

// Shape is one matrix product C = op(A)·op(B) that the project computes:
// op(A) is M x K, op(B) is K x N, C is M x N, all row-major.
type Shape struct {
	Name           string // where it comes from, e.g. "q3.fwd1"
	Float          int    // the element type the project uses: 32 or 64
	TransA, TransB bool   // op(A) = Aᵀ, op(B) = Bᵀ
	M, N, K        int
}

// String returns M x N x K, the transposes and the type: "32x64x1024 NN f64".
func (s Shape) String() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%dx%dx%d %s%s f%d", s.M, s.N, s.K, t(s.TransA), t(s.TransB), s.Float)
}

// Flops returns the floating-point operations of one product, 2·M·N·K.
func (s Shape) Flops() float64 { return 2 * float64(s.M) * float64(s.N) * float64(s.K) }

// Product allocates random operands for s (seeded, so every call gets the
// same) and returns a function that computes C = op(A)·op(B) once with
// s32.Sgemm or d64.Dgemm, according to s.Float.
func (s Shape) Product(s32 blas.Float32, d64 blas.Float64) func() {
	rng := rand.New(rand.NewPCG(uint64(s.M), uint64(s.N*s.K)))
	tA, lda := blas.NoTrans, s.K
	if s.TransA {
		tA, lda = blas.Trans, s.M
	}
	tB, ldb := blas.NoTrans, s.N
	if s.TransB {
		tB, ldb = blas.Trans, s.K
	}
	if s.Float == 32 {
		a, b, c := make([]float32, s.M*s.K), make([]float32, s.K*s.N), make([]float32, s.M*s.N)
		for i := range a {
			a[i] = float32(rng.NormFloat64())
		}
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		return func() { s32.Sgemm(tA, tB, s.M, s.N, s.K, 1, a, lda, b, ldb, 0, c, s.N) }
	}
	a, b, c := make([]float64, s.M*s.K), make([]float64, s.K*s.N), make([]float64, s.M*s.N)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	return func() { d64.Dgemm(tA, tB, s.M, s.N, s.K, 1, a, lda, b, ldb, 0, c, s.N) }
}

// Shapes are the matrix products of the project, one entry per distinct
// shape, with where each comes from:
//
//   - q3: the Q3 network 1024-64-36, batch 32 (q2_nn's Layer in float64,
//     q3_train's Trainer32 in float32): the forward products X·W1 and
//     H·W2, and backward dH = dZ·W2ᵀ and the updates W ← W - lr·Xᵀ·dZ;
//   - q5: the autoencoder 1024-32-32-32-1024, batch 36 (float64):
//     forward X·W, backward dX = dZ·Wᵀ and dW = Xᵀ·dZ;
//   - q7 CNNs (float32; q7_autodiff/ops conv.go and dense.go; batch 64
//     split into 4 chunks of 16 by the dense op): conv 3x3 1→32 on 28x28
//     (MNIST, EMNIST) and 32x32 (NIST36) input as im2col products
//     W (32 x 9) · col (9 x P) per sample, with dW = dZ·colᵀ; conv 3x3
//     32→64 by shifted views (ops/geom.go), per sample and per tap of the
//     kernel W_ij (64 x 32) · X_ij (32 x Pw), Pw = 622 (28x28) or 838
//     (32x32) columns of the wide output, with dW_ij = dZ·X_ijᵀ and the
//     input gradient W_ijᵀ·dZ; the dense layers 9216 (12544) → 128 → 10,
//     36 or 47;
//   - squeezenet: SqueezeNet 1.1's convolutions on 224x224 input (float32,
//     forward only: Q7.2 fine-tunes the classifier on frozen features):
//     conv1 (im2col, stride 2), the squeeze 1x1 and expand 1x1 of each
//     fire module (W · X directly), its expand 3x3 by shifted views of the
//     padded input (one product per tap), and the classifier's 1x1 conv
//     for the 17 flowers;
//   - q6: the Gram matrix X̃ᵀX̃ of the centred 10716 x 1024 training set
//     (float64; Dsyrk by blocks of 128 rows: the rectangle beside the
//     diagonal, here half-way, and the diagonal block) and the rank-64
//     update of its tridiagonal reduction (Dsytrd's Dsyr2k, by blocks,
//     early in the reduction);
//   - the square 1024x1024x1024 in both types.
var Shapes = []Shape{
	{Name: "q3.fwd1", Float: 64, M: 32, N: 64, K: 1024},
	{Name: "q3.fwd2", Float: 64, M: 32, N: 36, K: 64},
	{Name: "q3.dh", Float: 64, TransB: true, M: 32, N: 64, K: 36},
	{Name: "q3.dw2", Float: 64, TransA: true, M: 64, N: 36, K: 32},
	{Name: "q3.dw1", Float: 64, TransA: true, M: 1024, N: 64, K: 32},
	{Name: "q3.fwd1", Float: 32, M: 32, N: 64, K: 1024},
	{Name: "q3.fwd2", Float: 32, M: 32, N: 36, K: 64},
	{Name: "q3.dh", Float: 32, TransB: true, M: 32, N: 64, K: 36},
	{Name: "q3.dw2", Float: 32, TransA: true, M: 64, N: 36, K: 32},
	{Name: "q3.dw1", Float: 32, TransA: true, M: 1024, N: 64, K: 32},

	{Name: "q5.fwd1", Float: 64, M: 36, N: 32, K: 1024},
	{Name: "q5.fwd2", Float: 64, M: 36, N: 32, K: 32},
	{Name: "q5.fwd4", Float: 64, M: 36, N: 1024, K: 32},
	{Name: "q5.dx4", Float: 64, TransB: true, M: 36, N: 32, K: 1024},
	{Name: "q5.dx2", Float: 64, TransB: true, M: 36, N: 32, K: 32},
	{Name: "q5.dw4", Float: 64, TransA: true, M: 32, N: 1024, K: 36},
	{Name: "q5.dw2", Float: 64, TransA: true, M: 32, N: 32, K: 36},
	{Name: "q5.dw1", Float: 64, TransA: true, M: 1024, N: 32, K: 36},

	{Name: "cnn28.conv1", Float: 32, M: 32, N: 676, K: 9},
	{Name: "cnn28.conv1-dw", Float: 32, TransB: true, M: 32, N: 9, K: 676},
	{Name: "cnn28.conv2", Float: 32, M: 64, N: 622, K: 32},
	{Name: "cnn28.conv2-dx", Float: 32, TransA: true, M: 32, N: 622, K: 64},
	{Name: "cnn28.conv2-dw", Float: 32, TransB: true, M: 64, N: 32, K: 622},
	{Name: "cnn28.fc1", Float: 32, M: 16, N: 128, K: 9216},
	{Name: "cnn28.fc1-dx", Float: 32, TransB: true, M: 16, N: 9216, K: 128},
	{Name: "cnn28.fc1-dw", Float: 32, TransA: true, M: 2304, N: 128, K: 64},
	{Name: "cnn28.fc2", Float: 32, M: 16, N: 47, K: 128},
	{Name: "cnn28.fc2-dx", Float: 32, TransB: true, M: 16, N: 128, K: 47},
	{Name: "cnn28.fc2-dw", Float: 32, TransA: true, M: 32, N: 47, K: 64},
	{Name: "cnn32.conv1", Float: 32, M: 32, N: 900, K: 9},
	{Name: "cnn32.conv1-dw", Float: 32, TransB: true, M: 32, N: 9, K: 900},
	{Name: "cnn32.conv2", Float: 32, M: 64, N: 838, K: 32},
	{Name: "cnn32.conv2-dx", Float: 32, TransA: true, M: 32, N: 838, K: 64},
	{Name: "cnn32.conv2-dw", Float: 32, TransB: true, M: 64, N: 32, K: 838},
	{Name: "cnn32.fc1", Float: 32, M: 16, N: 128, K: 12544},
	{Name: "cnn32.fc1-dx", Float: 32, TransB: true, M: 16, N: 12544, K: 128},
	{Name: "cnn32.fc1-dw", Float: 32, TransA: true, M: 3136, N: 128, K: 64},

	{Name: "squeezenet.conv1", Float: 32, M: 64, N: 12321, K: 27},
	{Name: "squeezenet.fire2-squeeze", Float: 32, M: 16, N: 3025, K: 64},
	{Name: "squeezenet.fire3-squeeze", Float: 32, M: 16, N: 3025, K: 128},
	{Name: "squeezenet.fire2-expand1", Float: 32, M: 64, N: 3025, K: 16},
	{Name: "squeezenet.fire2-expand3", Float: 32, M: 64, N: 3133, K: 16},
	{Name: "squeezenet.fire4-squeeze", Float: 32, M: 32, N: 729, K: 128},
	{Name: "squeezenet.fire5-squeeze", Float: 32, M: 32, N: 729, K: 256},
	{Name: "squeezenet.fire4-expand1", Float: 32, M: 128, N: 729, K: 32},
	{Name: "squeezenet.fire4-expand3", Float: 32, M: 128, N: 781, K: 32},
	{Name: "squeezenet.fire6-squeeze", Float: 32, M: 48, N: 169, K: 256},
	{Name: "squeezenet.fire7-squeeze", Float: 32, M: 48, N: 169, K: 384},
	{Name: "squeezenet.fire6-expand1", Float: 32, M: 192, N: 169, K: 48},
	{Name: "squeezenet.fire6-expand3", Float: 32, M: 192, N: 193, K: 48},
	{Name: "squeezenet.fire8-squeeze", Float: 32, M: 64, N: 169, K: 384},
	{Name: "squeezenet.fire9-squeeze", Float: 32, M: 64, N: 169, K: 512},
	{Name: "squeezenet.fire8-expand1", Float: 32, M: 256, N: 169, K: 64},
	{Name: "squeezenet.fire8-expand3", Float: 32, M: 256, N: 193, K: 64},
	{Name: "squeezenet.classifier", Float: 32, M: 17, N: 169, K: 512},

	{Name: "q6.gram", Float: 64, TransA: true, M: 128, N: 512, K: 10716},
	{Name: "q6.gram-diag", Float: 64, TransA: true, M: 128, N: 128, K: 10716},
	{Name: "q6.sytrd-update", Float: 64, TransB: true, M: 128, N: 896, K: 32},

	{Name: "square", Float: 32, M: 1024, N: 1024, K: 1024},
	{Name: "square", Float: 64, M: 1024, N: 1024, K: 1024},
}

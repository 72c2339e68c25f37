package nn

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	rblas "recog/internal/blas"
	"recog/internal/data"
)

// The float32 path of Train (Options.Float32) trains the assignment's
// two-layer classifier (a sigmoid hidden layer and a softmax output) exactly
// as the float64 path does with Momentum = 0 and the softmax cross-entropy
// (the same batches in the same order for the same Seed, the same
// summed-gradient SGD step; the labels train.Y must be one-hot), but with
// float32 arithmetic: the parameters and the training images are rounded to
// float32 and the matrix products are blas32's (SGEMM), which moves half the
// bytes and, with OpenBLAS, runs about twice as fast. Per batch:
//
//	H = σ(X W1 + b1), P = softmax(H W2 + b2), D2 = P - Y,
//	D1 = (D2 W2ᵀ) ⊙ H ⊙ (1 - H),
//	W2 ← W2 - lr·Hᵀ D2, b2 ← b2 - lr·Σ_rows D2,
//	W1 ← W1 - lr·Xᵀ D1, b1 ← b1 - lr·Σ_rows D1,
//
// each W update one product accumulated into W. After every epoch the
// float32 parameters are copied into the network (float64), where the
// evaluations (Options.TrainEval, Options.Valid) run as in the float64 path.
// The running training loss is accumulated in float64. See
// docs/q3_train.md#speed.

// check32 checks what the float32 path supports beyond checkTrain.
func check32(net *Network, opt Options) error {
	switch {
	case len(net.Layers) != 2 || net.Layers[0].Activation != ActSigmoid || net.Layers[1].Activation != ActSoftmax:
		return errors.New("train float32: want a two-layer network, sigmoid then softmax")
	case opt.Momentum != 0:
		return errors.New("train float32: momentum is not supported")
	case opt.Objective.Name != SoftmaxCrossEntropy.Name:
		return fmt.Errorf("train float32: objective %s: only the softmax cross-entropy is supported", opt.Objective.Name)
	}
	return nil
}

// newState32 makes the float32 copies of net's parameters and of the
// training images.
func newState32(net *Network, train *data.Dataset) *state32 {
	n, d := train.X.Dims()
	hid, c := net.Layers[1].In(), net.Out()
	return &state32{
		n: n, d: d, h: hid, c: c,
		x:      toF32(train.X.RawMatrix().Data, n, d, train.X.RawMatrix().Stride),
		labels: train.Labels(),
		w1:     toF32(net.Layers[0].W.RawMatrix().Data, d, hid, net.Layers[0].W.RawMatrix().Stride),
		w2:     toF32(net.Layers[1].W.RawMatrix().Data, hid, c, net.Layers[1].W.RawMatrix().Stride),
		b1:     toF32(net.Layers[0].B, 1, hid, hid),
		b2:     toF32(net.Layers[1].B, 1, c, c),
	}
}

// state32 holds the float32 copies and the batch buffers.
type state32 struct {
	n, d, h, c     int
	x              []float32 // n x d training images
	labels         []int
	w1, w2, b1, b2 []float32
	xb, h1, p, dh  []float32 // batch buffers
	f64            []float64 // the batch's activations in float64, for the exponentials
}

func toF32(src []float64, r, c, stride int) []float32 {
	out := make([]float32, r*c)
	for i := range r {
		row := src[i*stride : i*stride+c]
		for j, v := range row {
			out[i*c+j] = float32(v)
		}
	}
	return out
}

func (s *state32) copyTo(net *Network) {
	for k, v := range s.w1 {
		net.Layers[0].W.RawMatrix().Data[k] = float64(v)
	}
	for k, v := range s.w2 {
		net.Layers[1].W.RawMatrix().Data[k] = float64(v)
	}
	for k, v := range s.b1 {
		net.Layers[0].B[k] = float64(v)
	}
	for k, v := range s.b2 {
		net.Layers[1].B[k] = float64(v)
	}
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

func gen(data []float32, r, c int) blas32.General {
	return blas32.General{Rows: r, Cols: c, Stride: c, Data: data}
}

// step does one SGD update on the batch rows and returns the batch's summed
// cross-entropy and number of correct predictions (before the update).
func (s *state32) step(rows []int, lr float32) (loss float64, correct int) {
	m, d, h, c := len(rows), s.d, s.h, s.c
	s.xb, s.h1, s.p, s.dh = grow(s.xb, m*d), grow(s.h1, m*h), grow(s.p, m*c), grow(s.dh, m*h)
	for i, r := range rows {
		copy(s.xb[i*d:(i+1)*d], s.x[r*d:(r+1)*d])
	}
	xb, h1, p, dh := gen(s.xb, m, d), gen(s.h1, m, h), gen(s.p, m, c), gen(s.dh, m, h)
	w1, w2 := gen(s.w1, d, h), gen(s.w2, h, c)

	// H = σ(X W1 + b1): the sums in float32, the sigmoid of the whole batch
	// in float64 (rblas.Sigmoid), rounded back.
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, xb, w1, 0, h1)
	s.f64 = slices.Grow(s.f64[:0], m*max(h, c))[:m*h]
	for k, a := range s.h1 {
		s.f64[k] = float64(a + s.b1[k%h])
	}
	rblas.Sigmoid(s.f64, s.f64)
	for k, v := range s.f64 {
		s.h1[k] = float32(v)
	}
	// P = softmax(H W2 + b2); D2 = P - Y in place. Per row: the shifted
	// logits a - max a in float32, their exponentials in float64
	// (rblas.Exp), the sum in float64.
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, h1, w2, 0, p)
	e := s.f64[:c]
	for i, r := range rows {
		row := s.p[i*c : (i+1)*c]
		best := 0
		for j := range row {
			row[j] += s.b2[j]
			if row[j] > row[best] {
				best = j
			}
		}
		mx := row[best]
		for j, a := range row {
			e[j] = float64(a - mx)
		}
		rblas.Exp(e, e, 0)
		var sum float64
		for _, v := range e {
			sum += v
		}
		inv := 1 / sum
		for j, v := range e {
			row[j] = float32(v * inv)
		}
		label := s.labels[r]
		if best == label {
			correct++
		}
		loss -= math.Log(math.Max(float64(row[label]), 1e-300))
		row[label]--
	}
	// dH = D2 W2ᵀ (before W2 changes), then the W2 and b2 updates.
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, p, w2, 0, dh)
	blas32.Gemm(blas.Trans, blas.NoTrans, -lr, h1, p, 1, w2)
	for i := range m {
		for j, g := range s.p[i*c : (i+1)*c] {
			s.b2[j] -= lr * g
		}
	}
	// D1 = dH ⊙ H ⊙ (1 - H), then the W1 and b1 updates.
	for k, hv := range s.h1 {
		s.dh[k] *= hv * (1 - hv)
	}
	blas32.Gemm(blas.Trans, blas.NoTrans, -lr, xb, dh, 1, w1)
	for i := range m {
		for j, g := range s.dh[i*h : (i+1)*h] {
			s.b1[j] -= lr * g
		}
	}
	return loss, correct
}

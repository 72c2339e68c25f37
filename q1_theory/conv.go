package theory

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Correlate2D returns the valid cross-correlation of x (H×W) with k (kh×kw):
// y[i,j] = Σ_{m,n} k[m,n] x[i+m, j+n] for 0 ≤ i ≤ H−kh, 0 ≤ j ≤ W−kw,
// an (H−kh+1)×(W−kw+1) matrix (stride 1, no padding). This is what deep
// learning libraries call "convolution". It returns an error if k is larger than x.
// See docs/q1_theory.md#q16-gradients-of-a-convolution-layer.
func Correlate2D(x, k mat.Matrix) (*mat.Dense, error) {
	h, w := x.Dims()
	kh, kw := k.Dims()
	if kh > h || kw > w {
		return nil, fmt.Errorf("theory: Correlate2D: kernel %d×%d larger than input %d×%d", kh, kw, h, w)
	}
	oh, ow := h-kh+1, w-kw+1
	y := mat.NewDense(oh, ow, nil)
	for i := range oh {
		for j := range ow {
			var s float64
			for m := range kh {
				for n := range kw {
					s += k.At(m, n) * x.At(i+m, j+n)
				}
			}
			y.Set(i, j, s)
		}
	}
	return y, nil
}

// Rot180 returns k rotated by 180°: r[m,n] = k[kh−1−m, kw−1−n].
// See docs/q1_theory.md#q16-gradients-of-a-convolution-layer.
func Rot180(k mat.Matrix) *mat.Dense {
	kh, kw := k.Dims()
	r := mat.NewDense(kh, kw, nil)
	for m := range kh {
		for n := range kw {
			r.Set(m, n, k.At(kh-1-m, kw-1-n))
		}
	}
	return r
}

// ZeroPad returns x (H×W) surrounded by ph rows of zeros above and below and
// pw columns of zeros left and right: an (H+2ph)×(W+2pw) matrix.
func ZeroPad(x mat.Matrix, ph, pw int) *mat.Dense {
	h, w := x.Dims()
	p := mat.NewDense(h+2*ph, w+2*pw, nil)
	for i := range h {
		for j := range w {
			p.Set(i+ph, j+pw, x.At(i, j))
		}
	}
	return p
}

// FullConvolve2D returns the full convolution of d (oh×ow) with k (kh×kw):
// z[p,q] = Σ_{m,n} k[m,n] d[p−m, q−n] (terms with d outside its range are 0),
// an (oh+kh−1)×(ow+kw−1) matrix. It is computed as the valid cross-correlation
// of d zero-padded by (kh−1, kw−1) with the 180°-rotated kernel, which is how
// the input gradient of a convolution layer is written.
// See docs/q1_theory.md#q16-gradients-of-a-convolution-layer.
func FullConvolve2D(d, k mat.Matrix) *mat.Dense {
	kh, kw := k.Dims()
	z, err := Correlate2D(ZeroPad(d, kh-1, kw-1), Rot180(k))
	if err != nil { // cannot happen: the padded d is at least as large as k
		panic(err)
	}
	return z
}

// Conv2D is a convolution layer (cross-correlation, stride 1, no padding)
// from Cin input channels to Cout output channels. W[o][c] is the kh×kw kernel
// from input channel c to output channel o and B[o] the bias of output o:
// y_o[i,j] = B[o] + Σ_c Σ_{m,n} W[o][c][m,n] x_c[i+m, j+n].
// A teaching restatement (see the package documentation), loop by loop: the
// CNNs of question 7 use q7_autodiff/ops.Conv2dOp (im2col + GEMM).
// See docs/q1_theory.md#q16-gradients-of-a-convolution-layer.
type Conv2D struct {
	W [][]*mat.Dense // Cout × Cin kernels, all kh×kw
	B []float64      // Cout biases
}

// check returns Cout, Cin and the kernel size, or an error if the layer is malformed.
func (l *Conv2D) check() (cout, cin, kh, kw int, err error) {
	cout = len(l.W)
	if cout == 0 || len(l.W[0]) == 0 {
		return 0, 0, 0, 0, errors.New("theory: Conv2D: no kernels")
	}
	if len(l.B) != cout {
		return 0, 0, 0, 0, fmt.Errorf("theory: Conv2D: %d output channels but %d biases", cout, len(l.B))
	}
	cin = len(l.W[0])
	kh, kw = l.W[0][0].Dims()
	for o := range cout {
		if len(l.W[o]) != cin {
			return 0, 0, 0, 0, fmt.Errorf("theory: Conv2D: output %d has %d kernels, want %d", o, len(l.W[o]), cin)
		}
		for c := range cin {
			if r, s := l.W[o][c].Dims(); r != kh || s != kw {
				return 0, 0, 0, 0, fmt.Errorf("theory: Conv2D: kernel [%d][%d] is %d×%d, want %d×%d", o, c, r, s, kh, kw)
			}
		}
	}
	return cout, cin, kh, kw, nil
}

// checkInput returns the input plane size, or an error if x does not fit the layer.
func checkInput(x []*mat.Dense, cin int) (h, w int, err error) {
	if len(x) != cin {
		return 0, 0, fmt.Errorf("theory: Conv2D: input has %d channels, want %d", len(x), cin)
	}
	h, w = x[0].Dims()
	for c := range x {
		if r, s := x[c].Dims(); r != h || s != w {
			return 0, 0, fmt.Errorf("theory: Conv2D: input channel %d is %d×%d, channel 0 is %d×%d", c, r, s, h, w)
		}
	}
	return h, w, nil
}

// Forward returns y_o = B[o] + Σ_c Correlate2D(x_c, W[o][c]) for every output
// channel o. x holds Cin planes of equal size H×W; each y_o is (H−kh+1)×(W−kw+1).
// See docs/q1_theory.md#q16-gradients-of-a-convolution-layer.
func (l *Conv2D) Forward(x []*mat.Dense) ([]*mat.Dense, error) {
	cout, cin, _, _, err := l.check()
	if err != nil {
		return nil, err
	}
	if _, _, err := checkInput(x, cin); err != nil {
		return nil, err
	}
	y := make([]*mat.Dense, cout)
	for o := range cout {
		for c := range cin {
			z, err := Correlate2D(x[c], l.W[o][c])
			if err != nil {
				return nil, err
			}
			if y[o] == nil {
				y[o] = z
			} else {
				y[o].Add(y[o], z)
			}
		}
		r, s := y[o].Dims()
		for i := range r {
			for j := range s {
				y[o].Set(i, j, y[o].At(i, j)+l.B[o])
			}
		}
	}
	return y, nil
}

// Backward returns the gradients of a scalar J through Forward given
// δ_o = ∂J/∂y_o for every output channel:
//
//	∂J/∂W[o][c] = Correlate2D(x_c, δ_o)            (x correlated with δ)
//	∂J/∂x_c     = Σ_o FullConvolve2D(δ_o, W[o][c])  (δ padded, correlated with rot180 W)
//	∂J/∂B[o]    = Σ_{i,j} δ_o[i,j]
//
// It returns an error if the sizes do not match.
// See docs/q1_theory.md#q16-gradients-of-a-convolution-layer.
func (l *Conv2D) Backward(x, delta []*mat.Dense) (dW [][]*mat.Dense, dx []*mat.Dense, dB []float64, err error) {
	cout, cin, kh, kw, err := l.check()
	if err != nil {
		return nil, nil, nil, err
	}
	h, w, err := checkInput(x, cin)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(delta) != cout {
		return nil, nil, nil, fmt.Errorf("theory: Conv2D.Backward: δ has %d channels, want %d", len(delta), cout)
	}
	for o := range cout {
		if r, s := delta[o].Dims(); r != h-kh+1 || s != w-kw+1 {
			return nil, nil, nil, fmt.Errorf("theory: Conv2D.Backward: δ channel %d is %d×%d, want %d×%d", o, r, s, h-kh+1, w-kw+1)
		}
	}
	dW = make([][]*mat.Dense, cout)
	dB = make([]float64, cout)
	dx = make([]*mat.Dense, cin)
	for c := range cin {
		dx[c] = mat.NewDense(h, w, nil)
	}
	for o := range cout {
		dW[o] = make([]*mat.Dense, cin)
		for c := range cin {
			if dW[o][c], err = Correlate2D(x[c], delta[o]); err != nil {
				return nil, nil, nil, err
			}
			dx[c].Add(dx[c], FullConvolve2D(delta[o], l.W[o][c]))
		}
		dB[o] = mat.Sum(delta[o])
	}
	return dW, dx, dB, nil
}

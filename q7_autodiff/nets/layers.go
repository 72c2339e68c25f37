package nets

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"recog/q7_autodiff/ops"
)

// ParamShape names one parameter of a layer ("weight", "bias") and its shape.
type ParamShape struct {
	Name  string
	Shape []int
}

// Layer is one stage of a Model. Shapes are per example (no batch axis):
// {C, H, W} for images, {D} for vectors.
type Layer interface {
	// Setup returns the output shape for the input shape in, and the
	// shapes of the layer's parameters.
	Setup(in []int) (out []int, params []ParamShape, err error)
	// Init fills the layer's parameters (in Setup's order) for input shape in.
	Init(in []int, params [][]float32, rng *rand.Rand)
	// Build adds the layer to a graph: x has a leading batch axis and p
	// holds the parameter nodes in Setup's order.
	Build(x *G.Node, p []*G.Node, b *builder) (*G.Node, error)
	String() string
}

func prod(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

func uniform(dst []float32, bound float64, rng *rand.Rand) {
	for i := range dst {
		dst[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// Dense is the fully connected layer y = x W + b with W of shape In x Out
// (the layout of q2_nn) and b of Out values. The input is flattened first.
// Init: Xavier, U(±√6/√(In+Out)) for W and b = 0 (as q2_nn's
// XavierUniform and NewLayer) when Xavier is set, else PyTorch's default,
// U(±1/√In) for W and b.
//
// Fused selects ops.DenseOp (one GEMM per goroutine, bias and optional
// ReLU fused) instead of gorgonia's Mul and BroadcastAdd; ReLU (Fused only)
// applies max(·, 0) to the output.
type Dense struct {
	Out         int
	Xavier      bool
	Fused, ReLU bool
}

func (l Dense) String() string {
	if l.ReLU {
		return fmt.Sprintf("Dense(%d, ReLU)", l.Out)
	}
	return fmt.Sprintf("Dense(%d)", l.Out)
}

func (l Dense) Setup(in []int) ([]int, []ParamShape, error) {
	if l.Out <= 0 {
		return nil, nil, fmt.Errorf("dense: %d outputs", l.Out)
	}
	return []int{l.Out}, []ParamShape{{"weight", []int{prod(in), l.Out}}, {"bias", []int{l.Out}}}, nil
}

func (l Dense) Init(in []int, p [][]float32, rng *rand.Rand) {
	d := prod(in)
	if l.Xavier {
		uniform(p[0], math.Sqrt(6/float64(d+l.Out)), rng)
		clear(p[1])
		return
	}
	uniform(p[0], 1/math.Sqrt(float64(d)), rng)
	uniform(p[1], 1/math.Sqrt(float64(d)), rng)
}

func (l Dense) Build(x *G.Node, p []*G.Node, _ *builder) (*G.Node, error) {
	if l.Fused {
		return ops.Dense(x, p[0], p[1], l.ReLU)
	}
	if l.ReLU {
		return nil, fmt.Errorf("%v: the fused ReLU needs Fused", l)
	}
	s := x.Shape()
	if s.Dims() != 2 {
		var err error
		if x, err = G.Reshape(x, tensor.Shape{s[0], prod(s[1:])}); err != nil {
			return nil, err
		}
	}
	xw, err := G.Mul(x, p[0])
	if err != nil {
		return nil, err
	}
	b, err := G.Reshape(p[1], tensor.Shape{1, l.Out})
	if err != nil {
		return nil, err
	}
	return G.BroadcastAdd(xw, b, nil, []byte{0})
}

// Conv2D is a 2-D convolution with Out filters of size K x K, stride Stride
// (0 means 1) and zero padding Pad, plus a bias per filter:
// y[o] = b[o] + Σ_c W[o, c] ⋆ x[c]. Weights are Out x C x K x K (PyTorch's
// layout); init is PyTorch's default, U(±1/√(C K K)) for W and b.
// Stock selects gorgonia's own Conv2d (im2col node, matrix product,
// transpose) instead of this package's conv2d op; it is kept for the speed
// comparison.
// ReLU fuses max(·, 0) into the convolution (this package's op only).
type Conv2D struct {
	Out, K, Stride, Pad int
	ReLU, Stock         bool
}

func (l Conv2D) String() string {
	s := fmt.Sprintf("Conv2D(%d, %dx%d", l.Out, l.K, l.K)
	if l.stride() != 1 {
		s += fmt.Sprintf(", stride %d", l.stride())
	}
	if l.Pad != 0 {
		s += fmt.Sprintf(", pad %d", l.Pad)
	}
	if l.ReLU {
		s += ", ReLU"
	}
	return s + ")"
}

func (l Conv2D) stride() int {
	if l.Stride == 0 {
		return 1
	}
	return l.Stride
}

func (l Conv2D) Setup(in []int) ([]int, []ParamShape, error) {
	if len(in) != 3 {
		return nil, nil, fmt.Errorf("%v: input shape %v is not C x H x W", l, in)
	}
	if l.Out <= 0 {
		return nil, nil, fmt.Errorf("%v: no filters", l)
	}
	oh, ow, err := ops.ConvOutput(in[0], in[1], in[2], l.K, l.stride(), l.Pad)
	if err != nil {
		return nil, nil, fmt.Errorf("%v: %w", l, err)
	}
	return []int{l.Out, oh, ow}, []ParamShape{{"weight", []int{l.Out, in[0], l.K, l.K}}, {"bias", []int{l.Out}}}, nil
}

func (l Conv2D) Init(in []int, p [][]float32, rng *rand.Rand) {
	bound := 1 / math.Sqrt(float64(in[0]*l.K*l.K))
	uniform(p[0], bound, rng)
	uniform(p[1], bound, rng)
}

func (l Conv2D) Build(x *G.Node, p []*G.Node, _ *builder) (*G.Node, error) {
	s := l.stride()
	if !l.Stock {
		return ops.Conv2d(x, p[0], p[1], [2]int{s, s}, [2]int{l.Pad, l.Pad}, l.ReLU)
	}
	if l.ReLU {
		return nil, fmt.Errorf("%v: the fused ReLU needs this package's conv op", l)
	}
	y, err := G.Conv2d(x, p[0], tensor.Shape{l.K, l.K}, []int{l.Pad, l.Pad}, []int{s, s}, []int{1, 1})
	if err != nil {
		return nil, err
	}
	b, err := G.Reshape(p[1], tensor.Shape{1, l.Out, 1, 1})
	if err != nil {
		return nil, err
	}
	return G.BroadcastAdd(y, b, nil, []byte{0, 2, 3})
}

// ReLU is max(x, 0), elementwise (this package's op; Stock selects
// gorgonia's Rectify).
type ReLU struct{ Stock bool }

func (ReLU) String() string                              { return "ReLU" }
func (ReLU) Setup(in []int) ([]int, []ParamShape, error) { return in, nil, nil }
func (ReLU) Init([]int, [][]float32, *rand.Rand)         {}
func (l ReLU) Build(x *G.Node, _ []*G.Node, _ *builder) (*G.Node, error) {
	if l.Stock {
		return G.Rectify(x)
	}
	return ops.ReLU(x)
}

// Sigmoid is 1 / (1 + exp(-x)), elementwise (gorgonia's Sigmoid).
type Sigmoid struct{}

func (Sigmoid) String() string                              { return "Sigmoid" }
func (Sigmoid) Setup(in []int) ([]int, []ParamShape, error) { return in, nil, nil }
func (Sigmoid) Init([]int, [][]float32, *rand.Rand)         {}
func (Sigmoid) Build(x *G.Node, _ []*G.Node, _ *builder) (*G.Node, error) {
	return G.Sigmoid(x)
}

// MaxPool2D takes the maximum over K x K windows moved by Stride (0 means
// K), per channel, without padding. Ceil keeps a last partial window at the
// far edges (PyTorch's ceil_mode=True). Stock selects gorgonia's MaxPool2D
// (no ceil mode).
type MaxPool2D struct {
	K, Stride   int
	Ceil, Stock bool
}

func (l MaxPool2D) String() string { return fmt.Sprintf("MaxPool2D(%d, stride %d)", l.K, l.stride()) }

func (l MaxPool2D) stride() int {
	if l.Stride == 0 {
		return l.K
	}
	return l.Stride
}

func (l MaxPool2D) Setup(in []int) ([]int, []ParamShape, error) {
	if len(in) != 3 {
		return nil, nil, fmt.Errorf("%v: input shape %v is not C x H x W", l, in)
	}
	if l.Stock && l.Ceil {
		return nil, nil, fmt.Errorf("%v: gorgonia's MaxPool2D has no ceil mode", l)
	}
	oh, ow, err := ops.PoolOutput(in[0], in[1], in[2], l.K, l.stride(), l.Ceil)
	if err != nil {
		return nil, nil, fmt.Errorf("%v: %w", l, err)
	}
	return []int{in[0], oh, ow}, nil, nil
}
func (l MaxPool2D) Init([]int, [][]float32, *rand.Rand) {}
func (l MaxPool2D) Build(x *G.Node, _ []*G.Node, _ *builder) (*G.Node, error) {
	if l.Stock {
		return G.MaxPool2D(x, tensor.Shape{l.K, l.K}, []int{0, 0}, []int{l.stride(), l.stride()})
	}
	return ops.MaxPool(x, l.K, l.stride(), l.Ceil)
}

// Dropout zeroes each input with probability P while training and scales the
// kept ones by 1/(1-P) (inverted dropout); at inference it is the identity.
// The mask is drawn from the training run's *rand.Rand before each step
// (drawMask) and applied as x ⊙ mask (ops.Mask), so runs are reproducible
// (gorgonia's own Dropout seeds itself from the clock).
type Dropout struct{ P float64 }

func (l Dropout) String() string { return fmt.Sprintf("Dropout(%g)", l.P) }
func (l Dropout) Setup(in []int) ([]int, []ParamShape, error) {
	if l.P < 0 || l.P >= 1 {
		return nil, nil, fmt.Errorf("%v: probability outside [0, 1)", l)
	}
	return in, nil, nil
}
func (l Dropout) Init([]int, [][]float32, *rand.Rand) {}
func (l Dropout) Build(x *G.Node, _ []*G.Node, b *builder) (*G.Node, error) {
	if !b.train || l.P == 0 {
		return x, nil
	}
	return ops.Mask(x, b.mask(x.Shape(), l.P))
}

package autoencoder

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	nn "recog/q2_nn"
)

// Sizes are the layer widths of the autoencoder: 1024 → 32 → 32 → 32 → 1024.
var Sizes = []int{1024, 32, 32, 32, 1024}

// Activations are the activations of its four layers: ReLU, ReLU, ReLU and a
// sigmoid output, so that reconstructions lie in (0, 1).
var Activations = []nn.Activation{nn.ActReLU, nn.ActReLU, nn.ActReLU, nn.ActSigmoid}

// layerNames are the assignment's names of the four layers.
var layerNames = []string{"layer1", "hidden", "hidden2", "output"}

// New returns the autoencoder of the given widths (Sizes if nil; Activations
// for four layers, else ReLU everywhere but a sigmoid output), every layer
// Xavier-initialised from rng (nn.NewLayer) with zero biases. See
// docs/q5_autoencoder.md#network.
//
//recog:starter Q5.1.1
func New(sizes []int, rng *rand.Rand) (*nn.Network, error) {
	if sizes == nil {
		sizes = Sizes
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("autoencoder: %d sizes, want at least 2", len(sizes))
	}
	if sizes[0] != sizes[len(sizes)-1] {
		return nil, fmt.Errorf("autoencoder: input size %d differs from output size %d", sizes[0], sizes[len(sizes)-1])
	}
	if rng == nil {
		return nil, errors.New("autoencoder: nil *rand.Rand")
	}
	k := len(sizes) - 1
	layers := make([]*nn.Layer, k)
	for i := range k {
		act, name := nn.ActReLU, fmt.Sprintf("layer%d", i+1)
		if k == len(layerNames) {
			name = layerNames[i]
		}
		if i == k-1 {
			act, name = nn.ActSigmoid, "output"
		}
		l, err := nn.NewLayer(name, sizes[i], sizes[i+1], act, rng)
		if err != nil {
			return nil, fmt.Errorf("autoencoder: %w", err)
		}
		layers[i] = l
	}
	return nn.NewNetwork(layers...)
}

// ParamCount returns Params of the autoencoder of Sizes (68,704; question
// 6.4 compares it with PCA's).
func ParamCount() int {
	net, err := New(nil, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		panic(err) // Sizes and Activations are fixed and valid
	}
	return Params(net)
}

// Params returns the number of learned values of net, Σ_layers (in·out + out).
// See docs/q6_pca.md#q64-parameters.
func Params(net *nn.Network) int {
	n := 0
	for _, l := range net.Layers {
		n += l.In()*l.Out() + l.Out()
	}
	return n
}

// Reconstruct returns x̂ = net(x) for every row of x, in a new matrix,
// without touching the network's training cache.
func Reconstruct(net *nn.Network, x *mat.Dense) (*mat.Dense, error) {
	return net.Predict(x)
}

// Loss returns the total squared error Σ_i Σ_j (x̂_ij - x_ij)² of net on the
// rows of x.
func Loss(net *nn.Network, x *mat.Dense) (float64, error) {
	xhat, err := Reconstruct(net, x)
	if err != nil {
		return 0, err
	}
	return nn.SquaredError.Eval(nil, xhat, x), nil
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func nanValue() float64 { return math.NaN() }

// DeadUnits returns, for each ReLU layer of net, how many of its units output
// 0 for every row of x (pre-activation ≤ 0 everywhere): units that receive
// no gradient and never recover. See docs/q5_autoencoder.md#why-the-default-does-not-beat-pca.
func DeadUnits(net *nn.Network, x *mat.Dense) ([]int, error) {
	if err := checkNet(net, x); err != nil {
		return nil, err
	}
	var out []int
	h := x
	for _, l := range net.Layers {
		var err error
		one, err := nn.NewNetwork(l)
		if err != nil {
			return nil, err
		}
		if h, err = one.Predict(h); err != nil {
			return nil, err
		}
		if l.Activation != nn.ActReLU {
			continue
		}
		r, c := h.Dims()
		dead := 0
		for j := range c {
			alive := false
			for i := range r {
				if h.At(i, j) > 0 {
					alive = true
					break
				}
			}
			if !alive {
				dead++
			}
		}
		out = append(out, dead)
	}
	return out, nil
}

func checkNet(net *nn.Network, x *mat.Dense) error {
	if net == nil || len(net.Layers) == 0 {
		return errors.New("autoencoder: nil network")
	}
	if x == nil {
		return errors.New("autoencoder: nil data")
	}
	if r, c := x.Dims(); r == 0 || c != net.In() {
		return fmt.Errorf("autoencoder: data is %d x %d, want N x %d", r, c, net.In())
	}
	return nil
}

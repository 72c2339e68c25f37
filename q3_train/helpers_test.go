package train

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	nn "recog/q2_nn"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }

// randomNet returns the assignment's network with random weights and biases.
func randomNet(t testing.TB, hidden, classes int, seed uint64) *nn.Network {
	t.Helper()
	rng := newRand(seed)
	net, err := NewNetwork(Side*Side, hidden, classes, rng)
	require.NoError(t, err)
	for _, l := range net.Layers {
		for j := range l.B {
			l.B[j] = rng.NormFloat64()
		}
	}
	return net
}

// blobs returns n examples of 1024 pixels in c classes: class k is the
// upright image with a bright square at a class-specific place plus noise,
// easy for the network to separate.
func blobs(t testing.TB, n, c int, rng *rand.Rand) *data.Dataset {
	t.Helper()
	x := mat.NewDense(n, Side*Side, nil)
	labels := make([]int, n)
	for i := range n {
		k := i % c
		labels[i] = k
		img := mat.NewDense(Side, Side, nil)
		r0, c0 := 4*(k%6), 4*(k/6)
		for r := range Side {
			for cc := range Side {
				v := 1 + 0.2*rng.NormFloat64()
				if r >= r0 && r < r0+8 && cc >= c0 && cc < c0+8 {
					v -= 1
				}
				img.Set(r, cc, v)
			}
		}
		x.SetRow(i, data.ImageToRow(img))
	}
	y, err := data.OneHot(labels, c)
	require.NoError(t, err)
	return &data.Dataset{X: x, Y: y}
}

package nn

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/datatest"
)

var (
	innerArray = regexp.MustCompile(`\[[-0-9.e+,\s]*\]`)
	space      = regexp.MustCompile(`\s+`)
)

// num formats v with 12 significant digits, enough to catch any change of
// the computation and few enough to be the same on every machine.
func num(v float64) json.Number { return json.Number(strconv.FormatFloat(v, 'g', 12, 64)) }

func nums(m mat.Matrix) [][]json.Number {
	r, c := m.Dims()
	out := make([][]json.Number, r)
	for i := range out {
		out[i] = make([]json.Number, c)
		for j := range out[i] {
			out[i][j] = num(m.At(i, j))
		}
	}
	return out
}

func numVec(v []float64) []json.Number {
	out := make([]json.Number, len(v))
	for i, x := range v {
		out[i] = num(x)
	}
	return out
}

// One seeded forward and backward pass of a 4 -> 3 sigmoid -> 2 softmax
// network on a fixed 3 x 4 input, recorded in golden/q2_nn/forward_backward.json.
func TestQ2_3_GoldenForwardBackward(t *testing.T) {
	net, err := NewMLP([]int{4, 3, 2}, []Activation{ActSigmoid, ActSoftmax}, newRand(42))
	require.NoError(t, err)
	x := mat.NewDense(3, 4, []float64{
		0.1, -0.2, 0.3, 0.4,
		1.0, 0.5, -0.5, 0.0,
		-1.5, 0.25, 0.75, -0.3,
	})
	y := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, 0})

	type layerJSON struct {
		Name       string          `json:"name"`
		Activation string          `json:"activation"`
		W          [][]json.Number `json:"W"`
		B          []json.Number   `json:"b"`
		A          [][]json.Number `json:"pre_activation"`
		H          [][]json.Number `json:"post_activation"`
		DW         [][]json.Number `json:"dW"`
		DB         []json.Number   `json:"db"`
	}
	probs, err := net.Forward(x)
	require.NoError(t, err)
	loss, acc, err := LossAndAcc(y, probs)
	require.NoError(t, err)
	dA := mat.NewDense(3, 2, nil)
	SoftmaxCrossEntropy.Eval(dA, probs, y)
	dx, err := net.BackwardPre(dA)
	require.NoError(t, err)

	out := struct {
		Seed   string          `json:"seed"`
		X      [][]json.Number `json:"X"`
		Y      [][]json.Number `json:"Y"`
		Probs  [][]json.Number `json:"probs"`
		Loss   json.Number     `json:"loss"`
		Acc    json.Number     `json:"acc"`
		DX     [][]json.Number `json:"dX"`
		Layers []layerJSON     `json:"layers"`
	}{
		Seed: "rand.NewPCG(42, 43)", X: nums(x), Y: nums(y), Probs: nums(probs),
		Loss: num(loss), Acc: num(acc), DX: nums(dx),
	}
	for _, l := range net.Layers {
		_, a, h := l.Cache()
		out.Layers = append(out.Layers, layerJSON{
			Name: l.Name, Activation: l.Activation.String(),
			W: nums(l.W), B: numVec(l.B), A: nums(a), H: nums(h), DW: nums(l.DW), DB: numVec(l.DB),
		})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	require.NoError(t, err)
	g := datatest.Golden(t, "q2_nn")
	// One matrix row per line: collapse the innermost arrays of numbers.
	b = innerArray.ReplaceAllFunc(b, func(m []byte) []byte {
		m = space.ReplaceAll(m, []byte(" "))
		return bytes.ReplaceAll(bytes.ReplaceAll(m, []byte("[ "), []byte("[")), []byte(" ]"), []byte("]"))
	})
	g.Assert(t, "forward_backward.json", append(b, '\n'))
}

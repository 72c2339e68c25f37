package nets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/q7_autodiff/ops"
)

func classNames(k int) []string {
	out := make([]string, k)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}

// batch returns n random inputs for m and one-hot targets.
func batch(m *Model, n int, rng *rand.Rand) (x, y []float32) {
	x = make([]float32, n*m.InputSize())
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	k := len(m.Classes)
	y = make([]float32, n*k)
	for i := 0; i < n; i++ {
		y[i*k+rng.IntN(k)] = 1
	}
	return x, y
}

// checkGradients compares the graph's gradient of the summed loss with the
// central difference (L(w+ε) - L(w-ε)) / 2ε for up to perParam entries of
// every parameter. The loss is evaluated in float32 by the same graph, so
// the tolerance is loose (ε = 1e-3): |num - ana| <= 0.02 max(|num|, |ana|) + 2e-3.
// Entries whose ±ε interval contains a kink (ReLU, max-pool) are skipped;
// at most a third of the entries of a parameter may be skipped.
func checkGradients(t *testing.T, m *Model, n, perParam int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	x, y := batch(m, n, rng)
	_, grads, err := m.Gradients(x, y, n, Sum)
	require.NoError(t, err)
	nt, err := m.build(n, true, Sum)
	require.NoError(t, err)
	defer nt.vm.Close()
	copy(nt.xData, x)
	copy(nt.yData, y)
	for _, mk := range nt.masks { // dropout off, as in Gradients
		for i := range mk.data {
			mk.data[i] = 1
		}
	}
	loss := func() float64 {
		require.NoError(t, nt.run())
		return nt.lossValue()
	}
	const eps = 1e-3
	l0 := loss()
	for pi, p := range m.Params {
		w := p.Data()
		kinks, checked := 0, 0
		for _, j := range rng.Perm(len(w))[:min(perParam, len(w))] {
			orig := w[j]
			w[j] = orig + eps
			lp := loss()
			w[j] = orig - eps
			lm := loss()
			w[j] = orig
			// A ReLU or max-pool switch inside [w-ε, w+ε] shows as one-sided
			// slopes that disagree; such entries are skipped (counted below).
			fwd, bwd := (lp-l0)/eps, (l0-lm)/eps
			if math.Abs(fwd-bwd) > 0.02*math.Max(math.Abs(fwd), math.Abs(bwd))+2e-3 {
				kinks++
				continue
			}
			checked++
			num := (lp - lm) / (2 * eps)
			ana := float64(grads[pi][j])
			tol := 0.02*math.Max(math.Abs(num), math.Abs(ana)) + 2e-3
			require.InDeltaf(t, num, ana, tol, "%s[%d]: central difference %g, graph %g", p.Name, j, num, ana)
		}
		require.LessOrEqualf(t, kinks, checked/2, "%s: %d entries near a kink, %d checked", p.Name, kinks, checked)
	}
}

func TestGradientsMatchCentralDifferences(t *testing.T) {
	cases := []struct {
		name   string
		input  []int
		layers []Layer
	}{
		{"dense-sigmoid", []int{6}, []Layer{Dense{Out: 5, Xavier: true}, Sigmoid{}, Dense{Out: 3}}},
		{"dense-relu", []int{6}, []Layer{Dense{Out: 5}, ReLU{}, Dense{Out: 3}}},
		{"conv-fused-relu", []int{2, 7, 7}, []Layer{Conv2D{Out: 3, K: 3, ReLU: true}, Conv2D{Out: 2, K: 3}, Dense{Out: 3}}},
		{"conv-stride-pad", []int{1, 8, 8}, []Layer{Conv2D{Out: 3, K: 3, Pad: 1, ReLU: true}, Conv2D{Out: 4, K: 3, Stride: 2, Pad: 1}, ReLU{}, Dense{Out: 3}}},
		{"conv-maxpool", []int{1, 9, 9}, []Layer{Conv2D{Out: 3, K: 2}, ReLU{}, MaxPool2D{K: 2}, Conv2D{Out: 2, K: 1}, Dense{Out: 3}}},
		{"maxpool-ceil", []int{2, 7, 7}, []Layer{Conv2D{Out: 2, K: 1}, MaxPool2D{K: 3, Stride: 2, Ceil: true}, Dense{Out: 3}}},
		{"stock-gorgonia", []int{1, 8, 8}, []Layer{Conv2D{Out: 3, K: 3, Stock: true}, ReLU{Stock: true}, MaxPool2D{K: 2, Stock: true}, Dense{Out: 3}}},
		{"dense-fused", []int{2, 3, 3}, []Layer{Conv2D{Out: 2, K: 2}, Dense{Out: 5, Fused: true, ReLU: true}, Dense{Out: 4, Fused: true}, Sigmoid{}, Dense{Out: 3, Fused: true}}},
		{"dropout-off", []int{5}, []Layer{Dense{Out: 4}, Dropout{P: 0.5}, Sigmoid{}, Dense{Out: 3}}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := NewModel(c.name, c.input, classNames(3), rand.New(rand.NewPCG(uint64(i), 1)), c.layers...)
			require.NoError(t, err)
			checkGradients(t, m, 3, 12, uint64(100+i))
		})
	}
}

// The package's conv, ReLU and max-pool ops compute what gorgonia's own
// Conv2d, Rectify and MaxPool2D compute, values and gradients.
func TestOpsMatchGorgonia(t *testing.T) {
	mk := func(stock bool) *Model {
		m, err := NewSimpleCNN("cnn", 10, classNames(4), 0, stock, rand.New(rand.NewPCG(3, 4)))
		require.NoError(t, err)
		return m
	}
	ours, stock := mk(false), mk(true)
	require.Equal(t, len(ours.Params), len(stock.Params))
	for i := range ours.Params {
		require.Equal(t, ours.Params[i].Value.Shape(), stock.Params[i].Value.Shape())
		require.Equal(t, ours.Params[i].Data(), stock.Params[i].Data()) // same seed, same order
	}
	x, y := batch(ours, 5, rand.New(rand.NewPCG(5, 6)))
	l1, g1, err := ours.Gradients(x, y, 5, Mean)
	require.NoError(t, err)
	l2, g2, err := stock.Gradients(x, y, 5, Mean)
	require.NoError(t, err)
	require.InDelta(t, l2, l1, 1e-5*math.Abs(l2))
	for i := range g1 {
		for j := range g1[i] {
			require.InDeltaf(t, g2[i][j], g1[i][j], 1e-4*(math.Abs(float64(g2[i][j]))+1e-3), "%s[%d]", ours.Params[i].Name, j)
		}
	}
	z1, err := ours.Logits(x, 5)
	require.NoError(t, err)
	z2, err := stock.Logits(x, 5)
	require.NoError(t, err)
	require.InDeltaSlice(t, z2, z1, 1e-4)
}

func TestSoftmaxCrossEntropyByHand(t *testing.T) {
	// One row z = (0, ln 3): softmax = (1/4, 3/4); target class 1:
	// L = -ln(3/4); ∂L/∂z = (1/4, -1/4).
	m, err := NewModel("id", []int{2}, classNames(2), rand.New(rand.NewPCG(1, 1)), Dense{Out: 2})
	require.NoError(t, err)
	w, b := m.Params[0].Data(), m.Params[1].Data()
	copy(w, []float32{1, 0, 0, 1})
	copy(b, []float32{0, 0})
	loss, g, err := m.Gradients([]float32{0, float32(math.Log(3))}, []float32{0, 1}, 1, Sum)
	require.NoError(t, err)
	require.InDelta(t, -math.Log(0.75), loss, 1e-6)
	require.InDeltaSlice(t, []float32{0.25, -0.25}, g[1], 1e-6)
	p := []float32{0, float32(math.Log(3)), 1000, 1000}
	ops.Softmax(p, 2)
	require.InDeltaSlice(t, []float32{0.25, 0.75, 0.5, 0.5}, p, 1e-6)
}

func TestDropoutMasks(t *testing.T) {
	m, err := NewModel("drop", []int{200}, classNames(2), rand.New(rand.NewPCG(1, 1)), Dropout{P: 0.25}, Dense{Out: 2})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(9, 9))
	tr, err := NewTrainer(m, Config{BatchSize: 50, Optimizer: &SGD{LR: 0}, Rand: rng})
	require.NoError(t, err)
	defer tr.Close()
	d := &Data{X: make([]float32, 50*200), Shape: []int{200}, Labels: make([]int, 50)}
	idx := make([]int, 50)
	for i := range idx {
		idx[i] = i
	}
	_, _, err = tr.Step(d, idx)
	require.NoError(t, err)
	mask := tr.n.masks[0].data
	zeros := 0
	for _, v := range mask {
		if v == 0 {
			zeros++
		} else {
			require.InDelta(t, 1/0.75, v, 1e-6)
		}
	}
	require.InDelta(t, 0.25, float64(zeros)/float64(len(mask)), 0.02)
}

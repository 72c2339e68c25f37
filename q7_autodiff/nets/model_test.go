package nets

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/vec"
	nn "recog/q2_nn"
)

// Q7.1.1: for the same weights and batch, gorgonia's gradients of the Q3
// network equal q2_nn's hand-written back-propagation (summed loss) to 1e-4
// relative: max |g_q7 - g_q2| <= 1e-4 · max |g_q2| for every parameter.
func TestQ7_1_1_Q3GradientsMatchQ2(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	q2, err := nn.NewMLP([]int{1024, 64, 36}, []nn.Activation{nn.ActSigmoid, nn.ActSoftmax}, rng)
	require.NoError(t, err)
	m, err := NewQ3MLP(data.NIST36Classes, rng)
	require.NoError(t, err)
	// Copy q2's float64 weights into the float32 model, and use the rounded
	// values in q2 as well so both start from the same numbers.
	for i, l := range q2.Layers {
		w, b := m.Params[2*i].Data(), m.Params[2*i+1].Data()
		raw := l.W.RawMatrix()
		require.Equal(t, len(w), raw.Rows*raw.Cols)
		for r := 0; r < raw.Rows; r++ {
			for c := 0; c < raw.Cols; c++ {
				v := float32(raw.Data[r*raw.Stride+c])
				w[r*raw.Cols+c] = v
				raw.Data[r*raw.Stride+c] = float64(v)
			}
		}
		for j := range l.B {
			l.B[j] = float64(float32(l.B[j]) + 0.01*float32(j%5)) // non-zero biases
			b[j] = float32(l.B[j])
		}
	}
	const n = 32
	x := make([]float32, n*1024)
	x64 := mat.NewDense(n, 1024, nil)
	for i := range x {
		x[i] = float32(rng.Float64())
		x64.RawMatrix().Data[i] = float64(x[i])
	}
	y := make([]float32, n*36)
	y64 := mat.NewDense(n, 36, nil)
	for i := 0; i < n; i++ {
		k := rng.IntN(36)
		y[i*36+k] = 1
		y64.Set(i, k, 1)
	}
	probs, err := q2.Forward(x64)
	require.NoError(t, err)
	wantLoss, _, err := nn.LossAndAcc(y64, probs)
	require.NoError(t, err)
	dA := mat.NewDense(n, 36, nil)
	dA.Sub(probs, y64) // ∂L/∂A of the softmax output for the summed loss
	_, err = q2.BackwardPre(dA)
	require.NoError(t, err)

	loss, grads, err := m.Gradients(x, y, n, Sum)
	require.NoError(t, err)
	require.InDelta(t, wantLoss, loss, 1e-5*wantLoss)
	for i, l := range q2.Layers {
		want := [][]float64{l.DW.RawMatrix().Data, l.DB}
		for k, g := range grads[2*i : 2*i+2] {
			var maxAbs, maxDiff float64
			for j, v := range want[k] {
				maxAbs = math.Max(maxAbs, math.Abs(v))
				maxDiff = math.Max(maxDiff, math.Abs(float64(g[j])-v))
			}
			require.Greater(t, maxAbs, 0.0)
			t.Logf("%s: max |difference| / max |gradient| = %.2g", m.Params[2*i+k].Name, maxDiff/maxAbs)
			require.LessOrEqualf(t, maxDiff, 1e-4*maxAbs, "%s: max difference %g, max |gradient| %g", m.Params[2*i+k].Name, maxDiff, maxAbs)
		}
	}
}

// A small CNN memorises 256 random images with random labels (100% training
// accuracy): the graph, the gradients and Adam work together.
func TestSmallCNNOverfits256(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	m, err := NewModel("tiny-cnn", []int{1, 12, 12}, classNames(10), rng,
		Conv2D{Out: 8, K: 3, ReLU: true}, MaxPool2D{K: 2}, Dense{Out: 64}, ReLU{}, Dense{Out: 10})
	require.NoError(t, err)
	d := synthetic(256, 12, 10, rng)
	h, err := Train(m, d, nil, Config{Epochs: 60, BatchSize: 32, Optimizer: &Adam{LR: 3e-3}, Rand: rng})
	require.NoError(t, err)
	_, acc, err := Evaluate(m, d)
	require.NoError(t, err)
	require.Equalf(t, 1.0, acc, "training accuracy after 60 epochs (last epoch's running accuracy %.3f)", h.Epochs[59].TrainAcc)
}

func TestSaveLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	m, err := NewSimpleCNN("cnn", 10, classNames(5), 0.25, false, rng)
	require.NoError(t, err)
	d := synthetic(64, 10, 5, rng)
	_, err = Train(m, d, nil, Config{Epochs: 1, BatchSize: 16, Optimizer: &Adam{LR: 1e-3}, Rand: rng})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "cnn.safetensors")
	require.NoError(t, m.Save(path))

	other, err := NewSimpleCNN("cnn", 10, classNames(5), 0.25, false, rand.New(rand.NewPCG(99, 99)))
	require.NoError(t, err)
	before, err := other.Logits(d.X, d.Len())
	require.NoError(t, err)
	require.NoError(t, other.Load(path))
	want, err := m.Logits(d.X, d.Len())
	require.NoError(t, err)
	got, err := other.Logits(d.X, d.Len())
	require.NoError(t, err)
	require.Equal(t, want, got) // bit for bit
	require.NotEqual(t, before, got)

	// A model of another shape or other classes is refused, naming the file.
	wrong, err := NewSimpleCNN("cnn", 12, classNames(5), 0, false, rng)
	require.NoError(t, err)
	require.ErrorContains(t, wrong.Load(path), "cnn.safetensors")
	wrongClasses, err := NewSimpleCNN("cnn", 10, []string{"a", "b", "c", "d", "e"}, 0, false, rng)
	require.NoError(t, err)
	require.ErrorContains(t, wrongClasses.Load(path), "classes")
}

func TestPredictProbabilities(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	m, err := NewSimpleCNN("cnn", 8, classNames(3), 0, false, rng)
	require.NoError(t, err)
	d := synthetic(300, 8, 3, rng) // more than one inference batch
	rows := make([][]float32, d.Len())
	for i := range rows {
		rows[i] = d.Row(i)
	}
	p, err := m.Predict(rows)
	require.NoError(t, err)
	require.Len(t, p, 300)
	labels, err := PredictLabels(m, d)
	require.NoError(t, err)
	for i, r := range p {
		var s float64
		for _, v := range r {
			s += float64(v)
		}
		require.InDelta(t, 1, s, 1e-5)
		require.Equal(t, labels[i], vec.Argmax(r))
	}
	_, err = m.Predict([][]float32{make([]float32, 5)})
	require.ErrorContains(t, err, "has 5 values, want 64")
}

func TestBadInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	_, err := NewModel("m", []int{1, 4, 4}, classNames(3), rng, Conv2D{Out: 2, K: 5})
	require.ErrorContains(t, err, "does not fit")
	_, err = NewModel("m", []int{4}, classNames(3), rng, Dense{Out: 2})
	require.ErrorContains(t, err, "want 3 class logits")
	m, err := NewModel("m", []int{4}, classNames(3), rng, Dense{Out: 3})
	require.NoError(t, err)
	d := &Data{X: make([]float32, 8), Shape: []int{4}, Labels: []int{0, 5}}
	_, err = Train(m, d, nil, Config{Epochs: 1, BatchSize: 1, Optimizer: &SGD{LR: 0.1}, Rand: rng})
	require.ErrorContains(t, err, "label 5 of example 1")
}

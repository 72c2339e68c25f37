package nets

import (
	"math/rand/v2"
	"testing"

	"recog/internal/cputime"
)

// synthetic returns n random 1 x side x side examples with labels in [0, k).
func synthetic(n, side, k int, rng *rand.Rand) *Data {
	d := &Data{X: make([]float32, n*side*side), Shape: []int{1, side, side}, Labels: make([]int, n)}
	for i := range d.X {
		d.X[i] = rng.Float32()
	}
	for i := range d.Labels {
		d.Labels[i] = rng.IntN(k)
	}
	return d
}

func digits() []string { return []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"} }

func benchStep(b *testing.B, stock bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := NewSimpleCNN("mnist-cnn", 28, digits(), 0, stock, rng)
	if err != nil {
		b.Fatal(err)
	}
	d := synthetic(64, 28, 10, rng)
	tr, err := NewTrainer(m, Config{BatchSize: 64, Optimizer: &Adam{LR: 1e-3}, Rand: rng})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	idx := make([]int, 64)
	for i := range idx {
		idx[i] = i
	}
	b.ReportAllocs()
	cpu0 := cputime.Seconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := tr.Step(d, idx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric((cputime.Seconds()-cpu0)*1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkMNISTCNNStep is one training step (forward, backward, Adam) of the
// Q7.1.2 speed-comparison CNN on a batch of 64, with this package's conv op.
func BenchmarkMNISTCNNStep(b *testing.B) { benchStep(b, false) }

// BenchmarkMNISTCNNStepStock is the same step with gorgonia's own Conv2d.
func BenchmarkMNISTCNNStepStock(b *testing.B) { benchStep(b, true) }

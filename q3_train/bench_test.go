package train

import (
	"testing"

	"recog/internal/blas"
	"recog/internal/datatest"
	nn "recog/q2_nn"
)

// BenchmarkTrainEpoch times one epoch of the assignment's training on the
// real NIST36 training set (10716 images, batch 32, the default learning
// rate): nn.Train without evaluations. Build with -tags openblas to use
// OpenBLAS (see README.md); `recog bench` prints the same figure next to the
// other questions'.
func BenchmarkTrainEpoch(b *testing.B) {
	tr, _ := datatest.NIST36(b, "train")
	net, err := NewNetwork(Side*Side, DefaultHidden, 36, initRand(1))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("BLAS %s, %d thread(s)", blas.Name(), blas.Threads())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nn.Train(net, tr, nn.Options{Epochs: 1, LR: DefaultLR, BatchSize: DefaultBatchSize}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

// BenchmarkForwardValid times one forward pass (Predict) over the real
// validation set (3572 images).
func BenchmarkForwardValid(b *testing.B) {
	va, _ := datatest.NIST36(b, "valid")
	net, err := NewNetwork(Side*Side, DefaultHidden, 36, initRand(1))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := net.Predict(va.X); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/pass")
}

// BenchmarkTrainEpochFloat32 is BenchmarkTrainEpoch with float32
// arithmetic (one nn.Trainer.Epoch with Options.Float32; the float32 copy of
// the images is made once, outside the timing).
func BenchmarkTrainEpochFloat32(b *testing.B) {
	tr, _ := datatest.NIST36(b, "train")
	net, err := NewNetwork(Side*Side, DefaultHidden, 36, initRand(1))
	if err != nil {
		b.Fatal(err)
	}
	t32, err := nn.NewTrainer(net, tr, nn.Options{LR: DefaultLR, BatchSize: DefaultBatchSize, Float32: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t32.Epoch(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
}

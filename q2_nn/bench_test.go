package nn

import (
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	_ "recog/internal/blas" // the openblas build tag switches mat to OpenBLAS
	"recog/internal/data"
)

// NIST36 shape: 10716 training rows of 1024 pixels, 36 classes, the
// assignment's 64 hidden units and batches of 32.
const (
	benchN, benchD, benchH, benchC, benchBatch = 10716, 1024, 64, 36, 32
)

var benchSet = sync.OnceValue(func() *data.Dataset {
	rng := newRand(99)
	x := mat.NewDense(benchN, benchD, nil)
	d := x.RawMatrix().Data
	for i := range d {
		d[i] = rng.Float64()
	}
	return &data.Dataset{X: x, Y: randOneHot(rng, benchN, benchC)}
})

func benchNet(b *testing.B) *Network {
	net, err := NewMLP([]int{benchD, benchH, benchC}, []Activation{ActSigmoid, ActSoftmax}, newRand(1))
	if err != nil {
		b.Fatal(err)
	}
	return net
}

// BenchmarkForward times the forward pass of one batch of 32 (successive
// batches of the set, so the input comes from memory as in training) and of
// the whole 10716-row set at once.
func BenchmarkForward(b *testing.B) {
	ds := benchSet()
	for _, tc := range []struct {
		name string
		rows int
	}{{"batch32", benchBatch}, {"full10716", benchN}} {
		b.Run(tc.name, func(b *testing.B) {
			net := benchNet(b)
			b.ReportAllocs()
			start := 0
			for b.Loop() {
				if start+tc.rows > benchN {
					start = 0
				}
				x := ds.X.Slice(start, start+tc.rows, 0, benchD).(*mat.Dense)
				start += tc.rows
				if _, err := net.Forward(x); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tc.rows)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkTrainEpoch times one epoch of SGD (batch 32) over 10716 x 1024.
func BenchmarkTrainEpoch(b *testing.B) {
	ds := benchSet()
	net := benchNet(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(net, ds, Options{Epochs: 1, LR: 1e-3, BatchSize: benchBatch}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
	b.ReportMetric(float64(benchN)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkPredict times Predict on the whole 10716-row set (chunked).
func BenchmarkPredict(b *testing.B) {
	ds := benchSet()
	net := benchNet(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := net.Predict(ds.X); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchN)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

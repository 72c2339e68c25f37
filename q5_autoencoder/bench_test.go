package autoencoder

import (
	"path/filepath"
	"testing"

	"recog/internal/data"
	"recog/internal/datatest"
)

// benchEpoch times one training epoch over the NIST36 training set (10716
// images, 298 batches of 36) with the given recipe.
func benchEpoch(b *testing.B, opt Options) {
	dir := datatest.Dir(b, "nist36")
	train, err := data.LoadNIST36(filepath.Join(dir, data.SplitFile("train")), "train")
	if err != nil {
		b.Fatal(err)
	}
	opt.Epochs = 1
	net, _, err := Fit(train.X, Options{Epochs: 0, LR: opt.LR, BatchSize: opt.BatchSize, Seed: opt.Seed, DataInit: opt.DataInit})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Train(net, train.X, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(train.Len())*float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkEpochDefault: one epoch of the assignment's recipe (momentum SGD).
func BenchmarkEpochDefault(b *testing.B) { benchEpoch(b, DefaultOptions()) }

// BenchmarkEpochImproved: one epoch of the improved recipe (momentum SGD
// plus the revival check of dead units after the epoch).
func BenchmarkEpochImproved(b *testing.B) { benchEpoch(b, ImprovedOptions()) }

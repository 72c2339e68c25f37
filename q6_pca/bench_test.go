package pca

import (
	"path/filepath"
	"testing"

	"recog/internal/data"
	"recog/internal/datatest"
)

func loadTrain(b *testing.B) *data.Dataset {
	b.Helper()
	dir := datatest.Dir(b, "nist36")
	train, err := data.LoadNIST36(filepath.Join(dir, data.SplitFile("train")), "train")
	if err != nil {
		b.Fatal(err)
	}
	return train
}

// BenchmarkFit times Fit on the NIST36 training set (10716 x 1024), what
// `recog q6` runs: centring, the Gram matrix X̃ᵀX̃, its tridiagonal
// reduction and eigenvalues, and 32 eigenvectors by inverse iteration.
// scripts/bench_q6.sh compares it with numpy's SVD.
func BenchmarkFit(b *testing.B) {
	train := loadTrain(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Fit(train.X, Components); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitSVD times FitSVD on the same data: centring and the thin SVD
// (V only) of gonum's mat.SVD.
func BenchmarkFitSVD(b *testing.B) {
	train := loadTrain(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := FitSVD(train.X, Components); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitCovariance times FitCovariance on the same data: XᵀX and the
// symmetric eigen-decomposition of the 1024 x 1024 covariance.
func BenchmarkFitCovariance(b *testing.B) {
	train := loadTrain(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := FitCovariance(train.X, Components); err != nil {
			b.Fatal(err)
		}
	}
}

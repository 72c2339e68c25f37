//go:build purego || !amd64

package blas

// cpuKernels returns no assembly kernels: this build (the tag purego, or not
// amd64) runs the portable Go kernel.
func cpuKernels() ([]*kernelSet[float32], []*kernelSet[float64]) { return nil, nil }

// purego reports whether this build has the tag purego (or is not amd64,
// where there is no assembly either).
const purego = true

// vecFamilies is empty: the portable family serves (vmath.go).
var vecFamilies = map[string]*vecKernels{}

// f32Families is empty: the Go loops serve (vmath32.go).
var f32Families = map[string]*f32Kernels{}

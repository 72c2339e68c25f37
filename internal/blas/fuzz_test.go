package blas

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// FuzzGemm checks Sgemm and Dgemm against the naive loop (check64,
// check32) with every kernel family this CPU has, over shapes (m < 80,
// n < 120, k < 900), transposes, alpha and beta (0, 1, or others) and
// leading dimensions padded by 0 to 7. Run it with
//
//	go test ./internal/blas -run '^$' -fuzz FuzzGemm -fuzztime 3m -parallel 1
func FuzzGemm(f *testing.F) {
	f.Add(uint64(1), uint8(7), uint8(13), uint16(5), uint8(0), uint8(1), uint8(0))
	f.Add(uint64(2), uint8(33), uint8(97), uint16(385), uint8(0xff), uint8(2), uint8(2))
	f.Add(uint64(3), uint8(8), uint8(48), uint16(1), uint8(0x0f), uint8(0), uint8(1))
	f.Add(uint64(4), uint8(1), uint8(1), uint16(0), uint8(0x30), uint8(3), uint8(3))
	f.Add(uint64(5), uint8(17), uint8(9), uint16(676), uint8(0x02), uint8(1), uint8(0))
	scalars := []float64{0, 1, -1, 0.5, 2, -0.3}
	f.Fuzz(func(t *testing.T, seed uint64, m8, n8 uint8, k16 uint16, flags, as, bs uint8) {
		c := gemmCase{
			tA: blas.NoTrans, tB: blas.NoTrans,
			m: int(m8) % 80, n: int(n8) % 120, k: int(k16) % 900,
			alpha: scalars[int(as)%len(scalars)], beta: scalars[int(bs)%len(scalars)],
			padA: int(flags>>2) & 7, padB: int(flags>>5) & 7, padC: int(flags>>2+flags>>5) & 7,
		}
		if flags&1 != 0 {
			c.tA = blas.Trans
		}
		if flags&2 != 0 {
			c.tB = blas.Trans
		}
		defer useKernel(kernelNames()[0])
		for _, name := range kernelNames() {
			useKernel(name)
			check64(t, c, rand.New(rand.NewPCG(seed, 1)))
			check32(t, c, rand.New(rand.NewPCG(seed, 2)))
		}
	})
}

package augment

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// bar is a 12 x 12 image with a vertical bar of ink 1 in columns 5 and 6,
// rows 2..9.
func bar() []float32 {
	img := make([]float32, 144)
	for y := 2; y < 10; y++ {
		img[y*12+5], img[y*12+6] = 1, 1
	}
	return img
}

func sum(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x)
	}
	return s
}

func TestZeroParamsAreTheIdentity(t *testing.T) {
	for _, p := range []Params{{}, {DarkInk: true}} {
		src := bar()
		if p.DarkInk {
			for i := range src {
				src[i] = 1 - src[i]
			}
		}
		dst := make([]float32, len(src))
		p.Image(dst, src, 12, 12, rand.New(rand.NewPCG(1, 2)))
		require.Equal(t, src, dst, "%+v", p)
		require.True(t, p.Zero())
	}
	require.False(t, Params{Blur: 1}.Zero())
	require.Equal(t, "none", Params{}.String())
	require.Equal(t, "rotate 10, stroke 0.5", Params{Rotate: 10, Stroke: 0.5}.String())
}

func TestDistortionsStayInRangeAndMoveInk(t *testing.T) {
	src := bar()
	p := Params{Rotate: 15, Shear: 0.3, Scale: 0.15, Aspect: 0.2, Shift: 2, Elastic: 1, Stroke: 0.5, Blur: 1, Contrast: 0.3, Noise: 0.05}
	rng := rand.New(rand.NewPCG(3, 4))
	changed := 0
	for range 20 {
		dst := make([]float32, len(src))
		p.Image(dst, src, 12, 12, rng)
		for _, v := range dst {
			require.True(t, v >= 0 && v <= 1, "value %v outside [0, 1]", v)
		}
		if sum(dst) > 0 && !equal(dst, src) {
			changed++
		}
	}
	require.Equal(t, 20, changed, "every draw changes the image and keeps some ink")
}

func equal(a, b []float32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A dilation widens the 2-pixel bar to 4 columns (and a row at each end);
// an erosion of the bar leaves nothing of a 2-pixel-wide stroke.
func TestMorphology(t *testing.T) {
	img := bar()
	morph(img, 12, 12, true)
	require.Equal(t, 8*4+2*2.0, sum(img))
	img = bar()
	morph(img, 12, 12, false)
	require.Equal(t, 0.0, sum(img))
}

// The blur keeps the ink's total away from the borders and spreads it.
func TestBlurKeepsInk(t *testing.T) {
	img := make([]float32, 144)
	img[6*12+6] = 1
	blur(img, 12, 12, 1)
	require.InDelta(t, 1, sum(img), 1e-4, "float32 sums")
	require.InDelta(t, 0.1592, img[6*12+6], 1e-3, "1/(2πσ²) up to the truncation")
	require.Greater(t, img[6*12+8], float32(0))
}

// Batch gives the same images whatever GOMAXPROCS is, different images for
// another epoch, and leaves its input alone.
func TestBatchIsReproducible(t *testing.T) {
	x := append(append(bar(), bar()...), bar()...)
	orig := append([]float32(nil), x...)
	p := Params{Rotate: 10, Elastic: 1, Stroke: 1, Noise: 0.1}
	a := p.Batch(x, 12, 12, 7, 1)
	prev := runtime.GOMAXPROCS(1)
	b := p.Batch(x, 12, 12, 7, 1)
	runtime.GOMAXPROCS(prev)
	require.Equal(t, a, b)
	require.NotEqual(t, a, p.Batch(x, 12, 12, 7, 2))
	require.Equal(t, orig, x)
}

// WarpChannels warps every channel the same way and does not clip: three
// channels holding the same image scaled by 1, −2 and 3 stay so scaled;
// zero ranges copy the image; WarpBatch depends only on (seed, epoch).
func TestWarpChannels(t *testing.T) {
	const h, w = 9, 11
	src := make([]float32, 3*h*w)
	for i := range h * w {
		v := float32(i%7) / 3
		src[i], src[h*w+i], src[2*h*w+i] = v, -2*v, 3*v
	}
	p := Params{Rotate: 20, Scale: 0.3, Aspect: 0.2, Shear: 0.2, Shift: 1}
	dst := make([]float32, len(src))
	p.WarpChannels(dst, src, 3, h, w, rand.New(rand.NewPCG(3, 4)))
	require.NotEqual(t, src[:h*w], dst[:h*w], "warped")
	for i := range h * w {
		require.InDelta(t, -2*dst[i], dst[h*w+i], 1e-5)
		require.InDelta(t, 3*dst[i], dst[2*h*w+i], 1e-5)
	}
	Params{}.WarpChannels(dst, src, 3, h, w, rand.New(rand.NewPCG(3, 4)))
	require.Equal(t, src, dst)
	a, b := p.WarpBatch(src, 3, h, w, 5, 2), p.WarpBatch(src, 3, h, w, 5, 2)
	require.Equal(t, a, b)
	require.NotEqual(t, a, p.WarpBatch(src, 3, h, w, 5, 3), "another epoch, another warp")
}

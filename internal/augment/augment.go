// Package augment distorts small grey images of handwriting at random: the
// data augmentation of the Q7 recipes (docs/q7_autodiff.md#better-recipes-issue-17).
//
// Images are H x W float32 values in [0, 1], row by row, with the ink bright
// (1) on a dark (0) background, as MNIST and EMNIST store them; a caller
// whose images are dark on light (NIST36) inverts them around the call
// (Params.DarkInk does it). Every distortion is drawn from an explicit
// *rand.Rand, and Batch derives one generator per image from (seed, epoch,
// index), so a set is distorted the same way whatever the number of
// goroutines.
package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Params are the ranges of the random distortions, each drawn uniformly
// and independently per image; a zero field turns its distortion off.
type Params struct {
	// Rotate is the largest rotation, in degrees (either way).
	Rotate float64
	// Shear is the largest horizontal shear x' = x + s·y, |s| ≤ Shear
	// (a slant: 0.3 is about 17°).
	Shear float64
	// Scale is the largest relative change of size, the same on both axes:
	// the factor is exp(u), |u| ≤ log(1 + Scale).
	Scale float64
	// Aspect is the largest relative change of width against height: the
	// x axis is scaled by exp(u), |u| ≤ log(1 + Aspect), on top of Scale.
	Aspect float64
	// Shift is the largest translation along each axis, in pixels.
	Shift float64
	// Elastic is the standard deviation, in pixels, of the displacement of
	// each control point of a 4 x 4 grid spread over the image; the
	// displacement of a pixel is the bilinear interpolation of its four
	// surrounding control points (a smooth random warp, cheaper than
	// Simard et al.'s Gaussian-smoothed field and of the same kind).
	Elastic float64
	// Stroke is the probability of changing the stroke width: with
	// probability Stroke/2 each, the image is thickened by a grey dilation
	// (the maximum over the pixel and its 4 neighbours) or thinned by a
	// grey erosion (the minimum over them), about one pixel either way.
	Stroke float64
	// Blur is the largest standard deviation, in pixels, of a Gaussian blur
	// (σ drawn in [0, Blur]).
	Blur float64
	// Contrast is the largest loss of contrast: the ink is multiplied by a
	// factor in [1 − Contrast, 1].
	Contrast float64
	// Noise is the standard deviation of Gaussian noise added to every
	// pixel (the result is clipped to [0, 1]).
	Noise float64
	// DarkInk says the images are dark ink on a light background: each is
	// inverted (1 − x) before the distortions and back after them.
	DarkInk bool
}

// String lists the non-zero ranges.
func (p Params) String() string {
	s := ""
	add := func(name string, v float64) {
		if v != 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s %g", name, v)
		}
	}
	add("rotate", p.Rotate)
	add("shear", p.Shear)
	add("scale", p.Scale)
	add("aspect", p.Aspect)
	add("shift", p.Shift)
	add("elastic", p.Elastic)
	add("stroke", p.Stroke)
	add("blur", p.Blur)
	add("contrast", p.Contrast)
	add("noise", p.Noise)
	if s == "" {
		return "none"
	}
	return s
}

// Zero reports whether p changes nothing.
func (p Params) Zero() bool {
	q := p
	q.DarkInk = false
	return q == Params{}
}

// grid is the number of control points per side of the elastic warp.
const grid = 4

// Image writes into dst (h·w values) a random distortion of src (h·w values)
// drawn from rng, in this order:
//
//  1. a geometric warp, sampled backwards: output pixel p = (x, y), centred
//     at c = ((w−1)/2, (h−1)/2), reads src bilinearly (0 outside) at
//     A⁻¹(p − c − t) + c + e(p), where A = R(θ)·Sh(s)·diag(a·k, k) is the
//     rotation, shear, aspect and scale, t the shift and e the elastic
//     displacement;
//  2. the stroke change (grey dilation or erosion);
//  3. the blur;
//  4. the contrast factor and the noise, clipped to [0, 1].
//
// dst and src must not overlap.
func (p Params) Image(dst, src []float32, h, w int, rng *rand.Rand) {
	n := h * w
	if len(src) != n || len(dst) != n {
		panic(fmt.Sprintf("augment: %d and %d values for a %dx%d image", len(dst), len(src), h, w))
	}
	in := src
	if p.DarkInk {
		in = make([]float32, n)
		for i, v := range src {
			in[i] = 1 - v
		}
	}
	p.warp(dst, in, h, w, rng)
	if p.Stroke > 0 {
		if u := rng.Float64(); u < p.Stroke/2 {
			morph(dst, h, w, true)
		} else if u < p.Stroke {
			morph(dst, h, w, false)
		}
	}
	if p.Blur > 0 {
		blur(dst, h, w, p.Blur*rng.Float64())
	}
	gain := float32(1)
	if p.Contrast > 0 {
		gain = float32(1 - p.Contrast*rng.Float64())
	}
	for i, v := range dst {
		v *= gain
		if p.Noise > 0 {
			v += float32(p.Noise * rng.NormFloat64())
		}
		v = min(1, max(0, v))
		if p.DarkInk {
			v = 1 - v
		}
		dst[i] = v
	}
}

// uniform returns a value drawn uniformly from [−r, r].
func uniform(rng *rand.Rand, r float64) float64 { return r * (2*rng.Float64() - 1) }

// warp is step 1 of Image.
func (p Params) warp(dst, src []float32, h, w int, rng *rand.Rand) {
	inv, tx, ty, ex, ey := p.drawWarp(rng)
	affine(dst, src, h, w, inv, tx, ty, &ex, &ey, p.Elastic > 0)
}

// drawWarp draws the parameters of step 1 of Image from rng: the inverse
// of the linear map A, the shift and the elastic control points.
func (p Params) drawWarp(rng *rand.Rand) (inv [4]float64, tx, ty float64, ex, ey [grid * grid]float64) {
	th := uniform(rng, p.Rotate) * math.Pi / 180
	sh := uniform(rng, p.Shear)
	k := math.Exp(uniform(rng, math.Log1p(p.Scale)))
	a := math.Exp(uniform(rng, math.Log1p(p.Aspect)))
	tx, ty = uniform(rng, p.Shift), uniform(rng, p.Shift)
	// A = R·Sh·S with R = [cos −sin; sin cos], Sh = [1 s; 0 1], S = diag(a·k, k):
	//   A = [ cos·ak   (cos·s − sin)·k ]
	//       [ sin·ak   (sin·s + cos)·k ]
	c, s := math.Cos(th), math.Sin(th)
	a00, a01 := c*a*k, (c*sh-s)*k
	a10, a11 := s*a*k, (s*sh+c)*k
	det := a00*a11 - a01*a10
	inv = [4]float64{a11 / det, -a01 / det, -a10 / det, a00 / det}
	if p.Elastic > 0 {
		for i := range ex {
			ex[i], ey[i] = p.Elastic*rng.NormFloat64(), p.Elastic*rng.NormFloat64()
		}
	}
	return inv, tx, ty, ex, ey
}

// WarpChannels writes into dst the image src of c channels (c·h·w values,
// channel by channel) warped geometrically as step 1 of Image does (rotation,
// shear, scale, aspect, shift, elastic displacement; one draw from rng for
// all channels), without Image's other steps and without clipping: for
// colour images in any value range (Q7.2's flowers, normalised per
// channel), where the 0 read outside the image is the mean colour.
func (p Params) WarpChannels(dst, src []float32, c, h, w int, rng *rand.Rand) {
	n := h * w
	if len(src) != c*n || len(dst) != c*n {
		panic(fmt.Sprintf("augment: %d and %d values for a %dx%dx%d image", len(dst), len(src), c, h, w))
	}
	inv, tx, ty, ex, ey := p.drawWarp(rng)
	for k := range c {
		affine(dst[k*n:(k+1)*n], src[k*n:(k+1)*n], h, w, inv, tx, ty, &ex, &ey, p.Elastic > 0)
	}
}

// WarpBatch returns the len(x)/(c·h·w) images of x, each warped by
// WarpChannels with the generator PCG(seed, epoch·2³² + i) (as Batch draws
// its generators), on GOMAXPROCS goroutines.
func (p Params) WarpBatch(x []float32, c, h, w int, seed uint64, epoch int) []float32 {
	return eachImage(x, c*h*w, seed, epoch, func(dst, src []float32, rng *rand.Rand) { p.WarpChannels(dst, src, c, h, w, rng) })
}

// Warp writes into dst the image src (h x w) slanted by the shear s and
// stretched horizontally by the factor a about its centre c: output pixel p
// reads src bilinearly at A⁻¹(p − c) + c with A = Sh(s)·diag(a, 1) =
// [a s; 0 1], A⁻¹ = [1/a −s/a; 0 1]. A fixed view of an image, for reading
// a crop in several views.
func Warp(dst, src []float32, h, w int, s, a float64) {
	if len(src) != h*w || len(dst) != h*w {
		panic(fmt.Sprintf("augment: %d and %d values for a %dx%d image", len(dst), len(src), h, w))
	}
	affine(dst, src, h, w, [4]float64{1 / a, -s / a, 0, 1}, 0, 0, nil, nil, false)
}

// affine samples dst(p) = src(inv·(p − c − t) + c + e(p)) bilinearly, c the
// image centre, t = (tx, ty) and e the elastic displacement interpolated from
// the control points (ex, ey) when elastic is set.
func affine(dst, src []float32, h, w int, inv [4]float64, tx, ty float64, ex, ey *[grid * grid]float64, elastic bool) {
	i00, i01, i10, i11 := inv[0], inv[1], inv[2], inv[3]
	cx, cy := float64(w-1)/2, float64(h-1)/2
	for y := range h {
		for x := range w {
			dx, dy := float64(x)-cx-tx, float64(y)-cy-ty
			sx, sy := i00*dx+i01*dy+cx, i10*dx+i11*dy+cy
			if elastic {
				// Control points sit at the grid's (grid−1) equal steps over
				// [0, w−1] x [0, h−1]; interpolate the four around (x, y).
				gx := float64(x) * (grid - 1) / math.Max(float64(w-1), 1)
				gy := float64(y) * (grid - 1) / math.Max(float64(h-1), 1)
				x0, y0 := min(int(gx), grid-2), min(int(gy), grid-2)
				fx, fy := gx-float64(x0), gy-float64(y0)
				at := func(f *[grid * grid]float64) float64 {
					i := y0*grid + x0
					return (1-fy)*((1-fx)*f[i]+fx*f[i+1]) + fy*((1-fx)*f[i+grid]+fx*f[i+grid+1])
				}
				sx += at(ex)
				sy += at(ey)
			}
			dst[y*w+x] = bilinear(src, h, w, sx, sy)
		}
	}
}

// bilinear returns src at (x, y) interpolated from its four nearest pixels,
// pixels outside the image counting 0.
func bilinear(src []float32, h, w int, x, y float64) float32 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := float32(x-x0), float32(y-y0)
	ix, iy := int(x0), int(y0)
	at := func(i, j int) float32 {
		if i < 0 || j < 0 || i >= w || j >= h {
			return 0
		}
		return src[j*w+i]
	}
	return (1-fy)*((1-fx)*at(ix, iy)+fx*at(ix+1, iy)) + fy*((1-fx)*at(ix, iy+1)+fx*at(ix+1, iy+1))
}

// morph replaces every pixel of img by the maximum (dilate) or minimum of
// itself and its 4 neighbours inside the image.
func morph(img []float32, h, w int, dilate bool) {
	src := append([]float32(nil), img...)
	pick := func(a, b float32) float32 {
		if dilate {
			return max(a, b)
		}
		return min(a, b)
	}
	for y := range h {
		for x := range w {
			v := src[y*w+x]
			if x > 0 {
				v = pick(v, src[y*w+x-1])
			}
			if x < w-1 {
				v = pick(v, src[y*w+x+1])
			}
			if y > 0 {
				v = pick(v, src[(y-1)*w+x])
			}
			if y < h-1 {
				v = pick(v, src[(y+1)*w+x])
			}
			img[y*w+x] = v
		}
	}
}

// blur convolves img with a Gaussian of standard deviation sigma pixels,
// separably, the kernel truncated at 3σ and renormalised at the borders.
func blur(img []float32, h, w int, sigma float64) {
	if sigma < 0.05 {
		return
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
	}
	tmp := make([]float32, len(img))
	pass := func(dst, src []float32, horiz bool) {
		for y := range h {
			for x := range w {
				var s, ws float64
				for t := -r; t <= r; t++ {
					xx, yy := x, y
					if horiz {
						xx += t
					} else {
						yy += t
					}
					if xx < 0 || yy < 0 || xx >= w || yy >= h {
						continue
					}
					s += k[t+r] * float64(src[yy*w+xx])
					ws += k[t+r]
				}
				dst[y*w+x] = float32(s / ws)
			}
		}
	}
	pass(tmp, img, true)
	pass(img, tmp, false)
}

// Batch returns a distorted copy of the n = len(x)/(h·w) images of x: image
// i is distorted by Image with the generator PCG(seed, epoch·2³² + i), so
// the result depends only on (x, seed, epoch), not on how the images are
// shared among the GOMAXPROCS goroutines that do the work.
func (p Params) Batch(x []float32, h, w int, seed uint64, epoch int) []float32 {
	return eachImage(x, h*w, seed, epoch, func(dst, src []float32, rng *rand.Rand) { p.Image(dst, src, h, w, rng) })
}

// eachImage returns f applied to each image of d elements of x, image i
// into a new slice with the generator PCG(seed, epoch·2³² + i), on
// GOMAXPROCS goroutines: the result depends only on (x, seed, epoch).
func eachImage(x []float32, d int, seed uint64, epoch int, f func(dst, src []float32, rng *rand.Rand)) []float32 {
	n := len(x) / d
	out := make([]float32, n*d)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += workers {
				rng := rand.New(rand.NewPCG(seed, uint64(epoch)<<32+uint64(i)))
				f(out[i*d:(i+1)*d], x[i*d:(i+1)*d], rng)
			}
		}()
	}
	wg.Wait()
	return out
}

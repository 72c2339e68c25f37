package nets

import (
	"bufio"
	"fmt"
	"image"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/disintegration/imaging"
)

// ImageNetMean and ImageNetStd are the per-channel (R, G, B) mean and
// standard deviation of ImageNet that torchvision's models are trained with.
var (
	ImageNetMean = [3]float32{0.485, 0.456, 0.406}
	ImageNetStd  = [3]float32{0.229, 0.224, 0.225}
)

// ImageNetPreprocess returns the C x crop x crop (RGB, row-major) input of a
// torchvision ImageNet model for img, following torchvision's
// Resize(resize), CenterCrop(crop), ToTensor, Normalize:
//
//  1. resize so that the shorter side is resize pixels, the longer one
//     ⌊resize · long / short⌋, with a bilinear (triangle) filter widened by
//     the reduction factor (PIL's antialiased bilinear; imaging.Linear does
//     the same two separable passes, rounding to 8 bits between them);
//  2. crop crop x crop at top = round((H - crop)/2), left = round((W - crop)/2)
//     (Python's round: halves to even);
//  3. x[c, i, j] = (v/255 - mean[c]) / std[c] with ImageNetMean, ImageNetStd.
//
// The reference's choice is torchvision 0.14 on PIL: Resize(256) bilinear,
// CenterCrop(224). See docs/q7_flowers.md#preprocessing.
func ImageNetPreprocess(img image.Image, resize, crop int) ([]float32, error) {
	r, err := imageNetResize(img, resize, crop)
	if err != nil {
		return nil, err
	}
	b := r.Bounds()
	return imageNetCrop(r, roundHalfEven(float64(b.Dy()-crop)/2), roundHalfEven(float64(b.Dx()-crop)/2), crop), nil
}

// ImageNetFiveCrops returns five crop x crop views of img resized as
// ImageNetPreprocess resizes it: the centre crop (ImageNetPreprocess's,
// value for value), then the top-left, top-right, bottom-left and
// bottom-right corners (torchvision's FiveCrop, centre first), each
// normalised as ImageNetPreprocess normalises.
func ImageNetFiveCrops(img image.Image, resize, crop int) ([5][]float32, error) {
	var out [5][]float32
	r, err := imageNetResize(img, resize, crop)
	if err != nil {
		return out, err
	}
	b := r.Bounds()
	h, w := b.Dy(), b.Dx()
	out[0] = imageNetCrop(r, roundHalfEven(float64(h-crop)/2), roundHalfEven(float64(w-crop)/2), crop)
	for i, at := range [4][2]int{{0, 0}, {0, w - crop}, {h - crop, 0}, {h - crop, w - crop}} {
		out[i+1] = imageNetCrop(r, at[0], at[1], crop)
	}
	return out, nil
}

// imageNetResize is step 1 of ImageNetPreprocess.
func imageNetResize(img image.Image, resize, crop int) (*image.NRGBA, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || resize <= 0 || crop <= 0 || crop > resize {
		return nil, fmt.Errorf("preprocess: image %dx%d, resize %d, crop %d", w, h, resize, crop)
	}
	nw, nh := resize, resize
	if w < h {
		nh = int(float64(resize) * float64(h) / float64(w))
	} else if h < w {
		nw = int(float64(resize) * float64(w) / float64(h))
	}
	return imaging.Resize(img, nw, nh, imaging.Linear), nil
}

// imageNetCrop is step 3 of ImageNetPreprocess on the crop x crop square of
// r at (top, left).
func imageNetCrop(r *image.NRGBA, top, left, crop int) []float32 {
	out := make([]float32, 3*crop*crop)
	for i := 0; i < crop; i++ {
		row := r.Pix[(top+i)*r.Stride+4*left:]
		for j := 0; j < crop; j++ {
			for c := 0; c < 3; c++ {
				v := float32(row[4*j+c]) / 255
				out[(c*crop+i)*crop+j] = (v - ImageNetMean[c]) / ImageNetStd[c]
			}
		}
	}
	return out
}

func roundHalfEven(v float64) int { return int(math.RoundToEven(v)) }

// LoadImageNetInput decodes the image file at path (no EXIF rotation, as
// PIL's open) and returns ImageNetPreprocess(img, 256, 224).
func LoadImageNetInput(path string) ([]float32, error) {
	img, err := imaging.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	x, err := ImageNetPreprocess(img, 256, 224)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}

// ReadImageNetLabels reads class names, one per line in index order (the
// mirror's imagenet_labels1000.txt).
func ReadImageNetLabels(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no labels", path)
	}
	return out, nil
}

// TopK returns the indices of the k largest values of z, largest first
// (ties: the lower index first).
func TopK(z []float32, k int) []int {
	idx := make([]int, len(z))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return z[idx[a]] > z[idx[b]] })
	return idx[:min(k, len(idx))]
}

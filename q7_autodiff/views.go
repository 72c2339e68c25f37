package autodiff

import (
	"fmt"
	"math"
	"strings"

	"recog/q7_autodiff/nets"
)

// EvalViews are the views in which a task with Task.Views reads each image
// (test-time averaging, the last ablation row of issue #17's second round):
// the image, squeezed to 0.9 and stretched to 1.1 times its width, and
// slanted by ±0.15, the middle of the ranges that LetterAugment trains on,
// so that a letter written narrower or more slanted than most is also read
// in a view closer to them. Fixed before any run, not tuned.
var EvalViews = []View{{}, {Stretch: 0.9}, {Stretch: 1.1}, {Shear: 0.15}, {Shear: -0.15}}

// viewsString describes views for metrics.json: "as is, stretch 0.9, shear
// 0.15, ...".
func viewsString(views []View) string {
	var parts []string
	for _, v := range views {
		var p []string
		if v.Stretch != 0 {
			p = append(p, fmt.Sprintf("stretch %g", v.Stretch))
		}
		if v.Shear != 0 {
			p = append(p, fmt.Sprintf("shear %g", v.Shear))
		}
		if len(p) == 0 {
			p = []string{"as is"}
		}
		parts = append(parts, strings.Join(p, " "))
	}
	return strings.Join(parts, ", ")
}

// evaluateViews returns the mean cross-entropy and the accuracy of m on d
// when the class probabilities of each image are the mean, over views, of
// softmax(logits) of the image in that view: p̄ = (1/V) Σ_v softmax(z_v),
// loss = −(1/N) Σ_n log p̄_n[label_n]. darkInk says the images are dark ink
// on a light background (NIST36): they are inverted around the warp, whose
// outside pixels count 0.
func evaluateViews(m *nets.Model, d *nets.Data, views []View, darkInk bool) (loss, acc float64, err error) {
	if len(d.Shape) != 3 || d.Shape[0] != 1 {
		return 0, 0, fmt.Errorf("evaluate in views: images of shape %v, want [1 h w]", d.Shape)
	}
	n, h, w := d.Len(), d.Shape[1], d.Shape[2]
	if n == 0 {
		return math.NaN(), math.NaN(), nil
	}
	if len(views) == 0 {
		views = []View{{}}
	}
	sz, k, nv := h*w, len(m.Classes), len(views)
	const chunk = 500 // images per inference call (nv·chunk views)
	src, dst := make([]float32, sz), make([]float32, sz)
	correct := 0
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		x := make([]float32, 0, (hi-lo)*nv*sz)
		for i := lo; i < hi; i++ {
			copy(src, d.X[i*sz:(i+1)*sz])
			if darkInk {
				invert(src)
			}
			for _, v := range views {
				v.warp(dst, src, h, w)
				if darkInk {
					invert(dst)
				}
				x = append(x, dst...)
			}
		}
		z, err := m.Logits(x, (hi-lo)*nv)
		if err != nil {
			return 0, 0, err
		}
		p := make([]float64, k)
		for i := lo; i < hi; i++ {
			clear(p)
			for v := range nv {
				zi := z[((i-lo)*nv+v)*k : ((i-lo)*nv+v+1)*k]
				mx := math.Inf(-1)
				for _, q := range zi {
					mx = math.Max(mx, float64(q))
				}
				var s float64
				for _, q := range zi {
					s += math.Exp(float64(q) - mx)
				}
				for c, q := range zi {
					p[c] += math.Exp(float64(q)-mx) / s / float64(nv)
				}
			}
			best := 0
			for c := range p {
				if p[c] > p[best] {
					best = c
				}
			}
			l := d.Labels[i]
			if best == l {
				correct++
			}
			loss -= math.Log(math.Max(p[l], 1e-300))
		}
	}
	return loss / float64(n), float64(correct) / float64(n), nil
}

// invert replaces every value x of img by 1 − x.
func invert(img []float32) {
	for i, v := range img {
		img[i] = 1 - v
	}
}

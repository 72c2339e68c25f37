package autodiff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"recog/internal/augment"
	"recog/internal/data"
	ocr "recog/q4_ocr"
	"recog/q7_autodiff/nets"
)

// EMNISTSide is the side of EMNIST's images (28 x 28).
const EMNISTSide = 28

// emnistShrink is the 28 x 32 matrix W of the area-averaging shrink from
// ocr.CropSide to EMNISTSide pixels: output pixel i covers the input interval
// [i·s, (i+1)·s), s = 32/28, and W[i, j] is the length of its overlap with
// input pixel [j, j+1) divided by s, so every row of W sums to 1.
var emnistShrink = func() *mat.Dense {
	n, m := EMNISTSide, ocr.CropSide
	s := float64(m) / float64(n)
	w := mat.NewDense(n, m, nil)
	for i := range n {
		a, b := float64(i)*s, float64(i+1)*s
		for j := range m {
			ov := min(b, float64(j+1)) - max(a, float64(j))
			if ov > 0 {
				w.Set(i, j, ov/s)
			}
		}
	}
	return w
}()

// NISTToEMNIST converts one crop of q4_ocr (a 32x32 NIST36-style image, ink 0
// on background 1, stored column by column as data.ImageToRow does) to the
// input of an EMNIST model: the upright 28x28 image, white ink on black in
// [0, 1], row by row. With U the upright 32x32 image (data.RowToImage) and W
// the 28 x 32 area-averaging matrix (each output pixel the mean of the 32/28
// input pixels under it),
//
//	E = clip(1 − W U Wᵀ, 0, 1).
//
// The whole square is shrunk, margins included: the NIST36 stand-in was made
// from EMNIST by enlarging the whole 28x28 image to 32x32
// (the mirror's nist36/README.md: ../shared/data/nist36/README.md from the
// repository root), and q4_ocr's crops copy its
// geometry (letter ≈ 26 of 32 px, strokes ≈ 3.7 px), so the shrink gives back
// EMNIST's (letter ≈ 22.75 of 28 px, strokes ≈ 3.2 px). See
// docs/q7_autodiff.md#q714-ocr-with-the-emnist-cnn.
func NISTToEMNIST(row []float64) ([]float32, error) {
	u, err := data.RowToImage(row, ocr.CropSide, ocr.CropSide)
	if err != nil {
		return nil, fmt.Errorf("emnist crop: %w", err)
	}
	var t, e mat.Dense
	t.Mul(emnistShrink, u)
	e.Mul(&t, emnistShrink.T())
	out := make([]float32, EMNISTSide*EMNISTSide)
	for i := range EMNISTSide {
		for j := range EMNISTSide {
			out[i*EMNISTSide+j] = float32(min(1, max(0, 1-e.At(i, j))))
		}
	}
	return out, nil
}

// EMNISTProbs returns m as a model of q4_ocr, m being a model of upright
// 28x28 white-on-black images (an EMNIST CNN) whose outputs classes names
// (m.Classes when nil); its labels are the distinct upper-cased class names
// in first-seen order. Each crop row is converted with NISTToEMNIST, m gives the class
// probabilities p, and the probability of label L is
//
//	P(L) = Σ_{k : upper(classes[k]) = L} p_k,
//
// so EMNIST Balanced's lower-case classes (a b d e f g h n q r t) count for
// their capitals, as the transcripts are upper case, and digits stay digits.
// Its Classifier names each crop argmax_L P(L), ties going to the label met
// first in classes' order.
func EMNISTProbs(m *nets.Model, classes []string) ocr.Probs {
	return EMNISTViewProbs(m, classes, nil)
}

// DefaultViews are the views in which `recog ocr`'s default model reads
// each crop (OpenOCRModel): the crop, stretched to 1.15 and 1.3 times its
// width, and squeezed to 0.85. Chosen on the validation pages
// (pagegen.ValidationPages, 407 characters; the CERs of the candidates are in
// docs/q7_autodiff.md#the-ocr-default-a-model-for-other-hands), where the
// letters that the model misreads are mostly narrower than EMNIST's.
var DefaultViews = []View{{}, {Stretch: 1.15}, {Stretch: 1.3}, {Stretch: 0.85}}

// View is a fixed view of a crop: the 28x28 image slanted by Shear and
// stretched horizontally by Stretch about its centre (augment.Warp; the
// zero View is the crop itself).
type View struct{ Shear, Stretch float64 }

// warp writes view v of the h x w image src (light ink on a dark
// background, as augment.Warp takes it) to dst.
func (v View) warp(dst, src []float32, h, w int) {
	if v == (View{}) {
		copy(dst, src)
		return
	}
	augment.Warp(dst, src, h, w, v.Shear, cmp.Or(v.Stretch, 1))
}

// EMNISTViewProbs is EMNISTProbs reading each crop in every view of views
// (the crop alone when views is empty) and averaging: with p_v the class
// probabilities of view v of V,
//
//	P(L) = (1/V) Σ_v Σ_{k : upper(classes[k]) = L} p_v,k.
func EMNISTViewProbs(m *nets.Model, classes []string, views []View) ocr.Probs {
	if classes == nil && m != nil {
		classes = m.Classes
	}
	if len(views) == 0 {
		views = []View{{}}
	}
	var labels []string
	group := make([]int, len(classes))
	for k, c := range classes {
		u := strings.ToUpper(c)
		g := slices.Index(labels, u)
		if g < 0 {
			g = len(labels)
			labels = append(labels, u)
		}
		group[k] = g
	}
	return ocr.Probs{Labels: labels, F: func(rows *mat.Dense) ([][]float64, error) {
		if m == nil {
			return nil, fmt.Errorf("emnist classifier: nil model")
		}
		if len(classes) != len(m.Classes) {
			return nil, fmt.Errorf("emnist classifier: %d class names for model %s with %d outputs", len(classes), m.Name, len(m.Classes))
		}
		if m.InputSize() != EMNISTSide*EMNISTSide {
			return nil, fmt.Errorf("emnist classifier: model %s takes %v inputs, want 1x%dx%d", m.Name, m.Input, EMNISTSide, EMNISTSide)
		}
		if rows == nil {
			return nil, nil
		}
		n, d := rows.Dims()
		if d != ocr.CropSide*ocr.CropSide {
			return nil, fmt.Errorf("emnist classifier: crops have %d values, want %d", d, ocr.CropSide*ocr.CropSide)
		}
		nv := len(views)
		x := make([][]float32, 0, n*nv) // crop i's view v at i·nv + v
		for i := range n {
			r, err := NISTToEMNIST(rows.RawRowView(i))
			if err != nil {
				return nil, err
			}
			for _, v := range views {
				if v == (View{}) {
					x = append(x, r)
					continue
				}
				w := make([]float32, len(r))
				v.warp(w, r, EMNISTSide, EMNISTSide)
				x = append(x, w)
			}
		}
		out := make([][]float64, n)
		for i := range out {
			out[i] = make([]float64, len(labels))
		}
		const chunk = 1000 // bound the inference batch's memory
		for lo := 0; lo < len(x); lo += chunk {
			p, err := m.Predict(x[lo:min(len(x), lo+chunk)])
			if err != nil {
				return nil, err
			}
			for j, pj := range p {
				sum := out[(lo+j)/nv]
				for k, v := range pj {
					sum[group[k]] += float64(v) / float64(nv)
				}
			}
		}
		return out, nil
	}}
}

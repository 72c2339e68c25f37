package autodiff

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	nn "recog/q2_nn"
	ocr "recog/q4_ocr"
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
// (/work/shared/data/nist36/README.md), and q4_ocr's crops copy its
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

// ProbFunc gives, for each crop row of q4_ocr (N x 1024, 32x32 NIST36 style,
// column by column), the probabilities of a fixed list of labels.
type ProbFunc func(rows *mat.Dense) ([][]float64, error)

// NetworkProbs is the ProbFunc of a q2_nn network that takes the crop rows as
// they are (the Q3 network): row i of net.Predict(rows).
func NetworkProbs(net *nn.Network) ProbFunc {
	return func(rows *mat.Dense) ([][]float64, error) {
		p, err := net.Predict(rows)
		if err != nil {
			return nil, err
		}
		n, _ := p.Dims()
		out := make([][]float64, n)
		for i := range n {
			out[i] = p.RawRowView(i)
		}
		return out, nil
	}
}

// EMNISTProbs returns the ProbFunc of m, a model of upright 28x28
// white-on-black images (an EMNIST CNN) whose outputs classes names (m.Classes
// when nil), and its labels: the distinct upper-cased class names in first-seen
// order. Each crop row is converted with NISTToEMNIST, m gives the class
// probabilities p, and the probability of label L is
//
//	P(L) = Σ_{k : upper(classes[k]) = L} p_k,
//
// so EMNIST Balanced's lower-case classes (a b d e f g h n q r t) count for
// their capitals, as the transcripts are upper case, and digits stay digits.
func EMNISTProbs(m *Model, classes []string) (ProbFunc, []string) {
	if classes == nil && m != nil {
		classes = m.Classes
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
	return func(rows *mat.Dense) ([][]float64, error) {
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
		x := make([][]float32, n)
		for i := range n {
			r, err := NISTToEMNIST(rows.RawRowView(i))
			if err != nil {
				return nil, err
			}
			x[i] = r
		}
		out := make([][]float64, 0, n)
		for lo := 0; lo < n; lo += 1000 { // bound the inference batch's memory
			p, err := m.Predict(x[lo:min(n, lo+1000)])
			if err != nil {
				return nil, err
			}
			for _, pi := range p {
				sum := make([]float64, len(labels))
				for k, v := range pi {
					sum[group[k]] += float64(v)
				}
				out = append(out, sum)
			}
		}
		return out, nil
	}, labels
}

// NewEMNISTClassifier returns an ocr.Classifier backed by m, a model of
// upright 28x28 white-on-black images (an EMNIST CNN) whose outputs classes
// names (m.Classes when nil): the label of a crop is argmax_L P(L) of
// EMNISTProbs (lower-case classes count for their capitals). Ties go to the
// label met first in classes' order.
func NewEMNISTClassifier(m *Model, classes []string) ocr.Classifier {
	f, labels := EMNISTProbs(m, classes)
	return ocr.ClassifierFunc(func(rows *mat.Dense) ([]string, error) {
		p, err := f(rows)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(p))
		for i, pi := range p {
			out[i] = labels[argmaxWhere(pi, labels, nil)]
		}
		return out, nil
	})
}

// argmaxWhere returns the index of the largest p[k] among the labels for
// which keep is true (every label when keep is nil), the first one on ties;
// -1 when none is kept.
func argmaxWhere(p []float64, labels []string, keep func(string) bool) int {
	best := -1
	for k, v := range p {
		if keep != nil && !keep(labels[k]) {
			continue
		}
		if best < 0 || v > p[best] {
			best = k
		}
	}
	return best
}

func isLetter(s string) bool { return len(s) == 1 && s[0] >= 'A' && s[0] <= 'Z' }
func isDigit(s string) bool  { return len(s) == 1 && s[0] >= '0' && s[0] <= '9' }

// ReadWords reads img with q4_ocr's pipeline (ocr.Recognise) and decides
// each word's characters together (the word rule). Every crop first gets
// the label of largest probability under f (labels names f's columns). Then
// each word (characters between word breaks) of two or more characters is
// read either as letters only or as digits only, whichever is more probable
// as a whole: with p_i the probabilities of character i,
//
//	letters if Σ_i log max_{L letter} p_i(L) ≥ Σ_i log max_{L digit} p_i(L),
//
// and each character becomes its most probable letter (or digit). A
// handwritten O and 0 (or I and 1, S and 5, Z and 2) can look the same; the
// rest of the word says which it is: "T0" becomes "TO", while "1234567890"
// stays digits. Words that mix letters and digits are not read correctly. See
// docs/q7_autodiff.md#q714-ocr-with-the-emnist-cnn.
func ReadWords(img image.Image, f ProbFunc, labels []string) (*ocr.Result, error) {
	var probs [][]float64
	c := ocr.ClassifierFunc(func(rows *mat.Dense) ([]string, error) {
		p, err := f(rows)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(p))
		for i, pi := range p {
			if len(pi) != len(labels) {
				return nil, fmt.Errorf("word rule: %d probabilities for %d labels", len(pi), len(labels))
			}
			out[i] = labels[argmaxWhere(pi, labels, nil)]
		}
		probs = p
		return out, nil
	})
	res, err := ocr.Recognise(img, c)
	if err != nil {
		return nil, err
	}
	k := 0 // crop index: the lines' characters are the crops in order
	texts := make([]string, len(res.Lines))
	for li := range res.Lines {
		ln := &res.Lines[li]
		start := 0
		for j := range ln.Chars {
			if j < len(ln.Chars)-1 && j < len(ln.Spaces) && !ln.Spaces[j] {
				continue
			}
			wordRule(ln.Chars[start:j+1], probs[k+start:k+j+1], labels)
			start = j + 1
		}
		k += len(ln.Chars)
		var sb strings.Builder
		for j, ch := range ln.Chars {
			sb.WriteString(ch)
			if j < len(ln.Spaces) && ln.Spaces[j] {
				sb.WriteByte(' ')
			}
		}
		ln.Text = sb.String()
		texts[li] = ln.Text
	}
	res.Text = strings.Join(texts, "\n")
	return res, nil
}

// wordRule re-decides the labels of one word in place (see ReadWords).
func wordRule(chars []string, probs [][]float64, labels []string) {
	if len(chars) < 2 {
		return
	}
	var logL, logD float64
	for i := range chars {
		l, d := argmaxWhere(probs[i], labels, isLetter), argmaxWhere(probs[i], labels, isDigit)
		if l < 0 || d < 0 {
			return // a labelling without both letters and digits
		}
		logL += math.Log(probs[i][l])
		logD += math.Log(probs[i][d])
	}
	keep := isLetter
	if logD > logL {
		keep = isDigit
	}
	for i := range chars {
		chars[i] = labels[argmaxWhere(probs[i], labels, keep)]
	}
}

// LoadSimpleCNN reads a NewSimpleCNN model saved by Model.Save (for example
// `recog q7 emnist`'s q7_emnist.safetensors): the name, input shape and
// classes come from the file's metadata, and the dropout layers (which hold
// no parameters but shift the layer numbers in the parameter names) from the
// tensor names.
func LoadSimpleCNN(path string) (*Model, error) {
	ts, meta, err := data.ReadSafetensors(path)
	if err != nil {
		return nil, err
	}
	var in []int
	var classes []string
	if err := json.Unmarshal([]byte(meta["input"]), &in); err != nil {
		return nil, fmt.Errorf("%s: metadata \"input\": %v", path, err)
	}
	if err := json.Unmarshal([]byte(meta["classes"]), &classes); err != nil {
		return nil, fmt.Errorf("%s: metadata \"classes\": %v", path, err)
	}
	if len(in) != 3 || in[0] != 1 || in[1] != in[2] {
		return nil, fmt.Errorf("%s: input shape %v, want a simple CNN's [1 side side]", path, in)
	}
	dropout := 0.0
	if _, ok := ts["6.weight"]; ok { // conv, conv, pool, dropout, dense, dropout, dense
		dropout = 0.25
	}
	name := meta["model"]
	if name == "" {
		name = "simple-cnn"
	}
	// The initial values are overwritten by Load; any seed will do.
	m, err := NewSimpleCNN(name, in[1], classes, dropout, false, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := m.Load(path); err != nil {
		return nil, err
	}
	return m, nil
}

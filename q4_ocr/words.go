package ocr

import (
	"errors"
	"fmt"
	"image"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/vec"
)

// ProbFunc gives, for each crop row (N x 1024, 32x32 NIST36 style, column
// by column, see Classifier), the probabilities of a fixed list of labels.
type ProbFunc func(rows *mat.Dense) ([][]float64, error)

// Probs is a model that names crops through probabilities: F gives, for
// each crop, one probability per label of Labels. Every model of this
// repository is one (the Q3 network through NetworkProbs, the Q7 EMNIST
// CNNs through autodiff.EMNISTProbs); it reads one crop at a time
// (Classifier) or a word at a time (ReadWords).
type Probs struct {
	F      ProbFunc
	Labels []string
}

// Network is what a network must do to name the crops as they are (the Q3
// network, q2_nn's *nn.Network): take In() values per row and give Out()
// probabilities per row.
type Network interface {
	In() int
	Out() int
	Predict(rows *mat.Dense) (*mat.Dense, error)
}

// NetworkProbs returns the Probs of a network that takes the crop rows as
// they are: row i of net.Predict(rows), labelled by labels (NIST36's classes
// when nil, the crops being NIST36-style). The network must take CropSide²
// inputs and give one output per label.
func NetworkProbs(net Network, labels []string) (Probs, error) {
	if labels == nil {
		labels = data.NIST36Classes
	}
	switch {
	case net == nil:
		return Probs{}, errors.New("ocr: nil network")
	case net.In() != CropSide*CropSide:
		return Probs{}, fmt.Errorf("ocr: model takes %d inputs, want %d (32x32 crops)", net.In(), CropSide*CropSide)
	case net.Out() != len(labels):
		return Probs{}, fmt.Errorf("ocr: model gives %d outputs for %d classes", net.Out(), len(labels))
	}
	return Probs{Labels: labels, F: func(rows *mat.Dense) ([][]float64, error) {
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
	}}, nil
}

// probs calls p.F and checks that each crop has one probability per label.
func (p Probs) probs(rows *mat.Dense) ([][]float64, error) {
	if p.F == nil {
		return nil, errors.New("ocr: model has no probability function")
	}
	out, err := p.F(rows)
	if err != nil {
		return nil, err
	}
	for _, pi := range out {
		if len(pi) != len(p.Labels) {
			return nil, fmt.Errorf("ocr: %d probabilities for %d labels", len(pi), len(p.Labels))
		}
	}
	return out, nil
}

// Classifier names each crop on its own (Q4's method): the label of crop i
// is Labels[argmax_j F(rows)_ij], the first on ties.
func (p Probs) Classifier() Classifier {
	return ClassifierFunc(func(rows *mat.Dense) ([]string, error) {
		probs, err := p.probs(rows)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(probs))
		for i, pi := range probs {
			out[i] = p.Labels[vec.Argmax(pi)]
		}
		return out, nil
	})
}

// ReadWords reads img with the pipeline (Recognise) and decides each word's
// characters together (the word rule). Every crop first gets the label of
// largest probability under p. Then each word (characters between word
// breaks) of two or more characters is read either as letters only or as
// digits only, whichever is more probable as a whole: with p_i the
// probabilities of character i,
//
//	letters if Σ_i log max_{L letter} p_i(L) ≥ Σ_i log max_{L digit} p_i(L),
//
// and each character becomes its most probable letter (or digit). A
// handwritten O and 0 (or I and 1, S and 5, Z and 2) can look the same; the
// rest of the word says which it is: "T0" becomes "TO", while "1234567890"
// stays digits. Words that mix letters and digits are not read correctly. See
// docs/q7_autodiff.md#q714-ocr-with-the-emnist-cnn.
//
// With a lexicon (lex not nil), each word of two or more characters is then
// replaced by the lexicon's most probable word of its length when that word
// is at most margin nats less probable than the word read (lexicon
// decoding, see Lexicon.correct): "CVT" becomes "CUT" when U was the
// network's second choice for the V.
func ReadWords(img image.Image, p Probs, lex *Lexicon, margin float64) (*Result, error) {
	var probs [][]float64
	c := ClassifierFunc(func(rows *mat.Dense) ([]string, error) {
		var err error
		if probs, err = p.probs(rows); err != nil {
			return nil, fmt.Errorf("word rule: %w", err)
		}
		out := make([]string, len(probs))
		for i, pi := range probs {
			out[i] = p.Labels[vec.Argmax(pi)]
		}
		return out, nil
	})
	res, err := Recognise(img, c)
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
			wordRule(ln.Chars[start:j+1], probs[k+start:k+j+1], p.Labels)
			if lex != nil {
				lex.correct(ln.Chars[start:j+1], probs[k+start:k+j+1], p.Labels, margin)
			}
			start = j + 1
		}
		k += len(ln.Chars)
		ln.Text = lineText(ln.Chars, ln.Spaces)
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

// argmaxWhere returns the index of the largest p[k] among the labels for
// which keep is true, the first one on ties; -1 when none is kept.
func argmaxWhere(p []float64, labels []string, keep func(string) bool) int {
	best := -1
	for k, v := range p {
		if keep(labels[k]) && (best < 0 || v > p[best]) {
			best = k
		}
	}
	return best
}

func isLetter(s string) bool { return len(s) == 1 && s[0] >= 'A' && s[0] <= 'Z' }
func isDigit(s string) bool  { return len(s) == 1 && s[0] >= '0' && s[0] <= '9' }

package ocr

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// letterDigitLabels are the labels of the lexicon tests: A-Z, then 0-9.
var letterDigitLabels = strings.Split("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "")

// charProbs returns one character's probabilities over letterDigitLabels:
// the given ones, the rest of the mass shared by the other labels.
func charProbs(given map[string]float64) []float64 {
	p := make([]float64, len(letterDigitLabels))
	rest := 1.0
	for _, v := range given {
		rest -= v
	}
	for k, lab := range letterDigitLabels {
		if v, ok := given[lab]; ok {
			p[k] = v
		} else {
			p[k] = rest / float64(len(letterDigitLabels)-len(given))
		}
	}
	return p
}

// TestQ4_4_LexiconDecoding checks lexicon decoding on hand-made probabilities:
// which word the lexicon puts in place of the word read, and when it leaves
// the word alone.
func TestQ4_4_LexiconDecoding(t *testing.T) {
	lex := NewLexicon([]string{"CUT", "CAT", "IO", "GATE", "ZOO"})
	for _, tc := range []struct {
		name   string
		read   string
		probs  []map[string]float64
		margin float64
		want   string
	}{
		{"V read, U second: the word of the lexicon", "CVT",
			[]map[string]float64{{"C": 0.9}, {"V": 0.6, "U": 0.3}, {"T": 0.9}}, 8, "CUT"},
		{"a word of the lexicon stays", "CAT",
			[]map[string]float64{{"C": 0.9}, {"A": 0.6, "U": 0.3}, {"T": 0.9}}, 8, "CAT"},
		{"beyond the margin: the word read stays", "CVT",
			[]map[string]float64{{"C": 0.9}, {"V": 0.999}, {"T": 0.9}}, 8, "CVT"},
		{"within a margin of 8 nats, not of 1", "CVT",
			[]map[string]float64{{"C": 0.9}, {"V": 0.6, "U": 0.1}, {"T": 0.9}}, 1, "CVT"},
		{"the most probable word of the length", "GHTE",
			[]map[string]float64{{"G": 0.9}, {"H": 0.5, "A": 0.4}, {"T": 0.9}, {"E": 0.9}}, 8, "GATE"},
		{"no word of that length", "HOUSE",
			[]map[string]float64{{"H": 0.9}, {"O": 0.9}, {"U": 0.9}, {"S": 0.9}, {"E": 0.9}}, 8, "HOUSE"},
		{"one character stays", "B",
			[]map[string]float64{{"B": 0.9}}, 8, "B"},
		{"a word read as digits stays", "10",
			[]map[string]float64{{"1": 0.5, "I": 0.45}, {"0": 0.5, "O": 0.45}}, 8, "10"},
		{"and so does a number", "200",
			[]map[string]float64{{"2": 0.6, "Z": 0.3}, {"0": 0.5, "O": 0.45}, {"0": 0.5, "O": 0.45}}, 8, "200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chars := strings.Split(tc.read, "")
			probs := make([][]float64, len(chars))
			for i, g := range tc.probs {
				probs[i] = charProbs(g)
			}
			lex.correct(chars, probs, letterDigitLabels, tc.margin)
			require.Equal(t, tc.want, strings.Join(chars, ""))
		})
	}
}

// TestQ4_4_LexiconLabelsWithoutALetter: a model whose labels lack a letter
// (here Z) leaves every word as read.
func TestQ4_4_LexiconLabelsWithoutALetter(t *testing.T) {
	labels := letterDigitLabels[:25] // A-Y
	p := make([]float64, len(labels))
	for k := range p {
		p[k] = 1 / float64(len(p))
	}
	chars := []string{"C", "V", "T"}
	NewLexicon([]string{"CUT"}).correct(chars, [][]float64{p, p, p}, labels, math.Inf(1))
	require.Equal(t, []string{"C", "V", "T"}, chars)
}

// TestQ4_4_NewLexicon keeps words of two or more capitals A-Z, once each.
func TestQ4_4_NewLexicon(t *testing.T) {
	l := NewLexicon([]string{"CAT", "cat", "A", "C-T", "CAT", "DOG", "ÉTÉ", "NO"})
	require.Equal(t, 3, l.Len())
	require.Equal(t, []string{"CAT", "DOG"}, l.byLen[3])
	require.Equal(t, []string{"NO"}, l.byLen[2])
}

// TestQ4_4_DefaultLexicon: the embedded list (lexicon/words.txt, written by
// lexicon/gen.go) is sorted, each word once, capitals only, and every one
// of its words is in the lexicon.
func TestQ4_4_DefaultLexicon(t *testing.T) {
	words := strings.Fields(defaultWords)
	require.Len(t, words, 74956)
	for i := 1; i < len(words); i++ {
		require.Less(t, words[i-1], words[i], "line %d", i+1)
	}
	require.Equal(t, len(words), DefaultLexicon().Len())
	for _, w := range []string{"GARDEN", "NEIGHBOUR", "NEIGHBOR", "JULY", "THE"} {
		require.Contains(t, DefaultLexicon().byLen[len(w)], w)
	}
}

// BenchmarkDefaultLexicon is the making of the embedded lexicon, which the
// first reading of `recog ocr` pays.
func BenchmarkDefaultLexicon(b *testing.B) {
	for b.Loop() {
		lexiconOfLines(defaultWords)
	}
}

package ocr

import (
	_ "embed"
	"math"
	"slices"
	"strings"
	"sync"
)

// Lexicon is a list of words for lexicon decoding (ReadWords): words of
// two or more capital letters A-Z, grouped by length.
type Lexicon struct {
	byLen map[int][]string
}

// NewLexicon returns the lexicon of words, keeping those of two or more
// letters A-Z (capitals) once each; other entries are left out.
func NewLexicon(words []string) *Lexicon {
	l := &Lexicon{byLen: map[int][]string{}}
	seen := map[string]bool{}
	for _, w := range words {
		if len(w) < 2 || seen[w] || strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			continue
		}
		seen[w] = true
		l.byLen[len(w)] = append(l.byLen[len(w)], w)
	}
	return l
}

// Len returns the number of words in l.
func (l *Lexicon) Len() int {
	n := 0
	for _, ws := range l.byLen {
		n += len(ws)
	}
	return n
}

//go:embed lexicon/words.txt
var defaultWords string

// DefaultLexicon returns the lexicon of `recog ocr`: the 74,956 English words
// of Debian's word lists wamerican and wbritish (SCOWL; lexicon/gen.go
// writes lexicon/words.txt from them, lexicon/COPYRIGHT is their licence).
//
// The list is taken as it is, one word per line, without NewLexicon's
// checks (TestQ4_4_DefaultLexicon makes them): 7.5-8.7 ms against 41-44 ms
// through NewLexicon (go test -bench, 2026-12-03, load 1.1), which the
// first reading of `recog ocr` pays.
func DefaultLexicon() *Lexicon { return defaultLexicon() }

var defaultLexicon = sync.OnceValue(func() *Lexicon { return lexiconOfLines(defaultWords) })

// lexiconOfLines returns the lexicon of the words of s, one per line, taken
// as they are.
func lexiconOfLines(s string) *Lexicon {
	l := &Lexicon{byLen: map[int][]string{}}
	for w := range strings.Lines(s) {
		w = strings.TrimSuffix(w, "\n")
		l.byLen[len(w)] = append(l.byLen[len(w)], w)
	}
	return l
}

// DefaultLexiconMargin is the margin of lexicon decoding in `recog ocr`, in
// nats of the word's log-probability (see ReadWords). It was chosen on the
// validation pages of pagegen --validation, never on the held-out pages
// (docs/q7_autodiff.md#lexicon-decoding).
const DefaultLexiconMargin = 8.0

// correct re-decides one word's labels in place with the lexicon: with
// p_i the probabilities of character i and w_i the i-th letter of a word w
// of the word's length,
//
//	S(w) = Σ_i log p_i(w_i),
//
// the lexicon's word w* of largest S replaces the word read (the labels
// chars, as the word rule left them) when S(w*) ≥ S(chars) − margin: when
// the word read is not much more probable under the network than the most
// probable word of the language. A word read as it stands in the lexicon
// stays, since then w* = chars. Words of one character stay, and so do the
// words that the word rule read as digits: a number is as likely in a note
// as a word (on the validation pages, a margin for them turned "12" into
// "DZ" and "47" into "QT"). So do words when the labels lack a letter A-Z.
func (l *Lexicon) correct(chars []string, probs [][]float64, labels []string, margin float64) {
	n := len(chars)
	words := l.byLen[n]
	if n < 2 || len(words) == 0 || !isLetter(chars[0]) {
		return
	}
	var idx [26]int // label index of each letter
	for c := range idx {
		idx[c] = -1
	}
	for k, lab := range labels {
		if isLetter(lab) {
			idx[lab[0]-'A'] = k
		}
	}
	// logp[i][c]: log-probability of letter c at position i.
	logp := make([][26]float64, n)
	for i := range n {
		for c, k := range idx {
			if k < 0 {
				return
			}
			logp[i][c] = math.Log(probs[i][k])
		}
	}
	read := 0.0
	for i, ch := range chars {
		k := slices.Index(labels, ch)
		if k < 0 {
			return
		}
		read += math.Log(probs[i][k])
	}
	best, bestS := "", math.Inf(-1)
	for _, w := range words {
		s := 0.0
		for i := 0; i < n && s > bestS; i++ {
			s += logp[i][w[i]-'A']
		}
		if s > bestS {
			best, bestS = w, s
		}
	}
	if best == "" || bestS < read-margin {
		return
	}
	for i := range chars {
		chars[i] = best[i : i+1]
	}
}

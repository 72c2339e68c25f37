package ocr

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// Normalise prepares a text for scoring: upper-case, keep only A-Z, 0-9,
// space and newline (other characters are dropped), collapse runs of spaces
// into one, trim each line and drop blank lines; lines are joined by "\n".
func Normalise(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(s, "\r\n", "\n"))
	var lines []string
	for _, raw := range strings.Split(s, "\n") {
		var b strings.Builder
		space := false
		for _, r := range raw {
			switch {
			case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				space = false
				b.WriteRune(r)
			case r == ' ' || r == '\t':
				space = true
			}
		}
		if b.Len() > 0 {
			lines = append(lines, b.String())
		}
	}
	return strings.Join(lines, "\n")
}

// CER returns the character error rate of got against truth: the Levenshtein
// distance (insertions, deletions and substitutions of characters, newlines
// and spaces included) between Normalise(got) and Normalise(truth), divided by
// the length of Normalise(truth). It also returns the distance and the
// length. An empty truth gives CER 0 for an empty result and 1 otherwise.
func CER(got, truth string) (cer float64, dist, n int) {
	g, t := Normalise(got), Normalise(truth)
	dist = levenshtein.ComputeDistance(g, t)
	n = len(t)
	if n == 0 {
		if dist == 0 {
			return 0, 0, 0
		}
		return 1, dist, 0
	}
	return float64(dist) / float64(n), dist, n
}

// BoxScore compares the letters found per line with the transcript.
type BoxScore struct {
	// Found[i] is the number of boxes on detected line i, Want[i] the number of
	// non-space characters on transcript line i (after Normalise).
	Found, Want []int
	// Matched = Σ_i min(Found[i], Want[i]) over the lines both have.
	Matched int
	// Recall = Matched / Σ Want, Precision = Matched / Σ Found (1 when there is
	// nothing to count).
	Recall, Precision float64
	// Exact says every line has exactly its number of characters and the
	// number of lines agrees.
	Exact bool
}

// ScoreBoxes compares the number of boxes on each detected line (lines[i]
// holds that line's boxes, top to bottom) with the number of non-space
// characters on the same line of the transcript truth, line i with line i:
//
//	Matched   = Σ_i min(found_i, want_i),
//	Recall    = Matched / Σ_i want_i,
//	Precision = Matched / Σ_i found_i.
//
// A missing or extra line counts 0 on the side that lacks it. This is a count
// measure (it does not check where each box is): the overlays show the boxes.
func ScoreBoxes(found []int, truth string) BoxScore {
	var want []int
	for _, l := range strings.Split(Normalise(truth), "\n") {
		if l != "" {
			want = append(want, len(strings.ReplaceAll(l, " ", "")))
		}
	}
	s := BoxScore{Found: append([]int(nil), found...), Want: want, Exact: len(found) == len(want)}
	var nf, nw int
	for i := range max(len(found), len(want)) {
		f, w := 0, 0
		if i < len(found) {
			f = found[i]
		}
		if i < len(want) {
			w = want[i]
		}
		s.Matched += min(f, w)
		nf += f
		nw += w
		if f != w {
			s.Exact = false
		}
	}
	s.Recall, s.Precision = 1, 1
	if nw > 0 {
		s.Recall = float64(s.Matched) / float64(nw)
	}
	if nf > 0 {
		s.Precision = float64(s.Matched) / float64(nf)
	}
	return s
}

// LineCounts returns the number of boxes on each line of r.
func (r *Result) LineCounts() []int {
	out := make([]int, len(r.Lines))
	for i, l := range r.Lines {
		out[i] = len(l.Boxes)
	}
	return out
}

package ocr

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// row lays out letters of height h on a baseline: widths and gaps alternate,
// starting at x = 10, with the top at y (shifted by slant·x for slanted lines).
func row(y, h int, slant float64, widths, gaps []int) [][4]int {
	var out [][4]int
	x := 10
	for i, w := range widths {
		dy := int(slant * float64(x))
		out = append(out, [4]int{y + dy, x, y + dy + h, x + w})
		if i < len(gaps) {
			x += w + gaps[i]
		}
	}
	return out
}

func TestGroupLinesAndSpaces(t *testing.T) {
	// Two lines of 30-px letters; the second slants down by 0.1 px per px
	// (12 px over its length) and is given in scrambled order.
	l1 := row(100, 30, 0, []int{20, 18, 22, 20, 20}, []int{6, 5, 40, 7})           // a break after letter 2
	l2 := row(200, 30, 0.1, []int{20, 20, 20, 20, 20, 20}, []int{8, 45, 6, 7, 50}) // breaks after letters 1 and 4
	boxes := append([][4]int{}, l2[3], l1[4], l2[0], l1[0], l2[5], l1[2], l1[1], l2[1], l2[2], l1[3], l2[4])
	lines := GroupLines(boxes)
	require.Len(t, lines, 2)
	var got [][][4]int
	for _, l := range lines {
		var bs [][4]int
		for _, i := range l {
			bs = append(bs, boxes[i])
		}
		got = append(got, bs)
	}
	require.Equal(t, l1, got[0])
	require.Equal(t, l2, got[1])
	sp := Spaces(boxes, lines)
	require.Equal(t, [][]bool{{false, false, true, false}, {false, true, false, false, true}}, sp)

	// The same gaps scaled ×3 with letters ×3: spacing is relative, so the
	// same breaks come out (a fixed pixel threshold could not do both).
	var big [][4]int
	for _, b := range boxes {
		big = append(big, [4]int{3 * b[0], 3 * b[1], 3 * b[2], 3 * b[3]})
	}
	require.Equal(t, sp, Spaces(big, GroupLines(big)))

	// Evenly spaced letters (02_letters.jpg's grid): no spaces at all, even
	// though the gaps are wide.
	even := row(50, 30, 0, []int{20, 22, 20, 21, 20, 20}, []int{30, 35, 28, 40, 33})
	el := GroupLines(even)
	require.Len(t, el, 1)
	require.Equal(t, [][]bool{{false, false, false, false, false}}, Spaces(even, el))

	// Degenerate inputs.
	require.Empty(t, GroupLines(nil))
	require.Equal(t, [][]bool{{}}, Spaces([][4]int{{0, 0, 10, 10}}, [][]int{{0}}))
}

func TestNormaliseAndCER(t *testing.T) {
	require.Equal(t, "TO DO LIST\n1 MAKE A LIST", Normalise("  to  do list. \n\n1.  Make a list!\r\n   \n"))
	require.Equal(t, "", Normalise(" \n.,;\n"))
	tests := []struct {
		name, got, truth string
		cer              float64
		dist, n          int
	}{
		{"exact after normalising", "deep  learning\n", "DEEP LEARNING", 0, 0, 13},
		{"one substitution", "DEEP LEARNINC", "DEEP LEARNING", 1.0 / 13, 1, 13},
		{"missing space", "DEEPLEARNING", "DEEP LEARNING", 1.0 / 13, 1, 13},
		{"extra line", "AB\nCD", "AB", 3.0 / 2, 3, 2},
		{"dot read as a character", "1O MAKE", "1. MAKE", 1.0 / 6, 1, 6},
		{"newline counts", "AB CD", "AB\nCD", 1.0 / 5, 1, 5},
		{"empty result", "", "ABC", 1, 3, 3},
		{"empty truth, empty result", "", "", 0, 0, 0},
		{"empty truth, some result", "A", "", 1, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cer, dist, n := CER(tc.got, tc.truth)
			require.InDelta(t, tc.cer, cer, 1e-12)
			require.Equal(t, tc.dist, dist)
			require.Equal(t, tc.n, n)
		})
	}
}

func TestScoreBoxes(t *testing.T) {
	truth := "TO DO\nA NAP\n"
	s := ScoreBoxes([]int{4, 4}, truth)
	require.True(t, s.Exact)
	require.Equal(t, 1.0, s.Recall)
	require.Equal(t, 1.0, s.Precision)
	s = ScoreBoxes([]int{5, 3}, truth) // one extra on line 1, one missing on line 2
	require.False(t, s.Exact)
	require.Equal(t, 7, s.Matched)
	require.InDelta(t, 7.0/8, s.Recall, 1e-12)
	require.InDelta(t, 7.0/8, s.Precision, 1e-12)
	s = ScoreBoxes([]int{4, 4, 2}, truth) // an extra line
	require.False(t, s.Exact)
	require.InDelta(t, 1.0, s.Recall, 1e-12)
	require.InDelta(t, 8.0/10, s.Precision, 1e-12)
	s = ScoreBoxes(nil, "")
	require.True(t, s.Exact)
}

// TestProbsClassifier: the label of each crop is the most probable one,
// the first on ties.
func TestProbsClassifier(t *testing.T) {
	p := Probs{Labels: []string{"A", "B", "C"}, F: func(rows *mat.Dense) ([][]float64, error) {
		return [][]float64{{0.1, 0.7, 0.2}, {0.45, 0.1, 0.45}}, nil
	}}
	got, err := p.Classifier().Classify(mat.NewDense(2, 1024, nil))
	require.NoError(t, err)
	require.Equal(t, []string{"B", "A"}, got)
}

package train

import (
	"fmt"
	"slices"
	"strings"

	"recog/internal/data"
)

// ParseClasses returns the indices in data.NIST36Classes of three
// comma-separated class names ("A,T,3", case-insensitive): the classes of
// the deep-layer figure (Config.DeepClasses) for `recog q3 --classes`.
func ParseClasses(s string) ([]int, error) {
	var out []int
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		i := slices.Index(data.NIST36Classes, strings.ToUpper(name))
		if i < 0 {
			return nil, fmt.Errorf("%q is not a NIST36 class (A..Z, 0..9)", name)
		}
		out = append(out, i)
	}
	if len(out) != 3 {
		return nil, fmt.Errorf("%q: want three classes", s)
	}
	return out, nil
}

// Summary is what `recog q3` prints after a run: the final accuracies, the
// best validation epoch, the speed and the most confused test pairs.
func (m Metrics) Summary() string {
	s := fmt.Sprintf("q3: train acc %.4f, valid acc %.4f, test acc %.4f; best valid %.4f at epoch %d (test acc there %.4f); %.3f s/epoch (%s)",
		m.TrainAcc, m.ValidAcc, m.TestAcc, m.BestValidAcc, m.BestValidEpoch, m.BestTestAcc, m.SPerEpoch, m.BLAS)
	if len(m.ConfusedPairs) > 0 {
		s += "\nq3: most confused on test: " + strings.Join(m.ConfusedPairs[:min(5, len(m.ConfusedPairs))], "; ")
	}
	return s
}

// Summary is what `recog q3 sweep` prints: one line per rate, then the best.
func (m SweepMetrics) Summary() string {
	var b strings.Builder
	for i, lr := range m.LRs {
		fmt.Fprintf(&b, "q3 sweep: lr %-8g train acc %.4f, valid acc %.4f (best %.4f), test acc %.4f\n", lr, m.Train[i], m.Valid[i], m.BestVal[i], m.Test[i])
	}
	fmt.Fprintf(&b, "q3 sweep: best lr %g: valid acc %.4f, test acc %.4f", m.BestLR, m.ValidAcc, m.TestAcc)
	return b.String()
}

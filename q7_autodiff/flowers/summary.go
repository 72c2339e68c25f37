package flowers

import (
	"fmt"
	"math"
)

// Summary is what `recog q7 flowers` prints after a run: each model's test
// accuracy, or its validation accuracy when the test set was left alone
// (Config.ValidOnly).
func (m Metrics) Summary() string {
	acc := func(mm *ModelMetrics) string {
		switch {
		case mm == nil:
			return "not trained"
		case math.IsNaN(mm.TestAcc):
			return fmt.Sprintf("not tested (validation %.4f)", mm.ValidAcc)
		}
		return fmt.Sprintf("%.4f", mm.TestAcc)
	}
	head := "q7 flowers"
	if m.Recipe != "" {
		head += " " + m.Recipe
	}
	return fmt.Sprintf("%s: fine-tuned SqueezeNet test accuracy %s, CNN from scratch %s", head, acc(m.FineTune), acc(m.Scratch))
}

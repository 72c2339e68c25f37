package flowers

import "fmt"

// Summary is what `recog q7 flowers` prints after a run.
func (m Metrics) Summary() string {
	acc := func(mm *ModelMetrics) string {
		if mm == nil {
			return "not trained"
		}
		return fmt.Sprintf("%.4f", mm.TestAcc)
	}
	return fmt.Sprintf("q7 flowers: fine-tuned SqueezeNet test accuracy %s, CNN from scratch %s", acc(m.FineTune), acc(m.Scratch))
}

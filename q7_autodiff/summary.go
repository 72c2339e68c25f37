package autodiff

import "fmt"

// Summary is what `recog q7 TASK` prints after a run.
func (m Metrics) Summary() string {
	return fmt.Sprintf("q7 %s: test accuracy %.4f (loss %.4f), %.1f s/epoch, %.0f samples/s (%s BLAS)",
		m.Task, m.TestAcc, m.TestLoss, m.SPerEpoch, m.SamplesPerSec, m.BLAS)
}

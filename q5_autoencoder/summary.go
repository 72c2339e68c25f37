package autoencoder

import "fmt"

// Summary is what `recog q5` prints after a run.
func (m Metrics) Summary() string {
	return fmt.Sprintf("q5: valid PSNR %.3f dB, test PSNR %.3f dB, %d parameters, %.3f s/epoch, dead ReLU units %v",
		m.ValidPSNR, m.TestPSNR, m.Params, m.SPerEpoch, m.DeadUnits)
}

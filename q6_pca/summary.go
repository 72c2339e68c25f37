package pca

import "fmt"

// Summary is what `recog q6` prints after a run.
func (m Metrics) Summary() string {
	return fmt.Sprintf("q6: P is %d x %d of rank %d; %.2f%% of the variance; test PSNR %.3f dB (train %.3f dB); parameters: PCA %d (+%d mean), autoencoder %d; %.1f s",
		m.PRows, m.PCols, m.PRank, 100*m.ExplainedVariance, m.TestPSNR, m.TrainPSNR, m.ParamsProjection, m.ParamsMean, m.ParamsAutoencoder, m.Seconds)
}

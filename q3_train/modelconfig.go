package train

// ModelConfig returns the settings that trained the embedded network, the
// flags of the command in model/README.md written out (64 hidden units, 50
// epochs, lr 0.005, batch 32, seed 1, float64), so that a later change of
// DefaultConfig does not change what retraining it means. The full test
// tier retrains it with these and compares the file with the committed one.
func ModelConfig() Config {
	return Config{Hidden: 64, Epochs: 50, LR: 5e-3, BatchSize: 32, Seed: 1}
}

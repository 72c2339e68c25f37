package train

import (
	"fmt"
	"math/rand/v2"

	"recog/internal/data"
	nn "recog/q2_nn"
)

// BenchOps are the operations of question 3 that `recog bench` times, by
// name, with what one run of each does. BenchOp sets each one up.
var BenchOps = []struct{ Name, What string }{
	{"train-epoch", "one Q3 training epoch: 10716 NIST36 images, batch 32, 1024-64-36, float64"},
	{"train-epoch-f32", "the same epoch with float32 parameters and products (q3 --float32)"},
	{"forward-valid", "one forward pass (Predict) over the 3572 NIST36 validation images"},
}

// BenchOp loads the NIST36 split the operation name of BenchOps needs from
// dataDir ("": the default), builds the assignment's network (the
// defaults, seed PCG(1, 2)) and returns the operation to time.
func BenchOp(name, dataDir string) (func() error, error) {
	split := "train"
	if name == "forward-valid" {
		split = "valid"
	}
	sets, err := data.LoadNIST36Splits(dataDir, split)
	if err != nil {
		return nil, err
	}
	ds := map[string]*data.Dataset{"train": sets.Train, "valid": sets.Valid}[split]
	net, err := NewNetwork(1024, DefaultHidden, 36, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		return nil, err
	}
	switch name {
	case "train-epoch":
		return func() error {
			_, err := nn.Train(net, ds, nn.Options{Epochs: 1, LR: DefaultLR, BatchSize: DefaultBatchSize})
			return err
		}, nil
	case "train-epoch-f32":
		t32, err := nn.NewTrainer(net, ds, nn.Options{LR: DefaultLR, BatchSize: DefaultBatchSize, Float32: true})
		if err != nil {
			return nil, err
		}
		return func() error { _, err := t32.Epoch(); return err }, nil
	case "forward-valid":
		return func() error { _, err := net.Predict(ds.X); return err }, nil
	}
	return nil, fmt.Errorf("q3 bench: no operation %q", name)
}

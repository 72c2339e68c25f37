package train

import (
	_ "embed" // the trained network

	"recog/internal/modelio"
	nn "recog/q2_nn"
)

// DefaultModelFile is the name of the embedded Q3 network (1024 → 64
// sigmoid → 36 softmax) saved by `recog q3 --save`; how it was trained,
// with the command to retrain it, is in q3_train/model/README.md. `recog ocr
// --model q3` reads the photos of question 4 with it.
const DefaultModelFile = "nist36_mlp.safetensors"

//go:embed model/nist36_mlp.safetensors
var defaultModel []byte

// DefaultModel returns the embedded Q3 network and its header (the class
// names, the training settings and accuracies written by `recog q3`).
func DefaultModel() (*nn.Network, modelio.Header, error) {
	return nn.ParseModel("embedded "+DefaultModelFile, defaultModel)
}

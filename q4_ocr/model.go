package ocr

import (
	_ "embed" // the default model
	"fmt"
	"strings"

	"recog/internal/data"
	nn "recog/q2_nn"
	train "recog/q3_train"
)

// DefaultModelFile is the name of the embedded default model, a Q3 network
// (1024 → 64 sigmoid → 36 softmax) saved by `recog q3 --save`; how it was
// trained, with the command to retrain it bit for bit, is in
// q4_ocr/model/README.md.
const DefaultModelFile = "nist36_mlp.safetensors"

//go:embed model/nist36_mlp.safetensors
var defaultModel []byte

// DefaultModel returns the embedded Q3 network and its metadata (the training
// settings and accuracies written by `recog q3`).
func DefaultModel() (*nn.Network, map[string]string, error) {
	return train.ParseModel("embedded "+DefaultModelFile, defaultModel)
}

// DefaultClassifier returns the embedded Q3 network as a Classifier
// (NetworkClassifier).
func DefaultClassifier() (Classifier, map[string]string, error) {
	net, meta, err := DefaultModel()
	if err != nil {
		return nil, nil, err
	}
	c, err := NetworkClassifier(net, meta)
	return c, meta, err
}

// LoadClassifier reads a model saved by `recog q3 --save` (train.LoadModel)
// and returns it as a Classifier with the file's metadata.
func LoadClassifier(path string) (Classifier, map[string]string, error) {
	net, meta, err := train.LoadModel(path)
	if err != nil {
		return nil, nil, err
	}
	c, err := NetworkClassifier(net, meta)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, meta, nil
}

// NetworkClassifier returns ArgmaxClassifier(net.Predict, classes): the label
// of crop i is classes[argmax_j net(x_i)_j]. The classes are the metadata's
// comma-separated "classes" list (train.MetaClasses), data.NIST36Classes when
// the metadata has none; the network must take 1024 inputs (32x32 crops) and
// give one output per class.
func NetworkClassifier(net *nn.Network, meta map[string]string) (Classifier, error) {
	classes := data.NIST36Classes
	if s := meta[train.MetaClasses]; s != "" {
		classes = strings.Split(s, ",")
	}
	switch {
	case net.In() != CropSide*CropSide:
		return nil, fmt.Errorf("ocr: model takes %d inputs, want %d (32x32 crops)", net.In(), CropSide*CropSide)
	case net.Out() != len(classes):
		return nil, fmt.Errorf("ocr: model gives %d outputs for %d classes", net.Out(), len(classes))
	}
	return ArgmaxClassifier(net.Predict, classes), nil
}

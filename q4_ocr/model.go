package ocr

import (
	_ "embed" // the default model
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

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
	return parseModel("embedded "+DefaultModelFile, defaultModel)
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

// parseModel is train.LoadModel on the bytes of a model file (name is used
// in errors only): the embedded model is not a file on disk, and package
// train reads models from paths only. It checks the same metadata and
// shapes.
func parseModel(name string, buf []byte) (*nn.Network, map[string]string, error) {
	tensors, meta, err := data.ParseSafetensors(name, buf)
	if err != nil {
		return nil, nil, fmt.Errorf("load model: %w", err)
	}
	fail := func(format string, args ...any) (*nn.Network, map[string]string, error) {
		return nil, nil, fmt.Errorf("%s: load model: %s", name, fmt.Sprintf(format, args...))
	}
	switch {
	case meta[train.MetaFormat] != train.ModelFormat:
		return fail("metadata %q is %q, want %q", train.MetaFormat, meta[train.MetaFormat], train.ModelFormat)
	case meta[train.MetaVersion] != train.ModelVersion:
		return fail("format version %q, want %s", meta[train.MetaVersion], train.ModelVersion)
	case meta[train.MetaDType] != "F32":
		return fail("dtype %q, want F32", meta[train.MetaDType])
	}
	names := strings.Split(meta[train.MetaLayers], ",")
	acts := strings.Split(meta[train.MetaActivations], ",")
	sizeText := strings.Split(meta[train.MetaSizes], ",")
	if len(acts) != len(names) || len(sizeText) != len(names)+1 || len(tensors) != 2*len(names) {
		return fail("%d layers, %d activations, %d sizes and %d tensors do not fit", len(names), len(acts), len(sizeText), len(tensors))
	}
	sizes := make([]int, len(sizeText))
	for i, s := range sizeText {
		if sizes[i], err = strconv.Atoi(s); err != nil || sizes[i] < 1 {
			return fail("size %q: want a positive integer", s)
		}
	}
	layers := make([]*nn.Layer, len(names))
	for i, n := range names {
		act, err := nn.ParseActivation(acts[i])
		if err != nil {
			return fail("layer %q: %v", n, err)
		}
		in, out := sizes[i], sizes[i+1]
		w, okW := tensors[n+".W"]
		b, okB := tensors[n+".b"]
		if !okW || !okB || len(w.Shape) != 2 || w.Shape[0] != in || w.Shape[1] != out || len(b.Shape) != 1 || b.Shape[0] != out {
			return fail("layer %q: want tensors %q [%d %d] and %q [%d]", n, n+".W", in, out, n+".b", out)
		}
		l := &nn.Layer{Name: n, W: mat.NewDense(in, out, nil), B: make([]float64, out), Activation: act}
		wd := l.W.RawMatrix().Data
		for k, v := range w.Data {
			wd[k] = float64(v)
		}
		for k, v := range b.Data {
			l.B[k] = float64(v)
		}
		layers[i] = l
	}
	net, err := nn.NewNetwork(layers...)
	if err != nil {
		return fail("%v", err)
	}
	return net, meta, nil
}

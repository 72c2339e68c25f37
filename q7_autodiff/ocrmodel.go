package autodiff

import (
	"fmt"
	"slices"

	"recog/internal/modelio"
	nn "recog/q2_nn"
	train "recog/q3_train"
	ocr "recog/q4_ocr"
	"recog/q7_autodiff/nets"
)

// OCRModel is a model that names the crops of question 4's photos, with a
// description for messages and the function that releases it.
type OCRModel struct {
	Probs ocr.Probs
	Desc  string
	Close func()
	CNN   bool // an EMNIST CNN, read through EMNISTProbs (else a Q3 network)
}

// OpenOCRModel opens the model that `recog ocr --model spec` reads with
// (an EMNIST model reads each crop in the views DefaultViews):
// spec "" is the embedded EMNIST CNN (DefaultOCRModel), "q3" the Q3
// network embedded in q3_train, anything else a model file
// (modelio.ReadFile, ParseOCRModel). Errors about the file start with its
// name.
func OpenOCRModel(spec string) (*OCRModel, error) {
	switch spec {
	case "":
		m, err := DefaultOCRModel()
		if err != nil {
			return nil, err
		}
		desc := fmt.Sprintf("embedded EMNIST CNN (q7_autodiff/model/%s, %d parameters, %d views per crop)", DefaultOCRModelFile, m.NumParams(), len(DefaultViews))
		return &OCRModel{Probs: EMNISTViewProbs(m, nil, DefaultViews), Desc: desc, Close: m.Close, CNN: true}, nil
	case "q3":
		net, h, err := train.DefaultModel()
		if err != nil {
			return nil, err
		}
		return networkModel(net, h, "embedded Q3 network (q3_train/model/"+train.DefaultModelFile+")")
	}
	buf, err := modelio.ReadFile(spec)
	if err != nil {
		return nil, err
	}
	return ParseOCRModel(spec, buf)
}

// ParseOCRModel is OpenOCRModel on the bytes of a model file (named name in
// errors): its header (recog/internal/modelio) says what it holds, a q2
// network saved by `recog q3 --save` (nn.ModelFrom) or an EMNIST CNN saved
// by `recog q7 emnist[-small|-plus|-ocr]` (nets.OCRModelFrom, read through
// EMNISTViewProbs). The input shape is checked against the photos' crops
// ([1 28 28] for a CNN) and the tensors against the architecture before
// the network is built.
func ParseOCRModel(name string, buf []byte) (*OCRModel, error) {
	h, err := modelio.ParseHeader(name, buf)
	if err != nil {
		return nil, err
	}
	if want := []int{1, EMNISTSide, EMNISTSide}; h.Model != nn.ModelName && h.Input != nil && !slices.Equal(h.Input, want) {
		return nil, fmt.Errorf("%s: model %s takes inputs of shape %v, want an EMNIST model of %v", name, h.Model, h.Input, want)
	}
	ts, h, err := modelio.Parse(name, buf)
	if err != nil {
		return nil, err
	}
	switch {
	case h.Model == nn.ModelName:
		net, err := nn.ModelFrom(name, ts, h)
		if err != nil {
			return nil, err
		}
		m, err := networkModel(net, h, "Q3 network "+name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return m, nil
	case h.Input != nil:
		m, err := nets.OCRModelFrom(name, ts, h)
		if err != nil {
			return nil, err
		}
		desc := fmt.Sprintf("%s %s (%d parameters, %d views per crop)", m.Name, name, m.NumParams(), len(DefaultViews))
		return &OCRModel{Probs: EMNISTViewProbs(m, nil, DefaultViews), Desc: desc, Close: m.Close, CNN: true}, nil
	}
	return nil, fmt.Errorf("%s: not a model of recog q3 --save (model %q) or of recog q7 emnist[-small] (a model with an input shape)", name, nn.ModelName)
}

// networkModel returns a Q3 network as an OCRModel, its outputs named by
// the file's classes (ocr.NetworkProbs).
func networkModel(net *nn.Network, h modelio.Header, desc string) (*OCRModel, error) {
	p, err := ocr.NetworkProbs(net, h.Classes)
	if err != nil {
		return nil, err
	}
	return &OCRModel{Probs: p, Desc: desc, Close: func() {}}, nil
}

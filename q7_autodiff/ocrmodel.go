package autodiff

import (
	"fmt"

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
}

// OpenOCRModel opens the model that `recog ocr --model spec` reads with
// (an EMNIST model reads each crop in the views DefaultViews):
// spec "" is the embedded small EMNIST CNN (DefaultOCRModel), "q3" the Q3
// network embedded in q3_train, anything else a model file whose header
// says what it holds (recog/internal/modelio): a q2 network saved by
// `recog q3 --save` (nn.LoadModel) or an EMNIST CNN saved by
// `recog q7 emnist[-small]` (nets.LoadOCRModel, read through EMNISTProbs).
func OpenOCRModel(spec string) (*OCRModel, error) {
	switch spec {
	case "":
		m, err := DefaultOCRModel()
		if err != nil {
			return nil, err
		}
		desc := fmt.Sprintf("embedded small EMNIST CNN (q7_autodiff/model/%s, %d parameters, %d views per crop)", DefaultOCRModelFile, m.NumParams(), len(DefaultViews))
		return &OCRModel{Probs: EMNISTViewProbs(m, nil, DefaultViews), Desc: desc, Close: m.Close}, nil
	case "q3":
		net, h, err := train.DefaultModel()
		if err != nil {
			return nil, err
		}
		return networkModel(net, h, "embedded Q3 network (q3_train/model/"+train.DefaultModelFile+")")
	}
	_, h, err := modelio.Read(spec)
	if err != nil {
		return nil, fmt.Errorf("--model: %w", err)
	}
	switch {
	case h.Model == nn.ModelName:
		net, h, err := nn.LoadModel(spec)
		if err != nil {
			return nil, err
		}
		m, err := networkModel(net, h, "Q3 network "+spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec, err)
		}
		return m, nil
	case h.Input != nil:
		m, err := nets.LoadOCRModel(spec)
		if err != nil {
			return nil, err
		}
		if m.InputSize() != EMNISTSide*EMNISTSide || len(m.Input) != 3 {
			m.Close()
			return nil, fmt.Errorf("%s: model %s takes %v inputs, want an EMNIST model of [1 %d %d]", spec, m.Name, m.Input, EMNISTSide, EMNISTSide)
		}
		desc := fmt.Sprintf("%s %s (%d parameters, %d views per crop)", m.Name, spec, m.NumParams(), len(DefaultViews))
		return &OCRModel{Probs: EMNISTViewProbs(m, nil, DefaultViews), Desc: desc, Close: m.Close}, nil
	}
	return nil, fmt.Errorf("%s: not a model of recog q3 --save (model %q) or of recog q7 emnist[-small] (a model with an input shape)", spec, nn.ModelName)
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

package autodiff

import (
	_ "embed" // the default OCR model

	"recog/q7_autodiff/nets"
)

// DefaultOCRModelFile is the embedded nets.NewPlusCNN trained by
// `recog q7 emnist-ocr` (q7_autodiff/model/, whose README.md records the
// command, the seed and the SHA-256 of the inputs and of the file).
const DefaultOCRModelFile = "emnist_ocr.safetensors"

//go:embed model/emnist_ocr.safetensors
var defaultOCRModel []byte

// DefaultOCRModel returns the embedded EMNIST CNN (DefaultOCRModelFile),
// the default model of `recog ocr`: upright 28x28 white-on-black images in,
// the 47 EMNIST Balanced class probabilities out (read the photos with it
// through EMNISTProbs). nets.ParseOCRModel reads it by its tensors: a plus
// CNN (`recog q7 emnist-ocr`) or a small CNN (`recog q7 emnist-small`).
func DefaultOCRModel() (*nets.Model, error) {
	return nets.ParseOCRModel("embedded "+DefaultOCRModelFile, defaultOCRModel)
}

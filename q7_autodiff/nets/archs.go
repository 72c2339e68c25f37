package nets

import (
	"fmt"
	"math/rand/v2"
)

// NewQ3MLP is the Q3 network: 1024 inputs -> 64 sigmoid units -> one logit per
// class (softmax in the loss), Xavier-initialised as q2_nn does.
func NewQ3MLP(classes []string, rng *rand.Rand) (*Model, error) {
	return NewModel("q3-mlp", []int{1024}, classes, rng,
		Dense{Out: 64, Xavier: true}, Sigmoid{}, Dense{Out: len(classes), Xavier: true})
}

// NewSimpleCNN is the speed-comparison CNN of Q7.1.2 on side x side
// single-channel images: conv 3x3 1->32, ReLU, conv 3x3 32->64, ReLU,
// max-pool 2, fully connected (64·((side-4)/2)²) -> 128, ReLU, 128 -> classes;
// no padding. On 28x28 input the first FC layer is 9216 -> 128. dropout adds
// Dropout(dropout) after the pool and Dropout(2·dropout) after the hidden
// FC layer when it is > 0 (PyTorch's MNIST example uses 0.25 and 0.5).
// stock selects gorgonia's own Conv2d.
func NewSimpleCNN(name string, side int, classes []string, dropout float64, stock bool, rng *rand.Rand) (*Model, error) {
	if side < 6 {
		return nil, fmt.Errorf("simple CNN: %dx%d input is too small", side, side)
	}
	return NewModel(name, []int{1, side, side}, classes, rng, simpleCNNLayers(len(classes), dropout, stock)...)
}

// simpleCNNLayers are the layers of NewSimpleCNN for k classes.
func simpleCNNLayers(k int, dropout float64, stock bool) []Layer {
	var layers []Layer
	if stock {
		layers = []Layer{
			Conv2D{Out: 32, K: 3, Stock: true}, ReLU{Stock: true},
			Conv2D{Out: 64, K: 3, Stock: true}, ReLU{Stock: true},
			MaxPool2D{K: 2, Stock: true},
		}
	} else {
		// ReLU fused into the convolutions (same function, fewer passes).
		layers = []Layer{Conv2D{Out: 32, K: 3, ReLU: true}, Conv2D{Out: 64, K: 3, ReLU: true}, MaxPool2D{K: 2}}
	}
	if dropout > 0 {
		layers = append(layers, Dropout{P: dropout})
	}
	if stock {
		layers = append(layers, Dense{Out: 128}, ReLU{Stock: true})
	} else {
		layers = append(layers, Dense{Out: 128, Fused: true, ReLU: true})
	}
	if dropout > 0 {
		layers = append(layers, Dropout{P: min(2*dropout, 0.9)})
	}
	return append(layers, Dense{Out: k, Fused: !stock})
}

// SmallCNNName is the model name (safetensors metadata "model") of the small
// EMNIST CNN that `recog q7 emnist-small` trains (the embedded default of
// `recog ocr` before the plus CNN; it still reads as an OCR model).
const SmallCNNName = "emnist-small-cnn"

// NewSmallCNN is a small CNN on side x side single-channel images:
//
//	conv 3x3 1->16 + ReLU, max-pool 2, conv 3x3 16->32 + ReLU, max-pool 2,
//	Dropout(dropout), FC (32·s²) -> 64 + ReLU, Dropout(dropout), 64 -> classes,
//
// no padding, s = ⌊(⌊(side-2)/2⌋ - 2)/2⌋ (5 on 28x28 input: FC 800 -> 64,
// 59,119 parameters for 47 classes). The dropout layers are always present
// (the identity when dropout is 0), so the parameter names ("0.weight",
// "2.weight", "5.weight", "7.weight" and their biases) do not depend on it.
func NewSmallCNN(name string, side int, classes []string, dropout float64, rng *rand.Rand) (*Model, error) {
	if side < 10 {
		return nil, fmt.Errorf("small CNN: %dx%d input is too small", side, side)
	}
	return NewModel(name, []int{1, side, side}, classes, rng, smallCNNLayers(len(classes), dropout)...)
}

// smallCNNLayers are the layers of NewSmallCNN for k classes.
func smallCNNLayers(k int, dropout float64) []Layer {
	return []Layer{
		Conv2D{Out: 16, K: 3, ReLU: true}, MaxPool2D{K: 2},
		Conv2D{Out: 32, K: 3, ReLU: true}, MaxPool2D{K: 2},
		Dropout{P: dropout},
		Dense{Out: 64, Fused: true, ReLU: true},
		Dropout{P: dropout},
		Dense{Out: k, Fused: true},
	}
}

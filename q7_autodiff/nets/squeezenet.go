package nets

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"recog/internal/data"
	"recog/q7_autodiff/ops"
)

// Fire is SqueezeNet's fire module (Iandola et al. 2016, torchvision's Fire):
//
//	s = max(W_s ⋆ x + b_s, 0)                 (1x1, Squeeze filters)
//	y = concat_c( max(W_1 ⋆ s + b_1, 0),      (1x1, Expand1 filters)
//	              max(W_3 ⋆ s + b_3, 0) )     (3x3, padding 1, Expand3 filters)
//
// so y has Expand1 + Expand3 channels and the input's height and width. Its
// parameters are named as torchvision names them: squeeze.weight,
// squeeze.bias, expand1x1.weight, ..., expand3x3.bias. Init is PyTorch's
// default conv init, U(±1/√(C K K)) (torchvision uses Kaiming-uniform, but
// SqueezeNet's fire modules are only ever loaded here).
// See docs/q7_flowers.md#architecture.
type Fire struct{ Squeeze, Expand1, Expand3 int }

func (l Fire) String() string {
	return fmt.Sprintf("Fire(%d, %d+%d)", l.Squeeze, l.Expand1, l.Expand3)
}

// Setup implements Layer.
func (l Fire) Setup(in []int) ([]int, []ParamShape, error) {
	if len(in) != 3 {
		return nil, nil, fmt.Errorf("%v: input shape %v is not C x H x W", l, in)
	}
	if l.Squeeze <= 0 || l.Expand1 <= 0 || l.Expand3 <= 0 {
		return nil, nil, fmt.Errorf("%v: every convolution needs filters", l)
	}
	c, s := in[0], l.Squeeze
	return []int{l.Expand1 + l.Expand3, in[1], in[2]}, []ParamShape{
		{"squeeze.weight", []int{s, c, 1, 1}}, {"squeeze.bias", []int{s}},
		{"expand1x1.weight", []int{l.Expand1, s, 1, 1}}, {"expand1x1.bias", []int{l.Expand1}},
		{"expand3x3.weight", []int{l.Expand3, s, 3, 3}}, {"expand3x3.bias", []int{l.Expand3}},
	}, nil
}

// Init implements Layer.
func (l Fire) Init(in []int, p [][]float32, rng *rand.Rand) {
	for i, fan := range []int{in[0], l.Squeeze, 9 * l.Squeeze} {
		b := 1 / math.Sqrt(float64(fan))
		uniform(p[2*i], b, rng)
		uniform(p[2*i+1], b, rng)
	}
}

// Build implements Layer.
func (l Fire) Build(x *G.Node, p []*G.Node, _ *builder) (*G.Node, error) {
	s, err := ops.Conv2d(x, p[0], p[1], [2]int{1, 1}, [2]int{0, 0}, true)
	if err != nil {
		return nil, fmt.Errorf("%v squeeze: %w", l, err)
	}
	e1, err := ops.Conv2d(s, p[2], p[3], [2]int{1, 1}, [2]int{0, 0}, true)
	if err != nil {
		return nil, fmt.Errorf("%v expand1x1: %w", l, err)
	}
	e3, err := ops.Conv2d(s, p[4], p[5], [2]int{1, 1}, [2]int{1, 1}, true)
	if err != nil {
		return nil, fmt.Errorf("%v expand3x3: %w", l, err)
	}
	return ops.ConcatChannels(e1, e3)
}

// GlobalAvgPool is the adaptive average pool to 1x1 followed by flatten:
// y[n, c] = (1/(H W)) Σ_{i,j} x[n, c, i, j]. It is built as a matrix
// product, reshape(x, N·C x H·W) · (1/(H W)) 1, whose gradient gorgonia
// knows.
type GlobalAvgPool struct{}

func (GlobalAvgPool) String() string { return "GlobalAvgPool" }

// Setup implements Layer.
func (GlobalAvgPool) Setup(in []int) ([]int, []ParamShape, error) {
	if len(in) != 3 {
		return nil, nil, fmt.Errorf("global average pool: input shape %v is not C x H x W", in)
	}
	return []int{in[0]}, nil, nil
}

// Init implements Layer.
func (GlobalAvgPool) Init([]int, [][]float32, *rand.Rand) {}

// Build implements Layer.
func (GlobalAvgPool) Build(x *G.Node, _ []*G.Node, b *builder) (*G.Node, error) {
	s := x.Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	flat, err := G.Reshape(x, tensor.Shape{n * c, hw})
	if err != nil {
		return nil, err
	}
	avg := make([]float32, hw)
	for i := range avg {
		avg[i] = 1 / float32(hw)
	}
	w := G.NewMatrix(b.g, tensor.Float32, G.WithShape(hw, 1), G.WithName(fmt.Sprintf("avg%d_%d", hw, b.g.AllNodes().Len())),
		G.WithValue(tensor.New(tensor.WithShape(hw, 1), tensor.WithBacking(avg))))
	y, err := G.Mul(flat, w)
	if err != nil {
		return nil, err
	}
	return G.Reshape(y, tensor.Shape{n, c})
}

// squeezeFeatureLayers is the number of layers of features in SqueezeNet 1.1
// (torchvision's model.features, indices 0..12).
const squeezeFeatureLayers = 13

// squeezeClassifierLayer is the index in NewSqueezeNet11's layer list of the
// classifier's 1x1 convolution (torchvision's classifier.1).
const squeezeClassifierLayer = 14

// squeezeNetFeatures returns SqueezeNet 1.1's feature layers, index for
// index torchvision's model.features.
func squeezeNetFeatures() []Layer {
	return []Layer{
		Conv2D{Out: 64, K: 3, Stride: 2}, // 0
		ReLU{},                           // 1
		MaxPool2D{K: 3, Stride: 2, Ceil: true},
		Fire{16, 64, 64}, // 3
		Fire{16, 64, 64}, // 4
		MaxPool2D{K: 3, Stride: 2, Ceil: true},
		Fire{32, 128, 128}, // 6
		Fire{32, 128, 128}, // 7
		MaxPool2D{K: 3, Stride: 2, Ceil: true},
		Fire{48, 192, 192}, // 9
		Fire{48, 192, 192}, // 10
		Fire{64, 256, 256}, // 11
		Fire{64, 256, 256}, // 12
	}
}

// squeezeNetHead returns the classifier of SqueezeNet 1.1 for k classes:
// Dropout(0.5), conv 1x1 512->k fused with its ReLU, global average pool.
func squeezeNetHead(k int) []Layer {
	return []Layer{Dropout{P: 0.5}, Conv2D{Out: k, K: 1, ReLU: true}, GlobalAvgPool{}}
}

// NewSqueezeNet11 is torchvision's squeezenet1_1 for side x side RGB input
// (224 for ImageNet) and len(classes) outputs: layers 0..12 are
// model.features (conv 3->64 3x3 stride 2, ReLU, max-pool 3 stride 2 in ceil
// mode, fire modules and pools), then Dropout(0.5), conv 1x1 512->classes
// with ReLU, global average pool. The classifier conv is initialised as
// torchvision does, N(0, 0.01²) and bias 0; the rest by each layer's Init.
// Parameter "i.name" is torchvision's "features.i.name" for i < 13, and
// "14.weight" and "14.bias" are "classifier.1.weight" and
// "classifier.1.bias" (see SqueezeNetParamName).
func NewSqueezeNet11(side int, classes []string, rng *rand.Rand) (*Model, error) {
	layers := append(squeezeNetFeatures(), squeezeNetHead(len(classes))...)
	m, err := NewModel("squeezenet1.1", []int{3, side, side}, classes, rng, layers...)
	if err != nil {
		return nil, err
	}
	initClassifier(m, squeezeClassifierLayer, rng)
	return m, nil
}

// NewSqueezeNetHead is a new classifier of SqueezeNet 1.1 on its 512 x 13 x
// 13 features (the output of layers 0..12 for 224 x 224 input): Dropout(0.5),
// conv 1x1 512->classes with ReLU, global average pool (torchvision's
// classifier with len(classes) outputs), initialised as torchvision does:
// N(0, 0.01²) weights, zero biases. Q7.2 fine-tunes it on frozen features.
func NewSqueezeNetHead(classes []string, rng *rand.Rand) (*Model, error) {
	return NewSqueezeNetHeadOn(13, classes, rng)
}

// NewSqueezeNetHeadOn is NewSqueezeNetHead on 512 x side x side features
// (the features of larger input: 17 x 17 for 288 x 288 images; the global
// average pool makes the head's parameters independent of the side).
func NewSqueezeNetHeadOn(side int, classes []string, rng *rand.Rand) (*Model, error) {
	m, err := NewModel("squeezenet1.1-head", []int{512, side, side}, classes, rng, squeezeNetHead(len(classes))...)
	if err != nil {
		return nil, err
	}
	initClassifier(m, 1, rng)
	return m, nil
}

// NewSqueezeNetTail is the layers from..12 of sq (a NewSqueezeNet11 model
// with its ImageNet weights loaded), their parameters copied from sq, then a
// new classifier as NewSqueezeNetHead's, for the output of sq's layers
// 0..from−1: fine-tuning the last feature layers on features cached below
// them (Q7.2's flowers.Config.FineTuneFrom). Parameter "i.name" of the tail
// is sq's "(from+i).name".
func NewSqueezeNetTail(sq *Model, from int, classes []string, rng *rand.Rand) (*Model, error) {
	if from < 1 || from >= squeezeFeatureLayers || len(sq.Layers) <= squeezeFeatureLayers {
		return nil, fmt.Errorf("squeezenet tail: layers %d..%d of a %d-layer %s", from, squeezeFeatureLayers-1, len(sq.Layers), sq.Name)
	}
	layers := append(slices.Clone(sq.Layers[from:squeezeFeatureLayers]), squeezeNetHead(len(classes))...)
	m, err := NewModel("squeezenet1.1-tail", ShapeAt(sq, from), classes, rng, layers...)
	if err != nil {
		return nil, err
	}
	for l := from; l < squeezeFeatureLayers; l++ {
		src, dst := sq.layerParams[l], m.layerParams[l-from]
		for k := range src {
			copy(m.Params[dst[k]].Data(), sq.Params[src[k]].Data())
		}
	}
	initClassifier(m, squeezeFeatureLayers-from+1, rng)
	return m, nil
}

// SqueezeNetFeatureLayers is the number of layers of SqueezeNet 1.1's
// features (torchvision's model.features, indices 0..12): ShapeAt(m,
// SqueezeNetFeatureLayers) is the 512 x 13 x 13 shape of the features of a
// 224 x 224 image.
const SqueezeNetFeatureLayers = squeezeFeatureLayers

// initClassifier sets the weight of layer l (a Conv2D) to N(0, 0.01²) draws
// and its bias to 0, as torchvision initialises SqueezeNet's final conv.
func initClassifier(m *Model, l int, rng *rand.Rand) {
	ps := m.layerParams[l]
	for i := range m.Params[ps[0]].Data() {
		m.Params[ps[0]].Data()[i] = float32(0.01 * rng.NormFloat64())
	}
	clear(m.Params[ps[1]].Data())
}

// SqueezeNetParamName returns the torchvision name of a parameter of
// NewSqueezeNet11 ("3.squeeze.weight" -> "features.3.squeeze.weight",
// "14.bias" -> "classifier.1.bias").
func SqueezeNetParamName(name string) string {
	i := strings.IndexByte(name, '.')
	if i < 0 {
		return name
	}
	if name[:i] == fmt.Sprint(squeezeClassifierLayer) {
		return "classifier.1" + name[i:]
	}
	return "features." + name
}

// LoadSqueezeNetWeights copies the tensors of a torchvision-named
// SqueezeNet 1.1 .safetensors file (the mirror's
// squeezenet1_1_onnxzoo_torchvision_names.safetensors) into m, a
// NewSqueezeNet11 model. With featuresOnly set, only the feature layers
// (features.*) are loaded and the classifier keeps its values; otherwise
// every parameter must be in the file with the same shape.
func LoadSqueezeNetWeights(m *Model, path string, featuresOnly bool) error {
	ts, _, err := data.ReadSafetensors(path)
	if err != nil {
		return err
	}
	loaded := 0
	for _, p := range m.Params {
		name := SqueezeNetParamName(p.Name)
		if featuresOnly && !strings.HasPrefix(name, "features.") {
			continue
		}
		t, ok := ts[name]
		if !ok {
			return fmt.Errorf("%s: no tensor %q (parameter %s of %s)", path, name, p.Name, m.Name)
		}
		if !tensor.Shape(t.Shape).Eq(p.Value.Shape()) {
			return fmt.Errorf("%s: tensor %q has shape %v, %s wants %v", path, name, t.Shape, m.Name, p.Value.Shape())
		}
		copy(p.Data(), t.Data)
		loaded++
	}
	if !featuresOnly && loaded != len(ts) {
		return fmt.Errorf("%s: %d tensors, %s has %d parameters", path, len(ts), m.Name, loaded)
	}
	return nil
}

// LoadSqueezeNet11 returns SqueezeNet 1.1 for 224 x 224 input with the
// ImageNet weights of the .safetensors file at path, its outputs named by
// labels (1000 ImageNet classes, see ReadImageNetLabels).
func LoadSqueezeNet11(path string, labels []string) (*Model, error) {
	m, err := NewSqueezeNet11(224, labels, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	if err := LoadSqueezeNetWeights(m, path, false); err != nil {
		return nil, err
	}
	return m, nil
}

// LayerOutputs returns the outputs of m's layers [0, upto) for the n
// examples of x (InputSize values each), computed in batches of batch
// examples (the last one padded with zeros): n x prod(ShapeAt(m, upto))
// values. With progress set, one line per 10 batches reports the rate.
func LayerOutputs(m *Model, x []float32, n, upto, batch int, progress io.Writer) ([]float32, error) {
	r, err := NewLayerRunner(m, upto, min(batch, n))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Outputs(x, n, progress)
}

// LayerRunner computes the outputs of a model's layers [0, upto), as
// LayerOutputs does, on one graph kept for every call: for many calls on
// the same model (the flowers' features, chunk after chunk), which would
// otherwise build, and leave to the garbage collector, a graph each.
type LayerRunner struct {
	m *Model
	g *graph
}

// NewLayerRunner returns a runner of m's layers [0, upto) in batches of
// batch examples. Call Close when done.
func NewLayerRunner(m *Model, upto, batch int) (*LayerRunner, error) {
	if upto < 1 || upto > len(m.Layers) || batch < 1 {
		return nil, fmt.Errorf("model %s: layers [0, %d) in batches of %d", m.Name, upto, batch)
	}
	g, err := m.newGraph(batch, upto, false, Mean)
	if err != nil {
		return nil, err
	}
	return &LayerRunner{m: m, g: g}, nil
}

// Outputs returns the outputs of the runner's layers for the n examples of
// x (InputSize values each), computed in the runner's batches (the last
// one padded with zeros): n x prod(ShapeAt(m, upto)) values. With progress
// set, one line per 10 batches reports the rate.
func (r *LayerRunner) Outputs(x []float32, n int, progress io.Writer) ([]float32, error) {
	if d := r.m.InputSize(); len(x) != n*d {
		return nil, fmt.Errorf("model %s: %d examples need %d values, got %d", r.m.Name, n, n*d, len(x))
	}
	return r.g.outputs(r.m, x, n, progress)
}

// Close releases the runner's graph.
func (r *LayerRunner) Close() { r.g.vm.Close() }

// ShapeAt returns the per-example input shape of m's layer i, that is the
// output shape of layers [0, i); ShapeAt(m, len(m.Layers)) is {classes}.
func ShapeAt(m *Model, i int) []int { return append([]int(nil), m.shapes[i]...) }

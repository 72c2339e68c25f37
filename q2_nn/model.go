package nn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/modelio"
)

// The saved-model format of a network (docs/q3_train.md#saved-model-format)
// is recog's one model file format (recog/internal/modelio) with the
// architecture ModelName: for each layer L of the network in order, the
// tensors "L.W" (in x out, row-major) and "L.b" (out), and the metadata keys
// below; the caller adds the class names and any other metadata (training
// settings, accuracies).
const (
	ModelName    = "recog-mlp" // metadata "model"
	ModelVersion = "2"         // metadata "version"; version 1 files are read too
)

// Metadata keys of the format (beyond modelio's model, input and classes).
const (
	MetaVersion     = "version"     // ModelVersion
	MetaLayers      = "layers"      // layer names in order, comma-separated
	MetaActivations = "activations" // activation of each layer (Activation.String), comma-separated
	MetaSizes       = "sizes"       // in of the first layer, then out of each layer, comma-separated
	MetaDType       = "dtype"       // element type of the tensors: "F32"
)

var reserved = []string{MetaVersion, MetaLayers, MetaActivations, MetaSizes, MetaDType}

// SaveModel writes net's parameters to path in the ModelName format, with
// classes naming its outputs (nil: none) and meta. The weights are stored as
// float32 (data.WriteSafetensors writes F32 only): each parameter is rounded
// to the nearest float32, a relative change of at most 2⁻²⁴ ≈ 6·10⁻⁸, so a
// loaded network's outputs differ from the saved one's only in the last
// digits (tested). meta must not use the format's keys (model, input,
// classes, version, layers, activations, sizes, dtype); layer names must be
// non-empty and free of commas and dots.
func SaveModel(path string, net *Network, classes []string, meta map[string]string) error {
	if net == nil || len(net.Layers) == 0 {
		return fmt.Errorf("%s: save model: network has no layers", path)
	}
	if _, err := NewNetwork(net.Layers...); err != nil {
		return fmt.Errorf("%s: save model: %w", path, err)
	}
	if classes != nil && len(classes) != net.Out() {
		return fmt.Errorf("%s: save model: %d class names for %d outputs", path, len(classes), net.Out())
	}
	all := map[string]string{}
	for k, v := range meta {
		if slices.Contains(reserved, k) {
			return fmt.Errorf("%s: save model: metadata key %q is reserved", path, k)
		}
		all[k] = v
	}
	tensors := map[string]data.Tensor{}
	var names, acts, sizes []string
	sizes = append(sizes, strconv.Itoa(net.In()))
	for _, l := range net.Layers {
		if l.Name == "" || strings.ContainsAny(l.Name, ",.") {
			return fmt.Errorf("%s: save model: layer name %q: want a non-empty name without commas or dots", path, l.Name)
		}
		if _, dup := tensors[l.Name+".W"]; dup {
			return fmt.Errorf("%s: save model: two layers are named %q", path, l.Name)
		}
		in, out := l.W.Dims()
		w := make([]float32, 0, in*out)
		for i := range in {
			for _, v := range l.W.RawRowView(i) {
				w = append(w, float32(v))
			}
		}
		b := make([]float32, out)
		for j, v := range l.B {
			b[j] = float32(v)
		}
		tensors[l.Name+".W"] = data.Tensor{Shape: []int{in, out}, Data: w}
		tensors[l.Name+".b"] = data.Tensor{Shape: []int{out}, Data: b}
		names = append(names, l.Name)
		acts = append(acts, l.Activation.String())
		sizes = append(sizes, strconv.Itoa(out))
	}
	all[MetaVersion] = ModelVersion
	all[MetaLayers] = strings.Join(names, ",")
	all[MetaActivations] = strings.Join(acts, ",")
	all[MetaSizes] = strings.Join(sizes, ",")
	all[MetaDType] = "F32"
	h := modelio.Header{Model: ModelName, Input: []int{net.In()}, Classes: classes, Meta: all}
	if err := modelio.Write(path, tensors, h); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	return nil
}

// LoadModel reads a network saved by SaveModel and returns it with the
// file's header (the class names, and in Meta the format's keys and the
// caller's). It fails, naming the file, on a file that is not a ModelName
// model, an unsupported version, a missing or extra tensor, or a tensor
// whose shape does not match the sizes.
func LoadModel(path string) (*Network, modelio.Header, error) {
	buf, err := modelio.ReadFile(path)
	if err != nil {
		return nil, modelio.Header{}, err
	}
	return ParseModel(path, buf)
}

// ParseModel is LoadModel on the bytes of a model file (an embedded model,
// say); name stands for the file in errors.
func ParseModel(name string, buf []byte) (*Network, modelio.Header, error) {
	tensors, h, err := modelio.Parse(name, buf)
	if err != nil {
		return nil, modelio.Header{}, err
	}
	net, err := ModelFrom(name, tensors, h)
	if err != nil {
		return nil, modelio.Header{}, err
	}
	return net, h, nil
}

// ModelFrom builds the network that a parsed model file (its tensors and
// header h, modelio.Parse) holds: ParseModel after the parsing. Every
// tensor's shape is checked against the sizes of the metadata, and its
// values are checked to be finite, before the network is allocated.
func ModelFrom(name string, tensors map[string]data.Tensor, h modelio.Header) (*Network, error) {
	fail := func(format string, args ...any) (*Network, error) {
		return nil, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	names, acts, sizes, err := layerSpec(h)
	if err != nil {
		return fail("%v", err)
	}
	var tensorNames []string
	w, b := make([][]float32, len(names)), make([][]float32, len(names))
	for i, n := range names {
		if w[i], err = modelio.Take(name, tensors, n+".W", sizes[i], sizes[i+1]); err != nil {
			return nil, err
		}
		if b[i], err = modelio.Take(name, tensors, n+".b", sizes[i+1]); err != nil {
			return nil, err
		}
		tensorNames = append(tensorNames, n+".W", n+".b")
	}
	if err := modelio.OnlyThese(name, tensors, tensorNames); err != nil {
		return nil, fmt.Errorf("%w (layers are %q)", err, h.Meta[MetaLayers])
	}
	if h.Classes != nil && len(h.Classes) != sizes[len(sizes)-1] {
		return fail("%d class names for %d outputs", len(h.Classes), sizes[len(sizes)-1])
	}
	layers := make([]*Layer, len(names))
	for i, n := range names {
		l := &Layer{Name: n, W: mat.NewDense(sizes[i], sizes[i+1], nil), B: make([]float64, sizes[i+1]), Activation: acts[i]}
		wd := l.W.RawMatrix().Data
		for k, v := range w[i] {
			wd[k] = float64(v)
		}
		for k, v := range b[i] {
			l.B[k] = float64(v)
		}
		layers[i] = l
	}
	net, err := NewNetwork(layers...)
	if err != nil {
		return fail("%v", err)
	}
	return net, nil
}

// layerSpec returns the layers a header describes: their names, their
// activations and the sizes (the input, then each layer's output), after
// checking the architecture, the version, the dtype and that the metadata
// "input" agrees with the first size.
func layerSpec(h modelio.Header) ([]string, []Activation, []int, error) {
	meta := h.Meta
	switch {
	case h.Model != ModelName:
		return nil, nil, nil, fmt.Errorf("model %q, want %q (not a network saved by recog q3)", h.Model, ModelName)
	case meta[MetaVersion] != "1" && meta[MetaVersion] != ModelVersion:
		return nil, nil, nil, fmt.Errorf("format version %q, this program reads versions 1 and %s", meta[MetaVersion], ModelVersion)
	case meta[MetaDType] != "F32":
		return nil, nil, nil, fmt.Errorf("dtype %q, want F32", meta[MetaDType])
	}
	names := strings.Split(meta[MetaLayers], ",")
	actText := strings.Split(meta[MetaActivations], ",")
	sizeText := strings.Split(meta[MetaSizes], ",")
	if meta[MetaLayers] == "" || len(actText) != len(names) || len(sizeText) != len(names)+1 {
		return nil, nil, nil, fmt.Errorf("metadata lists %d layers, %d activations and %d sizes: want k, k and k+1 with k ≥ 1",
			len(names), len(actText), len(sizeText))
	}
	acts := make([]Activation, len(names))
	for i, n := range names {
		if n == "" || slices.Contains(names[:i], n) {
			return nil, nil, nil, fmt.Errorf("layer names %q: want distinct non-empty names", meta[MetaLayers])
		}
		a, err := ParseActivation(actText[i])
		if err != nil {
			return nil, nil, nil, fmt.Errorf("layer %q: %v", n, err)
		}
		acts[i] = a
	}
	sizes := make([]int, len(sizeText))
	for i, s := range sizeText {
		var err error
		if sizes[i], err = strconv.Atoi(s); err != nil || sizes[i] < 1 {
			return nil, nil, nil, fmt.Errorf("size %q in %q: want a positive integer", s, meta[MetaSizes])
		}
	}
	if h.Input != nil && !slices.Equal(h.Input, sizes[:1]) {
		return nil, nil, nil, fmt.Errorf("metadata %q is %v but the first layer takes %d inputs (%q is %q)", modelio.KeyInput, h.Input, sizes[0], MetaSizes, meta[MetaSizes])
	}
	return names, acts, sizes, nil
}

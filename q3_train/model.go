package train

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	nn "recog/q2_nn"
)

// The saved-model format (docs/q3_train.md#saved-model-format): a
// .safetensors file holding, for each layer L of the network in order, the
// tensors "L.W" (in x out, row-major) and "L.b" (out), and the metadata keys
// below; any other metadata (training settings, accuracies, class names) is
// the caller's.
const (
	ModelFormat  = "recog-mlp" // metadata "format"
	ModelVersion = "1"         // metadata "version"
)

// Metadata keys written by SaveModel and checked by LoadModel.
const (
	MetaFormat      = "format"      // ModelFormat
	MetaVersion     = "version"     // ModelVersion
	MetaLayers      = "layers"      // layer names in order, comma-separated
	MetaActivations = "activations" // activation of each layer (nn.Activation.String), comma-separated
	MetaSizes       = "sizes"       // in of the first layer, then out of each layer, comma-separated
	MetaDType       = "dtype"       // element type of the tensors: "F32"
	MetaClasses     = "classes"     // optional, by convention: class names of the outputs, comma-separated
)

var reserved = []string{MetaFormat, MetaVersion, MetaLayers, MetaActivations, MetaSizes, MetaDType}

// SaveModel writes net's parameters and meta to path in the recog-mlp
// format, version 1. The weights are stored as float32 (data.WriteSafetensors
// writes F32 only): each parameter is rounded to the nearest float32, a
// relative change of at most 2⁻²⁴ ≈ 6·10⁻⁸, so a loaded network's outputs
// differ from the saved one's only in the last digits (tested). meta must not
// use the reserved keys (format, version, layers, activations, sizes, dtype);
// layer names must be non-empty and free of commas and dots.
func SaveModel(path string, net *nn.Network, meta map[string]string) error {
	if net == nil || len(net.Layers) == 0 {
		return fmt.Errorf("%s: save model: network has no layers", path)
	}
	if _, err := nn.NewNetwork(net.Layers...); err != nil {
		return fmt.Errorf("%s: save model: %w", path, err)
	}
	all := map[string]string{}
	for k, v := range meta {
		for _, r := range reserved {
			if k == r {
				return fmt.Errorf("%s: save model: metadata key %q is reserved", path, k)
			}
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
	all[MetaFormat] = ModelFormat
	all[MetaVersion] = ModelVersion
	all[MetaLayers] = strings.Join(names, ",")
	all[MetaActivations] = strings.Join(acts, ",")
	all[MetaSizes] = strings.Join(sizes, ",")
	all[MetaDType] = "F32"
	if err := data.WriteSafetensors(path, tensors, all); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	return nil
}

// LoadModel reads a network saved by SaveModel and returns it with the
// file's metadata (including the reserved keys). It fails, naming the file,
// on a file that is not a recog-mlp model, an unsupported version, a missing
// or extra tensor, or a tensor whose shape does not match the sizes.
func LoadModel(path string) (*nn.Network, map[string]string, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load model: %w", err)
	}
	return ParseModel(path, buf)
}

// ParseModel is LoadModel on the bytes of a model file (an embedded model,
// say); name stands for the file in errors.
func ParseModel(name string, buf []byte) (*nn.Network, map[string]string, error) {
	tensors, meta, err := data.ParseSafetensors(name, buf)
	if err != nil {
		return nil, nil, fmt.Errorf("load model: %w", err)
	}
	fail := func(format string, args ...any) (*nn.Network, map[string]string, error) {
		return nil, nil, fmt.Errorf("%s: load model: %s", name, fmt.Sprintf(format, args...))
	}
	switch {
	case meta[MetaFormat] != ModelFormat:
		return fail("metadata %q is %q, want %q (not a model saved by recog q3)", MetaFormat, meta[MetaFormat], ModelFormat)
	case meta[MetaVersion] != ModelVersion:
		return fail("format version %q, this program reads version %s", meta[MetaVersion], ModelVersion)
	case meta[MetaDType] != "F32":
		return fail("dtype %q, want F32", meta[MetaDType])
	}
	names := strings.Split(meta[MetaLayers], ",")
	acts := strings.Split(meta[MetaActivations], ",")
	sizeText := strings.Split(meta[MetaSizes], ",")
	if meta[MetaLayers] == "" || len(acts) != len(names) || len(sizeText) != len(names)+1 {
		return fail("metadata lists %d layers, %d activations and %d sizes: want k, k and k+1 with k ≥ 1",
			len(names), len(acts), len(sizeText))
	}
	for i, n := range names {
		if n == "" || containsName(names[:i], n) {
			return fail("layer names %q: want distinct non-empty names", meta[MetaLayers])
		}
	}
	sizes := make([]int, len(sizeText))
	for i, s := range sizeText {
		if sizes[i], err = strconv.Atoi(s); err != nil || sizes[i] < 1 {
			return fail("size %q in %q: want a positive integer", s, meta[MetaSizes])
		}
	}
	layers := make([]*nn.Layer, len(names))
	used := 0
	for i, n := range names {
		act, err := nn.ParseActivation(acts[i])
		if err != nil {
			return fail("layer %q: %v", n, err)
		}
		in, out := sizes[i], sizes[i+1]
		w, ok := tensors[n+".W"]
		if !ok {
			return fail("missing tensor %q", n+".W")
		}
		b, ok := tensors[n+".b"]
		if !ok {
			return fail("missing tensor %q", n+".b")
		}
		used += 2
		if !equalShape(w.Shape, in, out) {
			return fail("tensor %q has shape %v, want [%d %d]", n+".W", w.Shape, in, out)
		}
		if !equalShape(b.Shape, out) {
			return fail("tensor %q has shape %v, want [%d]", n+".b", b.Shape, out)
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
	if used != len(tensors) {
		var extra []string
		for k := range tensors {
			l, _, _ := strings.Cut(k, ".")
			if !containsName(names, l) || (!strings.HasSuffix(k, ".W") && !strings.HasSuffix(k, ".b")) {
				extra = append(extra, k)
			}
		}
		return fail("unexpected tensors %q (layers are %q)", extra, meta[MetaLayers])
	}
	net, err := nn.NewNetwork(layers...)
	if err != nil {
		return fail("%v", err)
	}
	return net, meta, nil
}

func equalShape(shape []int, want ...int) bool {
	if len(shape) != len(want) {
		return false
	}
	for i := range shape {
		if shape[i] != want[i] {
			return false
		}
	}
	return true
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

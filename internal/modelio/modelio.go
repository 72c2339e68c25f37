// Package modelio is the one file format of recog's trained models, used by
// question 3 (the q2 network, q2_nn's SaveModel), question 4 (which reads
// any of them through `recog ocr --model`) and question 7 (the gorgonia
// models): a .safetensors file of float32 tensors (data.WriteSafetensors)
// whose string metadata follows one convention:
//
//	"model"    the architecture: "recog-mlp" for a q2 network, the model's
//	           name for a q7 model ("emnist-small-cnn", "emnist-cnn", ...)
//	"input"    the shape of one example, a JSON list of integers ([1024],
//	           [1,28,28])
//	"classes"  the names of the outputs in order, a JSON list of strings
//
// and any other keys for what the architecture needs to rebuild itself
// (the layers of a q2 network) or what the training was (settings,
// accuracies). Header holds the three keys parsed, and Meta the others.
//
// Files written before this convention are read too: the Q3 network that
// `recog q3` saved then (and that q3_train embeds) names its architecture in
// "format" and its classes as one comma-separated string.
//
// Reading checks before it allocates: a file beyond MaxFileBytes, or that
// is not a regular file (a folder, /dev/zero, a pipe), is refused before it
// is read; the safetensors header is checked (check.go) before any tensor
// is decoded, with errors that say what is wrong with which file and
// tensor (truncated, another dtype, overlapping or missing data); Take
// refuses a tensor of the wrong shape or holding NaN or an infinity.
package modelio

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"recog/internal/data"
)

// The metadata keys of the convention.
const (
	KeyModel   = "model"
	KeyInput   = "input"
	KeyClasses = "classes"
	// keyFormat named the architecture of the files of recog q3 written
	// before the convention (read only).
	keyFormat = "format"
)

// Header is what the metadata of a model file says.
type Header struct {
	Model   string            // architecture
	Input   []int             // shape of one example (nil when a file predating the convention has none)
	Classes []string          // output names (nil when the file has none)
	Meta    map[string]string // every other key
}

// Write writes tensors and the header to path as a .safetensors file.
// Meta must not use the keys of the convention.
func Write(path string, tensors map[string]data.Tensor, h Header) error {
	meta := map[string]string{}
	for k, v := range h.Meta {
		if k == KeyModel || k == KeyInput || k == KeyClasses || k == keyFormat {
			return fmt.Errorf("%s: metadata key %q is reserved", path, k)
		}
		meta[k] = v
	}
	if h.Model == "" {
		return fmt.Errorf("%s: the model has no architecture name", path)
	}
	meta[KeyModel] = h.Model
	if h.Input != nil {
		b, _ := json.Marshal(h.Input) // a []int always marshals
		meta[KeyInput] = string(b)
	}
	if h.Classes != nil {
		b, _ := json.Marshal(h.Classes)
		meta[KeyClasses] = string(b)
	}
	return data.WriteSafetensors(path, tensors, meta)
}

// Read reads the model file at path (ReadFile, Parse): its tensors and
// its header.
func Read(path string) (map[string]data.Tensor, Header, error) {
	buf, err := ReadFile(path)
	if err != nil {
		return nil, Header{}, err
	}
	return Parse(path, buf)
}

// Parse is Read on the bytes of a model file (an embedded one, say); name
// stands for the file in errors. The header is checked (checkLayout) before
// any tensor is decoded.
func Parse(name string, buf []byte) (map[string]data.Tensor, Header, error) {
	if _, err := checkLayout(name, buf); err != nil {
		return nil, Header{}, err
	}
	ts, meta, err := data.ParseSafetensors(name, buf)
	if err != nil {
		return nil, Header{}, err
	}
	h, err := parseHeader(name, meta)
	return ts, h, err
}

// ParseHeader returns the header of the model file held in buf (named name
// in errors) after checking its layout (checkLayout), without decoding any
// tensor: what a reader needs to refuse a file by its metadata at once.
func ParseHeader(name string, buf []byte) (Header, error) {
	meta, err := checkLayout(name, buf)
	if err != nil {
		return Header{}, err
	}
	return parseHeader(name, meta)
}

func parseHeader(name string, meta map[string]string) (Header, error) {
	h := Header{Model: meta[KeyModel], Meta: map[string]string{}}
	for k, v := range meta {
		if k != KeyModel && k != KeyInput && k != KeyClasses && k != keyFormat {
			h.Meta[k] = v
		}
	}
	if h.Model == "" {
		h.Model = meta[keyFormat] // a file of recog q3 before the convention
	}
	if s, ok := meta[KeyInput]; ok {
		if err := json.Unmarshal([]byte(s), &h.Input); err != nil {
			return Header{}, fmt.Errorf("%s: metadata %q is %q: want a JSON list of integers", name, KeyInput, s)
		}
	}
	if s, ok := meta[KeyClasses]; ok {
		if strings.HasPrefix(s, "[") {
			if err := json.Unmarshal([]byte(s), &h.Classes); err != nil {
				return Header{}, fmt.Errorf("%s: metadata %q: %v", name, KeyClasses, err)
			}
		} else if s != "" {
			h.Classes = strings.Split(s, ",") // before the convention
		}
	}
	return h, nil
}

// Take returns the data of the tensor called name in ts after checking that
// its shape is want and that every value is finite (a NaN or an infinity
// makes every output of a network NaN); the errors name the file (file)
// and the tensor.
func Take(file string, ts map[string]data.Tensor, name string, want ...int) ([]float32, error) {
	t, ok := ts[name]
	if !ok {
		return nil, fmt.Errorf("%s: missing tensor %q", file, name)
	}
	if !slices.Equal(t.Shape, want) {
		return nil, fmt.Errorf("%s: tensor %q has shape %v, want %v", file, name, t.Shape, want)
	}
	for i, v := range t.Data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%s: tensor %q holds %v at index %d: the weights are broken (a training that diverged, or a damaged file)", file, name, v, i)
		}
	}
	return t.Data, nil
}

// OnlyThese checks that ts holds no tensor outside names.
func OnlyThese(file string, ts map[string]data.Tensor, names []string) error {
	var extra []string
	for k := range ts {
		if !slices.Contains(names, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		return fmt.Errorf("%s: unexpected tensors %q", file, extra)
	}
	return nil
}

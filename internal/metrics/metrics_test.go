package metrics

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

type curves struct {
	Acc  []float64 `json:"acc_curve"`
	Loss []float64 `json:"loss_curve"`
}

type photo struct {
	CER   float64 `json:"cer"`
	Edits int     `json:"edits"`
}

type run struct {
	Epochs  int                `json:"epochs"`
	Seed    uint64             `json:"seed"`
	Test    float64            `json:"test_acc"`
	Missing float64            `json:"missing"`
	Names   []string           `json:"names"`
	Skip    string             `json:"-"`
	NoTag   int                // left out: no json name
	Opt     *float64           `json:"opt,omitempty"`
	Empty   []int              `json:"empty,omitempty"`
	Base    curves             `metrics:"inline,prefix=base_"`
	X10     *curves            `metrics:"inline,prefix=x10_"`
	None    *curves            `metrics:"inline,prefix=none_"`
	Photos  map[string]photo   `metrics:"inline"`
	Extra   map[string]float64 `json:"extra"`
	hidden  int
}

func TestValues(t *testing.T) {
	r := run{Epochs: 3, Seed: 7, Test: 0.5, Missing: math.NaN(), Names: []string{"a"}, Skip: "x", NoTag: 1,
		Base:   curves{Acc: []float64{0.1, math.Inf(1)}},
		X10:    &curves{Loss: []float64{2}},
		Photos: map[string]photo{"p01": {CER: 0.25, Edits: 2}},
		Extra:  map[string]float64{"k": 1}, hidden: 9}
	got, err := Object(r)
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"epochs": 3.0, "seed": 7.0, "test_acc": 0.5, "missing": nil, "names": []any{"a"},
		"base_acc_curve": []any{0.1, nil}, "base_loss_curve": nil,
		"x10_acc_curve": nil, "x10_loss_curve": []any{2.0},
		"p01":   map[string]any{"cer": 0.25, "edits": 2.0},
		"extra": map[string]any{"k": 1.0},
	}, got)

	b, err := JSON(map[string]any{"b": 1, "a": []float64{math.NaN()}})
	require.NoError(t, err)
	require.Equal(t, "{\n  \"a\": [\n    null\n  ],\n  \"b\": 1\n}\n", string(b))

	p := filepath.Join(t.TempDir(), "metrics.json")
	require.NoError(t, Write(p, r))
	b, err = os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(b), "\"missing\": null")
}

func TestValuesErrors(t *testing.T) {
	_, err := Values(struct {
		F func() `json:"f"`
	}{})
	require.ErrorContains(t, err, "field F")
	_, err = Values(struct {
		M map[int]int `metrics:"inline"`
	}{M: map[int]int{1: 1}})
	require.ErrorContains(t, err, "not strings")
	_, err = Values(struct {
		S string `metrics:"inline"`
	}{})
	require.ErrorContains(t, err, "cannot be inlined")
	_, err = Values(struct {
		S curves `metrics:"flat"`
	}{})
	require.ErrorContains(t, err, `want "inline"`)
	_, err = Object([]int{1})
	require.ErrorContains(t, err, "not an object")
}

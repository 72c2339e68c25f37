package autodiff

// Model loading under hostile input (issue #14): ParseOCRModel, what
// `recog ocr --model FILE` does with the bytes of FILE, for both kinds of
// model file, checked for its errors and its allocations, and fuzzed.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
	train "recog/q3_train"
)

// heapAllocs returns the bytes allocated on the heap since the program began.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// loadBudget is the most ParseOCRModel may allocate for a file of n bytes:
// the decoded float32 values, the model's parameters and a q2 network's
// float64 copy are at most 4 bytes per byte of the file together with the
// bytes the JSON header decodes to, plus 1 MiB for the rest.
func loadBudget(n int) uint64 { return uint64(6*n + 1<<20) }

// modelFiles returns the model files the tests start from: the embedded
// small EMNIST CNN, the embedded Q3 network and testdata/models.
func modelFiles(t testing.TB) map[string][]byte {
	q3, err := os.ReadFile(datatest.RepoPath(t, "q3_train", "model", train.DefaultModelFile))
	require.NoError(t, err)
	out := map[string][]byte{"cnn": defaultOCRModel, "q3": q3}
	dir := datatest.Testdata(t, "models")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = b
	}
	return out
}

// edited returns the model file src with its header changed by edit (the
// header as JSON: tensors by name, "__metadata__").
func edited(t testing.TB, src []byte, edit func(h map[string]any)) []byte {
	n := binary.LittleEndian.Uint64(src)
	var h map[string]any
	require.NoError(t, json.Unmarshal(src[8:8+n], &h))
	edit(h)
	hb, err := json.Marshal(h)
	require.NoError(t, err)
	hb = append(hb, bytes.Repeat([]byte(" "), (8-len(hb)%8)%8)...)
	return append(binary.LittleEndian.AppendUint64(hb[:0:0], uint64(len(hb))), append(hb, src[8+n:]...)...)
}

func input(shape string) func(h map[string]any) {
	return func(h map[string]any) { h["__metadata__"].(map[string]any)["input"] = shape }
}

// TestParseOCRModelHostile: both kinds load within the budget; crafted
// files (a header claiming a huge or overflowing input, a shape that does
// not match the architecture, NaN weights) are refused, naming the file
// and the problem, having allocated no more than the budget of their size:
// nothing is built before the shapes are checked.
func TestParseOCRModelHostile(t *testing.T) {
	files := modelFiles(t)
	cnn := files["cnn"]
	nan := bytes.Clone(cnn)
	binary.LittleEndian.PutUint32(nan[len(nan)-4:], math.Float32bits(float32(math.NaN())))
	for _, tc := range []struct {
		name string
		file []byte
		err  string // "" for a model that loads
	}{
		{"cnn", cnn, ""},
		{"q3", files["q3"], ""},
		{"side 1500", edited(t, cnn, input("[1,1500,1500]")), "takes inputs of shape [1 1500 1500], want an EMNIST model of [1 28 28]"},
		{"side 100000", edited(t, cnn, input("[1,100000,100000]")), "takes inputs of shape [1 100000 100000]"},
		{"side 2^31", edited(t, cnn, input("[1,2147483648,2147483648]")), "[1 2147483648 2147483648]"},
		{"side overflowing", edited(t, cnn, input("[1,3037000500,3037000500]")), "[1 3037000500 3037000500]"},
		{"NaN", nan, `tensor "9.weight" holds NaN at index 6015`},
		{"q2 sizes", edited(t, files["q3"], func(h map[string]any) { h["__metadata__"].(map[string]any)["sizes"] = "1024,2000000000,36" }),
			`tensor "layer1.W" has shape [1024 64], want [1024 2000000000]`},
		// The Q3 file (version 2 of the format) names its input size, which
		// the sizes must agree with; a header changing both gets as far as
		// the tensors' shapes.
		{"q2 sizes overflowing", edited(t, files["q3"], func(h map[string]any) { h["__metadata__"].(map[string]any)["sizes"] = "3037000500,3037000500,36" }),
			`metadata "input" is [1024] but the first layer takes 3037000500 inputs`},
		{"q2 sizes and input overflowing", edited(t, files["q3"], func(h map[string]any) {
			h["__metadata__"].(map[string]any)["sizes"] = "3037000500,3037000500,36"
			h["__metadata__"].(map[string]any)["input"] = "[3037000500]"
		}), `tensor "layer1.W" has shape [1024 64], want [3037000500 3037000500]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := heapAllocs()
			m, err := ParseOCRModel("m.safetensors", tc.file)
			alloc := heapAllocs() - before
			t.Logf("%d bytes allocated for a file of %d", alloc, len(tc.file))
			require.LessOrEqual(t, alloc, loadBudget(len(tc.file)), "allocated")
			if tc.err == "" {
				require.NoError(t, err)
				m.Close()
				return
			}
			require.ErrorContains(t, err, "m.safetensors: ")
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// FuzzOCRModel feeds any bytes to ParseOCRModel, seeded with both embedded
// models, testdata/models and crafted headers: it must never panic, must
// return a model or an error naming the file, and must never allocate more
// than loadBudget of the input's size.
func FuzzOCRModel(f *testing.F) {
	files := modelFiles(f)
	for _, b := range files {
		f.Add(b)
	}
	f.Add(edited(f, files["cnn"], input("[1,3037000500,3037000500]")))
	f.Add(edited(f, files["cnn"], input("[1,1500,1500]")))
	f.Add(edited(f, files["cnn"], func(h map[string]any) { h["__metadata__"].(map[string]any)["model"] = "emnist-cnn" }))
	f.Fuzz(func(t *testing.T, b []byte) {
		before := heapAllocs()
		m, err := ParseOCRModel("fuzz.safetensors", b)
		alloc := heapAllocs() - before
		if budget := loadBudget(len(b)); alloc > budget {
			t.Fatalf("allocated %d bytes for %d, more than the %d allowed (err %v)", alloc, len(b), budget, err)
		}
		if err != nil {
			if m != nil {
				t.Fatalf("a model and an error: %v", err)
			}
			if !strings.Contains(err.Error(), "fuzz.safetensors") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		m.Close()
	})
}

// BenchmarkParseOCRModelSide1500 times the refusal of the embedded CNN
// whose header claims 1500 x 1500 inputs (building it would take 1.1 GB).
func BenchmarkParseOCRModelSide1500(b *testing.B) {
	file := edited(b, defaultOCRModel, input("[1,1500,1500]"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseOCRModel("m.safetensors", file); err == nil {
			b.Fatal("loaded")
		}
	}
}

package datatest

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"testing"

	"recog/internal/data"
)

// CompareModelFiles compares a model file retrained by a test with the
// committed one it should reproduce (the commands of the model READMEs)
// and logs what differs: nothing ("byte for byte"), or the metadata keys
// and the tensors that differ, with the number of values and the largest
// difference. It reports whether the bytes are identical; a difference is
// logged, not failed (a new GEMM changes rounding; the full tier then
// scores the retrained model).
func CompareModelFiles(t testing.TB, committed, retrained string) bool {
	t.Helper()
	a, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("%v", err)
	}
	b, err := os.ReadFile(retrained)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if bytes.Equal(a, b) {
		t.Logf("retrained model = %s byte for byte (%d bytes)", committed, len(a))
		return true
	}
	ta, ma, err := data.ReadSafetensors(committed)
	if err != nil {
		t.Fatalf("%v", err)
	}
	tb, mb, err := data.ReadSafetensors(retrained)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Logf("retrained model differs from %s (%d bytes, retrained %d):\n%s", committed, len(a), len(b), modelDiff(ta, tb, ma, mb))
	return false
}

// modelDiff describes the differences between two model files' tensors
// and metadata, one line each.
func modelDiff(ta, tb map[string]data.Tensor, ma, mb map[string]string) string {
	var out string
	for _, k := range sortedKeys(union(ma, mb)) {
		va, oka := ma[k]
		vb, okb := mb[k]
		switch {
		case !oka:
			out += fmt.Sprintf("  metadata %q only in the retrained file: %q\n", k, vb)
		case !okb:
			out += fmt.Sprintf("  metadata %q only in the committed file: %q\n", k, va)
		case va != vb:
			out += fmt.Sprintf("  metadata %q: committed %q, retrained %q\n", k, va, vb)
		}
	}
	same := 0
	for _, k := range sortedKeys(union(ta, tb)) {
		x, oka := ta[k]
		y, okb := tb[k]
		switch {
		case !oka || !okb:
			out += fmt.Sprintf("  tensor %q in one file only\n", k)
		case fmt.Sprint(x.Shape) != fmt.Sprint(y.Shape):
			out += fmt.Sprintf("  tensor %q: shape %v, retrained %v\n", k, x.Shape, y.Shape)
		default:
			n, worst := 0, 0.0
			for i := range x.Data {
				if math.Float32bits(x.Data[i]) != math.Float32bits(y.Data[i]) {
					n++
					worst = max(worst, math.Abs(float64(x.Data[i])-float64(y.Data[i])))
				}
			}
			if n == 0 {
				same++
				continue
			}
			out += fmt.Sprintf("  tensor %q: %d of %d values differ, largest difference %.3g\n", k, n, len(x.Data), worst)
		}
	}
	return out + fmt.Sprintf("  %d tensors identical bit for bit", same)
}

func union[V any](a, b map[string]V) map[string]V {
	u := map[string]V{}
	for k, v := range a {
		u[k] = v
	}
	for k, v := range b {
		u[k] = v
	}
	return u
}

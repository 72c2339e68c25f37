package datatest

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// GoldenNumbers is the golden step of a test on real data. Under -update it
// writes got as indented JSON to golden/<sub>/<numbers>, and each of files
// under its name, and returns false (nothing to compare). Otherwise it reads
// the recorded numbers into want and returns true; the caller then checks
// that the data is the version the golden was made from (RequireSameData,
// with the SHA-256 sums the golden records) before comparing.
func GoldenNumbers(t *testing.T, sub, numbers string, got, want any, files map[string][]byte) bool {
	t.Helper()
	if Updating(t) {
		g := Golden(t, sub)
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatalf("golden %s: %v", numbers, err)
		}
		if err := g.Update(t, numbers, append(b, '\n')); err != nil {
			t.Fatalf("golden %s/%s: %v", sub, numbers, err)
		}
		for _, name := range sortedKeys(files) {
			if err := g.Update(t, name, files[name]); err != nil {
				t.Fatalf("golden %s/%s: %v", sub, name, err)
			}
		}
		return false
	}
	b, err := os.ReadFile(GoldenPath(t, sub, numbers))
	if err != nil {
		t.Fatalf("%v (run go test with -update to write the golden files)", err)
	}
	if err := json.Unmarshal(b, want); err != nil {
		t.Fatalf("golden %s/%s: %v", sub, numbers, err)
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

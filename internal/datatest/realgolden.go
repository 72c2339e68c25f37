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
// the recorded numbers into want and returns true.
func GoldenNumbers(t *testing.T, sub, numbers string, got, want any, files map[string][]byte) bool {
	t.Helper()
	if Updating() {
		g := Golden(t, sub)
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatalf("golden %s: %v", numbers, err)
		}
		g.Update(t, numbers, append(b, '\n'))
		for name, b := range files {
			g.Update(t, name, b)
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

// SkipOnOtherData skips the rest of a golden comparison when ./data holds
// another version of the data than the goldens were made from (DESIGN.md:
// goldens made from real data record the SHA-256 of that data). sums maps a
// name ("train") to {recorded in the golden, SHA-256 of ./data's file}.
func SkipOnOtherData(t *testing.T, sums map[string][2]string) {
	t.Helper()
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if s := sums[n]; s[0] != s[1] {
			t.Skipf("golden comparison skipped: data/nist36 %s is %s; the golden files were made from %s", n, s[1], s[0])
		}
	}
}

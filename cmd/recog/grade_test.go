package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// recog grade and recog starter: usage mistakes exit 2, failures 1 with the
// folder named; the starter writes the stubs. (The grading itself is tested
// in internal/grade.)
func TestGradeAndStarterUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"grade", "extra"}, 2, `unexpected arguments ["extra"]`},
		{[]string{"grade", "--dir", filepath.Join(t.TempDir(), "absent")}, 2, "not a directory"},
		{[]string{"grade", "--dir", t.TempDir()}, 1, "is it a Go module"},
		{[]string{"starter"}, 2, "want one argument DIR"},
		{[]string{"starter", "a", "b"}, 2, "want one argument DIR"},
		{[]string{"grade", "-h"}, 0, "all-or-nothing"},
		{[]string{"starter", "-h"}, 0, "not implemented"},
	} {
		code, _, errs := recog(tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, errs)
		require.Contains(t, errs, tc.want, tc.args)
	}

	full := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644))
	code, _, errs := recog("starter", full)
	require.Equal(t, 1, code)
	require.Contains(t, errs, full+" is not empty")
	b, err := os.ReadFile(filepath.Join(full, "keep.txt"))
	require.NoError(t, err)
	require.Equal(t, "mine", string(b))

	dst := filepath.Join(t.TempDir(), "starter")
	code, stdout, errs := recog("starter", dst)
	require.Equal(t, 0, code, errs)
	require.Regexp(t, `^starter: wrote .* with \d+ functions to write\n$`, stdout)
	b, err = os.ReadFile(filepath.Join(dst, "q2_nn", "loss.go"))
	require.NoError(t, err)
	require.Contains(t, string(b), `"not implemented: Q2.2.3"`)
}

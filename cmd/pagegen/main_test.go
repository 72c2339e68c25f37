package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBadArguments: stray arguments, unknown flags and a font folder without
// the fonts are errors that say what is wrong, and nothing is written.
func TestBadArguments(t *testing.T) {
	out := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"stray argument", []string{"--out", out, "pages"}, `unexpected arguments ["pages"]`},
		{"unknown flag", []string{"--pages", "3"}, "flag provided but not defined: -pages"},
		{"no fonts", []string{"--out", out, "--fonts", filepath.Join(out, "none")}, "apt-get install fonts-breip"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tc.args, &stdout, &stderr)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, stdout.String())
		})
	}
	files, err := filepath.Glob(filepath.Join(out, "*"))
	require.NoError(t, err)
	require.Empty(t, files)
}

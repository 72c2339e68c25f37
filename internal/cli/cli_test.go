package cli

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testSet is a flag set with one flag of each checked kind.
func testSet() (*FlagSet, *int, *int, *float64, *string, *string) {
	fs := New("t", "t [flags]", "A test.", &bytes.Buffer{})
	epochs := fs.IntRange("epochs", 5, 1, 100, "epochs")
	limit := fs.IntRange("limit", 0, 0, 1000, "examples (0: all)")
	lr := fs.FloatRange("lr", 0.1, 0, 10, "rate")
	out := fs.OutDir("out", "", "folder")
	save := fs.OutFile("save", "", ".safetensors", "model file", "-")
	return fs, epochs, limit, lr, out, save
}

// Flags interleave with positional arguments; "--" ends the flags.
func TestInterleaved(t *testing.T) {
	fs, epochs, _, _, _, _ := testSet()
	pos, err := fs.Parse([]string{"a", "--epochs", "7", "b", "--", "--limit"})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "--limit"}, pos)
	require.Equal(t, 7, *epochs)
	require.True(t, fs.Set("epochs"))
	require.False(t, fs.Set("lr"))

	fs, _, _, _, _, _ = testSet()
	_, err = fs.Parse([]string{"a", "--epochs"})
	require.ErrorAs(t, err, &UsageError{})
	_, err = fs.Parse([]string{"-h"})
	require.ErrorIs(t, err, flag.ErrHelp)
	require.NoError(t, NoArgs(nil))
	require.ErrorContains(t, NoArgs([]string{"x"}), `unexpected arguments ["x"]`)
}

// Every rule of the package, one row each: the value, and the usage error
// (naming the flag, the value and what is wanted) or none.
func TestRules(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{nil, ""},
		{[]string{"--epochs", "100"}, ""},
		{[]string{"--epochs", "0"}, "--epochs 0: want a whole number from 1 to 100"},
		{[]string{"--epochs", "101"}, "--epochs 101: want a whole number from 1 to 100"},
		{[]string{"--epochs", "-3"}, "--epochs -3: want"},
		{[]string{"--epochs", "99999999999999999999"}, "invalid value"},
		{[]string{"--limit", "0"}, ""},
		{[]string{"--limit", "-1"}, "--limit -1: want a whole number from 0 to 1000"},
		{[]string{"--lr", "10"}, ""},
		{[]string{"--lr", "0"}, "--lr 0: want a number above 0 and at most 10"},
		{[]string{"--lr", "-1"}, "--lr -1: want"},
		{[]string{"--lr", "1e308"}, "--lr 1e+308: want"},
		{[]string{"--lr", "inf"}, "--lr +Inf: want"},
		{[]string{"--lr", "NaN"}, "--lr NaN: want"},
		{[]string{"--out", filepath.Join(dir, "new", "deeper")}, ""},
		{[]string{"--out", file}, "--out " + file + ": is a file, not a folder; choose another folder with --out DIR"},
		{[]string{"--out", filepath.Join(file, "sub")}, file + " is a file, not a folder"},
		{[]string{"--out", ""}, "--out is empty"},
		{[]string{"--save", "-"}, ""},
		{[]string{"--save", filepath.Join(dir, "new", "m.safetensors")}, ""},
		{[]string{"--save", filepath.Join(dir, "m.png")}, "want a .safetensors file name"},
		{[]string{"--save", dir + "/x.safetensors/"}, "want a .safetensors file name"},
		{[]string{"--save", ""}, "--save is empty"},
		{[]string{"--save", filepath.Join(file, "m.safetensors")}, "is a file, not a folder; choose a file in a writable folder"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs, _, _, _, _, _ := testSet()
			_, err := fs.Parse(tc.args)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.err)
			require.True(t, errors.As(err, &UsageError{}), "a usage error: %v", err)
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the checks create nothing")
}

// A flag that accepts 0 must say what 0 means: a programmer error.
func TestZeroRule(t *testing.T) {
	fs := New("t", "t", "", &bytes.Buffer{})
	require.PanicsWithValue(t, `cli: flag --n accepts 0 but its usage does not say what 0 means ("0: ...")`, func() { fs.IntRange("n", 1, 0, 5, "count") })
	require.NotPanics(t, func() { fs.IntRange("m", 1, 0, 5, "count (0: none)") })
	require.NotPanics(t, func() { fs.FloatRange("x", 1, 0, math.MaxFloat64, "rate") })
}

// A default outside the range stands for "not given": it is not checked,
// and the usage text shows the range.
func TestUnsetDefault(t *testing.T) {
	var help bytes.Buffer
	fs := New("t", "t [flags]", "A test.", &help)
	n := fs.IntRange("epochs", 0, 1, 9, "epochs (default: the mode's)")
	_, err := fs.Parse(nil)
	require.NoError(t, err)
	require.Zero(t, *n)
	_, err = fs.Parse([]string{"-h"})
	require.ErrorIs(t, err, flag.ErrHelp)
	require.Contains(t, help.String(), "usage: recog t [flags]\n\nA test.\n\nflags:\n")
	require.Contains(t, help.String(), "epochs (default: the mode's); 1 to 9")
}

// An unwritable folder is reported with the reason.
func TestWritable(t *testing.T) {
	require.NoError(t, Writable(t.TempDir(), true))
	require.ErrorContains(t, Writable("", true), "empty path")
	if os.Geteuid() == 0 {
		require.ErrorContains(t, Writable("/proc/recog-test", true), "cannot write in /proc")
		return
	}
	ro := t.TempDir()
	require.NoError(t, os.Chmod(ro, 0o555))
	require.ErrorContains(t, Writable(filepath.Join(ro, "sub"), true), "cannot write in "+ro)
}

package datatest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeTB records Skipf and Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Skipf(format string, args ...any)  { f.skipped = fmt.Sprintf(format, args...) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }

func TestDirFetchesSets(t *testing.T) {
	dir := Dir(t, "images")
	require.True(t, filepath.IsAbs(dir))
	require.Equal(t, "images", filepath.Base(dir))
	p := File(t, "images", "01_list.jpg")
	st, err := os.Stat(p)
	require.NoError(t, err)
	require.EqualValues(t, 640400, st.Size())
	// Cached: the second call returns the same path without fetching again.
	require.Equal(t, dir, Dir(t, "images"))
}

func TestFetchFailureSkipsOrFails(t *testing.T) {
	t.Setenv("CI", "")
	f := &fakeTB{TB: t}
	Dir(f, "no-such-set")
	require.Contains(t, f.skipped, `unknown data set "no-such-set"`)
	require.Empty(t, f.fatal)

	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	Dir(f, "no-such-set")
	require.Contains(t, f.fatal, "CI=true")
	require.Contains(t, f.fatal, `unknown data set "no-such-set"`)
	require.Empty(t, f.skipped)
}

func TestFileNotInSets(t *testing.T) {
	Dir(t, "images") // skips here when the set is unavailable
	f := &fakeTB{TB: t}
	File(f, "images", "05_none.jpg")
	require.Contains(t, f.fatal, `no file "05_none.jpg"`)
}

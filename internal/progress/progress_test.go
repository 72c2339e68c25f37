package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSilentOnNonTerminal(t *testing.T) {
	var buf bytes.Buffer
	for _, b := range []*Bar{New(&buf, 10, "epochs"), NewBytes(&buf, 1000, "copy"), nil, {}} {
		require.False(t, b.Visible())
		b.Add(3)
		n, err := b.Write(make([]byte, 7))
		require.NoError(t, err)
		require.Equal(t, 7, n)
		b.Describe("x")
		b.Finish()
	}
	require.Zero(t, buf.Len(), "a bar on a buffer must not draw")
	require.False(t, IsTerminal(&buf))
	f, err := os.CreateTemp(t.TempDir(), "log")
	require.NoError(t, err)
	defer f.Close()
	require.False(t, IsTerminal(f), "a regular file is not a terminal")
}

func TestVisibleBarDraws(t *testing.T) {
	var buf bytes.Buffer
	b := newBar(&buf, 4, "epochs", false, true)
	require.True(t, b.Visible())
	for range 4 {
		b.Add(1)
	}
	b.Finish()
	out := buf.String()
	require.Contains(t, out, "epochs")
	require.Contains(t, out, "4/4")
	require.True(t, strings.HasSuffix(out, "\n"), "finish ends the line: %q", out)

	buf.Reset()
	b = newBar(&buf, 2048, "copy", true, true)
	_, _ = b.Write(make([]byte, 2048))
	b.Finish()
	require.Contains(t, buf.String(), "copy")
	require.Contains(t, buf.String(), "kB")
}

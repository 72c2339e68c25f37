package data

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// errAfter is a context whose Err reports Canceled from its n+1-th call on.
type errAfter struct {
	context.Context
	n atomic.Int64
}

func (c *errAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestCopiesStopWithinOneRead: a copy (install) and a checksum (identify)
// canceled after k reads have read at most k+1 buffers (32 KiB each) of a
// 16 MiB source, and the copy leaves no temporary file.
func TestCopiesStopWithinOneRead(t *testing.T) {
	const k = 3
	src := make([]byte, 16<<20)
	dir := t.TempDir()
	s := Set{Name: "toy", Files: []File{{Name: "a.bin", SHA256: "0"}}}

	ctx := &errAfter{Context: context.Background()}
	ctx.n.Store(k)
	cr := &countingReader{r: bytes.NewReader(src)}
	_, _, err := install(ctx, cr, filepath.Join(dir, "a.bin"), s.Files[0], s, "mirror file a.bin")
	require.ErrorIs(t, err, context.Canceled)
	require.LessOrEqual(t, cr.n, (k+1)*32<<10)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "no temporary file left")

	p := filepath.Join(dir, "big.bin")
	require.NoError(t, os.WriteFile(p, src, 0o644))
	ctx.n.Store(k)
	_, _, err = identify(ctx, p, s.Files[0], s)
	require.ErrorIs(t, err, context.Canceled)
}

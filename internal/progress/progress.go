// Package progress draws progress bars on a terminal and stays silent
// everywhere else (files, pipes, test buffers), so callers can always pass
// os.Stderr without polluting logs.
//
// It wraps github.com/schollz/progressbar/v3.
package progress

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar is a progress bar. The zero value and a nil *Bar are silent bars: every
// method is safe to call and does nothing.
type Bar struct {
	pb *progressbar.ProgressBar
}

// New returns a bar counting from 0 to total items (epochs, batches, files)
// described by desc, drawn on w when w is a terminal and silent otherwise.
// A total of -1 means unknown.
func New(w io.Writer, total int64, desc string) *Bar {
	return newBar(w, total, desc, false, IsTerminal(w))
}

// NewBytes is New for a count of bytes: it shows sizes and a transfer rate.
func NewBytes(w io.Writer, total int64, desc string) *Bar {
	return newBar(w, total, desc, true, IsTerminal(w))
}

// IsTerminal reports whether w is an *os.File attached to a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && f != nil && term.IsTerminal(int(f.Fd()))
}

func newBar(w io.Writer, total int64, desc string, bytes, visible bool) *Bar {
	if !visible || w == nil {
		return &Bar{}
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	} else {
		opts = append(opts, progressbar.OptionShowIts())
	}
	return &Bar{pb: progressbar.NewOptions64(total, opts...)}
}

// Add advances the bar by n items (or bytes).
func (b *Bar) Add(n int64) {
	if b == nil || b.pb == nil {
		return
	}
	_ = b.pb.Add64(n)
}

// Write advances the bar by len(p) bytes, so a Bar can be the second
// destination of an io.MultiWriter or io.TeeReader during a copy.
func (b *Bar) Write(p []byte) (int, error) {
	b.Add(int64(len(p)))
	return len(p), nil
}

// Describe changes the text shown before the bar.
func (b *Bar) Describe(desc string) {
	if b == nil || b.pb == nil {
		return
	}
	b.pb.Describe(desc)
}

// Finish fills the bar and ends its line.
func (b *Bar) Finish() {
	if b == nil || b.pb == nil {
		return
	}
	_ = b.pb.Finish()
}

// Visible reports whether the bar draws anything.
func (b *Bar) Visible() bool { return b != nil && b.pb != nil }

package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"recog/internal/progress"
)

// ctxReader reads from r until ctx is canceled, then fails with ctx's error:
// copies and hashes stop within one read (32 KiB) of Ctrl-C.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// The causes of a canceled download.
var (
	errStalled = errors.New("stalled")
	errTooLong = errors.New("too long")
)

// idleReader restarts timer for idle each time r delivers bytes, and stops
// it at the end of r.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	idle  time.Duration
}

func (t *idleReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.timer.Reset(t.idle)
	}
	if err == io.EOF {
		t.timer.Stop()
	}
	return n, err
}

// timeouts returns opt's download time limits with their defaults.
func (opt FetchOptions) timeouts() (total, idle time.Duration) {
	total, idle = opt.Timeout, opt.IdleTimeout
	if total <= 0 {
		total = DefaultTimeout
	}
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	return total, idle
}

// fetchURL GETs url and hands the body (counted on a progress bar) to use.
// The download is canceled when ctx is, when it takes longer than the
// Timeout, or when the server sends nothing for IdleTimeout (waiting for
// its answer or for the next bytes); the error then says which.
func fetchURL(ctx context.Context, url string, opt FetchOptions, desc string, use func(io.Reader) error) error {
	client := opt.Client
	if client == nil {
		client = http.DefaultClient
	}
	total, idle := opt.timeouts()
	dctx, cancelTotal := context.WithTimeoutCause(ctx, total, errTooLong)
	defer cancelTotal()
	dctx, cancel := context.WithCancelCause(dctx)
	defer cancel(nil)
	timer := time.AfterFunc(idle, func() { cancel(errStalled) })
	defer timer.Stop()

	why := func(err error) error {
		switch cause := context.Cause(dctx); {
		case ctx.Err() != nil:
			return fmt.Errorf("GET %s: %w", url, ErrInterrupted)
		case errors.Is(cause, errStalled):
			return fmt.Errorf("GET %s: the server sent nothing for %v (it stalled; try again later)", url, idle)
		case errors.Is(cause, errTooLong):
			return fmt.Errorf("GET %s: not complete after %v, the download time limit", url, total)
		}
		return err
	}
	req, err := http.NewRequestWithContext(dctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return why(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	bar := progress.NewBytes(opt.Progress, resp.ContentLength, "download "+desc)
	defer bar.Finish()
	if err := use(io.TeeReader(&idleReader{r: resp.Body, timer: timer, idle: idle}, bar)); err != nil {
		return why(err)
	}
	return nil
}

package s3model

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// idleTransport ends a response whose body stops arriving: a Read that
// brings nothing for the idle time closes the body (and so its
// connection) and fails with a *TimeoutError. The response headers are
// bounded by the transport's ResponseHeaderTimeout; this bounds the rest,
// so no request can hang on a store that stalls mid-body.
type idleTransport struct {
	base http.RoundTripper
	idle time.Duration
}

func (t *idleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.Body == nil || resp.Body == http.NoBody {
		return resp, err
	}
	resp.Body = newIdleBody(resp.Body, t.idle)
	return resp, nil
}

// idleBody is a response body whose Reads are each bounded by idle.
type idleBody struct {
	rc   io.ReadCloser
	idle time.Duration

	mu      sync.Mutex
	timer   *time.Timer
	expired bool
}

func newIdleBody(rc io.ReadCloser, idle time.Duration) *idleBody {
	b := &idleBody{rc: rc, idle: idle}
	b.timer = time.AfterFunc(time.Hour, b.expire)
	b.timer.Stop()
	return b
}

func (b *idleBody) expire() {
	b.mu.Lock()
	b.expired = true
	b.mu.Unlock()
	b.rc.Close()
}

// Read reads with the timer running: only time spent waiting on the
// store counts, never the time the caller takes between Reads.
func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.idle)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if err != nil {
		b.mu.Lock()
		expired := b.expired
		b.mu.Unlock()
		if expired {
			return n, &TimeoutError{After: b.idle}
		}
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.rc.Close()
}

package s3model

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
)

// How a client waits for and retries the store.
//
// A request the store does not start answering within the store's
// Timeout (config.Store.Timeout, set with --timeout or a store's
// `timeout` key; DefaultTimeout when unset) fails. ListBuckets and
// ListPage are bounded as a whole by that timeout, retries included, and
// then fail with a *TimeoutError; other calls are bounded per attempt.
//
// A request is tried at most MaxAttempts times. It is tried again after
// answers that say "later" (500, 502, 503, 504, 429; SlowDown,
// InternalError and the like), after a cut or refused connection and
// after a per-attempt timeout — not after other 4xx answers or a TLS
// certificate the client does not trust. Between attempts the client
// waits a random time of up to 200 ms, 400 ms, 800 ms (doubling, at most
// 1 s): minio-go's exponential backoff with full jitter. So a store that
// keeps answering 503 costs MaxAttempts requests and at most 1.4 s of
// waiting before the error is reported.
const (
	// DefaultTimeout is the timeout of a store that sets none.
	DefaultTimeout = config.DefaultTimeout
	// MaxDialTimeout bounds the TCP connect and the TLS handshake; a
	// shorter Timeout bounds them instead.
	MaxDialTimeout = 10 * time.Second
	// MaxAttempts is how many times a request is tried in all.
	MaxAttempts = 4
)

// TimeoutError reports that the store did not answer within the
// client's timeout. It unwraps to context.DeadlineExceeded and is a
// net.Error whose Timeout is true.
type TimeoutError struct {
	After time.Duration
}

func (e *TimeoutError) Error() string { return "no answer within " + e.After.String() }

// Timeout reports true: this is a timeout.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports true, as the net.Error interface asks.
func (e *TimeoutError) Temporary() bool { return true }

func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

var _ net.Error = (*TimeoutError)(nil)

// timeoutOf returns the store's timeout, or the default.
func timeoutOf(st config.Store) time.Duration {
	if st.Timeout > 0 {
		return st.Timeout
	}
	return DefaultTimeout
}

// newTransport is minio-go's transport with s3share's timeouts and TLS
// settings.
func newTransport(st config.Store, timeout time.Duration) (*http.Transport, error) {
	tr, err := minio.DefaultTransport(st.Secure())
	if err != nil {
		return nil, err
	}
	dial := min(timeout, MaxDialTimeout)
	tr.DialContext = (&net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = dial
	tr.ResponseHeaderTimeout = timeout
	if err := configureTLS(tr, st); err != nil {
		return nil, err
	}
	return tr, nil
}

// bounded returns ctx limited to the client's timeout; when that limit
// is what ends it, its cause is a *TimeoutError.
func (c *Client) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, c.timeout, &TimeoutError{After: c.timeout})
}

// timedOut replaces err by the *TimeoutError of ctx (from bounded) when
// the client's timeout, rather than the caller, ended the operation.
func timedOut(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if te, ok := context.Cause(ctx).(*TimeoutError); ok {
		return te
	}
	return err
}

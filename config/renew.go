package config

import (
	"context"
	"sync"
	"time"
)

// MaxRenewWindow is the longest time before their expiry that temporary
// credentials are renewed. Shorter-lived credentials are renewed when a
// fifth of their life is left, as minio-go and the AWS SDKs do.
const MaxRenewWindow = 5 * time.Minute

// Renewer holds temporary credentials and fetches new ones from their
// source before they expire. It is shared by every copy of a Store and is
// safe for concurrent use.
type Renewer struct {
	source string
	fetch  func(context.Context) (Credentials, error)
	now    func() time.Time

	mu      sync.Mutex
	cur     Credentials
	renewAt time.Time // zero: never
}

func newRenewer(source string, c Credentials, fetch func(context.Context) (Credentials, error), now func() time.Time) *Renewer {
	r := &Renewer{source: source, fetch: fetch, now: now}
	r.set(c)
	return r
}

// set takes c as the current credentials; r.mu is held or r is new.
func (r *Renewer) set(c Credentials) {
	r.cur = c
	r.renewAt = time.Time{}
	if c.Expires.IsZero() {
		return
	}
	window := c.Expires.Sub(r.now()) / 5
	if window > MaxRenewWindow {
		window = MaxRenewWindow
	}
	if window < 0 {
		window = 0
	}
	r.renewAt = c.Expires.Add(-window)
}

// renewRetry is how long a failed renewal waits before it is tried again.
const renewRetry = 15 * time.Second

// Source says where the credentials come from.
func (r *Renewer) Source() string { return r.source }

// Due reports whether the credentials should be renewed before the next use.
func (r *Renewer) Due() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.renewAt.IsZero() && !r.now().Before(r.renewAt)
}

// Current returns credentials good for now, fetching new ones when the
// held ones are near their expiry. When the fetch fails and the held ones
// have not yet expired, they are returned with the error.
func (r *Renewer) Current(ctx context.Context) (Credentials, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.renewAt.IsZero() || r.now().Before(r.renewAt) {
		return r.cur, nil
	}
	c, err := r.fetch(ctx)
	if err != nil {
		// Try again a little later, not on every request meanwhile: a
		// credential service that is down must not slow each request by
		// its timeout while the held credentials still work.
		if next := r.now().Add(renewRetry); next.Before(r.cur.Expires) {
			r.renewAt = next
		}
		return r.cur, err
	}
	c.Source = r.cur.Source
	r.set(c)
	return r.cur, nil
}

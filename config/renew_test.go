package config

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRenewerBacksOffAfterAFailure: a renewal that fails is not tried on
// every use while the held credentials still work, but again after
// renewRetry, and the held credentials keep being returned.
func TestRenewerBacksOffAfterAFailure(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	fetches := 0
	fail := true
	r := newRenewer("test", Credentials{AccessKeyID: "OLD", SecretAccessKey: "s", Expires: now.Add(time.Hour)},
		func(context.Context) (Credentials, error) {
			fetches++
			if fail {
				return Credentials{}, errors.New("metadata service down")
			}
			return Credentials{AccessKeyID: "NEW", SecretAccessKey: "s", Expires: now.Add(2 * time.Hour)}, nil
		}, clock)
	now = now.Add(58 * time.Minute) // inside the renewal window
	if c, err := r.Current(context.Background()); c.AccessKeyID != "OLD" || err == nil {
		t.Fatalf("a failed renewal: %s, %v; want the held credentials and the error", c.AccessKeyID, err)
	}
	for range 5 {
		if c, err := r.Current(context.Background()); c.AccessKeyID != "OLD" || err != nil {
			t.Fatalf("during the back-off: %s, %v", c.AccessKeyID, err)
		}
	}
	if fetches != 1 {
		t.Fatalf("%d fetches within the back-off, want 1", fetches)
	}
	now = now.Add(renewRetry)
	fail = false
	if c, err := r.Current(context.Background()); err != nil || c.AccessKeyID != "NEW" || fetches != 2 {
		t.Fatalf("after the back-off: %s, %v, %d fetches", c.AccessKeyID, err, fetches)
	}
}

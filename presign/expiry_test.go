package presign

import (
	"strings"
	"testing"
	"time"
)

func TestParseExpiry(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 20, 10, 30, 0, 0, zone)
	cases := []struct {
		in   string
		dur  time.Duration
		at   time.Time
		fail string // substring of the error
	}{
		{in: "90s", dur: 90 * time.Second},
		{in: "15m", dur: 15 * time.Minute},
		{in: "1h", dur: time.Hour},
		{in: "1h30m", dur: 90 * time.Minute},
		{in: "2d", dur: 48 * time.Hour},
		{in: "1w", dur: 7 * 24 * time.Hour},
		{in: "1d12h", dur: 36 * time.Hour},
		{in: " 2H ", dur: 2 * time.Hour},
		{in: "6d23h59m59s", dur: 7*24*time.Hour - time.Second},
		{in: "007m", dur: 7 * time.Minute},
		{in: "2026-12-24T18:00:00Z", at: time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC)},
		{in: "2026-12-24T18:00:00+02:00", at: time.Date(2026, 12, 24, 16, 0, 0, 0, time.UTC)},
		{in: "2026-12-24t18:00:00z", at: time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC)},
		{in: "2026-12-24T18:00", at: time.Date(2026, 12, 24, 18, 0, 0, 0, zone)},
		{in: "2026-12-24 18:00", at: time.Date(2026, 12, 24, 18, 0, 0, 0, zone)},
		{in: "2026-12-24T18:00:30", at: time.Date(2026, 12, 24, 18, 0, 30, 0, zone)},
		{in: "2026-12-24", at: time.Date(2026, 12, 24, 0, 0, 0, 0, zone)},
		{in: "", fail: "empty expiry"},
		{in: "0s", fail: "longer than zero"},
		{in: "0d0h", fail: "longer than zero"},
		{in: "-1h", fail: "longer than zero"},
		{in: "8d", fail: "7 days"},
		{in: "1w1s", fail: "7 days"},
		{in: "169h", fail: "7 days"},
		{in: "99999999999999999999h", fail: "7 days"},
		{in: "3600", fail: "without a unit"},
		{in: "1y", fail: "unknown unit"},
		{in: "1.5h", fail: "unknown unit"},
		{in: "h", fail: "not a duration"},
		{in: "1h 30m", fail: "not a duration"},
		{in: "2026-12-20", fail: "not in the future"},
		{in: "2026-12-20T10:30", fail: "not in the future"},
		{in: "2025-01-01T00:00:00Z", fail: "not in the future"},
		{in: "2026-12-28", fail: "7 days"},
		{in: "2027-12-24T18:00:00Z", fail: "7 days"},
		{in: "2026-13-01", fail: "not a time"},
		{in: "2026-12-24T25:00", fail: "not a time"},
	}
	for _, c := range cases {
		got, err := ParseExpiry(c.in, now)
		if c.fail != "" {
			if err == nil || !strings.Contains(err.Error(), c.fail) {
				t.Errorf("ParseExpiry(%q) = %+v, %v; want an error about %q", c.in, got, err, c.fail)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseExpiry(%q): %v", c.in, err)
			continue
		}
		if got.Duration != c.dur || !got.At.Equal(c.at) {
			t.Errorf("ParseExpiry(%q) = {%v %v}, want {%v %v}", c.in, got.Duration, got.At, c.dur, c.at)
		}
	}
}

func TestExpiryRoundTrip(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []time.Duration{time.Second, 90 * time.Second, 36 * time.Hour, MaxExpiry, 3*24*time.Hour + 4*time.Minute + 5*time.Second} {
		e, err := ParseExpiry(In(d).String(), now)
		if err != nil || e.Duration != d {
			t.Errorf("%v → %q → %v, %v", d, In(d).String(), e.Duration, err)
		}
	}
	at := now.Add(5 * time.Hour)
	if e, err := ParseExpiry(Until(at).String(), now); err != nil || !e.At.Equal(at) {
		t.Errorf("%v → %q → %v, %v", at, Until(at).String(), e.At, err)
	}
	if (Expiry{}).String() != "1h" {
		t.Errorf("zero Expiry prints %q", Expiry{}.String())
	}
}

func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"90s", "15m", "1h30m", "2d", "1w", "1d12h", "2026-12-24T18:00:00Z", "2026-12-24T18:00", "2026-12-24", "0s", "8d", "-1h", "9999999999w", "1h1h1h"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 20, 10, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExpiry(s, now)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseExpiry(%q): empty error", s)
			}
			return
		}
		if e.IsZero() {
			t.Fatalf("ParseExpiry(%q) accepted with no expiry", s)
		}
		var d time.Duration
		if e.At.IsZero() {
			d = e.Duration
		} else {
			d = e.At.Sub(now)
		}
		if d <= 0 || d > MaxExpiry {
			t.Fatalf("ParseExpiry(%q) = %+v: lifetime %v outside (0, 7d]", s, e, d)
		}
		if e.At.IsZero() {
			if back, err := ParseExpiry(e.String(), now); err != nil || back != e {
				t.Fatalf("ParseExpiry(%q) = %v, but its String %q reads back as %v, %v", s, e.Duration, e.String(), back, err)
			}
		}
	})
}

func TestFormatDuration(t *testing.T) {
	cases := map[time.Duration]string{
		0:                      "0s",
		500 * time.Millisecond: "0s",
		90 * time.Second:       "1m30s",
		36 * time.Hour:         "1d12h",
		-90 * time.Second:      "-1m30s",
		MaxExpiry:              "7d",
	}
	for d, want := range cases {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseSize(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		fail bool
	}{
		{in: "1024", want: 1024},
		{in: "10B", want: 10},
		{in: "10MiB", want: 10 << 20},
		{in: "10mib", want: 10 << 20},
		{in: "10M", want: 10 << 20},
		{in: "10MB", want: 10_000_000},
		{in: "5 GiB", want: 5 << 30},
		{in: "1KB", want: 1000},
		{in: "2TiB", want: 2 << 40},
		{in: "", fail: true},
		{in: "MB", fail: true},
		{in: "10XB", fail: true},
		{in: "-5", fail: true},
		{in: "1.5MB", fail: true},
		{in: "99999999999999999999", fail: true},
		{in: "9999999999TiB", fail: true},
	}
	for _, c := range cases {
		got, err := ParseSize(c.in)
		if c.fail != (err != nil) || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v", c.in, got, err)
		}
	}
}

// TestParseExpiryTooLongSaysHowLong: an end time past 7 days says how far
// away it is.
func TestParseExpiryTooLongSaysHowLong(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	_, err := ParseExpiry("2026-12-24T12:00:00Z", now)
	if err == nil || !strings.Contains(err.Error(), `"2026-12-24T12:00:00Z" (25d) is longer than 7 days`) {
		t.Fatalf("err = %v", err)
	}
}

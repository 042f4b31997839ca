package presign

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/lifetime"
	"github.com/s3share/s3share/internal/sanitize"
)

// MaxExpiry is the longest lifetime SigV4 allows a presigned link
// (X-Amz-Expires=604800).
const MaxExpiry = lifetime.Max

// DefaultExpiry is used when a request names no expiry.
const DefaultExpiry = time.Hour

// Expiry says how long a link lives: either a lifetime counted from the
// moment of signing (Duration) or an absolute end (At). The zero Expiry
// means DefaultExpiry.
type Expiry struct {
	Duration time.Duration // relative lifetime; used when At is zero
	At       time.Time     // absolute end; wins over Duration when set
}

// In returns an Expiry of lifetime d.
func In(d time.Duration) Expiry { return Expiry{Duration: d} }

// Until returns an Expiry that ends at t.
func Until(t time.Time) Expiry { return Expiry{At: t} }

// IsZero reports whether e names no expiry.
func (e Expiry) IsZero() bool { return e.Duration == 0 && e.At.IsZero() }

// String gives e in the form ParseExpiry reads back: "1d12h" or an RFC
// 3339 time.
func (e Expiry) String() string {
	switch {
	case !e.At.IsZero():
		return e.At.Format(time.RFC3339)
	case e.Duration == 0:
		return FormatDuration(DefaultExpiry)
	}
	return FormatDuration(e.Duration)
}

// lifetime is how many whole seconds a link signed at t (whole seconds,
// UTC) lives, checked against SigV4's limits.
func (e Expiry) lifetime(t time.Time) (time.Duration, error) {
	var d time.Duration
	switch {
	case !e.At.IsZero():
		d = e.At.Sub(t).Truncate(time.Second)
		if d <= 0 {
			return 0, fmt.Errorf("expiry %s is not in the future", e.At.Format(time.RFC3339))
		}
	case e.Duration == 0:
		d = DefaultExpiry
	default:
		d = e.Duration
		if d <= 0 {
			return 0, fmt.Errorf("expiry %s: must be longer than zero", e.Duration)
		}
		if d%time.Second != 0 {
			return 0, fmt.Errorf("expiry %s: SigV4 counts whole seconds", e.Duration)
		}
	}
	if d > MaxExpiry {
		return 0, lifetime.TooLong(e.String(), d)
	}
	return d, nil
}

// ParseExpiry reads an expiry as a user writes it:
//
//   - a lifetime of whole numbers with units s, m, h, d (24 h) and w (7 d),
//     alone or combined: 90s, 15m, 1h30m, 2d, 1w, 1d12h;
//   - an absolute time: RFC 3339 (2026-12-24T18:00:00Z, or with an offset),
//     2026-12-24T18:00[:05] in now's time zone (the local zone for the
//     command line), or a date 2026-12-24 meaning its midnight in that zone.
//
// The result must lie after now and no more than MaxExpiry (7 days, the
// SigV4 limit) beyond it.
func ParseExpiry(s string, now time.Time) (Expiry, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Expiry{}, errors.New("empty expiry: give a duration such as 1h or 2d, or a time such as 2026-12-24T18:00:00Z")
	}
	if looksLikeDate(in) {
		t, err := parseTime(in, now.Location())
		if err != nil {
			return Expiry{}, err
		}
		d := t.Sub(now)
		if d <= 0 {
			return Expiry{}, fmt.Errorf("expiry %q is not in the future (now is %s)", sanitize.Bounded(in), now.Format(time.RFC3339))
		}
		if d > MaxExpiry {
			return Expiry{}, lifetime.TooLong(fmt.Sprintf("%q", sanitize.Bounded(in)), d)
		}
		return Expiry{At: t}, nil
	}
	d, err := parseDuration(in)
	if err != nil {
		return Expiry{}, err
	}
	return Expiry{Duration: d}, nil
}

func looksLikeDate(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-' && isDigits(s[:4])
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func parseTime(s string, loc *time.Location) (time.Time, error) {
	norm := strings.ToUpper(s)
	if len(norm) > 10 && norm[10] == ' ' {
		norm = norm[:10] + "T" + norm[11:]
	}
	if t, err := time.Parse(time.RFC3339, norm); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, norm, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("expiry %q: not a time; write 2026-12-24T18:00:00Z, 2026-12-24T18:00 (local time) or 2026-12-24", sanitize.Bounded(s))
}

func parseDuration(in string) (time.Duration, error) { return lifetime.Parse(in) }

// FormatDuration writes d the way ParseExpiry reads it, largest units
// first: 1d12h, 90s → 1m30s. Sub-second parts are dropped.
func FormatDuration(d time.Duration) string { return lifetime.Format(d) }

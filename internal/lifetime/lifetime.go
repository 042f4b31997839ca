// Package lifetime reads and writes the lifetimes of presigned links:
// whole numbers with units s, m, h, d and w, alone or combined (90s,
// 1h30m, 2d), longer than zero and at most 7 days, SigV4's limit. The
// presign engine and the config file both use it, so one grammar holds
// everywhere a lifetime is typed.
package lifetime

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
)

// Max is the longest lifetime SigV4 allows a presigned link.
const Max = 7 * 24 * time.Hour

var units = map[byte]time.Duration{
	's': time.Second,
	'm': time.Minute,
	'h': time.Hour,
	'd': 24 * time.Hour,
	'w': 7 * 24 * time.Hour,
}

// TooLong is the error for a lifetime over Max: what names it as typed
// and asked is how long that is (0 when too long to say), shown when the
// typed text does not say it already ("2026-12-24", "200h").
func TooLong(what string, asked time.Duration) error {
	if asked > 0 {
		if f := Format(asked); !strings.EqualFold(strings.Trim(what, `"`), f) {
			what += " (" + f + ")"
		}
	}
	return fmt.Errorf("expiry %s is longer than 7 days: a SigV4 presigned link lives at most 7 days (604800 seconds)", what)
}

// Parse reads a lifetime such as 90s, 15m, 1h30m, 2d or 1w (any case,
// surrounding space ignored).
func Parse(in string) (time.Duration, error) { return parse(in, Max) }

// ParseLong reads a lifetime as Parse does, without the 7-day limit of
// presigned links (at most 100 years): the share gateway's links live as
// long as it allows.
func ParseLong(in string) (time.Duration, error) { return parse(in, 100*365*24*time.Hour) }

func parse(in string, max time.Duration) (time.Duration, error) {
	s := strings.ToLower(strings.TrimSpace(in))
	if s == "" {
		return 0, fmt.Errorf("expiry %q: write a lifetime such as 15m, 1h or 2d", sanitize.Bounded(in))
	}
	if s[0] == '-' {
		return 0, fmt.Errorf("expiry %q: must be longer than zero", sanitize.Bounded(in))
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("expiry %q: not a duration; write e.g. 90s, 15m, 1h30m, 2d or 1w", sanitize.Bounded(in))
		}
		if i == len(s) {
			return 0, fmt.Errorf("expiry %q: number without a unit; add s, m, h, d or w (e.g. %ss)", sanitize.Bounded(in), s[:i])
		}
		unit, ok := units[s[i]]
		if !ok {
			return 0, fmt.Errorf("expiry %q: unknown unit %q; use s, m, h, d or w", sanitize.Bounded(in), s[i:i+1])
		}
		// Anything longer than 7 days fails below, so big numbers can stop
		// before they overflow.
		var n time.Duration
		for _, c := range s[:i] {
			if n = n*10 + time.Duration(c-'0'); n > 1e7 && max == Max {
				return 0, TooLong(fmt.Sprintf("%q", sanitize.Bounded(in)), 0)
			}
		}
		// Far past 7 days: too long to be worth saying how long (and
		// no sum can overflow).
		if n > (1<<60)/unit || total > 1<<60 {
			return 0, TooLong(fmt.Sprintf("%q", sanitize.Bounded(in)), 0)
		}
		total += n * unit
		s = s[i+1:]
	}
	if total > max {
		if max != Max {
			return 0, fmt.Errorf("expiry %q is longer than 100 years", sanitize.Bounded(in))
		}
		return 0, TooLong(fmt.Sprintf("%q", sanitize.Bounded(in)), total)
	}
	if total <= 0 {
		return 0, fmt.Errorf("expiry %q: must be longer than zero", sanitize.Bounded(in))
	}
	return total, nil
}

// Format writes d the way Parse reads it, largest units first: 1d12h,
// 90s → 1m30s. Sub-second parts are dropped.
func Format(d time.Duration) string {
	if d < time.Second {
		if d <= -time.Second {
			return "-" + Format(-d)
		}
		return "0s"
	}
	var b []byte
	for _, u := range []struct {
		c byte
		d time.Duration
	}{{'d', 24 * time.Hour}, {'h', time.Hour}, {'m', time.Minute}, {'s', time.Second}} {
		if n := d / u.d; n > 0 {
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, u.c)
			d -= n * u.d
		}
	}
	return string(b)
}

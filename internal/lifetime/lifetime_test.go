package lifetime

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90s": 90 * time.Second, "15m": 15 * time.Minute, "1h30m": 90 * time.Minute, "2d": 48 * time.Hour,
		"1w": Max, " 15M ": 15 * time.Minute, "1d12h": 36 * time.Hour, "6d23h59m60s": Max,
	} {
		if d, err := Parse(in); err != nil || d != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, d, err, want)
		}
	}
	for in, msg := range map[string]string{
		"": "write a lifetime", "0s": "longer than zero", "-1h": "longer than zero", "8d": "at most 7 days",
		"1w1s": "at most 7 days", "h": "not a duration", "10": "without a unit", "5y": "unknown unit",
		"99999999999999999999s": "at most 7 days",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Parse(%q) error = %v, want %q", in, err, msg)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 90 * time.Second, time.Hour, 36 * time.Hour, Max, Max - time.Second} {
		s := Format(d)
		if back, err := Parse(s); err != nil || back != d {
			t.Errorf("Parse(Format(%v)=%q) = %v, %v", d, s, back, err)
		}
	}
	if Format(500*time.Millisecond) != "0s" || Format(-2*time.Minute) != "-2m" {
		t.Errorf("Format of short or negative durations: %q %q", Format(500*time.Millisecond), Format(-2*time.Minute))
	}
}

// TestTooLongSaysHowLong: a refused lifetime says how long it asked for.
func TestTooLongSaysHowLong(t *testing.T) {
	for in, want := range map[string]string{
		"8d":    `expiry "8d" is longer than 7 days`,
		"200h":  `expiry "200h" (8d8h) is longer than 7 days`,
		"1w1s":  `expiry "1w1s" (7d1s) is longer than 7 days`,
		"9999w": `expiry "9999w" is longer than 7 days`,
	} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
}

package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Prefs are the user interface preferences of s3share's config file
// ([ui] and [keys]) and the environment (NO_COLOR). Zero values mean
// "not set": the UI uses its own defaults.
type Prefs struct {
	// DefaultExpiry is the lifetime of a new link; 0 when not set.
	DefaultExpiry time.Duration
	// ExpiryPresets are the lifetimes offered for new links, in the order written.
	ExpiryPresets []time.Duration
	// DefaultDisposition is "inline", "attachment" or "" (not set).
	DefaultDisposition string
	// Theme names the colour theme; the UI checks the name.
	Theme string
	// Clipboard says how links reach the clipboard; ClipboardAuto when not set.
	Clipboard ClipboardMode
	// Keys overrides key bindings: action name → keys, as written in
	// [keys]. The keymap package checks action names and keys.
	Keys map[string][]string
	// NoColor is true when NO_COLOR is set to a non-empty value.
	NoColor bool
}

// ClipboardMode says how links are copied.
type ClipboardMode string

// Clipboard modes.
const (
	ClipboardAuto   ClipboardMode = "auto"   // native clipboard, else OSC 52 over SSH
	ClipboardNative ClipboardMode = "native" // the system clipboard only
	ClipboardOSC52  ClipboardMode = "osc52"  // the terminal's OSC 52 escape only
	ClipboardOff    ClipboardMode = "off"    // never copy
)

// ParseClipboardMode accepts auto, native, osc52 or off.
func ParseClipboardMode(s string) (ClipboardMode, error) {
	switch m := ClipboardMode(strings.ToLower(strings.TrimSpace(s))); m {
	case ClipboardAuto, ClipboardNative, ClipboardOSC52, ClipboardOff:
		return m, nil
	}
	return "", fmt.Errorf("clipboard %q: want auto, native, osc52 or off", s)
}

// maxExpiry is the longest lifetime of a SigV4 presigned link.
const maxExpiry = 7 * 24 * time.Hour

var expiryUnits = map[byte]time.Duration{
	's': time.Second,
	'm': time.Minute,
	'h': time.Hour,
	'd': 24 * time.Hour,
	'w': 7 * 24 * time.Hour,
}

// ParseExpiry reads a link lifetime as the presign command does: whole
// numbers with units s, m, h, d and w, alone or combined (90s, 1h30m, 2d),
// longer than zero and at most 7 days.
func ParseExpiry(in string) (time.Duration, error) {
	s := strings.ToLower(strings.TrimSpace(in))
	if s == "" {
		return 0, fmt.Errorf("expiry %q: write a lifetime such as 15m, 1h or 2d", in)
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("expiry %q: not a lifetime; write e.g. 90s, 15m, 1h30m, 2d or 1w", in)
		}
		if i == len(s) {
			return 0, fmt.Errorf("expiry %q: number without a unit; add s, m, h, d or w", in)
		}
		unit, ok := expiryUnits[s[i]]
		if !ok {
			return 0, fmt.Errorf("expiry %q: unknown unit %q; use s, m, h, d or w", in, s[i:i+1])
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n > 1e7 {
			return 0, fmt.Errorf("expiry %q is longer than 7 days, the most a presigned link can live", in)
		}
		total += time.Duration(n) * unit
		if total > maxExpiry {
			return 0, fmt.Errorf("expiry %q is longer than 7 days, the most a presigned link can live", in)
		}
		s = s[i+1:]
	}
	if total <= 0 {
		return 0, fmt.Errorf("expiry %q: must be longer than zero", in)
	}
	return total, nil
}

// formatExpiry writes d as ParseExpiry reads it: 1d12h, 15m.
func formatExpiry(d time.Duration) string {
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.unit
		}
	}
	if b.Len() == 0 {
		return "0s"
	}
	return b.String()
}

// LoadPrefs reads only the UI preferences of s3share's config file, for
// commands (the demo) that connect elsewhere and must not resolve
// credentials or run a credential_process.
func LoadPrefs(f Flags, env Env) (Prefs, error) {
	t, err := loadTOML(newPaths(env), f, env)
	if err != nil {
		return Prefs{}, err
	}
	p := t.prefs()
	if env("NO_COLOR") != "" {
		p.NoColor = true
	}
	return p, nil
}

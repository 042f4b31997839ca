package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/lifetime"
	"github.com/s3share/s3share/internal/sanitize"
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
	// CacheMB is the memory budget, in MiB, of the listings the browser
	// keeps for going back ([ui] cache_mb); CacheSet says it was set (0
	// is a valid budget: keep none but the current listing).
	CacheMB  int
	CacheSet bool
	// Notify says how an awaited upload is announced; "" is NotifyOff.
	Notify NotifyMode
	// Rules give the links of a batch or a recursive share their expiry
	// and disposition by key ([[ui.rules]]), the first that matches.
	Rules []Rule
	// NoColor is true when NO_COLOR is set to a non-empty value.
	NoColor bool
	// Hyperlinks says whether links are drawn as terminal hyperlinks:
	// "auto" (or ""), "on" or "off"; the UI checks the name.
	Hyperlinks string
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
	return "", fmt.Errorf("clipboard %q: want auto, native, osc52 or off", sanitize.Bounded(s))
}

// ParseExpiry reads a link lifetime as the presign command does: whole
// numbers with units s, m, h, d and w, alone or combined (90s, 1h30m, 2d),
// longer than zero and at most 7 days.
func ParseExpiry(in string) (time.Duration, error) { return lifetime.Parse(in) }

// formatExpiry writes d as ParseExpiry reads it: 1d12h, 15m.
func formatExpiry(d time.Duration) string { return lifetime.Format(d) }

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

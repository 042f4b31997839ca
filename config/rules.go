package config

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
)

// Rule is one [[ui.rules]] table: the expiry and disposition the links
// of a batch or a recursive share get for the keys Match names.
type Rule struct {
	// Match is a glob of the key's base name ("*.jpg"), or of the whole
	// key when it holds a '/' ("photos/*.jpg"); {a,b} picks one of its
	// comma-separated choices ("*.{jpg,png}").
	Match       string
	Expiry      time.Duration // 0: the share's own
	Disposition string        // "inline", "attachment", or "" for the share's own
}

// Matches reports whether key is one the rule names.
func (r Rule) Matches(key string) bool {
	name := key
	if !strings.Contains(r.Match, "/") {
		name = path.Base(key)
	}
	for _, p := range expandBraces(r.Match) {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// MatchRule is the first of rules that matches key.
func MatchRule(rules []Rule, key string) (Rule, bool) {
	for _, r := range rules {
		if r.Matches(key) {
			return r, true
		}
	}
	return Rule{}, false
}

// String is the rule as the UI shows it: "*.{jpg,png} → 1d, inline".
func (r Rule) String() string {
	var parts []string
	if r.Expiry > 0 {
		parts = append(parts, formatExpiry(r.Expiry))
	}
	if r.Disposition != "" {
		parts = append(parts, r.Disposition)
	}
	return r.Match + " → " + strings.Join(parts, ", ")
}

// expandBraces expands each {a,b,…} of a pattern into its choices.
func expandBraces(p string) []string {
	i := strings.IndexByte(p, '{')
	if i < 0 {
		return []string{p}
	}
	j := strings.IndexByte(p[i:], '}')
	if j < 0 {
		return []string{p}
	}
	var out []string
	for _, alt := range strings.Split(p[i+1:i+j], ",") {
		out = append(out, expandBraces(p[:i]+alt+p[i+j+1:])...)
	}
	return out
}

// checkPattern refuses a match pattern that path.Match cannot read.
func checkPattern(p string) error {
	if strings.TrimSpace(p) == "" {
		return fmt.Errorf("match: give a pattern such as \"*.{jpg,png}\"")
	}
	if strings.Count(p, "{") != strings.Count(p, "}") {
		return fmt.Errorf("match %q: unbalanced braces", sanitize.Bounded(p))
	}
	for _, e := range expandBraces(p) {
		if _, err := path.Match(e, ""); err != nil {
			return fmt.Errorf("match %q: %v", sanitize.Bounded(p), err)
		}
	}
	return nil
}

type tomlPattern string

func (m *tomlPattern) UnmarshalText(b []byte) error {
	if err := checkPattern(string(b)); err != nil {
		return err
	}
	*m = tomlPattern(b)
	return nil
}

// fileRule is one [[ui.rules]] table.
type fileRule struct {
	Match       tomlPattern     `toml:"match"`
	Expiry      tomlExpiry      `toml:"expiry"`
	Disposition tomlDisposition `toml:"disposition"`
}

// NotifyMode says how the UI tells that an awaited upload arrived.
type NotifyMode string

// Notify modes.
const (
	NotifyOff    NotifyMode = "off"    // say it on screen only (the default)
	NotifyBell   NotifyMode = "bell"   // ring the terminal's bell
	NotifyOSC9   NotifyMode = "osc9"   // a desktop notification (iTerm2, WezTerm, kitty, foot, Windows Terminal)
	NotifyOSC777 NotifyMode = "osc777" // a desktop notification (urxvt, VTE terminals such as GNOME Terminal)
)

type tomlNotify NotifyMode

func (n *tomlNotify) UnmarshalText(b []byte) error {
	switch m := NotifyMode(strings.ToLower(strings.TrimSpace(string(b)))); m {
	case NotifyOff, NotifyBell, NotifyOSC9, NotifyOSC777:
		*n = tomlNotify(m)
		return nil
	}
	return fmt.Errorf("notify %q: want off, bell, osc9 or osc777", sanitize.Bounded(b))
}

// rules turns [[ui.rules]] into Rules; a rule that sets nothing is an
// error naming it.
func (t *tomlFile) rules() ([]Rule, error) {
	var out []Rule
	for i, r := range t.cfg.UI.Rules {
		if r.Match == "" {
			return nil, fmt.Errorf("%s: [[ui.rules]] #%d has no match", at(t.shown, t.keyLine("ui", "rules")), i+1)
		}
		if r.Expiry == 0 && r.Disposition == "" {
			return nil, fmt.Errorf("%s: [[ui.rules]] match = %q sets neither expiry nor disposition", at(t.shown, t.keyLine("ui", "rules")), sanitize.Bounded(string(r.Match)))
		}
		out = append(out, Rule{Match: string(r.Match), Expiry: time.Duration(r.Expiry), Disposition: string(r.Disposition)})
	}
	return out, nil
}

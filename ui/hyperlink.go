package ui

import (
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// HyperlinkModes are the values [ui] hyperlinks may have; "" is auto.
var HyperlinkModes = []string{"auto", "on", "off"}

// hyperlinksOn decides whether links are drawn as OSC 8 hyperlinks
// (clickable, and whole however they are wrapped): "on" and "off" in
// [ui] hyperlinks decide; "auto" turns them on in terminals known to
// support them, and off inside tmux and screen, which pass them on only
// when set up to (then say "on"), and wherever env tells nothing.
func hyperlinksOn(pref string, env func(string) string) bool {
	switch strings.ToLower(pref) {
	case "on":
		return true
	case "off":
		return false
	}
	if env == nil {
		return false
	}
	term := env("TERM")
	if env("TMUX") != "" || env("STY") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") || term == "dumb" {
		return false
	}
	switch env("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby", "rio":
		return true
	}
	for _, t := range []string{"kitty", "foot", "alacritty", "wezterm", "ghostty", "contour"} {
		if strings.Contains(term, t) {
			return true
		}
	}
	if env("WT_SESSION") != "" || env("KONSOLE_VERSION") != "" || env("DOMTERM") != "" {
		return true
	}
	v, _ := strconv.Atoi(env("VTE_VERSION")) // GNOME Terminal and other VTE terminals
	return v >= 5000
}

// hyperlink draws text (one line of url, or all of it) as a link to url
// when the session draws hyperlinks. Every line of one URL carries the
// same id, so a terminal treats them as one link. A URL that holds
// anything the sanitiser would escape stays plain text.
func (s *session) hyperlink(url, text string) string {
	if !s.hyperlinks || safe(url) != url || strings.ContainsAny(url, "\x1b\x07") {
		return text
	}
	h := fnv.New64a()
	h.Write([]byte(url))
	return ansi.SetHyperlink(url, "id=s3share-"+strconv.FormatUint(h.Sum64(), 36)) + text + ansi.ResetHyperlink()
}

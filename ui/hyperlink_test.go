package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/config"
)

func TestHyperlinksOn(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for i, c := range []struct {
		pref string
		env  func(string) string
		want bool
	}{
		{"", nil, false},
		{"", env(), false},
		{"", env("TERM", "xterm-kitty"), true},
		{"auto", env("TERM_PROGRAM", "WezTerm", "TERM", "xterm-256color"), true},
		{"", env("VTE_VERSION", "7600", "TERM", "xterm-256color"), true},
		{"", env("VTE_VERSION", "4000", "TERM", "xterm-256color"), false},
		{"", env("WT_SESSION", "x"), true},
		{"", env("TERM", "xterm-kitty", "TMUX", "/tmp/tmux-0/default,1,0"), false}, // tmux passes them only when set up to
		{"", env("TERM", "screen-256color", "TERM_PROGRAM", "iTerm.app"), false},
		{"on", env("TMUX", "x"), true},
		{"off", env("TERM", "xterm-kitty"), false},
		{"", env("TERM", "xterm-256color"), false},
	} {
		if got := hyperlinksOn(c.pref, c.env); got != c.want {
			t.Errorf("case %d, pref %q: %v, want %v", i, c.pref, got, c.want)
		}
	}
}

// With hyperlinks on, every line of a wrapped link is an OSC 8 link to
// the whole URL, with one id; the text shown is the same as without.
func TestResultLinkIsAHyperlink(t *testing.T) {
	plain, _ := offlineShare(t, 80, 24, config.Prefs{}, photo)
	plain = press(t, plain, "enter")
	linked, _ := offlineShare(t, 80, 24, config.Prefs{Hyperlinks: "on"}, photo)
	linked = press(t, linked, "enter")
	url := sharePanelOf(t, linked).results[0].URL
	v := linked.View()
	n := strings.Count(v, ";"+url+"\a")
	if n < 2 || !strings.Contains(v, "\x1b]8;id=s3share-") {
		t.Fatalf("the wrapped link is not a hyperlink on each of its lines (%d):\n%q", n, v)
	}
	if ansi.Strip(v) != ansi.Strip(plain.View()) {
		t.Errorf("hyperlinks change the text:\n%s\nvs\n%s", ansi.Strip(v), ansi.Strip(plain.View()))
	}
	checkFits(t, v, 80, 24)
}

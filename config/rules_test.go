package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRules(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	load := func(body string) (Prefs, error) {
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return LoadPrefs(Flags{ConfigFile: file}, func(string) string { return "" })
	}
	p, err := load(`[ui]
notify = "osc9"
[[ui.rules]]
match = "*.{jpg,png}"
expiry = "1d"
disposition = "inline"
[[ui.rules]]
match = "docs/*.pdf"
expiry = "7d"
`)
	if err != nil {
		t.Fatal(err)
	}
	if p.Notify != NotifyOSC9 || len(p.Rules) != 2 || p.Rules[0].Expiry != 24*time.Hour || p.Rules[0].Disposition != "inline" {
		t.Fatalf("prefs %+v", p)
	}
	for key, want := range map[string]string{
		"a/b/cat.jpg": "*.{jpg,png}", "x.png": "*.{jpg,png}", "docs/r.pdf": "docs/*.pdf",
		"other/r.pdf": "", "cat.jpeg": "", "docs/sub/r.pdf": "",
	} {
		r, ok := MatchRule(p.Rules, key)
		if ok != (want != "") || r.Match != want {
			t.Errorf("%s matches %q (%v), want %q", key, r.Match, ok, want)
		}
	}
	if s := p.Rules[0].String(); s != "*.{jpg,png} → 1d, inline" {
		t.Errorf("String = %q", s)
	}
	for body, want := range map[string]string{
		"[[ui.rules]]\nmatch = \"*.jpg\"\n":                   "sets neither",
		"[[ui.rules]]\nmatch = \"[a\"\nexpiry = \"1d\"\n":     "syntax error",
		"[[ui.rules]]\nmatch = \"*.jpg\"\nexpiry = \"9d\"\n":  "7 days",
		"[[ui.rules]]\nexpiry = \"1d\"\n":                     "no match",
		"[ui]\nnotify = \"loud\"\n":                           "want off, bell",
		"[[ui.rules]]\nmatch = \"*.jpg\"\ncolour = \"red\"\n": "unknown setting",
	} {
		if _, err := load(body); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}

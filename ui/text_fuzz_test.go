package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// FuzzFitCut checks the sanitiser and the two truncations together, as
// every view uses them: whatever a store sends, the cell is exactly w
// wide and holds nothing that could drive the terminal.
func FuzzFitCut(f *testing.F) {
	for _, s := range []string{
		"", "plain.txt", "clear\x1b[2Jscreen", "\x1b]0;t\x07", "\x1b]52;c;ZXZpbA==\x07", "a\rb\nc", "del\x7f",
		"c1\u009bx", "bad\xffbyte", "evil\u202etxt.exe", "zero\u200bwidth", strings.Repeat("k", 1024),
		"漢字漢字漢字漢字.txt", "😀😀😀😀.png", "e\u0301\u0301\u0301", "\u200d👩\u200d👩\u200d👧", "\t\t", "🇯🇵🇯🇵",
		"\u0600", "x\u0d4e", "🏴\U000e0067\U000e0062\U000e007f", // prepended marks and tags join what follows
	} {
		for _, w := range []int{0, 1, 2, 3, 7, 40, 200} {
			f.Add(s, w)
		}
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		w %= 400
		if w < 0 {
			w = -w
		}
		clean := safe(s)
		if bad := rawControl(clean); bad != "" {
			t.Fatalf("safe(%q) = %q holds %s", s, clean, bad)
		}
		for name, fn := range map[string]func(string, int) string{"fit": fit, "cut": cut} {
			out := fn(clean, w)
			if got := ansi.StringWidth(out); got != w {
				t.Fatalf("%s(safe(%q), %d) = %q is %d cells wide", name, s, w, out, got)
			}
			if bad := rawControl(out); bad != "" {
				t.Fatalf("%s(safe(%q), %d) = %q holds %s", name, s, w, out, bad)
			}
			if strings.Contains(out, "\n") {
				t.Fatalf("%s(safe(%q), %d) = %q holds a newline", name, s, w, out)
			}
		}
	})
}

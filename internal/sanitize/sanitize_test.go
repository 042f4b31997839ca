package sanitize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain/key.txt", "plain/key.txt"},
		{"clear\x1b[2Jscreen", `clear\x1b[2Jscreen`},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"a\rb\nc\td", `a\x0db\x0ac\x09d`},
		{"del\x7f", `del\x7f`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"c1\u009bx", `c1\u009bx`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"日本語/😀.txt", "日本語/😀.txt"},
		{"unicodé", "unicodé"},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"a", "\x1b[31m", "\xff\xfe", "日本\u202e", "\x9b2J"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || unsafeRune(r) {
				t.Fatalf("Text(%q) = %q keeps raw %U", s, out, r)
			}
		}
	})
}

// TestJSON: encoded JSON keeps its meaning and loses every byte a
// terminal acts on.
func TestJSON(t *testing.T) {
	in := map[string]string{"key": "a\x7fb\u009bc\u202ed\u200be\U000E0041f日本g\x1b[2J", "plain": "x"}
	enc, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := JSON(enc)
	for _, bad := range []string{"\x7f", "\u009b", "\u202e", "\u200b", "\U000E0041", "\x1b"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("%q left raw in %s", bad, out)
		}
	}
	if !bytes.Contains(out, []byte("日本")) {
		t.Errorf("printable text escaped: %s", out)
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["key"] != in["key"] || back["plain"] != "x" {
		t.Fatalf("round trip: %q %v", back, err)
	}
	if plain := []byte(`{"a":"b"}`); &JSON(plain)[0] != &plain[0] {
		t.Error("plain ASCII was copied")
	}
}

func TestBounded(t *testing.T) {
	if got := fmt.Sprintf("%q", Bounded("1h")); got != `"1h"` {
		t.Errorf("short value: %s", got)
	}
	big := strings.Repeat("é", 1<<20)
	got := fmt.Sprintf("expiry %q: bad", Bounded(big))
	if len(got) > 120 || !strings.HasSuffix(got, `…" (2097152 bytes): bad`) && !strings.Contains(got, `" … (2097152 bytes)`) && !strings.Contains(got, "… (2097152 bytes): bad") {
		t.Errorf("big value: %s", got)
	}
	if !utf8.ValidString(got) {
		t.Errorf("cut inside a rune: %q", got)
	}
}

// Package sanitize turns untrusted text (object keys, metadata, error
// bodies from a store) into text that is safe to show in a terminal.
package sanitize

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with every byte or rune that could drive or confuse a
// terminal replaced by a visible escape: C0 controls, DEL and C1 controls
// as \x1b style escapes, invalid UTF-8 bytes as \xff, and bidirectional
// overrides and zero-width characters as \u202e style escapes. Printable
// text, including wide CJK and emoji, is kept. Backslashes are kept as
// they are, so the result is for display, not for parsing back.
func Text(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case unsafeRune(r):
			h := strconv.FormatInt(int64(r), 16)
			if len(h) > 4 {
				b.WriteString(`\U` + strings.Repeat("0", 8-len(h)) + h)
			} else {
				b.WriteString(`\u` + strings.Repeat("0", 4-len(h)) + h)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean is the fast path: plain printable ASCII needs no work.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// unsafeRune reports runes that are valid UTF-8 but must not reach the
// terminal raw: C1 controls, bidi embeddings/overrides/isolates, zero-width
// and other invisible formatting characters, line/paragraph separators.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x2069:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0x00ad || r == 0x061c:
		return true
	case r >= 0xfff9 && r <= 0xfffb:
		return true
	case unicode.Is(unicode.Cf, r):
		// Other invisible format characters: tags, the Arabic number
		// signs, the Mongolian vowel separator, …
		return true
	case prepend(r):
		return true
	}
	return false
}

// prepend reports the letters that join the character after them into one
// grapheme (Grapheme_Cluster_Break=Prepend but not Cf): at the end of a
// name they would swallow the padding after it, and the width the layout
// counts would not be the width the terminal draws.
func prepend(r rune) bool {
	switch {
	case r == 0x0d4e, r == 0x111c2, r == 0x111c3, r == 0x1193f, r == 0x11941, r == 0x11a3a,
		r >= 0x11a84 && r <= 0x11a89, r == 0x11d46, r == 0x11f02:
		return true
	}
	return false
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}

// JSON rewrites encoded JSON so that it holds no byte a terminal acts on:
// DEL and every rune Text escapes (C1 controls, bidi and invisible
// formatting characters) become \u escapes, which decode to the same
// string. encoding/json already escapes C0 controls and invalid UTF-8
// (as U+FFFD). Output of encoding/json goes through it before it is
// printed or written.
func JSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < 0x7f {
		i++
	}
	if i == len(b) {
		return b // plain ASCII: the common case costs one scan
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == 0x7f || (r != utf8.RuneError || size > 1) && r >= 0x80 && unsafeRune(r):
			out = appendU(out, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// appendU appends r as a JSON \u escape (a surrogate pair above U+FFFF).
func appendU(b []byte, r rune) []byte {
	const hexDigits = "0123456789abcdef"
	u := func(v rune) {
		b = append(b, '\\', 'u', hexDigits[v>>12&15], hexDigits[v>>8&15], hexDigits[v>>4&15], hexDigits[v&15])
	}
	if r > 0xffff {
		r -= 0x10000
		u(0xd800 + r>>10)
		u(0xdc00 + r&0x3ff)
		return b
	}
	u(r)
	return b
}

// MaxQuoted is how many bytes of a value an error message quotes.
const MaxQuoted = 64

// Bounded is a value as error messages quote it: with %q (or %s, %v) it
// shows at most MaxQuoted bytes of the value, cut at a rune, and then
// "…" and the value's length, so that a 50 MB value makes a short
// message.
type Bounded string

// Format writes the bounded value.
func (b Bounded) Format(f fmt.State, verb rune) {
	s := string(b)
	cut := len(s) > MaxQuoted
	if cut {
		n := MaxQuoted
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	io.WriteString(f, s)
	if cut {
		fmt.Fprintf(f, "… (%d bytes)", len(b))
	}
}

package presign

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/s3share/s3share/internal/sanitize"
)

// Content-Disposition types.
const (
	Attachment = "attachment"
	Inline     = "inline"
)

// maxFilenameBytes caps the UTF-8 file name: most file systems refuse
// longer names, and browsers cut them anyway.
const maxFilenameBytes = 255

// ContentDisposition builds a Content-Disposition value per RFC 6266:
// kind ("attachment" or "inline"), then a quoted ASCII filename="…"
// fallback, then an RFC 5987 filename* parameter (UTF-8, percent-encoded)
// when the name is not plain ASCII. The name goes through SafeFilename first, so no input can add a
// parameter, split the header or carry a directory. An empty (or wholly
// unsafe) name gives the bare kind.
func ContentDisposition(kind, filename string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(kind))
	if k != Attachment && k != Inline {
		return "", fmt.Errorf("disposition %q: want attachment or inline", sanitize.Bounded(kind))
	}
	name := SafeFilename(filename)
	if name == "" {
		return k, nil
	}
	var b strings.Builder
	b.Grow(len(k) + 2*len(name) + 32)
	b.WriteString(k)
	b.WriteString(`; filename="`)
	ascii := true
	pending := false // a run of non-ASCII runes became one '_'
	for _, r := range name {
		switch {
		case r >= 0x80:
			ascii = false
			if base, ok := asciiBase(r); ok {
				b.WriteByte(base) // é → e, so "Été.txt" falls back to "Ete.txt"
				pending = false
				continue
			}
			if !pending {
				b.WriteByte('_')
			}
			pending = true
			continue
		case r == '"' || r == '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		pending = false
	}
	b.WriteByte('"')
	if !ascii {
		b.WriteString("; filename*=UTF-8''")
		for i := 0; i < len(name); i++ {
			c := name[i]
			if attrChar(c) {
				b.WriteByte(c)
			} else {
				b.WriteByte('%')
				b.WriteByte(upperHex[c>>4])
				b.WriteByte(upperHex[c&15])
			}
		}
	}
	return b.String(), nil
}

// asciiBase returns the ASCII letter a Latin letter with diacritics is
// built on (é, Å, ñ), from its canonical decomposition.
func asciiBase(r rune) (byte, bool) {
	d := norm.NFD.String(string(r))
	if len(d) > 1 && (d[0] >= 'a' && d[0] <= 'z' || d[0] >= 'A' && d[0] <= 'Z') {
		return d[0], true
	}
	return 0, false
}

// attrChar reports RFC 5987's attr-char: the bytes that may stand
// unencoded in an ext-value.
func attrChar(c byte) bool {
	if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// SafeFilename turns a key or a user-given name into a file name that is
// safe to hand to a browser or curl: the last '/'-separated component,
// with each '\\' made '_' (a backslash is a character of the name, not a
// separator, but some clients would take it for one), control characters,
// invisible formatting characters and invalid UTF-8 removed, surrounding
// spaces and trailing dots trimmed, "." and ".." rejected, and cut to 255
// bytes keeping a short extension. It returns "" when nothing usable is
// left.
func SafeFilename(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\\", "_")
	parts := strings.Split(s, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if name := cleanComponent(parts[i]); name != "" {
			return truncateName(name)
		}
	}
	return ""
}

func cleanComponent(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || invisible(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimRightFunc(strings.TrimSpace(s), func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
	return strings.TrimSpace(s)
}

// invisible reports characters that can disguise a file name: every
// invisible format character (bidirectional embeddings, overrides and
// isolates, zero-width spaces, word joiners, the BOM, tags…) and the
// line and paragraph separators. The zero-width joiner and non-joiner
// stay: emoji sequences and several scripts need them.
func invisible(r rune) bool {
	switch r {
	case 0x200c, 0x200d:
		return false
	case 0x2028, 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// truncateName cuts name to maxFilenameBytes on a rune boundary, keeping
// an extension of up to 16 bytes.
func truncateName(name string) string {
	if len(name) <= maxFilenameBytes {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
		ext = name[i:]
	}
	base := name[:maxFilenameBytes-len(ext)]
	for !utf8.ValidString(base) {
		base = base[:len(base)-1]
	}
	return strings.TrimSpace(base) + ext
}

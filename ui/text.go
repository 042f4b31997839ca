package ui

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/s3share/s3share/internal/sanitize"
)

// safe renders untrusted text (keys, metadata, error bodies) for display.
func safe(s string) string { return sanitize.Text(s) }

// typeable drops the runes of typed or pasted text that safe would
// escape (controls, invalid UTF-8, bidi overrides, zero-width and other
// invisible characters), so a text field never holds them.
func typeable(rs []rune) []rune {
	out := rs[:0:0]
	for _, r := range rs {
		if s := string(r); r != utf8.RuneError && safe(s) == s {
			out = append(out, r)
		}
	}
	return out
}

// fit makes plain text exactly w cells wide: cut in the middle with "…"
// when it is too long (so a file name's end stays visible), padded with
// spaces when short. The text must already be sanitised.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s + strings.Repeat(" ", w-sw)
	}
	if w == 1 {
		return "…"
	}
	head := (w - 1) / 2
	tail := w - 1 - head
	out := ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
	// Wide characters can leave a cell over or under; trim, then pad to w.
	out = ansi.Truncate(out, w, "")
	if ow := ansi.StringWidth(out); ow < w {
		out += strings.Repeat(" ", w-ow)
	}
	return out
}

// cut cuts text (which may hold the renderer's own styling) at the end
// with "…" when it is wider than w cells, and pads it to w otherwise.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		// A wide character that does not fit leaves the line a cell short.
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(0, w-sw))
}

// fitRight right-aligns plain text in w cells.
func fitRight(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw >= w {
		return ansi.Truncate(s, w, "")
	}
	return strings.Repeat(" ", w-sw) + s
}

// humanSize formats a byte count the way people read it (1.2 MB).
func humanSize(n int64) string {
	if n < 0 {
		return "?"
	}
	return humanize.Bytes(uint64(n))
}

// groupThousands writes 12000 as "12 000".
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// plural returns "1 object" or "3 objects".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return groupThousands(n) + " " + many
}

// oneLine folds text onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// rect is an area of the pane, in cells.
type rect struct{ x, y, w, h int }

// modalFrame is the bordered, titled box a panel opens in, centred over
// the browser, which stays in view around it, dimmed. It is the one place
// that knows where a panel sits and how its frame is drawn: the root asks
// it for the panel's size (inner), for where the mouse lands (inner's
// offset) and for the frame (render).
type modalFrame struct {
	w, h int // the pane area the box is centred in
}

// box is where the frame sits: a margin of the browser on every side
// that has room for one. Left and right always keep a column (a twentieth
// of the width from 60 columns up); top and bottom keep a line from 12
// lines of pane up, and more on tall terminals.
func (f modalFrame) box() rect {
	mx := 1
	if f.w >= 60 {
		mx = f.w / 20
	}
	bw := f.w - 2*mx
	my := 0
	switch {
	case f.h >= 30:
		my = f.h / 12
	case f.h >= 12:
		my = 1
	}
	return rect{x: mx, y: my, w: max(0, bw), h: max(0, f.h-2*my)}
}

// inner is the panel's own area inside the frame, in pane coordinates.
func (f modalFrame) inner() rect {
	b := f.box()
	return rect{x: b.x + 1, y: b.y + 1, w: max(0, b.w-2), h: max(0, b.h-2)}
}

// render draws body (the panel's view, inner-sized) in the titled frame
// over bg (the browser's view), whose text shows dimmed and without its
// own colours around the box.
func (f modalFrame) render(st *Styles, bg, title, body string) string {
	b := f.box()
	bgLines := strings.Split(bg, "\n")
	inner := strings.Split(body, "\n")
	iw := max(0, b.w-2)
	right := max(0, f.w-b.x-b.w)
	var s strings.Builder
	for y := 0; y < f.h; y++ {
		if y > 0 {
			s.WriteByte('\n')
		}
		line := ""
		if y < len(bgLines) {
			line = ansi.Strip(bgLines[y])
		}
		if y < b.y || y >= b.y+b.h {
			s.WriteString(st.Dim.Render(cut(line, f.w)))
			continue
		}
		// The browser's columns left and right of the box, dimmed.
		s.WriteString(st.Dim.Render(cellsOf(line, 0, b.x)))
		switch y {
		case b.y:
			t := cut(" "+title+" ", min(max(0, iw-2), ansi.StringWidth(title)+2))
			s.WriteString(st.Border.Render("╭─") + st.Title.Render(t) + st.Border.Render(strings.Repeat("─", max(0, iw-1-ansi.StringWidth(t)))+"╮"))
		case b.y + b.h - 1:
			s.WriteString(st.Border.Render("╰" + strings.Repeat("─", iw) + "╯"))
		default:
			row := ""
			if i := y - b.y - 1; i < len(inner) {
				row = inner[i]
			}
			s.WriteString(st.Border.Render("│") + cut(row, iw) + st.Border.Render("│"))
		}
		s.WriteString(st.Dim.Render(cellsOf(line, b.x+b.w, right)))
	}
	return s.String()
}

// cellsOf is exactly w cells of plain text s from cell x on: a wide
// character cut by either edge leaves a space in its place.
func cellsOf(s string, x, w int) string {
	if w <= 0 {
		return ""
	}
	if isASCII(s) { // most lines: a byte is a cell
		part := s[min(x, len(s)):min(x+w, len(s))]
		return part + strings.Repeat(" ", w-len(part))
	}
	sw := ansi.StringWidth(s)
	if sw <= x {
		return strings.Repeat(" ", w)
	}
	part := ansi.TruncateLeft(s, x, "")
	if ansi.StringWidth(ansi.Truncate(s, x, "")) < x {
		// a wide character straddles x: TruncateLeft kept it whole
		part = " " + ansi.TruncateLeft(s, x+1, "")
	}
	part = ansi.Truncate(part, w, "")
	return part + strings.Repeat(" ", max(0, w-ansi.StringWidth(part)))
}

// focusInView keeps a form that is taller than h lines in view around
// its focused line (the one led by "> "): the first line (the title)
// stays, the rest scroll.
func focusInView(lines []string, h int) []string {
	if len(lines) <= h || h < 2 {
		return lines
	}
	focus := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "> ") {
			focus = i
			break
		}
	}
	rest := lines[1:]
	from := min(max(0, focus-1-(h-1)/2), len(rest)-(h-1))
	return append([]string{lines[0]}, rest[from:from+h-1]...)
}

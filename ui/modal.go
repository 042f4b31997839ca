package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
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
	// Styled once, not once a line: a frame draws in the time of a key.
	dimOpen, dimClose := styleWrap(st.Dim)
	bar := st.Border.Render("│")
	var s strings.Builder
	s.Grow(f.h * (f.w + 32))
	for y := 0; y < f.h; y++ {
		if y > 0 {
			s.WriteByte('\n')
		}
		line := ""
		if y < len(bgLines) {
			line = ansi.Strip(bgLines[y])
		}
		if y < b.y || y >= b.y+b.h {
			left, _ := beside(line, f.w, f.w, f.w)
			s.WriteString(dimOpen + left + dimClose)
			continue
		}
		// The browser's cells left and right of the box, dimmed.
		left, right := beside(line, b.x, b.x+b.w, f.w)
		s.WriteString(dimOpen + left + dimClose)
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
			s.WriteString(bar + cut(row, iw) + bar)
		}
		s.WriteString(dimOpen + right + dimClose)
	}
	return s.String()
}

// styleWrap is what st writes before and after a plain text.
func styleWrap(st lipgloss.Style) (open, close string) {
	r := st.Render("x")
	i := strings.Index(r, "x")
	if i < 0 {
		return "", ""
	}
	return r[:i], r[i+1:]
}

// beside cuts plain text s, in one pass, into its cells left of x
// (exactly x of them) and its cells from x2 up to w (exactly w-x2). A
// wide character cut by an edge leaves spaces in its place.
func beside(s string, x, x2, w int) (left, right string) {
	x, x2 = max(0, x), max(x, x2)
	if isASCII(s) { // most lines: a byte is a cell
		l := s[:min(x, len(s))]
		r := s[min(x2, len(s)):min(w, len(s))]
		return l + strings.Repeat(" ", x-len(l)), r + strings.Repeat(" ", max(0, w-x2-len(r)))
	}
	var l, r strings.Builder
	col := 0
	for len(s) > 0 && col < w {
		c, cw := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		s = s[len(c):]
		end := col + cw
		switch {
		case end <= x:
			l.WriteString(c)
		case col < x: // across the left edge
			l.WriteString(strings.Repeat(" ", x-col))
			if end > x2 {
				r.WriteString(strings.Repeat(" ", min(end, w)-x2))
			}
		case col >= x2 && end <= w:
			r.WriteString(c)
		case end > x2: // across the right edge or the end
			r.WriteString(strings.Repeat(" ", min(end, w)-max(col, x2)))
		}
		col = end
	}
	left, right = l.String(), r.String()
	if lw := ansi.StringWidth(left); lw < x {
		left += strings.Repeat(" ", x-lw)
	}
	if rw := ansi.StringWidth(right); rw < w-x2 {
		right += strings.Repeat(" ", w-x2-rw)
	}
	return left, right
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

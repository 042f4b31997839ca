package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
)

// wheelStep is how many rows a turn of the mouse wheel moves.
const wheelStep = 3

// list is the cursor and window of a list of rows: the navigation keys,
// the mouse wheel and clicks. It holds no rows: the pane that uses it
// renders rows from..to of window() only, so a list of a million rows
// costs the same per frame as one of ten.
type list struct {
	nav    *keymap.Navigation // the session's
	cursor int                // the selected row (0 when there are none)
	offset int                // the first row on screen
	n      int                // rows
	h      int                // rows on screen
	// top is the screen line of the first row, relative to the pane, and
	// width the cells a click must fall within (0: the whole line).
	top, width int
}

func newList(nav *keymap.Navigation, top int) list { return list{nav: nav, top: top} }

// resize sets how many rows there are and how many fit on screen,
// keeping the cursor on a row and in the window.
func (l *list) resize(n, h int) {
	l.n, l.h = n, h
	l.clamp()
}

// clamp keeps the cursor on one of the rows and the window around it.
func (l *list) clamp() {
	l.cursor = max(0, min(l.cursor, l.n-1))
	if l.h <= 0 {
		l.offset = l.cursor
		return
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.h {
		l.offset = l.cursor - l.h + 1
	}
	l.offset = max(0, min(l.offset, l.n-l.h))
}

// move moves the cursor by d rows, stopping at either end.
func (l *list) move(d int) {
	l.cursor += d
	l.clamp()
}

// selectRow puts the cursor on row i.
func (l *list) selectRow(i int) {
	l.cursor = i
	l.clamp()
}

// center scrolls so that the cursor sits mid-window.
func (l *list) center() {
	l.offset = l.cursor - l.h/2
	l.clamp()
}

// window is the rows on screen: from up to, not including, to.
func (l *list) window() (from, to int) { return l.offset, min(l.n, l.offset+max(0, l.h)) }

// navigate handles the navigation keys (line, page, top, bottom) and
// reports whether msg was one of them.
func (l *list) navigate(msg tea.KeyMsg) bool {
	page := max(1, l.h-1)
	switch {
	case key.Matches(msg, l.nav.Up):
		l.cursor--
	case key.Matches(msg, l.nav.Down):
		l.cursor++
	case key.Matches(msg, l.nav.PageUp):
		l.cursor -= page
	case key.Matches(msg, l.nav.PageDown):
		l.cursor += page
	case key.Matches(msg, l.nav.Top):
		l.cursor = 0
	case key.Matches(msg, l.nav.Bottom):
		l.cursor = l.n - 1
	default:
		return false
	}
	l.clamp()
	return true
}

// mouse scrolls with the wheel and selects the row clicked; it reports
// whether the click was on the row already selected (which opens it).
func (l *list) mouse(msg tea.MouseMsg) (again bool) {
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		l.move(-wheelStep)
	case tea.MouseButtonWheelDown:
		l.move(wheelStep)
	case tea.MouseButtonLeft:
		if msg.Action != tea.MouseActionPress {
			return false
		}
		row := msg.Y - l.top
		if row < 0 || row >= l.h || (l.width > 0 && msg.X >= l.width) {
			return false
		}
		if i := l.offset + row; i < l.n {
			if i == l.cursor {
				return true
			}
			l.selectRow(i)
		}
	}
	return false
}

package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
)

// navigate moves cursor over n rows, h of them on screen, for the
// navigation keys (line, page, top, bottom); it reports whether msg was
// one of them. The cursor ends on a row (0 when there are none).
func navigate(msg tea.KeyMsg, k keymap.Navigation, cursor *int, n, h int) bool {
	page := max(1, h-1)
	switch {
	case key.Matches(msg, k.Up):
		*cursor--
	case key.Matches(msg, k.Down):
		*cursor++
	case key.Matches(msg, k.PageUp):
		*cursor -= page
	case key.Matches(msg, k.PageDown):
		*cursor += page
	case key.Matches(msg, k.Top):
		*cursor = 0
	case key.Matches(msg, k.Bottom):
		*cursor = n - 1
	default:
		return false
	}
	*cursor = max(0, min(*cursor, n-1))
	return true
}

// clampWindow keeps cursor on one of n rows and the first row shown,
// offset, such that the cursor is among the h rows on screen.
func clampWindow(cursor, offset *int, n, h int) {
	*cursor = max(0, min(*cursor, n-1))
	if h <= 0 {
		*offset = *cursor
		return
	}
	if *cursor < *offset {
		*offset = *cursor
	}
	if *cursor >= *offset+h {
		*offset = *cursor - h + 1
	}
	*offset = max(0, min(*offset, n-h))
}

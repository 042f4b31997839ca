package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// topPanel is the focused panel of the root model m, nil when the browser
// has the focus.
func topPanel(m tea.Model) panel {
	root := m.(Model)
	if n := len(root.stack); n > 0 {
		return root.stack[n-1]
	}
	return nil
}

// shareCmd opens the share panel of m on targets, as the browser does.
func shareCmd(m tea.Model, targets ...ShareTarget) tea.Cmd {
	return openShare(m.(Model).s, targets)
}

// unframe is a screen line's part inside a panel's frame (between its
// first and last │), or the line itself when it has no frame.
func unframe(l string) string {
	i := strings.Index(l, "│")
	if i < 0 {
		return l
	}
	l = l[i+len("│"):]
	if j := strings.LastIndex(l, "│"); j >= 0 {
		l = l[:j]
	}
	return l
}

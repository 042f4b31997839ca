package ui

import tea "github.com/charmbracelet/bubbletea"

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

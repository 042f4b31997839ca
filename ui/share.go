package ui

import tea "github.com/charmbracelet/bubbletea"

// openShare opens the share panel for targets.
func openShare(env *Options, st *Styles, targets []ShareTarget) tea.Cmd {
	return status("sharing from the browser is not available yet; use s3share presign", true)
}

// openLedger opens the share ledger view.
func openLedger(env *Options, st *Styles) tea.Cmd {
	return status("the share ledger view is not available yet; use s3share shares", true)
}

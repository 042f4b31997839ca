package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/internal/clip"
)

// copyCmd puts text on the clipboard off the update loop and reports,
// honestly, what happened. When nothing could copy it, the status line
// shows the text itself so it can be selected with the mouse.
func copyCmd(c clip.Clipboard, text, what string) tea.Cmd {
	return func() tea.Msg {
		if c == nil {
			return statusMsg{text: "clipboard off — " + what + ": " + text}
		}
		r := c.Copy(text)
		if !r.Copied() {
			return statusMsg{text: r.Message + " — " + what + ": " + text, err: true}
		}
		msg := what + " " + r.Message
		if r.Warning != "" {
			msg += " (" + r.Warning + ")"
		}
		return statusMsg{text: msg}
	}
}

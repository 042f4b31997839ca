package ui

import (
	"strings"

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
		return statusMsg{text: what + " " + copiedLine(r)}
	}
}

// methodNames are the clipboard routes as the status line names them.
var methodNames = map[clip.Method]string{
	clip.MethodNative: "clipboard",
	clip.MethodOSC52:  "OSC 52",
	clip.MethodTmux:   "tmux",
	clip.MethodScreen: "screen",
}

// copiedLine is a short report of a copy that worked, for one line at
// 80 columns: "copied · tmux + OSC 52", "copied · clipboard · check: …".
// clip's own Message is the long form, for the CLI.
func copiedLine(r clip.Result) string {
	names := make([]string, 0, len(r.Methods))
	for _, m := range r.Methods {
		if n, ok := methodNames[m]; ok {
			names = append(names, n)
		}
	}
	if !r.Used(clip.MethodOSC52) && strings.Contains(r.Message, "OSC 52") {
		names = append(names, "OSC 52") // tmux or screen passed it on
	}
	line := "copied"
	if len(names) > 0 {
		line += " · " + strings.Join(names, " + ")
	}
	if len(names) > 0 && names[len(names)-1] == "OSC 52" && !r.Used(clip.MethodNative) && r.Warning == "" {
		line += " (if the terminal allows it)"
	}
	if r.Warning != "" {
		w, _, _ := strings.Cut(r.Warning, ": ")
		w, _, _ = strings.Cut(w, " — ")
		w, _, _ = strings.Cut(w, "; ")
		line += " · check: " + w
	}
	return line
}

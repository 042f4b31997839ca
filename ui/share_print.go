package ui

import (
	"errors"
	"io"
	"os"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// printLinks leaves the full screen for the normal one, prints lines
// there as they are, each whole on one line (the terminal's own wrapping,
// selection and tmux's capture-pane -J then get each whole), and waits for
// a key. It runs through tea.Exec, which hands the terminal over and
// takes it back: Bubble Tea cuts every line of its own view at the
// window's width, so a long link cannot wrap softly inside the UI.
type printLinks struct {
	lines  []string
	stdin  io.Reader
	stdout io.Writer
}

func (p *printLinks) SetStdin(r io.Reader)  { p.stdin = r }
func (p *printLinks) SetStdout(w io.Writer) { p.stdout = w }
func (p *printLinks) SetStderr(io.Writer)   {}

// Run prints the lines and returns on the first key.
func (p *printLinks) Run() error {
	if p.stdout == nil {
		p.stdout = os.Stdout
	}
	var b strings.Builder
	b.WriteString("\r\n")
	for _, l := range p.lines {
		b.WriteString(safe(l))
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n-- s3share: press any key to return --")
	if _, err := io.WriteString(p.stdout, b.String()); err != nil {
		return err
	}
	if p.stdin == nil {
		return nil
	}
	// Any key, not only Enter: the terminal is back in its own (cooked)
	// mode while this runs, so raw mode is asked for the one key.
	if f, ok := p.stdin.(interface{ Fd() uintptr }); ok && term.IsTerminal(f.Fd()) {
		if st, err := term.MakeRaw(f.Fd()); err == nil {
			defer term.Restore(f.Fd(), st) //nolint:errcheck // best effort
		}
	}
	// A key can arrive as several bytes (an arrow is ESC [ A): read them
	// all, so none is left for the TUI to take as keys.
	var key [64]byte
	_, err := p.stdin.Read(key[:])
	_, _ = io.WriteString(p.stdout, "\r\n")
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}

// printCmd prints the links in the normal screen until a key is pressed.
func printCmd(lines []string) tea.Cmd {
	n := len(lines)
	return tea.Exec(&printLinks{lines: lines}, func(err error) tea.Msg {
		if err != nil {
			return terminalBackMsg{statusMsg{text: "could not print the links: " + err.Error(), err: true}}
		}
		return terminalBackMsg{statusMsg{text: plural(n, "link", "links") + " printed"}}
	})
}

// terminalBackMsg says the UI has the terminal again after tea.Exec,
// which leaves the mouse off: the root turns it back on unless the user
// turned it off.
type terminalBackMsg struct{ status statusMsg }

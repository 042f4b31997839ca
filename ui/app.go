// Package ui is s3share's terminal interface, built on Bubble Tea.
package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// Minimum terminal size below which only a short notice is drawn.
const (
	minWidth  = 20
	minHeight = 5
)

// statusTTL is how long a transient status message stays.
const statusTTL = 5 * time.Second

// Options configure the UI.
type Options struct {
	Client *s3model.Client
	Start  Location
	Keys   keymap.KeyMap
	// Banner is shown in the status line until something else is
	// (the demo uses it for its endpoint and credentials).
	Banner string
}

// Model is the root of the UI: it lays out the panes, routes keys to the
// focused one and owns the status line.
type Model struct {
	keys    keymap.KeyMap
	styles  *Styles
	browser browser
	help    help.Model
	// showHelp replaces the pane with the full help screen.
	showHelp bool

	width, height int
	status        string
	statusErr     bool
	statusID      int
	banner        string
	initCmd       tea.Cmd
}

// New builds the root model.
func New(opts Options) Model {
	st := NewStyles()
	h := help.New()
	h.Styles.ShortKey = st.Status.Bold(true)
	h.Styles.ShortDesc = st.Status
	h.Styles.FullKey = st.Status.Bold(true)
	h.Styles.FullDesc = st.Status
	m := Model{
		keys:    opts.Keys,
		styles:  &st,
		browser: newBrowser(opts.Client, opts.Keys, &st, opts.Start),
		help:    h,
		banner:  opts.Banner,
	}
	// Init has a value receiver and cannot keep state, so the first load
	// is started here and only its command is handed out by Init.
	m.initCmd = m.browser.start()
	return m
}

// Run shows the UI until the user quits.
func Run(opts Options) error {
	p := tea.NewProgram(New(opts), tea.WithAltScreen(), tea.WithMouseCellMotion())
	_, err := p.Run()
	return err
}

// Init starts loading the first listing.
func (m Model) Init() tea.Cmd { return m.initCmd }

// Update routes messages.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil

	case statusMsg:
		return m, m.setStatus(msg.text, msg.err)

	case clearStatusMsg:
		if msg.id == m.statusID {
			m.status = ""
		}
		return m, nil

	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.App.Quit):
			m.browser.stop()
			return m, tea.Quit
		case key.Matches(msg, m.keys.App.Help):
			m.showHelp = !m.showHelp
			return m, nil
		case m.showHelp:
			m.showHelp = false // any key closes the help screen
			return m, nil
		}
		m.status = ""
		m.banner = ""
	}
	cmd := m.browser.Update(msg)
	return m, cmd
}

// setStatus shows a transient message and schedules its removal.
func (m *Model) setStatus(text string, isErr bool) tea.Cmd {
	m.statusID++
	m.status, m.statusErr = text, isErr
	id := m.statusID
	return tea.Tick(statusTTL, func(time.Time) tea.Msg { return clearStatusMsg{id: id} })
}

// footerHeight is the help footer's height at the current size.
func (m *Model) footerHeight() int {
	if m.height < 8 {
		return 0
	}
	return 1
}

// layout gives the panes what is left after the status line and footer.
func (m *Model) layout() {
	m.help.Width = m.width
	m.browser.SetSize(m.width, max(0, m.height-1-m.footerHeight()))
}

// View draws the screen.
func (m Model) View() string {
	if m.width < minWidth || m.height < minHeight {
		return fit("terminal too small", max(0, m.width))
	}
	var s strings.Builder
	if m.showHelp {
		s.WriteString(m.helpScreen())
	} else {
		s.WriteString(m.browser.View())
	}
	s.WriteByte('\n')
	s.WriteString(m.statusLine())
	if m.footerHeight() > 0 {
		s.WriteByte('\n')
		s.WriteString(clip(m.help.View(&m.browser), m.width))
	}
	return s.String()
}

// helpScreen is the full help, in the pane's place and size.
func (m Model) helpScreen() string {
	h := m.height - 1 - m.footerHeight()
	full := m.help
	full.ShowAll = true
	lines := append([]string{m.styles.Title.Render("s3share — keys")}, strings.Split(full.View(&m.browser), "\n")...)
	if m.banner != "" {
		lines = append(lines, "", m.banner)
	}
	var s strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			s.WriteByte('\n')
		}
		if i < len(lines) {
			s.WriteString(clip(lines[i], m.width))
		} else {
			s.WriteString(strings.Repeat(" ", m.width))
		}
	}
	return s.String()
}

func (m Model) statusLine() string {
	switch {
	case m.status != "" && m.statusErr:
		return m.styles.Error.Render(clip(safe(oneLine(m.status)), m.width))
	case m.status != "":
		return m.styles.Status.Render(clip(safe(oneLine(m.status)), m.width))
	case m.banner != "":
		return m.styles.Warn.Render(clip(m.banner, m.width))
	}
	return ""
}

// Package ui is s3share's terminal interface, built on Bubble Tea.
package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// Minimum terminal size below which only a short notice is drawn.
const (
	minWidth  = 40
	minHeight = 10
)

// statusTTL is how long a transient status message stays.
var statusTTL = 5 * time.Second

// Options configure the UI.
type Options struct {
	Client *s3model.Client
	Start  Location
	Keys   keymap.KeyMap
	// Banner is shown in the status line until something else is
	// (the demo uses it for its endpoint and credentials).
	Banner string
	Prefs  config.Prefs
	// Clipboard receives copied links; nil means clipboard off.
	Clipboard clip.Clipboard
	// LedgerPath is the share ledger's file; empty means no ledger.
	LedgerPath string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Printed collects the links made, for --print on exit; may be nil.
	Printed *[]string
	// Stores lets the user switch stores; nil when there is nothing to switch to.
	Stores StoreSource
}

// now reads the configured clock.
func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// panel is a pane that opens over the browser and takes the keyboard
// until it sends closePanelMsg.
type panel interface {
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	help.KeyMap
}

// Model is the root of the UI: it lays out the panes, routes keys to the
// focused one and owns the status line.
type Model struct {
	env     *Options
	keys    keymap.KeyMap
	styles  *Styles
	browser browser
	panel   panel // nil when the browser has the focus
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
	env := opts
	m := Model{
		env:     &env,
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
func Run(opts Options) error { return run(New(opts)) }

// run shows m full-screen, with the mouse, until the user quits.
func run(m tea.Model) error {
	_, err := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion()).Run()
	return err
}

// Init starts loading the first listing.
func (m Model) Init() tea.Cmd { return m.initCmd }

// Update routes messages: keys to the focused pane, the rest to all.
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

	case openPanelMsg:
		m.panel = msg.panel
		m.layout()
		return m, msg.init

	case closePanelMsg:
		m.panel = nil
		return m, nil

	case copyMsg:
		return m, copyCmd(m.env.Clipboard, msg.text, msg.what)

	case shareMsg:
		return m, openShare(m.env, m.styles, msg.targets)

	case ledgerMsg:
		return m, openLedger(m.env, m.styles)

	case storesMsg:
		p := &storePicker{keys: m.keys, st: m.styles, src: m.env.Stores, choices: msg.choices, err: msg.err}
		m.panel = p
		m.layout()
		return m, nil

	case connectedMsg:
		if p, ok := m.panel.(*storePicker); ok {
			p.busy = false
		}
		if msg.err != nil {
			return m, m.setStatus(msg.choice.String()+": "+msg.err.Error(), true)
		}
		// A new store: a new browser at its bucket list. The old one's
		// listing is cancelled and its late pages are dropped with it.
		m.browser.stop()
		m.env.Client = msg.client
		m.browser = newBrowser(msg.client, m.keys, m.styles, Location{})
		m.panel = nil
		m.layout()
		text := "connected to " + msg.choice.String()
		for _, w := range msg.warnings {
			text += " · warning: " + w
		}
		return m, tea.Batch(m.browser.start(), m.setStatus(text, len(msg.warnings) > 0))

	case tea.MouseMsg:
		if m.panel != nil {
			return m, m.panel.Update(msg)
		}
		return m, m.browser.Update(msg)

	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes {
			// Typed or pasted text lands in fields that are drawn as
			// they are: keep out what the sanitiser would escape.
			if msg.Runes = typeable(msg.Runes); len(msg.Runes) == 0 {
				return m, nil
			}
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m.splitKeys(msg)
		}
		if key.Matches(msg, m.keys.App.Quit) && (m.panel == nil || msg.Type == tea.KeyCtrlC || !m.panelTyping()) {
			m.browser.stop()
			return m, tea.Quit
		}
		if m.showHelp {
			m.showHelp = false // any key closes the help screen
			return m, nil
		}
		m.status = ""
		m.banner = ""
		if m.panel != nil {
			return m, m.panel.Update(msg)
		}
		if !m.browser.typing() {
			switch {
			case key.Matches(msg, m.keys.App.Help):
				m.showHelp = true
				return m, nil
			case key.Matches(msg, m.keys.App.Stores):
				return m, listStores(m.env.Stores)
			}
		}
		return m, m.browser.Update(msg)
	}
	var cmds []tea.Cmd
	if m.panel != nil {
		cmds = append(cmds, m.panel.Update(msg))
	}
	cmds = append(cmds, m.browser.Update(msg))
	return m, tea.Batch(cmds...)
}

// splitKeys handles keys typed faster than the terminal is read, which
// arrive as one message ("jjj"), as the separate key presses they were.
func (m Model) splitKeys(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var model tea.Model = m
	cmds := make([]tea.Cmd, 0, len(msg.Runes))
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		model, cmd = model.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
	}
	return model, tea.Batch(cmds...)
}

// panelTyping reports whether the open panel has a text field focused,
// where q is a letter rather than quit.
func (m Model) panelTyping() bool {
	t, ok := m.panel.(interface{ typing() bool })
	return ok && t.typing()
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

// paneHeight is what is left for the panes after the status line and footer.
func (m *Model) paneHeight() int { return max(0, m.height-1-m.footerHeight()) }

// layout gives the panes their sizes.
func (m *Model) layout() {
	m.help.Width = m.width
	m.browser.SetSize(m.width, m.paneHeight())
	if m.panel != nil {
		m.panel.SetSize(m.width, m.paneHeight())
	}
}

// focused is the pane whose keys the footer shows.
func (m *Model) focused() help.KeyMap {
	if m.panel != nil {
		return m.panel
	}
	return &m.browser
}

// View draws the screen.
func (m Model) View() string {
	if m.width < minWidth || m.height < minHeight {
		if m.height <= 0 {
			return "" // no line to draw on
		}
		return fit("terminal too small", max(0, m.width))
	}
	var s strings.Builder
	switch {
	case m.showHelp:
		s.WriteString(m.helpScreen())
	case m.panel != nil:
		s.WriteString(m.panel.View())
	default:
		s.WriteString(m.browser.View())
	}
	s.WriteByte('\n')
	s.WriteString(m.statusLine())
	if m.footerHeight() > 0 {
		s.WriteByte('\n')
		s.WriteString(cut(m.help.View(m.focused()), m.width))
	}
	return s.String()
}

// helpScreen is the full help, in the pane's place and size.
func (m Model) helpScreen() string {
	full := m.help
	full.ShowAll = true
	lines := append([]string{m.styles.Title.Render("s3share — keys")}, strings.Split(full.View(m.focused()), "\n")...)
	if m.banner != "" || m.env.Banner != "" {
		lines = append(lines, "", safe(oneLine(m.env.Banner)))
	}
	return block(lines, m.width, m.paneHeight())
}

// block pads or cuts lines to exactly w×h cells.
func block(lines []string, w, h int) string {
	var s strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			s.WriteByte('\n')
		}
		if i < len(lines) {
			s.WriteString(cut(lines[i], w))
		} else {
			s.WriteString(strings.Repeat(" ", w))
		}
	}
	return s.String()
}

func (m Model) statusLine() string {
	switch {
	case m.status != "" && m.statusErr:
		return m.styles.Error.Render(cut(safe(oneLine(m.status)), m.width))
	case m.status != "":
		return m.styles.Status.Render(cut(safe(oneLine(m.status)), m.width))
	case m.banner != "" && m.browser.state != stateFailed:
		// The banner (demo endpoint, config warnings) gives way to a
		// listing error, which must not be hidden.
		return m.styles.Warn.Render(cut(safe(oneLine(m.banner)), m.width))
	}
	return m.browser.statusLine()
}

// Package ui is s3share's terminal interface, built on Bubble Tea.
//
// The root Model owns one session (the store, clock, keys, styles,
// clipboard, ledger, debug log, and what the user did so far) and hands it
// to every pane. The browser is always there; panels (share, ledger,
// versions, store picker) open on a stack above it through pushPanelMsg
// and close through popPanelMsg, sent by the pane that wants them. Keys
// and the mouse go to the top panel, else the browser; every other message
// goes to all panes, and a reply carries the id of the panel that asked.
// A pane whose text field has the focus says so (Typing), and then no
// global key fires. Lists share one component (list: cursor, window,
// navigation keys, mouse) and filters one field (filterField).
package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign"
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
	// Client is the store; *s3model.Client implements Store.
	Client Store
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
	// Stores lets the user switch stores; nil when there is nothing to switch to.
	Stores StoreSource
	// Getenv reads the environment, to tell whether the terminal draws
	// hyperlinks; nil reads nothing (no hyperlinks unless [ui] says on).
	Getenv func(string) string
}

// pane is what the root lays out and routes messages to: the browser and
// every panel.
type pane interface {
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	// Typing reports whether a text field has the focus. Then every key
	// but ctrl+c goes to the field, and no global key fires.
	Typing() bool
	help.KeyMap
}

// panel is a pane that opens over the browser, on the root's stack. It
// takes the keyboard until it asks to be popped.
type panel interface {
	pane
	// ID is the panel's number in the session; replies to its requests
	// and the request to pop it carry it.
	ID() int
}

// panelBase is what every panel holds: its id and the session.
type panelBase struct {
	id int
	s  *session
}

// ID is the panel's number in the session.
func (b panelBase) ID() int { return b.id }

// Model is the root of the UI: it lays out the panes, sends keys and the
// mouse to the focused one (the top panel, else the browser), broadcasts
// every other message and owns the status line.
type Model struct {
	s       *session
	browser browser
	stack   []panel // the open panels, the focused one last
	help    help.Model
	// showHelp replaces the pane with the full help screen.
	showHelp bool

	width, height int
	status        string
	statusErr     bool
	statusID      int
	banner        string
	initCmd       tea.Cmd
	// mouseOff is set while the user has turned mouse capture off, so
	// that the terminal's own selection works.
	mouseOff bool
	// xfers are the uploads and downloads running in the background.
	xfers transfers
}

// New builds the root model.
func New(opts Options) Model {
	// mime reads the system's type tables on its first call: start it
	// now, beside the first frame, not in an Update that opens a share
	// panel (one opened before the tables are read waits for them).
	go presign.LoadTypes()
	s := newSession(opts)
	st := s.styles
	h := help.New()
	h.Styles.ShortKey = st.Status.Bold(true)
	h.Styles.ShortDesc = st.Status
	h.Styles.FullKey = st.Status.Bold(true)
	h.Styles.FullDesc = st.Status
	m := Model{
		s:       s,
		browser: newBrowser(s, opts.Start),
		help:    h,
		banner:  opts.Banner,
	}
	if t := opts.Prefs.Theme; !validTheme(t) {
		m.banner = strings.TrimPrefix(m.banner+" · ", " · ") + "[ui] theme " + strconv.Quote(t) + " is not known: want " + strings.Join(Themes, ", ")
	}
	if h := opts.Prefs.Hyperlinks; h != "" && !slices.Contains(HyperlinkModes, strings.ToLower(h)) {
		m.banner = strings.TrimPrefix(m.banner+" · ", " · ") + "[ui] hyperlinks " + strconv.Quote(h) + " is not known: want " + strings.Join(HyperlinkModes, ", ")
	}
	// Init has a value receiver and cannot keep state, so the first load
	// is started here and only its command is handed out by Init.
	m.initCmd = m.browser.start()
	return m
}

// Run shows the UI until the user quits and returns the links made.
func Run(opts Options) ([]string, error) {
	m := New(opts)
	err := run(m)
	// Uploads and downloads still running stop cleanly: the store gets
	// its aborts before the process ends.
	m.s.jobs.stop(time.Minute)
	return m.s.links, err
}

// run shows m full-screen, with the mouse, until the user quits.
func run(m tea.Model) error {
	// The "auto" palette follows the terminal's background, which
	// lipgloss asks the terminal for on first use: ask now, before the
	// program reads the keyboard, so that no View waits on the answer.
	lipgloss.HasDarkBackground()
	_, err := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion()).Run()
	return err
}

// Init starts loading the first listing.
func (m Model) Init() tea.Cmd { return m.initCmd }

// Update routes messages: keys and the mouse to the focused pane, the
// rest to all panes.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil

	case statusMsg:
		return m, m.setStatus(msg.text, msg.err)

	case terminalBackMsg:
		cmd := m.setStatus(msg.status.text, msg.status.err)
		if !m.mouseOff {
			cmd = tea.Batch(cmd, tea.EnableMouseCellMotion)
		}
		return m, cmd

	case clearStatusMsg:
		if msg.id == m.statusID {
			m.status = ""
		}
		return m, nil

	case pushPanelMsg:
		m.stack = append(slices.Clip(m.stack), msg.panel)
		_, _, w, h := m.panelInner()
		msg.panel.SetSize(w, h)
		return m, msg.init

	case popPanelMsg:
		m.stack = slices.DeleteFunc(slices.Clone(m.stack), func(p panel) bool { return p.ID() == msg.id })
		return m, nil

	case copyMsg:
		return m, copyCmd(m.s.clipboard, msg.text, msg.what)

	case transferStartMsg, transferTickMsg, transferDoneMsg:
		return m, m.transferUpdate(msg)

	case storesListedMsg:
		if len(m.stack) > 0 {
			return m, nil // something else was opened meanwhile
		}
		return m, pushPanel(newStorePicker(m.s, msg.id, msg.choices, msg.err), nil)

	case connectedMsg:
		if !m.onStack(msg.id) {
			return m, nil // the picker was closed while connecting: stay
		}
		cmd := m.broadcast(msg) // the picker that asked stops waiting
		if msg.err != nil {
			return m, tea.Batch(cmd, m.setStatus("not switched to "+msg.choice.String()+": "+msg.err.Error(), true))
		}
		// A new store: a new browser at its bucket list. The old one's
		// listing is cancelled and its late pages are dropped with it.
		m.browser.stop()
		m.s.setClient(msg.client)
		m.s.current = msg.choice
		m.browser = newBrowser(m.s, Location{})
		m.stack = nil
		m.layout()
		text := "connected to " + msg.choice.String()
		for _, w := range msg.warnings {
			text += " · warning: " + w
		}
		return m, tea.Batch(m.browser.start(), m.setStatus(text, len(msg.warnings) > 0))

	case tea.MouseMsg:
		msg.Y -= headerHeight // the panes start under the context header
		if len(m.stack) > 0 {
			x, y, w, h := m.panelInner() // and a panel inside its frame
			msg.X, msg.Y = msg.X-x, msg.Y-y
			if !tea.MouseEvent(msg).IsWheel() && (msg.X < 0 || msg.Y < 0 || msg.X >= w || msg.Y >= h) {
				return m, nil // a click on the frame or the browser around it
			}
		}
		return m, m.toFocused(msg)

	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, m.broadcast(msg)
}

// broadcast hands msg to every pane; each takes what is its own.
// onStack reports whether the panel id is open.
func (m *Model) onStack(id int) bool {
	for _, p := range m.stack {
		if p.ID() == id {
			return true
		}
	}
	return false
}

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.stack)+1)
	for _, p := range m.stack {
		cmds = append(cmds, p.Update(msg))
	}
	cmds = append(cmds, m.browser.Update(msg))
	return tea.Batch(cmds...)
}

// key handles a key press. While the focused pane has a text field
// focused, only ctrl+c is the root's; every other key is text.
func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
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
	typing := m.typing()
	if msg.Type == tea.KeyCtrlC || (!typing && key.Matches(msg, m.s.keys.App.Quit)) {
		m.browser.stop()
		return m, tea.Quit
	}
	if m.showHelp {
		m.showHelp = false // any key closes the help screen
		return m, nil
	}
	m.status = ""
	m.banner = ""
	if !typing && key.Matches(msg, m.s.keys.App.Help) {
		m.showHelp = true // the focused pane's keys, browser or panel
		return m, nil
	}
	if !typing && len(m.stack) == 0 && key.Matches(msg, m.s.keys.App.Stores) {
		return m, openStores(m.s)
	}
	if !typing && key.Matches(msg, m.s.keys.App.Mouse) {
		return m, m.toggleMouse()
	}
	return m, m.toFocused(msg)
}

// toggleMouse turns mouse capture off, so the terminal's own selection
// (and its click on a link) works, or on again.
func (m *Model) toggleMouse() tea.Cmd {
	m.mouseOff = !m.mouseOff
	if m.mouseOff {
		return tea.Batch(tea.DisableMouse, m.setStatus("mouse off: select with the mouse · m turns it on", false))
	}
	return tea.Batch(tea.EnableMouseCellMotion, m.setStatus("mouse on: wheel scrolls, click selects", false))
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

// toFocused hands msg to the focused pane. (Not through focused: a
// pointer to the browser in an interface would move every Model that
// Update gets onto the heap.)
func (m *Model) toFocused(msg tea.Msg) tea.Cmd {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1].Update(msg)
	}
	return m.browser.Update(msg)
}

// typing reports whether the focused pane has a text field focused.
func (m *Model) typing() bool {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1].Typing()
	}
	return m.browser.Typing()
}

// focused is the pane that gets the keys: the top panel, else the browser.
func (m *Model) focused() pane {
	if n := len(m.stack); n > 0 {
		return m.stack[n-1]
	}
	return &m.browser
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

// headerHeight is the context header's: one line on every screen.
const headerHeight = 1

// paneHeight is what is left for the panes after the context header,
// the status line and the footer.
func (m *Model) paneHeight() int { return max(0, m.height-headerHeight-1-m.footerHeight()) }

// layout gives the panes their sizes.
func (m *Model) layout() {
	m.help.Width = m.width
	m.browser.SetSize(m.width, m.paneHeight())
	_, _, w, h := m.panelInner()
	for _, p := range m.stack {
		p.SetSize(w, h)
	}
}

// frame is the modal frame panels open in, over the pane area.
func (m Model) frame() modalFrame { return modalFrame{w: m.width, h: m.paneHeight()} }

// panelInner is the panel's own area inside its frame: its offset in
// the pane area and its size.
func (m *Model) panelInner() (x, y, w, h int) {
	r := m.frame().inner()
	return r.x, r.y, r.w, r.h
}

// framed draws the top panel in its frame, centred over the browser,
// which shows dimmed around it.
func (m Model) framed(p panel) string {
	title := "panel"
	if t, ok := p.(titled); ok {
		title = t.helpTitle()
	}
	return m.frame().render(m.s.styles, m.browser.View(), title, p.View())
}

// View draws the screen.
func (m Model) View() string {
	if m.width < minWidth || m.height < minHeight {
		if m.height <= 0 {
			return "" // no line to draw on
		}
		return fit(fmt.Sprintf("terminal too small: need %d×%d", minWidth, minHeight), max(0, m.width))
	}
	var s strings.Builder
	s.WriteString(m.contextHeader())
	s.WriteByte('\n')
	switch {
	case m.showHelp:
		s.WriteString(m.helpScreen())
	case len(m.stack) > 0:
		s.WriteString(m.framed(m.stack[len(m.stack)-1]))
	default:
		s.WriteString(m.focused().View())
	}
	s.WriteByte('\n')
	s.WriteString(m.statusLine())
	if m.footerHeight() > 0 {
		s.WriteByte('\n')
		s.WriteString(cut(m.help.View(m.focused()), m.width))
	}
	return s.String()
}

// contextHeader says where the user is on every screen: the store's name
// (in its colour), the location, the filter, and the endpoint's host and
// region on the right.
func (m Model) contextHeader() string {
	st, info, w := m.s.styles, m.s.store, m.width
	name := info.name
	switch {
	case m.s.client == nil:
		name = "no store"
	case name == "":
		name = "default"
	}
	label := m.s.label.Render(" " + fit(safe(name), min(ansi.StringWidth(safe(name)), w/4)) + " ")
	where := safe(m.browser.loc.String())
	if f := m.browser.filter.Value(); f != "" {
		where += "  filter " + safe(f)
	}
	right := info.host
	if info.region != "" {
		right += " · " + info.region
	}
	right = safe(right)
	if m.mouseOff {
		right = "mouse off · " + right
	}
	lw := ansi.StringWidth(label)
	if ansi.StringWidth(right) > (w-lw)/2 {
		right = safe(info.host) // narrow: the host alone
		if m.mouseOff {
			right = "mouse off"
		}
	}
	rw := min(ansi.StringWidth(right), max(0, (w-lw)/2))
	mid := w - lw - 1 - rw - 1
	if rw == 0 {
		mid = w - lw - 1
	}
	line := label + " " + st.Crumb.Render(fit(where, max(0, mid)))
	if rw > 0 {
		line += " " + st.Dim.Render(fit(right, rw))
	}
	return cut(line, w)
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
		return m.s.styles.Error.Render(cut(safe(oneLine(m.status)), m.width))
	case m.status != "":
		return m.s.styles.Status.Render(cut(safe(oneLine(m.status)), m.width))
	case len(m.xfers.jobs) > 0:
		return m.s.styles.Status.Render(cut(m.transferLine(), m.width))
	case m.banner != "" && m.browser.state != stateFailed:
		// The banner (demo endpoint, config warnings) gives way to a
		// listing error, which must not be hidden.
		return m.s.styles.Warn.Render(cut(safe(oneLine(m.banner)), m.width))
	}
	return m.browser.statusLine()
}

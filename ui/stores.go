package ui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/s3model"
)

// StoreSource lists the stores the user can switch to and connects to
// one. main implements it over the config files and flags.
type StoreSource interface {
	List() ([]config.Choice, error)
	// Connect resolves a choice into a client; warnings are shown in the
	// status line. It may run a credential_process, so the UI calls it
	// from a command, never from Update.
	Connect(config.Choice) (client *s3model.Client, warnings []string, err error)
}

// probe asks a new store for its buckets, so that a switch to a store
// that cannot be reached, or refuses the credentials, fails and leaves the
// user where they were. A refusal to list buckets (AccessDenied) is no
// failure: such credentials may still open a bucket directly.
func probe(c Store) error {
	_, err := c.ListBuckets(context.Background())
	if err == nil {
		return nil
	}
	if se, ok := s3model.AsStoreError(err); ok && se.Code == "AccessDenied" {
		return nil
	}
	return err
}

// connectedMsg carries a client for the store the user picked.
type connectedMsg struct {
	id       int // the picker that asked
	choice   config.Choice
	client   Store
	warnings []string
	err      error
}

// openStores lists the choices off the update loop and opens the picker
// on them.
func openStores(s *session) tea.Cmd {
	if s.stores == nil {
		return status("no other stores: this session was started on one endpoint", true)
	}
	id, src := s.nextID(), s.stores
	return func() tea.Msg {
		cs, err := src.List()
		return storesListedMsg{id: id, choices: cs, err: err}
	}
}

// storesListedMsg carries the stores to pick from; the root opens the
// picker on them (on the update loop, where the session may be read).
type storesListedMsg struct {
	id      int
	choices []config.Choice
	err     error
}

// storePicker lists the configured stores, AWS profiles and mc aliases;
// Enter reconnects to the one under the cursor, / filters them by name
// and endpoint.
type storePicker struct {
	panelBase
	choices []config.Choice
	view    []int // indices into choices that pass the filter
	err     error
	sel     list
	filter  filterField
	busy    bool
	mfa     *mfaPrompt // the MFA code field, while a role profile asks for one

	width, height int
}

// newStorePicker builds the picker, on the update loop, once the stores
// are listed.
func newStorePicker(s *session, id int, choices []config.Choice, err error) *storePicker {
	p := &storePicker{panelBase: panelBase{id: id, s: s}, choices: choices, err: err, sel: newList(&s.keys.Nav, 0), filter: newFilterField(&s.keys, 256)}
	p.refilter()
	p.sel.selectRow(max(0, p.currentIndex()))
	return p
}

// currentIndex is the choice the session is on: the one last connected
// to, else the first whose name is the store's; -1 when none is.
func (p *storePicker) currentIndex() int {
	if c := p.s.current; c != (config.Choice{}) {
		for i, o := range p.choices {
			if o.Kind == c.Kind && o.Name == c.Name {
				return i
			}
		}
		return -1
	}
	for i, o := range p.choices {
		if o.Name == p.s.store.name {
			return i
		}
	}
	return -1
}

// Typing reports whether the filter has the keyboard.
func (p *storePicker) Typing() bool { return p.filter.Typing() || p.mfa != nil }

func (p *storePicker) SetSize(w, h int) {
	p.width, p.height = w, h
	p.filter.setWidth(w - 3)
	p.layout()
}

// headLines are the lines above the list.
func (p *storePicker) headLines() []string {
	st, w := p.s.styles, p.width
	title := "switch store"
	if f := p.filter.Value(); f != "" {
		title += " · filter " + safe(f)
	}
	lines := []string{st.Crumb.Render(cut(title, w))}
	if p.filter.Typing() {
		lines[0] = p.filter.View(st, w)
	}
	lines = append(lines, p.mfaLines()...)
	if p.err != nil {
		lines = append(lines, st.Error.Render(cut(safe(oneLine(p.err.Error())), w)))
	}
	switch {
	case len(p.choices) == 0:
		lines = append(lines, st.Dim.Render(cut("no stores, AWS profiles or mc aliases are configured", w)))
	case len(p.view) == 0:
		lines = append(lines, st.Dim.Render(cut("no stores match the filter (esc clears it)", w)))
	}
	return lines
}

// layout places the list under the head lines, with a line left for
// "connecting…".
func (p *storePicker) layout() {
	top := len(p.headLines())
	p.sel.top = top
	p.sel.resize(len(p.view), p.height-top-1)
}

// refilter recomputes which choices the filter lets through.
func (p *storePicker) refilter() {
	p.view = p.view[:0]
	q := strings.ToLower(strings.TrimSpace(p.filter.Value()))
	for i, c := range p.choices {
		if q == "" || strings.Contains(strings.ToLower(c.String()+" "+c.Endpoint), q) {
			p.view = append(p.view, i)
		}
	}
	p.layout()
}

func (p *storePicker) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case connectedMsg:
		if msg.id == p.id {
			p.busy = false
		}
	case mfaNeededMsg:
		if msg.id == p.id {
			p.askMFA(msg)
		}
	case tea.MouseMsg:
		if p.mfa != nil {
			return nil
		}
		if p.sel.mouse(msg) {
			return p.connect()
		}
	case tea.KeyMsg:
		if p.mfa != nil {
			return p.mfaKey(msg)
		}
		if ok, changed, cmd := p.filter.key(msg, &p.sel); ok {
			if changed {
				p.refilter()
			}
			p.layout()
			return cmd
		}
		if p.sel.navigate(msg) {
			return nil
		}
		k := p.s.keys
		switch {
		case key.Matches(msg, k.App.Close), key.Matches(msg, k.Browse.Back):
			return popPanel(p.id)
		case key.Matches(msg, k.Browse.Open):
			return p.connect()
		}
	}
	return nil
}

// connect reconnects to the choice under the cursor, off the update loop.
func (p *storePicker) connect() tea.Cmd {
	if len(p.view) == 0 || p.busy {
		return nil
	}
	p.busy = true
	return connectCmd(p.id, p.s.stores, p.choices[p.view[p.sel.cursor]], "")
}

func (p *storePicker) View() string {
	st := p.s.styles
	lines := p.headLines()
	from, to := p.sel.window()
	cur := p.currentIndex()
	for i := from; i < to; i++ {
		c := p.choices[p.view[i]]
		endpoint := c.Endpoint
		if endpoint == "" {
			endpoint = "(AWS or the environment's endpoint)"
		}
		name := safe(c.String())
		if p.view[i] == cur {
			name += " (current)"
		}
		line := fit(name, 28) + "  " + fit(safe(endpoint), 36) + "  " + safe(c.Source)
		mark := "  "
		if p.view[i] == cur {
			mark = "● "
		}
		if i == p.sel.cursor {
			lines = append(lines, st.Selected.Render(cut("> "+mark+line, p.width)))
		} else {
			lines = append(lines, cut("  "+mark+line, p.width))
		}
	}
	if p.busy {
		lines = append(lines, st.Dim.Render("connecting…"))
	}
	return block(lines, p.width, p.height)
}

func (p *storePicker) ShortHelp() []key.Binding {
	k := p.s.keys
	if p.filter.Typing() {
		return filterHelp(&k)
	}
	if p.mfa != nil {
		return []key.Binding{withHelp(k.Form.Submit, "connect"), k.App.Close}
	}
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Browse.Open, k.Browse.Filter, k.App.Close}
}

func (p *storePicker) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

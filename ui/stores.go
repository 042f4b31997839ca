package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/keymap"
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

// storesMsg carries the stores to pick from.
type storesMsg struct {
	choices []config.Choice
	err     error
}

// connectedMsg carries a client for the store the user picked.
type connectedMsg struct {
	choice   config.Choice
	client   *s3model.Client
	warnings []string
	err      error
}

// listStores loads the choices off the update loop.
func listStores(src StoreSource) tea.Cmd {
	if src == nil {
		return status("no other stores: this session was started on one endpoint", true)
	}
	return func() tea.Msg {
		cs, err := src.List()
		return storesMsg{choices: cs, err: err}
	}
}

// storePicker lists the configured stores, AWS profiles and mc aliases;
// Enter reconnects to the one under the cursor.
type storePicker struct {
	keys          keymap.KeyMap
	st            *Styles
	src           StoreSource
	choices       []config.Choice
	err           error
	cursor        int
	busy          bool
	width, height int
}

func (p *storePicker) SetSize(w, h int) { p.width, p.height = w, h }

func (p *storePicker) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if navigate(k, p.keys.Nav, &p.cursor, len(p.choices), p.height-1) {
		return nil
	}
	switch {
	case key.Matches(k, p.keys.App.Close), key.Matches(k, p.keys.Browse.Back):
		return func() tea.Msg { return closePanelMsg{} }
	case key.Matches(k, p.keys.Browse.Open):
		if len(p.choices) == 0 || p.busy {
			return nil
		}
		p.busy = true
		c, src := p.choices[p.cursor], p.src
		return func() tea.Msg {
			client, warnings, err := src.Connect(c)
			return connectedMsg{choice: c, client: client, warnings: warnings, err: err}
		}
	}
	return nil
}

func (p *storePicker) View() string {
	lines := []string{p.st.Crumb.Render(cut("switch store", p.width))}
	if p.err != nil {
		lines = append(lines, p.st.Error.Render(cut(safe(oneLine(p.err.Error())), p.width)))
	}
	if len(p.choices) == 0 {
		lines = append(lines, p.st.Dim.Render(cut("no stores, AWS profiles or mc aliases are configured", p.width)))
	}
	top := max(0, p.cursor-(p.height-len(lines)-1))
	for i := top; i < len(p.choices) && len(lines) < p.height; i++ {
		c := p.choices[i]
		endpoint := c.Endpoint
		if endpoint == "" {
			endpoint = "(AWS or the environment's endpoint)"
		}
		line := fit(safe(c.String()), 28) + "  " + fit(safe(endpoint), 36) + "  " + safe(c.Source)
		if i == p.cursor {
			lines = append(lines, p.st.Selected.Render(cut("> "+line, p.width)))
		} else {
			lines = append(lines, cut("  "+line, p.width))
		}
	}
	if p.busy {
		lines = append(lines, p.st.Dim.Render("connecting…"))
	}
	return block(lines, p.width, p.height)
}

func (p *storePicker) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Nav.Up, p.keys.Nav.Down, p.keys.Browse.Open, p.keys.App.Close}
}

func (p *storePicker) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

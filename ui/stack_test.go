package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// fakePanel records what reaches it.
type fakePanel struct {
	panelBase
	keys, others int
	w, h         int
}

func (p *fakePanel) Update(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg:
		p.keys++
	default:
		p.others++
	}
	return nil
}
func (p *fakePanel) View() string              { return "fake" }
func (p *fakePanel) SetSize(w, h int)          { p.w, p.h = w, h }
func (p *fakePanel) Typing() bool              { return false }
func (p *fakePanel) ShortHelp() []key.Binding  { return nil }
func (p *fakePanel) FullHelp() [][]key.Binding { return nil }

// somethingMsg is a message no pane knows.
type somethingMsg struct{}

func TestPanelStack(t *testing.T) {
	m := memModel(t)
	s := m.(Model).s
	a := &fakePanel{panelBase: panelBase{id: s.nextID(), s: s}}
	b := &fakePanel{panelBase: panelBase{id: s.nextID(), s: s}}
	if a.id == b.id {
		t.Fatal("two panels got one id")
	}
	m = drain(t, m, pushPanel(a, nil))
	m = drain(t, m, pushPanel(b, nil))
	if topPanel(m) != b || len(m.(Model).stack) != 2 {
		t.Fatalf("stack after two pushes: %v", m.(Model).stack)
	}
	if root := m.(Model); b.w != root.frame().inner().w || b.h != root.frame().inner().h || b.w < 100-12 || b.h < root.paneHeight()-4 {
		t.Errorf("the pushed panel was sized %d×%d, want its frame's inside %+v", b.w, b.h, root.frame().inner())
	}
	// Keys and the mouse go to the top panel only; the rest to all.
	m = press(t, m, "j")
	m = send(t, m, tea.MouseMsg{Button: tea.MouseButtonWheelDown})
	m = send(t, m, somethingMsg{})
	if a.keys != 0 || b.keys != 2 {
		t.Errorf("keys reached the lower panel %d times, the top one %d", a.keys, b.keys)
	}
	if a.others != 1 || b.others != 1 {
		t.Errorf("a broadcast reached the panels %d and %d times", a.others, b.others)
	}
	if got := m.View(); got == "" || m.(Model).browser.sel.cursor != 0 {
		t.Error("a key reached the browser under the panels")
	}
	// A resize reaches every panel.
	m = send(t, m, tea.WindowSizeMsg{Width: 90, Height: 25})
	if want := m.(Model).frame().inner().w; a.w != want || b.w != want || want != 90-2*(90/20)-2 {
		t.Errorf("resize: %d and %d wide", a.w, b.w)
	}
	// Pop takes the panel named, wherever it is.
	m = drain(t, m, popPanel(a.id))
	if topPanel(m) != b || len(m.(Model).stack) != 1 {
		t.Fatalf("popping the lower panel: %v", m.(Model).stack)
	}
	m = drain(t, m, popPanel(b.id))
	if topPanel(m) != nil {
		t.Fatal("the stack is not empty")
	}
	// With the stack empty, keys go to the browser.
	m = press(t, m, "j")
	if m.(Model).browser.sel.cursor != 1 {
		t.Errorf("j moved the browser's cursor to %d", m.(Model).browser.sel.cursor)
	}
}

// TestRepliesReachTheirPanel: a reply carries the id of the panel that
// asked; another panel of the same kind ignores it.
func TestRepliesReachTheirPanel(t *testing.T) {
	m := memModel(t)
	m = press(t, m, "H")
	first := ledgerPanelOf(t, m)
	m = press(t, m, "esc", "H")
	second := ledgerPanelOf(t, m)
	if first.id == second.id {
		t.Fatal("the two ledger views have one id")
	}
	m = send(t, m, clipboardResultMsg{id: first.id, what: "link"})
	if second.msg != "" {
		t.Errorf("the second view took the first one's reply: %q", second.msg)
	}
	m = send(t, m, clipboardResultMsg{id: second.id, what: "link"})
	if second.msg == "" {
		t.Error("the second view dropped its own reply")
	}
}

// TestSessionsAreSeparate: two UIs share no ids, expiry or links.
func TestSessionsAreSeparate(t *testing.T) {
	a, b := memModel(t), memModel(t)
	a = press(t, shareOn(t, a, 0), "enter")
	if n := len(a.(Model).s.links); n != 1 {
		t.Fatalf("a made %d links", n)
	}
	if n := len(b.(Model).s.links); n != 0 || b.(Model).s.lastExpiry != nil {
		t.Errorf("b has a's links (%d) or expiry (%v)", n, b.(Model).s.lastExpiry)
	}
}

// TestStorePickerFilter: / filters the stores by name and endpoint; enter
// connects to the one chosen among those shown.
func TestStorePickerFilter(t *testing.T) {
	m := press(t, memModel(t), "S", "/")
	m = typeText(t, m, "home.inv")
	v := m.View()
	if !strings.Contains(v, "home") || strings.Contains(v, "work") {
		t.Fatalf("filtered by endpoint:\n%s", v)
	}
	m = press(t, m, "enter") // leaves the field, keeps the filter
	p := topPanel(m).(*storePicker)
	if p.Typing() || p.filter.Value() != "home.inv" || len(p.view) != 1 {
		t.Fatalf("after enter: typing %t, filter %q, %d shown", p.Typing(), p.filter.Value(), len(p.view))
	}
	m = press(t, m, "enter") // connects to home, which fails here
	if st := m.(Model).status; !strings.Contains(st, "home") || !strings.Contains(st, "not in this test") {
		t.Errorf("status after connecting: %q", st)
	}
	if p.busy {
		t.Error("the picker still waits for the connection")
	}
	m = press(t, m, "esc")
	if p.filter.Value() != "" || len(p.view) != 2 || topPanel(m) != p {
		t.Errorf("esc did not clear the filter first: %q, %d shown", p.filter.Value(), len(p.view))
	}
	m = press(t, m, "esc")
	if topPanel(m) != nil {
		t.Error("esc did not close the picker")
	}
}

// TestLateRepliesAreDropped: a store connection that arrives after its
// picker was closed does not switch stores, and versions asked for
// before another ask (or before the browser moved on) do not open.
func TestLateRepliesAreDropped(t *testing.T) {
	m := memModel(t)
	before := m.(Model).s.client
	m = drain(t, m, openStores(m.(Model).s))
	picker, ok := topPanel(m).(*storePicker)
	if !ok {
		t.Fatalf("no store picker: %T", topPanel(m))
	}
	m = press(t, m, "esc")
	if topPanel(m) != nil {
		t.Fatalf("esc left %T open", topPanel(m))
	}
	m = send(t, m, connectedMsg{id: picker.ID(), choice: picker.choices[0], client: newMemStore(nil)})
	if m.(Model).s.client != before {
		t.Fatal("a connection answered after its picker was closed switched the store")
	}

	m = press(t, m, "j") // from old/ to an object
	stale := versionsMsg{reqID: m.(Model).browser.versionsReq, bucket: "media", key: "docs/report.pdf"}
	m = press(t, m, "v") // asks again: the reply above is now stale
	if _, ok := topPanel(m).(*versionsPanel); !ok {
		t.Fatalf("v did not open the versions: %T\n%s", topPanel(m), m.View())
	}
	m = send(t, m, stale)
	if n := len(m.(Model).stack); n != 1 {
		t.Fatalf("%d panels open after one versions ask and a stale reply, want 1", n)
	}
}

// TestHelpInPanels: ? shows the open panel's keys, not only the
// browser's.
func TestHelpInPanels(t *testing.T) {
	m := memModel(t)
	m = press(t, m, "H") // the share ledger
	if topPanel(m) == nil {
		t.Fatal("H opened no panel")
	}
	m = press(t, m, "?")
	if !m.(Model).showHelp || !strings.Contains(m.View(), "s3share — keys") {
		t.Fatalf("? in the ledger:\n%s", m.View())
	}
}

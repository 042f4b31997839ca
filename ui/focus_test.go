package ui

import (
	"path/filepath"
	"reflect"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
)

// memModel is the root model over an in-memory store, at 100×30, showing
// s3://media/docs/.
func memModel(t *testing.T) tea.Model {
	t.Helper()
	store := newMemStore(map[string][]string{
		"media": {"docs/report.pdf", "docs/notes.txt", "docs/old/a.txt", "top.txt"},
		"logs":  {"2026/01/01.log"},
	})
	clock := &testClock{t: goldenTime}
	var m tea.Model = New(Options{
		Client: store, Start: Location{Bucket: "media", Prefix: "docs/"}, Keys: keymap.Default(),
		Clipboard: nativeOK(), LedgerPath: filepath.Join(t.TempDir(), "shares.jsonl"), Now: clock.Now,
		Stores: memStores{},
	})
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	return drain(t, m, m.Init())
}

// boundRunes are the keys of every binding in keymap.Default() that are
// one printable character, each once.
func boundRunes(t *testing.T) []rune {
	t.Helper()
	var out []rune
	km := reflect.ValueOf(keymap.Default())
	for i := 0; i < km.NumField(); i++ {
		group := km.Field(i)
		for j := 0; j < group.NumField(); j++ {
			b, ok := group.Field(j).Interface().(key.Binding)
			if !ok {
				t.Fatalf("keymap field %s.%s is not a key.Binding", km.Type().Field(i).Name, group.Type().Field(j).Name)
			}
			for _, k := range b.Keys() {
				r, size := utf8.DecodeRuneInString(k)
				if size == len(k) && unicode.IsPrint(r) && !containsRune(out, r) {
					out = append(out, r)
				}
			}
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d printable keys found in the keymap: %q", len(out), string(out))
	}
	return out
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// runeKey is the message a terminal sends for a typed character.
func runeKey(r rune) tea.KeyMsg {
	if r == ' ' {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
}

// step delivers msg, runs the commands it starts and feeds their messages
// back, like send, and reports whether any of them was tea.Quit.
func step(t *testing.T, m tea.Model, msg tea.Msg) (tea.Model, bool) {
	t.Helper()
	m, cmd := m.Update(msg)
	return drainQuit(t, m, cmd)
}

// filterText reads the filter of the top panel, a P.
func filterText[P panel](filter func(P) *filterField) func(*testing.T, tea.Model) string {
	return func(t *testing.T, m tea.Model) string {
		t.Helper()
		p, ok := topPanel(m).(P)
		if !ok {
			t.Fatalf("the top panel is %T, not a %T:\n%s", topPanel(m), p, m.View())
		}
		return filter(p).input.Value()
	}
}

// tabTo moves the share form's focus to f.
func tabTo(t *testing.T, m tea.Model, f field) tea.Model {
	t.Helper()
	for i := 0; i < 12 && sharePanelOf(t, m).focus != f; i++ {
		m = press(t, m, "tab")
	}
	if sharePanelOf(t, m).focus != f {
		t.Fatalf("tab never reached field %d:\n%s", f, m.View())
	}
	return m
}

// shareOn opens the share panel on docs/report.pdf with the method that
// is right-arrows from GET.
func shareOn(t *testing.T, m tea.Model, right int) tea.Model {
	t.Helper()
	m = drain(t, m, shareCmd(m, ShareTarget{Bucket: "media", Key: "docs/report.pdf", Size: 15}))
	for range right {
		m = press(t, m, "right")
	}
	return m
}

// formField opens the share form with a method and focuses text field f.
func formField(right int, f field) func(*testing.T, tea.Model) tea.Model {
	return func(t *testing.T, m tea.Model) tea.Model { return tabTo(t, shareOn(t, m, right), f) }
}

// formText reads the share form's field f.
func formText(f field) func(*testing.T, tea.Model) string {
	return func(t *testing.T, m tea.Model) string { return sharePanelOf(t, m).inputs[f].Value() }
}

// TestTextFieldsTakeEveryKey types every printable key of the keymap into
// every text field of the UI: each lands in the field, and nothing else
// happens (no quit, no help, no panel opened or closed, no status).
func TestTextFieldsTakeEveryKey(t *testing.T) {
	keys := boundRunes(t)
	cases := []struct {
		name string
		open func(*testing.T, tea.Model) tea.Model
		text func(*testing.T, tea.Model) string
	}{
		{"browser filter", func(t *testing.T, m tea.Model) tea.Model { return press(t, m, "/") },
			func(t *testing.T, m tea.Model) string { return m.(Model).browser.filter.input.Value() }},
		{"browser go to", func(t *testing.T, m tea.Model) tea.Model { return press(t, m, ":") },
			func(t *testing.T, m tea.Model) string { return m.(Model).browser.goTo.Value() }},
		{"share file name", formField(0, fieldFilename), formText(fieldFilename)},
		{"share response content-type", formField(0, fieldRespType), formText(fieldRespType)},
		{"share cache-control", formField(0, fieldCacheControl), formText(fieldCacheControl)},
		{"share version", formField(0, fieldVersion), formText(fieldVersion)},
		{"share PUT key", formField(1, fieldKey), formText(fieldKey)},
		{"share PUT content-type", formField(1, fieldContentType), formText(fieldContentType)},
		{"share POST key", formField(2, fieldKey), formText(fieldKey)},
		{"share POST max size", formField(2, fieldMaxSize), formText(fieldMaxSize)},
		{"custom expiry", func(t *testing.T, m tea.Model) tea.Model {
			m = tabTo(t, shareOn(t, m, 0), fieldExpiry)
			m = press(t, m, "5") // custom…, the fifth entry
			if p := sharePanelOf(t, m); p.focus != fieldCustom {
				t.Fatalf("5 did not pick the custom expiry:\n%s", m.View())
			}
			return m
		}, func(t *testing.T, m tea.Model) string { return sharePanelOf(t, m).expiry.input.Value() }},
		{"export path", func(t *testing.T, m tea.Model) tea.Model {
			m = press(t, shareOn(t, m, 0), "enter")
			if p := sharePanelOf(t, m); p.stage != stageResult {
				t.Fatalf("not signed:\n%s", m.View())
			}
			return press(t, m, "e")
		}, func(t *testing.T, m tea.Model) string { return sharePanelOf(t, m).export.Value() }},
		{"ledger filter", func(t *testing.T, m tea.Model) tea.Model { return press(t, m, "H", "/") },
			filterText(func(p *ledgerPanel) *filterField { return &p.filter })},
		{"store picker filter", func(t *testing.T, m tea.Model) tea.Model { return press(t, m, "S", "/") },
			filterText(func(p *storePicker) *filterField { return &p.filter })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.open(t, memModel(t))
			root := m.(Model)
			if !root.focused().Typing() {
				t.Fatalf("no text field has the focus:\n%s", m.View())
			}
			if root.status != "" || root.showHelp {
				t.Fatalf("status %q, help %t before typing", root.status, root.showHelp)
			}
			top, depth, loc := topPanel(m), len(root.stack), root.browser.loc
			want := c.text(t, m)
			for _, r := range keys {
				var quit bool
				m, quit = step(t, m, runeKey(r))
				want += string(r)
				root := m.(Model)
				switch {
				case quit:
					t.Fatalf("%q quit the program", r)
				case root.showHelp:
					t.Fatalf("%q opened the help screen", r)
				case len(root.stack) != depth || topPanel(m) != top:
					t.Fatalf("%q opened or closed a panel:\n%s", r, m.View())
				case root.status != "":
					t.Fatalf("%q set the status line to %q", r, root.status)
				case root.browser.loc != loc || len(root.browser.marks) != 0:
					t.Fatalf("%q moved or marked in the browser", r)
				case !root.focused().Typing():
					t.Fatalf("%q took the focus from the field", r)
				}
				if got := c.text(t, m); got != want {
					t.Fatalf("after %q the field holds %q, want %q", r, got, want)
				}
			}
			// ctrl+c still quits.
			if _, quit := step(t, m, tea.KeyMsg{Type: tea.KeyCtrlC}); !quit {
				t.Error("ctrl+c did not quit while typing")
			}
		})
	}
}

// TestGlobalKeysOutsideFields: with no field focused, q quits, ? shows the
// help, S opens the store picker.
func TestGlobalKeysOutsideFields(t *testing.T) {
	m := memModel(t)
	if _, quit := step(t, m, runeKey('q')); !quit {
		t.Error("q did not quit from the browser")
	}
	if m2, _ := step(t, m, runeKey('?')); !m2.(Model).showHelp {
		t.Error("? did not open the help")
	}
	m2, _ := step(t, m, runeKey('S'))
	if _, ok := topPanel(m2).(*storePicker); !ok {
		t.Errorf("S did not open the store picker:\n%s", m2.View())
	}
	// In a panel without a field focused, q quits too.
	m2 = shareOn(t, m, 0)
	if _, quit := step(t, m2, runeKey('q')); !quit {
		t.Error("q did not quit from the share form's method row")
	}
}

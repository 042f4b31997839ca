package ui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
)

// filterField is the text field that filters a list as it is typed: enter
// keeps the filter and leaves the field, esc clears it and leaves, and the
// up, down and page keys still move through the list.
type filterField struct {
	keys   *keymap.KeyMap // the session's
	input  textinput.Model
	active bool   // the field has the keyboard
	value  string // the filter in force
}

func newFilterField(keys *keymap.KeyMap, limit int) filterField {
	return filterField{keys: keys, input: newTextField(limit)}
}

// newTextField is a one-line text field of at most limit runes, with no
// prompt and a cursor that does not blink (a blink would redraw the
// screen twice a second for nothing).
func newTextField(limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = limit
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

// Typing reports whether the field has the keyboard.
func (f *filterField) Typing() bool { return f.active }

// Value is the filter in force; "" filters nothing.
func (f *filterField) Value() string { return f.value }

// focus starts editing the filter in force.
func (f *filterField) focus() tea.Cmd {
	f.active = true
	f.input.SetValue(f.value)
	f.input.CursorEnd()
	return f.input.Focus()
}

// clear drops the filter.
func (f *filterField) clear() {
	f.value = ""
	f.input.SetValue("")
}

// setWidth gives the field its width in cells.
func (f *filterField) setWidth(w int) { f.input.Width = max(1, w) }

// key handles the filter's keys: while the field is active every key (the
// up, down and page keys move through l); otherwise the filter key, which
// focuses the field, and esc while a filter is in force, which clears it.
// It reports whether the key was the filter's and whether the filter
// changed.
func (f *filterField) key(msg tea.KeyMsg, l *list) (handled, changed bool, cmd tea.Cmd) {
	switch {
	case f.active:
		changed, cmd = f.update(msg, l)
		return true, changed, cmd
	case key.Matches(msg, f.keys.Browse.Filter):
		return true, false, f.focus()
	case key.Matches(msg, f.keys.App.Close) && f.value != "":
		f.clear()
		return true, true, nil
	}
	return false, false, nil
}

// update handles a key while the field is active.
func (f *filterField) update(msg tea.KeyMsg, l *list) (changed bool, cmd tea.Cmd) {
	switch msg.Type {
	case tea.KeyEsc:
		f.active = false
		f.input.Blur()
		changed = f.value != ""
		f.clear()
		return changed, nil
	case tea.KeyEnter:
		f.active = false
		f.input.Blur()
		return false, nil
	case tea.KeyUp, tea.KeyDown, tea.KeyPgUp, tea.KeyPgDown:
		l.navigate(msg)
		return false, nil
	}
	f.input, cmd = f.input.Update(msg)
	if v := f.input.Value(); v != f.value {
		f.value = v
		return true, cmd
	}
	return false, cmd
}

// View is the field as a header line: "/ text".
func (f *filterField) View(st *Styles, w int) string {
	return cut(st.Title.Render("/")+" "+f.input.View(), w)
}

// filterHelp is the footer while a filter field has the keyboard.
func filterHelp(k *keymap.KeyMap) []key.Binding {
	return []key.Binding{withHelp(k.Form.Submit, "done"), withHelp(k.App.Close, "clear filter")}
}

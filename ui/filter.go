package ui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// filterField is the text field that filters a list as it is typed: enter
// keeps the filter and leaves the field, esc clears it and leaves, and the
// up, down and page keys still move through the list.
type filterField struct {
	input  textinput.Model
	active bool   // the field has the keyboard
	value  string // the filter in force
}

func newFilterField(limit int) filterField {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = limit
	in.Cursor.SetMode(cursor.CursorStatic)
	return filterField{input: in}
}

// filterEvent is what a key did to the filter.
type filterEvent int

const (
	filterKept    filterEvent = iota // nothing changed for the list
	filterChanged                    // the filter text changed
	filterMove                       // a list key: pass it to the list
)

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

// update handles a key while the field is active.
func (f *filterField) update(msg tea.KeyMsg) (filterEvent, tea.Cmd) {
	switch msg.Type {
	case tea.KeyEsc:
		f.active = false
		f.input.Blur()
		changed := f.value != ""
		f.clear()
		if changed {
			return filterChanged, nil
		}
		return filterKept, nil
	case tea.KeyEnter:
		f.active = false
		f.input.Blur()
		return filterKept, nil
	case tea.KeyUp, tea.KeyDown, tea.KeyPgUp, tea.KeyPgDown:
		return filterMove, nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if v := f.input.Value(); v != f.value {
		f.value = v
		return filterChanged, cmd
	}
	return filterKept, cmd
}

// View is the field as a header line: "/ text".
func (f *filterField) View(st *Styles, w int) string {
	return cut(st.Title.Render("/")+" "+f.input.View(), w)
}

package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/presign"
)

// defaultPresets are the lifetimes offered when the config names none.
var defaultPresets = []time.Duration{15 * time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// customLabel is the picker's last entry, which takes typed input.
const customLabel = "custom…"

// expiryChoice is a picker's selection: a preset, or custom text.
type expiryChoice struct {
	custom bool
	preset time.Duration
	text   string
}

// pickKeys choose a preset by its number.
var pickKeys = key.NewBinding(
	key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"),
	key.WithHelp("1-9", "pick expiry"),
)

// expiryPicker offers the preset lifetimes and "custom…", which takes a
// lifetime or an end time in presign.ParseExpiry's syntax and is checked
// as it is typed.
type expiryPicker struct {
	presets []time.Duration
	sel     int // index into presets; len(presets) is custom
	input   textinput.Model
	err     string // the custom text's problem; "" when it is valid
	ends    string // where a valid custom expiry ends, for the hint
	long    bool   // a gateway link's: lifetimes past 7 days
}

// newExpiryPicker starts on the last choice of the session, else the
// configured default lifetime (added to the presets when it is not one
// of them), else 1h, else the first preset.
func newExpiryPicker(prefs config.Prefs, last *expiryChoice) expiryPicker {
	var presets []time.Duration
	for _, d := range prefs.ExpiryPresets {
		if d > 0 && d <= presign.MaxExpiry && d%time.Second == 0 && !slices.Contains(presets, d) {
			presets = append(presets, d)
		}
	}
	if len(presets) == 0 {
		presets = slices.Clone(defaultPresets)
	}
	want := time.Hour
	if d := prefs.DefaultExpiry; d > 0 && d <= presign.MaxExpiry && d%time.Second == 0 {
		want = d
		if !slices.Contains(presets, d) {
			presets = append(presets, d)
			slices.Sort(presets)
		}
	}
	in := newTextField(64)
	in.Placeholder = "90m, 2d, 2026-12-24T18:00"
	p := expiryPicker{presets: presets, input: in}
	p.sel = max(0, slices.Index(presets, want))
	if last != nil {
		if last.custom {
			p.sel = len(presets)
			p.input.SetValue(last.text)
			p.input.CursorEnd()
		} else if i := slices.Index(presets, last.preset); i >= 0 {
			p.sel = i
		}
	}
	return p
}

func (p *expiryPicker) isCustom() bool { return p.sel == len(p.presets) }

// move steps through the entries, stopping at either end.
func (p *expiryPicker) move(d int) {
	p.sel = max(0, min(len(p.presets), p.sel+d))
}

// pick selects entry n (1-based) and reports whether there is one.
func (p *expiryPicker) pick(n int) bool {
	if n < 1 || n > len(p.presets)+1 {
		return false
	}
	p.sel = n - 1
	return true
}

// update handles a key for the custom field.
func (p *expiryPicker) update(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// validate checks the custom text as of now.
func (p *expiryPicker) validate(now time.Time) {
	p.err, p.ends = "", ""
	if !p.isCustom() {
		return
	}
	if p.long {
		p.validateLong(now) // a gateway link's (share_gateway.go)
		return
	}
	e, err := presign.ParseExpiry(p.input.Value(), now)
	if err != nil {
		p.err = err.Error()
		return
	}
	end := e.At
	if end.IsZero() {
		end = now.Add(e.Duration)
	}
	p.ends = "ends " + end.UTC().Format("2006-01-02 15:04 UTC")
}

// value is the chosen expiry, checked as of now.
func (p *expiryPicker) value(now time.Time) (presign.Expiry, error) {
	if !p.isCustom() {
		return presign.In(p.presets[p.sel]), nil
	}
	return presign.ParseExpiry(p.input.Value(), now)
}

// text is the chosen expiry as typed, or the preset written the same way.
func (p *expiryPicker) text() string {
	if p.isCustom() {
		return p.input.Value()
	}
	return presign.FormatDuration(p.presets[p.sel])
}

// choice is what to remember of the selection.
func (p *expiryPicker) choice() expiryChoice {
	if p.isCustom() {
		return expiryChoice{custom: true, text: p.input.Value()}
	}
	return expiryChoice{preset: p.presets[p.sel]}
}

// labels are the entries as shown.
func (p *expiryPicker) labels() []string {
	out := make([]string, 0, len(p.presets)+1)
	for _, d := range p.presets {
		out = append(out, presign.FormatDuration(d))
	}
	return append(out, customLabel)
}

// choiceRow renders a row of choices, the selected one in brackets (and
// highlighted when the row has the focus), so it reads without colour.
func choiceRow(st *Styles, items []string, sel int, focused bool) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		if i == sel {
			s := "[" + it + "]"
			if focused {
				s = st.Selected.Render(s)
			}
			b.WriteString(s)
		} else {
			b.WriteString(" " + it + " ")
		}
	}
	return b.String()
}

package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/keymap"
)

// helpGroup is one titled group of bindings on the help screen.
type helpGroup struct {
	title string
	keys  []key.Binding
}

// titled is a panel that names itself on the help screen.
type titled interface{ helpTitle() string }

// browserHelp is every key of the browser, and the keys panels share,
// grouped as the help screen shows them.
func browserHelp(k *keymap.KeyMap) []helpGroup {
	n, b, s, a, f := k.Nav, k.Browse, k.Share, k.App, k.Form
	return []helpGroup{
		{"move", []key.Binding{n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom}},
		{"browse", []key.Binding{b.Open, b.Back, b.Filter, b.GoTo, b.Sort, b.Reverse, b.Refresh, b.Details, b.Versions}},
		{"mark", []key.Binding{b.Mark, b.MarkAll}},
		{"share", []key.Binding{withHelp(s.Share, "share (upload link on a bucket or empty prefix)"), s.CopyURI, s.CopyURL, s.Ledger}},
		{"files", []key.Binding{s.Upload, k.Transfer.LinkInstead, k.Transfer.Download, k.Transfer.Preview}},
		{"app", []key.Binding{a.Stores, withHelp(a.Close, "close panel/clear filter"), a.Mouse, a.Help, a.Quit}},
		{"forms", []key.Binding{f.Next, f.Prev, f.Left, f.Right, f.Submit}},
		{"results", []key.Binding{s.CopyCurl, s.Export, s.Print, s.FormFile, s.QR, s.Recheck, s.Watch, s.Delete, s.Undo}},
	}
}

// keyName is how the help screen writes one key.
func keyName(k string) string {
	switch k {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	case "backspace":
		return "⌫"
	case "pgdown":
		return "pgdn"
	case " ":
		return "space"
	}
	return k
}

// keyLabel is every key of b, as "enter/→/l"; its help name comes first.
func keyLabel(b key.Binding) string {
	label := b.Help().Key
	if len(b.Keys()) > 4 {
		return label // a range, such as 1-9
	}
	for _, k := range b.Keys() {
		if n := keyName(k); !strings.Contains("/"+label+"/", "/"+n+"/") {
			label += "/" + n
		}
	}
	return label
}

// helpLines lays groups out in w cells: each group's title in a column
// of its own, its keys ("key what") flowing after it, wrapped under
// themselves. Nothing is cut unless a single key is wider than the line.
func helpLines(st *Styles, groups []helpGroup, w int) []string {
	titleW := 0
	for _, g := range groups {
		titleW = max(titleW, ansi.StringWidth(g.title))
	}
	titleW = min(titleW+1, w/4)
	var lines []string
	for _, g := range groups {
		if len(g.keys) == 0 {
			continue
		}
		line := st.Title.Render(fit(g.title, titleW))
		used := titleW
		first := true
		for _, b := range g.keys {
			if !b.Enabled() && len(b.Keys()) == 0 {
				continue
			}
			k, d := keyLabel(b), b.Help().Desc
			item := st.Status.Bold(true).Render(k) + " " + d
			iw := ansi.StringWidth(k) + 1 + ansi.StringWidth(d)
			gap := 2
			if first {
				gap = 1
			}
			if !first && used+gap+iw > w {
				lines = append(lines, line)
				line, used, gap = strings.Repeat(" ", titleW), titleW, 1
			}
			line += strings.Repeat(" ", gap) + item
			used += gap + iw
			first = false
		}
		lines = append(lines, line)
	}
	return lines
}

// helpScreen is every key of the focused panel and of the browser,
// grouped and reflowed to the width, in the pane's place and size.
func (m Model) helpScreen() string {
	st := m.s.styles
	lines := []string{st.Title.Render("s3share — keys") + st.Dim.Render(" · any key closes this")}
	browser := browserHelp(&m.s.keys)
	if n := len(m.stack); n > 0 {
		p := m.stack[n-1]
		title := "this panel"
		if t, ok := p.(titled); ok {
			title = t.helpTitle()
		}
		var groups []helpGroup
		for i, col := range p.FullHelp() {
			t := title
			if i > 0 {
				t = ""
			}
			groups = append(groups, helpGroup{t, col})
		}
		lines = append(lines, helpLines(st, groups, m.width)...)
		lines = append(lines, st.Dim.Render(cut("the browser, under it:", m.width)))
		browser = notShown(browser, groups)
	}
	lines = append(lines, helpLines(st, browser, m.width)...)
	if m.banner != "" || m.s.banner != "" {
		lines = append(lines, "")
		lines = append(lines, strings.Split(ansi.Wrap(safe(oneLine(m.s.banner)), m.width, " "), "\n")...)
	}
	return block(lines, m.width, m.paneHeight())
}

// notShown is groups without the bindings the panel's own groups already
// list (same keys, same help), so the help screen fits small terminals.
func notShown(groups, shown []helpGroup) []helpGroup {
	seen := map[string]bool{}
	for _, g := range shown {
		for _, b := range g.keys {
			seen[keyLabel(b)+" "+b.Help().Desc] = true
		}
	}
	var out []helpGroup
	for _, g := range groups {
		var keys []key.Binding
		for _, b := range g.keys {
			if !seen[keyLabel(b)+" "+b.Help().Desc] {
				keys = append(keys, b)
			}
		}
		out = append(out, helpGroup{g.title, keys})
	}
	return out
}

func (p *sharePanel) helpTitle() string {
	if p.kind == kindUpload {
		return "upload link"
	}
	return "share"
}
func (p *ledgerPanel) helpTitle() string   { return "share ledger" }
func (p *versionsPanel) helpTitle() string { return "versions" }
func (p *storePicker) helpTitle() string   { return "switch store" }

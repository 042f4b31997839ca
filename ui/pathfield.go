package ui

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"

	tea "github.com/charmbracelet/bubbletea"
)

// pathField is a text field for a local path whose Tab completes the
// name being typed from the directory it is in, as a shell does. The
// directory is read in a Cmd, never in Update.
type pathField struct {
	in       textinput.Model // from newTextField
	dirsOnly bool
	// matches are the names the last Tab found, when more than one.
	matches []string
	seq     int // the last completion asked; older answers are dropped
}

// completedMsg carries a completion of a panel's path field.
type completedMsg struct {
	panel, seq int
	value      string
	matches    []string
}

func newPathField(prompt, value string, dirsOnly bool) pathField {
	in := newTextField(4096)
	in.Prompt = prompt
	in.SetValue(value)
	in.CursorEnd()
	in.Focus()
	return pathField{in: in, dirsOnly: dirsOnly}
}

// complete asks for the completion of the field's value, for panel id.
func (f *pathField) complete(id int) tea.Cmd {
	f.seq++
	seq, value, dirsOnly := f.seq, f.in.Value(), f.dirsOnly
	return func() tea.Msg {
		v, m := completePath(value, dirsOnly, os.ReadDir)
		return completedMsg{panel: id, seq: seq, value: v, matches: m}
	}
}

// completed takes a completion in, if it is the last one asked and the
// field has not changed since.
func (f *pathField) completed(msg completedMsg) {
	if msg.seq != f.seq {
		return
	}
	f.in.SetValue(msg.value)
	f.in.CursorEnd()
	f.matches = msg.matches
}

// update passes a key to the text field.
func (f *pathField) update(msg tea.Msg) tea.Cmd {
	before := f.in.Value()
	var cmd tea.Cmd
	f.in, cmd = f.in.Update(msg)
	if f.in.Value() != before {
		f.seq++ // a completion asked before this edit is stale
		f.matches = nil
	}
	return cmd
}

// value is the path typed, with a leading ~ for the home directory.
func (f *pathField) value() string { return expandHome(strings.TrimSpace(f.in.Value())) }

// expandHome replaces a leading ~/ by the home directory.
func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return home + p[1:]
		}
	}
	return p
}

// completePath completes the last name of value from its directory: one
// match is completed whole (a directory with its "/"), several to their
// longest common start, and returned to be shown. Hidden names match
// only once a "." is typed.
func completePath(value string, dirsOnly bool, readDir func(string) ([]os.DirEntry, error)) (string, []string) {
	dir, base := "", value
	if i := strings.LastIndex(value, "/"); i >= 0 {
		dir, base = value[:i+1], value[i+1:]
	}
	read := expandHome(dir)
	if read == "" {
		read = "."
	}
	entries, err := readDir(read)
	if err != nil {
		return value, nil
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(read, name)); err == nil {
				isDir = fi.IsDir()
			}
		}
		if isDir {
			name += "/"
		} else if dirsOnly {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	switch len(names) {
	case 0:
		return value, nil
	case 1:
		return dir + names[0], nil
	}
	common := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, common) {
			common = common[:len(common)-1]
		}
	}
	return dir + common, names
}

// view is the field and, under it, the names a Tab found.
func (f *pathField) view(width int) []string {
	lines := []string{cut(f.in.View(), width)}
	if len(f.matches) > 0 {
		shown := f.matches
		more := ""
		if len(shown) > 40 {
			more = " …"
			shown = shown[:40]
		}
		names := make([]string, len(shown))
		for i, n := range shown {
			names[i] = safe(n)
		}
		lines = append(lines, wrapWords(strings.Join(names, "  ")+more, width)...)
	}
	return lines
}

// wrapWords wraps s at spaces to lines of at most width cells.
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, cut(line, width))
			line = w
		}
	}
	if line != "" {
		lines = append(lines, cut(line, width))
	}
	return lines
}

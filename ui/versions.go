package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/s3model"
)

// versionsPanel lists the versions of one object; Enter (or s) shares
// the selected version.
type versionsPanel struct {
	panelBase
	bucket, key   string
	versions      []s3model.Version
	sel           list
	width, height int
}

// openVersions opens the versions panel on a listing of versions.
func openVersions(s *session, msg versionsMsg) tea.Cmd {
	p := &versionsPanel{panelBase: panelBase{id: s.nextID(), s: s}, bucket: msg.bucket, key: msg.key, versions: msg.versions,
		sel: newList(&s.keys.Nav, 1)} // below the title
	return pushPanel(p, nil)
}

// Typing is false: the panel has no text field.
func (p *versionsPanel) Typing() bool { return false }

func (p *versionsPanel) SetSize(w, h int) {
	p.width, p.height = w, h
	p.sel.resize(len(p.versions), h-1)
}

func (p *versionsPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.MouseMsg:
		if p.sel.mouse(msg) {
			return p.share()
		}
	case tea.KeyMsg:
		if p.sel.navigate(msg) {
			return nil
		}
		k := p.s.keys
		switch {
		case key.Matches(msg, k.App.Close), key.Matches(msg, k.Browse.Back):
			return popPanel(p.id)
		case key.Matches(msg, k.Browse.Open), key.Matches(msg, k.Share.Share):
			return p.share()
		}
	}
	return nil
}

// share replaces the panel with the share panel for the selected version.
func (p *versionsPanel) share() tea.Cmd {
	if len(p.versions) == 0 {
		return nil
	}
	v := p.versions[p.sel.cursor]
	if v.DeleteMarker {
		return status("a delete marker has no content to share", true)
	}
	t := ShareTarget{Bucket: p.bucket, Key: p.key, VersionID: v.VersionID, Size: v.Size}
	return tea.Sequence(popPanel(p.id), openShare(p.s, []ShareTarget{t}))
}

func (p *versionsPanel) View() string {
	st := p.s.styles
	lines := []string{st.Crumb.Render(cut("versions of "+safe("s3://"+p.bucket+"/"+p.key), p.width))}
	if len(p.versions) == 0 {
		lines = append(lines, st.Dim.Render("no versions"))
	}
	from, to := p.sel.window()
	for i := from; i < to; i++ {
		v := p.versions[i]
		var tags []string
		if v.IsLatest {
			tags = append(tags, "latest")
		}
		if v.DeleteMarker {
			tags = append(tags, "delete marker")
		}
		line := fmt.Sprintf("%s  %9s  %s  %s", v.LastModified.Local().Format("2006-01-02 15:04:05"),
			humanSize(v.Size), safe(v.VersionID), strings.Join(tags, ", "))
		if i == p.sel.cursor {
			lines = append(lines, st.Selected.Render(cut("> "+line, p.width)))
		} else {
			lines = append(lines, cut("  "+line, p.width))
		}
	}
	return block(lines, p.width, p.height)
}

func (p *versionsPanel) ShortHelp() []key.Binding {
	k := p.s.keys
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Share.Share, k.App.Close}
}

func (p *versionsPanel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

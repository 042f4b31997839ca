package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// versionsPanel lists the versions of one object; Enter (or s) shares
// the selected version.
type versionsPanel struct {
	keys          keymap.KeyMap
	st            *Styles
	bucket, key   string
	versions      []s3model.Version
	cursor        int
	width, height int
}

func openVersions(keys keymap.KeyMap, st *Styles, msg versionsMsg) tea.Cmd {
	p := &versionsPanel{keys: keys, st: st, bucket: msg.bucket, key: msg.key, versions: msg.versions}
	return func() tea.Msg { return openPanelMsg{panel: p} }
}

func (p *versionsPanel) SetSize(w, h int) { p.width, p.height = w, h }

func (p *versionsPanel) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if navigate(k, p.keys.Nav, &p.cursor, len(p.versions), p.height-1) {
		return nil
	}
	switch {
	case key.Matches(k, p.keys.App.Close), key.Matches(k, p.keys.Browse.Back):
		return func() tea.Msg { return closePanelMsg{} }
	case key.Matches(k, p.keys.Browse.Open), key.Matches(k, p.keys.Share.Share):
		if len(p.versions) == 0 {
			return nil
		}
		v := p.versions[p.cursor]
		if v.DeleteMarker {
			return status("a delete marker has no content to share", true)
		}
		t := ShareTarget{Bucket: p.bucket, Key: p.key, VersionID: v.VersionID, Size: v.Size}
		return tea.Sequence(
			func() tea.Msg { return closePanelMsg{} },
			func() tea.Msg { return shareMsg{targets: []ShareTarget{t}} },
		)
	}
	return nil
}

func (p *versionsPanel) View() string {
	lines := []string{p.st.Crumb.Render(cut("versions of "+safe("s3://"+p.bucket+"/"+p.key), p.width))}
	if len(p.versions) == 0 {
		lines = append(lines, p.st.Dim.Render("no versions"))
	}
	top := max(0, p.cursor-(p.height-2))
	for i := top; i < len(p.versions) && len(lines) < p.height; i++ {
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
		if i == p.cursor {
			lines = append(lines, p.st.Selected.Render(cut("> "+line, p.width)))
		} else {
			lines = append(lines, cut("  "+line, p.width))
		}
	}
	return block(lines, p.width, p.height)
}

func (p *versionsPanel) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Nav.Up, p.keys.Nav.Down, p.keys.Share.Share, p.keys.App.Close}
}

func (p *versionsPanel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

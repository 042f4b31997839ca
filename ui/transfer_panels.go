package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Keys of the download panel's question, when files are in the way.
var (
	overwriteYes = key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "overwrite them"))
	overwriteNo  = key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "skip them"))
	completeKey  = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete"))
	startKey     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start"))
)

// uploadFile opens the panel that uploads a local file into the current
// location (or the bucket under the cursor on the bucket list).
func (b *browser) uploadFile() tea.Cmd {
	bucket, prefix := b.loc.Bucket, b.loc.Prefix
	if bucket == "" {
		if b.rowCount() == 0 {
			return status("no bucket to upload to: open one with :", true)
		}
		bucket, prefix = b.bucket(b.sel.cursor).Name, ""
	}
	p := &uploadPanel{panelBase: panelBase{id: b.s.nextID(), s: b.s}, bucket: bucket, prefix: prefix,
		path: newPathField("file: ", "", false)}
	return pushPanel(p, nil)
}

// uploadPanel asks for the local file to upload.
type uploadPanel struct {
	panelBase
	bucket, prefix string
	path           pathField
	err            string
	width, height  int
}

func (p *uploadPanel) helpTitle() string { return "Upload a file" }

// Typing is true: the path field always has the keyboard.
func (p *uploadPanel) Typing() bool { return true }

func (p *uploadPanel) SetSize(w, h int) { p.width, p.height = w, h }

func (p *uploadPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case completedMsg:
		if msg.panel == p.id {
			p.path.completed(msg)
		}
	case tea.KeyMsg:
		k := p.s.keys
		switch {
		case key.Matches(msg, k.App.Close):
			return popPanel(p.id)
		case key.Matches(msg, k.Transfer.LinkInstead):
			t := ShareTarget{Bucket: p.bucket, Key: p.prefix, IsPrefix: true, Upload: true}
			return tea.Sequence(popPanel(p.id), openShare(p.s, []ShareTarget{t}))
		case key.Matches(msg, completeKey):
			return p.path.complete(p.id)
		case key.Matches(msg, startKey):
			path := p.path.value()
			if path == "" || strings.HasSuffix(path, "/") {
				p.err = "name a file to upload (tab completes)"
				return nil
			}
			key := p.prefix + filepath.Base(path)
			return tea.Batch(popPanel(p.id), startUpload(p.s, path, p.bucket, key, true))
		}
		p.err = ""
		return p.path.update(msg)
	}
	return nil
}

func (p *uploadPanel) View() string {
	st := p.s.styles
	lines := []string{st.Title.Render(cut("Upload a file into "+safe("s3://"+p.bucket+"/"+p.prefix), p.width)), ""}
	lines = append(lines, p.path.view(p.width)...)
	if v := p.path.value(); v != "" && !strings.HasSuffix(v, "/") {
		lines = append(lines, st.Dim.Render(cut("to "+safe("s3://"+p.bucket+"/"+p.prefix+filepath.Base(v)), p.width)))
	}
	if p.err != "" {
		lines = append(lines, st.Error.Render(cut(p.err, p.width)))
	}
	lines = append(lines, "", st.Dim.Render(cut("The upload runs in the background; the share panel opens on the object when it is done.", p.width)))
	return block(lines, p.width, p.height)
}

func (p *uploadPanel) ShortHelp() []key.Binding {
	k := p.s.keys
	return []key.Binding{completeKey, withHelp(startKey, "upload"), k.Transfer.LinkInstead, k.App.Close}
}

func (p *uploadPanel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// download opens the panel that downloads the marked objects, or the one
// under the cursor, to a local directory.
func (b *browser) download() tea.Cmd {
	var items []download
	if len(b.marks) > 0 {
		for i := 0; i < b.list.Len(); i++ {
			if id := b.list.At(i); b.marks[id] {
				e := b.list.Entry(id)
				items = append(items, download{bucket: b.loc.Bucket, key: b.loc.Prefix + e.Name, size: e.Size})
			}
		}
	} else if t, ok := b.target(); ok && !t.IsPrefix {
		items = []download{{bucket: t.Bucket, key: t.Key, size: t.Size}}
	}
	if len(items) == 0 {
		return status("download: pick an object, or mark some with space", true)
	}
	if _, ok := b.s.transferer(); !ok {
		return status("this store cannot download from here", true)
	}
	p := &downloadPanel{panelBase: panelBase{id: b.s.nextID(), s: b.s}, items: items, dir: newPathField("to directory: ", "./", true)}
	return pushPanel(p, nil)
}

// downloadPanel asks for the directory to download to, and whether to
// replace files already there.
type downloadPanel struct {
	panelBase
	items         []download
	dir           pathField
	err           string
	existing      []string // files in the way, while asking
	width, height int
}

// downloadCheckedMsg says where the downloads would go and which of
// those files exist.
type downloadCheckedMsg struct {
	panel    int
	items    []download
	existing []string
	err      error
}

func (p *downloadPanel) helpTitle() string { return "Download" }

// Typing is true while the directory field has the keyboard.
func (p *downloadPanel) Typing() bool { return p.existing == nil }

func (p *downloadPanel) SetSize(w, h int) { p.width, p.height = w, h }

func (p *downloadPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case completedMsg:
		if msg.panel == p.id {
			p.dir.completed(msg)
		}
	case downloadCheckedMsg:
		if msg.panel != p.id {
			return nil
		}
		if msg.err != nil {
			p.err = safe(msg.err.Error())
			return nil
		}
		p.items = msg.items
		if len(msg.existing) > 0 {
			p.existing = msg.existing
			return nil
		}
		return tea.Batch(popPanel(p.id), startDownloads(p.s, p.items))
	case tea.KeyMsg:
		if p.existing != nil {
			return p.answer(msg)
		}
		k := p.s.keys
		switch {
		case key.Matches(msg, k.App.Close):
			return popPanel(p.id)
		case key.Matches(msg, completeKey):
			return p.dir.complete(p.id)
		case key.Matches(msg, startKey):
			return p.check()
		}
		p.err = ""
		return p.dir.update(msg)
	}
	return nil
}

// answer takes y (overwrite), n (skip those files) or esc (back).
func (p *downloadPanel) answer(msg tea.KeyMsg) tea.Cmd {
	var items []download // what to fetch; the panel keeps its own until it closes
	switch {
	case key.Matches(msg, overwriteYes):
		for _, d := range p.items {
			d.force = true
			items = append(items, d)
		}
	case key.Matches(msg, overwriteNo):
		in := map[string]bool{}
		for _, e := range p.existing {
			in[e] = true
		}
		for _, d := range p.items {
			if !in[d.dest] {
				items = append(items, d)
			}
		}
	case key.Matches(msg, p.s.keys.App.Close):
		p.existing = nil
		return nil
	default:
		return nil
	}
	if len(items) == 0 {
		return tea.Batch(popPanel(p.id), status("nothing downloaded: every file was already there", false))
	}
	return tea.Batch(popPanel(p.id), startDownloads(p.s, items))
}

// check works out each download's file and which already exist, in a Cmd.
func (p *downloadPanel) check() tea.Cmd {
	dir := p.dir.value()
	if dir == "" {
		dir = "."
	}
	items := append([]download(nil), p.items...)
	id := p.id
	return func() tea.Msg {
		fi, err := os.Stat(dir)
		if err != nil {
			return downloadCheckedMsg{panel: id, err: err}
		}
		if !fi.IsDir() {
			return downloadCheckedMsg{panel: id, err: fmt.Errorf("%s is not a directory", dir)}
		}
		var existing []string
		for i := range items {
			name := baseName(items[i].key)
			if name == "." || name == ".." || name == "" {
				return downloadCheckedMsg{panel: id, err: fmt.Errorf("the key %s has no usable file name", items[i].key)}
			}
			items[i].dest = filepath.Join(dir, name)
			if _, err := os.Lstat(items[i].dest); err == nil {
				existing = append(existing, items[i].dest)
			}
		}
		return downloadCheckedMsg{panel: id, items: items, existing: existing}
	}
}

func (p *downloadPanel) View() string {
	st := p.s.styles
	what := safe("s3://" + p.items[0].bucket + "/" + p.items[0].key)
	if len(p.items) > 1 {
		var total int64
		for _, d := range p.items {
			total += d.size
		}
		what = fmt.Sprintf("%d marked objects (%s)", len(p.items), humanSize(total))
	}
	lines := []string{st.Title.Render(cut("Download "+what, p.width)), ""}
	if p.existing != nil {
		n := len(p.existing)
		lines = append(lines, st.Warn.Render(cut(plural(n, "file is", "files are")+" already there:", p.width)))
		for i, e := range p.existing {
			if i == 5 {
				lines = append(lines, fmt.Sprintf("  … and %d more", n-5))
				break
			}
			lines = append(lines, cut("  "+safe(e), p.width))
		}
		lines = append(lines, "", cut("y overwrites them, n skips them, esc goes back", p.width))
		return block(lines, p.width, p.height)
	}
	lines = append(lines, p.dir.view(p.width)...)
	if p.err != "" {
		lines = append(lines, st.Error.Render(cut(p.err, p.width)))
	}
	lines = append(lines, "", st.Dim.Render(cut("Files already there are never replaced without asking.", p.width)))
	return block(lines, p.width, p.height)
}

func (p *downloadPanel) ShortHelp() []key.Binding {
	if p.existing != nil {
		return []key.Binding{overwriteYes, overwriteNo, p.s.keys.App.Close}
	}
	return []key.Binding{completeKey, withHelp(startKey, "download"), p.s.keys.App.Close}
}

func (p *downloadPanel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

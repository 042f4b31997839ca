package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/s3model"
)

// previewMsg carries the head of an object for its preview panel.
type previewMsg struct {
	panel int
	head  s3model.Head
	kind  string   // text, JSON, CSV, binary
	lines []string // the head rendered, off the update loop
	err   error
}

// preview opens the preview of the object under the cursor: its first
// 64 KiB (one ranged GET) as text, pretty JSON, a CSV table or a hex
// dump, every byte of it escaped like any text from the store.
func (b *browser) preview() tea.Cmd {
	t, ok := b.target()
	if !ok || t.IsPrefix {
		return status("preview: pick an object", true)
	}
	tr, ok := b.s.transferer()
	if !ok {
		return status("this store cannot preview from here", true)
	}
	p := &previewPanel{panelBase: panelBase{id: b.s.nextID(), s: b.s}, bucket: t.Bucket, key: t.Key, loading: true}
	id := p.id
	return pushPanel(p, func() tea.Msg {
		h, err := tr.ReadHead(context.Background(), t.Bucket, t.Key, s3model.PreviewSize)
		if err != nil {
			return previewMsg{panel: id, err: err}
		}
		kind, lines := renderPreview(t.Key, h)
		return previewMsg{panel: id, head: h, kind: kind, lines: lines}
	})
}

// previewPanel shows the head of one object, scrolled with the
// navigation keys.
type previewPanel struct {
	panelBase
	bucket, key   string
	loading       bool
	err           error
	head          s3model.Head
	kind          string   // text, JSON, CSV, binary
	lines         []string // rendered once, by the command that read the head
	top           int
	width, height int
}

func (p *previewPanel) helpTitle() string { return "Preview" }

// Typing is false: the panel has no text field.
func (p *previewPanel) Typing() bool { return false }

func (p *previewPanel) SetSize(w, h int) {
	p.width, p.height = w, h
	p.scroll(0)
}

// rows is how many lines of the object fit under the title.
func (p *previewPanel) rows() int { return max(1, p.height-2) }

func (p *previewPanel) scroll(by int) {
	p.top = max(0, min(p.top+by, len(p.lines)-p.rows()))
}

func (p *previewPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case previewMsg:
		if msg.panel != p.id {
			return nil
		}
		p.loading, p.err, p.head, p.kind, p.lines = false, msg.err, msg.head, msg.kind, msg.lines
	case tea.KeyMsg:
		k := p.s.keys
		switch {
		case key.Matches(msg, k.App.Close), key.Matches(msg, k.Browse.Back), key.Matches(msg, k.Transfer.Preview):
			return popPanel(p.id)
		case key.Matches(msg, k.Nav.Down):
			p.scroll(1)
		case key.Matches(msg, k.Nav.Up):
			p.scroll(-1)
		case key.Matches(msg, k.Nav.PageDown):
			p.scroll(p.rows())
		case key.Matches(msg, k.Nav.PageUp):
			p.scroll(-p.rows())
		case key.Matches(msg, k.Nav.Top):
			p.top = 0
		case key.Matches(msg, k.Nav.Bottom):
			p.scroll(len(p.lines))
		}
	}
	return nil
}

func (p *previewPanel) View() string {
	st := p.s.styles
	title := "Preview " + safe("s3://"+p.bucket+"/"+p.key)
	var lines []string
	switch {
	case p.loading:
		lines = []string{st.Title.Render(cut(title, p.width)), st.Dim.Render("reading the first 64 KiB…")}
	case p.err != nil:
		lines = []string{st.Title.Render(cut(title, p.width)), st.Error.Render(cut(safe(oneLine(p.err.Error())), p.width))}
	default:
		info := p.kind + " · " + humanSize(p.head.Size)
		if int64(len(p.head.Data)) < p.head.Size {
			info += " · the first " + humanSize(int64(len(p.head.Data)))
		}
		if n := len(p.lines); n > p.rows() {
			info += fmt.Sprintf(" · lines %d-%d of %d", p.top+1, min(p.top+p.rows(), n), n)
		}
		lines = []string{st.Title.Render(cut(title, p.width)), st.Dim.Render(cut(info, p.width))}
		end := min(len(p.lines), p.top+p.rows())
		for _, l := range p.lines[p.top:end] {
			lines = append(lines, cut(l, p.width))
		}
	}
	return block(lines, p.width, p.height)
}

func (p *previewPanel) ShortHelp() []key.Binding {
	k := p.s.keys
	return []key.Binding{k.Nav.Up, k.Nav.Down, k.Nav.PageDown, k.App.Close}
}

func (p *previewPanel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// renderPreview turns the head of an object into the lines its preview
// shows, every one escaped: pretty JSON, a CSV table, text, or a hex dump
// when the bytes are not text. It names what it made of them.
func renderPreview(key string, h s3model.Head) (string, []string) {
	data := h.Data
	cut := int64(len(data)) < h.Size // the head ends mid-object
	ext := strings.ToLower(path.Ext(key))
	ct := strings.ToLower(h.ContentType)
	if !looksText(data, cut) {
		return "binary", hexDump(data)
	}
	switch {
	case ext == ".json" || strings.Contains(ct, "json") || (ext != ".csv" && ext != ".tsv" && looksJSON(data)):
		var b bytes.Buffer
		if !cut && json.Indent(&b, data, "", "  ") == nil {
			return "JSON", textLines(b.Bytes())
		}
		if cut {
			return "JSON (cut short: shown as text)", textLines(data)
		}
		return "text (not valid JSON)", textLines(data)
	case ext == ".csv" || ext == ".tsv" || strings.Contains(ct, "csv") || strings.Contains(ct, "tab-separated"):
		comma := ','
		if ext == ".tsv" || strings.Contains(ct, "tab-separated") {
			comma = '\t'
		}
		if lines, ok := csvTable(data, comma, cut); ok {
			return "CSV", lines
		}
		return "text (not valid CSV)", textLines(data)
	}
	return "text", textLines(data)
}

// looksJSON reports whether data starts like a JSON object or array.
func looksJSON(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// looksText reports whether data is UTF-8 text without NUL bytes; a rune cut
// at the end of a short head does not count against it.
func looksText(data []byte, cut bool) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	if cut {
		for i := 0; i < utf8.UTFMax && len(data) > 0 && !utf8.Valid(data); i++ {
			data = data[:len(data)-1]
		}
	}
	return utf8.Valid(data)
}

// textLines splits text into lines, tabs expanded and everything else a
// terminal would act on escaped.
func textLines(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	raw := strings.Split(s, "\n")
	out := make([]string, len(raw))
	for i, l := range raw {
		out[i] = safe(expandTabs(l))
	}
	return out
}

func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 4 - col%4
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// csvTable lays CSV records out in columns (each at most 30 cells wide),
// the first record as the header. A head cut mid-object drops its last,
// likely partial, record.
func csvTable(data []byte, comma rune, cutShort bool) ([]string, bool) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = comma, -1, true
	records, err := r.ReadAll()
	if err != nil && !cutShort {
		return nil, false
	}
	if cutShort && len(records) > 1 {
		records = records[:len(records)-1]
	}
	if len(records) == 0 {
		return nil, false
	}
	const maxCol = 30
	var widths []int
	for _, rec := range records {
		for i, f := range rec {
			w := min(ansi.StringWidth(safe(f)), maxCol)
			if i >= len(widths) {
				widths = append(widths, w)
			} else {
				widths[i] = max(widths[i], w)
			}
		}
	}
	row := func(rec []string) string {
		cells := make([]string, len(rec))
		for i, f := range rec {
			cells[i] = fit(safe(f), widths[i])
		}
		return strings.TrimRight(strings.Join(cells, " │ "), " ")
	}
	lines := []string{row(records[0])}
	seps := make([]string, len(widths))
	for i, w := range widths {
		seps[i] = strings.Repeat("─", w)
	}
	lines = append(lines, strings.Join(seps, "─┼─"))
	for _, rec := range records[1:] {
		lines = append(lines, row(rec))
	}
	return lines, true
}

// hexDump is the classic 16 bytes a line: offset, hex, printable ASCII.
func hexDump(data []byte) []string {
	var lines []string
	for off := 0; off < len(data); off += 16 {
		chunk := data[off:min(off+16, len(data))]
		var hx, asc strings.Builder
		for i := range 16 {
			if i == 8 {
				hx.WriteByte(' ')
			}
			if i < len(chunk) {
				fmt.Fprintf(&hx, "%02x ", chunk[i])
				if c := chunk[i]; c >= 0x20 && c < 0x7f {
					asc.WriteByte(c)
				} else {
					asc.WriteByte('.')
				}
			} else {
				hx.WriteString("   ")
			}
		}
		lines = append(lines, fmt.Sprintf("%08x  %s |%s|", off, hx.String(), asc.String()))
	}
	return lines
}

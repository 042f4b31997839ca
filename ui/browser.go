package ui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// Location is where the browser is: no bucket means the bucket list.
type Location struct {
	Bucket string
	Prefix string
	// Select names a row to put the cursor on once it is loaded.
	Select string
}

// String renders the location as an s3:// URI.
func (l Location) String() string {
	if l.Bucket == "" {
		return "s3://"
	}
	return "s3://" + l.Bucket + "/" + l.Prefix
}

// parent returns the location one level up and the name of the row that
// leads back down to l.
func (l Location) parent() (Location, string) {
	if l.Bucket == "" {
		return Location{}, ""
	}
	if l.Prefix == "" {
		return Location{}, l.Bucket
	}
	trimmed := strings.TrimSuffix(l.Prefix, "/")
	i := strings.LastIndex(trimmed, "/")
	return Location{Bucket: l.Bucket, Prefix: trimmed[:i+1]}, trimmed[i+1:] + "/"
}

type loadState int

const (
	stateIdle loadState = iota
	stateLoading
	stateDone
	stateFailed
)

// browser is the listing pane: the buckets, or the prefixes and objects
// under one prefix. Only the rows on screen are rendered, so a prefix of
// a million objects costs the same per frame as one of ten.
type browser struct {
	client *s3model.Client
	keys   keymap.KeyMap
	st     *Styles
	width  int
	height int

	loc      Location
	buckets  []s3model.Bucket
	prefixes []s3model.Entry
	objects  []s3model.Entry

	state  loadState
	err    error
	resume string // continuation token to resume a failed listing from
	reqID  int
	ctx    context.Context
	cancel context.CancelFunc
	// want is the row to select as soon as it is loaded (the prefix we
	// came up from).
	want string

	cursor int
	offset int
	spin   spinner.Model
}

func newBrowser(client *s3model.Client, keys keymap.KeyMap, st *Styles, start Location) browser {
	return browser{
		client: client,
		keys:   keys,
		st:     st,
		loc:    start,
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
}

// SetSize gives the pane its size in cells.
func (b *browser) SetSize(w, h int) {
	b.width, b.height = w, h
	b.clamp()
}

// listHeight is the number of rows the list itself gets: the pane minus
// its breadcrumb and count lines.
func (b *browser) listHeight() int { return max(0, b.height-2) }

func (b *browser) rowCount() int {
	if b.loc.Bucket == "" {
		return len(b.buckets)
	}
	return len(b.prefixes) + len(b.objects)
}

// entry returns row i of a prefix listing.
func (b *browser) entry(i int) s3model.Entry {
	if i < len(b.prefixes) {
		return b.prefixes[i]
	}
	return b.objects[i-len(b.prefixes)]
}

// open moves to loc and starts loading it, cancelling any listing under way.
func (b *browser) open(loc Location, want string) tea.Cmd {
	b.stop()
	b.loc = loc
	b.want = want
	b.buckets, b.prefixes, b.objects = nil, nil, nil
	b.cursor, b.offset = 0, 0
	b.err = nil
	b.resume = ""
	return b.load("")
}

// load starts (or resumes, from token) the listing of the current location.
func (b *browser) load(token string) tea.Cmd {
	b.stop()
	b.reqID++
	b.state = stateLoading
	b.err = nil
	b.ctx, b.cancel = context.WithCancel(context.Background())
	var fetch tea.Cmd
	if b.loc.Bucket == "" {
		fetch = fetchBuckets(b.ctx, b.client, b.reqID)
	} else {
		fetch = fetchPage(b.ctx, b.client, b.reqID, b.loc, token)
	}
	return tea.Batch(fetch, b.spin.Tick)
}

// stop cancels the listing under way, if any.
func (b *browser) stop() {
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
}

func fetchBuckets(ctx context.Context, c *s3model.Client, reqID int) tea.Cmd {
	return func() tea.Msg {
		bs, err := c.ListBuckets(ctx)
		return bucketsMsg{reqID: reqID, buckets: bs, err: err}
	}
}

func fetchPage(ctx context.Context, c *s3model.Client, reqID int, loc Location, token string) tea.Cmd {
	return func() tea.Msg {
		p, err := c.ListPage(ctx, loc.Bucket, loc.Prefix, token)
		return pageMsg{reqID: reqID, loc: loc, token: token, page: p, err: err}
	}
}

// start begins loading the first location.
func (b *browser) start() tea.Cmd {
	start := b.loc
	b.loc.Select = ""
	return b.open(Location{Bucket: start.Bucket, Prefix: start.Prefix}, start.Select)
}

// Update handles keys, mouse and the pane's own messages.
func (b *browser) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case bucketsMsg:
		if msg.reqID != b.reqID {
			return nil
		}
		b.stop()
		if msg.err != nil {
			b.state, b.err = stateFailed, msg.err
			return nil
		}
		b.state = stateDone
		b.buckets = msg.buckets
		b.selectWanted(0)
		return nil

	case pageMsg:
		if msg.reqID != b.reqID {
			return nil // a late page for a listing we left
		}
		if msg.err != nil {
			b.stop()
			b.state, b.err = stateFailed, msg.err
			b.resume = msg.token
			return nil
		}
		b.appendPage(msg.page)
		if msg.page.Done {
			b.stop()
			b.state = stateDone
			b.resume = ""
			return nil
		}
		b.resume = msg.page.Next
		return fetchPage(b.ctx, b.client, b.reqID, b.loc, msg.page.Next)

	case spinner.TickMsg:
		if b.state != stateLoading {
			return nil
		}
		var cmd tea.Cmd
		b.spin, cmd = b.spin.Update(msg)
		return cmd

	case tea.MouseMsg:
		return b.mouse(msg)

	case tea.KeyMsg:
		return b.key(msg)
	}
	return nil
}

// appendPage adds a page's rows. Prefixes are listed before objects; both
// arrive in key order, so appending keeps each group sorted. A cursor in
// the object group keeps its row when prefixes arrive above it.
func (b *browser) appendPage(p s3model.Page) {
	before := len(b.prefixes)
	first := b.rowCount()
	for _, e := range p.Entries {
		if e.IsPrefix {
			b.prefixes = append(b.prefixes, e)
		} else {
			b.objects = append(b.objects, e)
		}
	}
	if added := len(b.prefixes) - before; added > 0 && b.cursor >= before && b.cursor > 0 {
		b.cursor += added
		b.offset += added
	}
	b.selectWanted(first)
	b.clamp()
}

// selectWanted moves the cursor to the wanted row if it has arrived.
func (b *browser) selectWanted(from int) {
	if b.want == "" {
		return
	}
	if b.loc.Bucket == "" {
		for i, bk := range b.buckets {
			if bk.Name == b.want {
				b.cursor, b.want = i, ""
				b.center()
				return
			}
		}
		return
	}
	for i := from; i < b.rowCount(); i++ {
		if b.entry(i).Name == b.want {
			b.cursor, b.want = i, ""
			b.center()
			return
		}
	}
}

func (b *browser) key(msg tea.KeyMsg) tea.Cmd {
	k := b.keys
	switch {
	case key.Matches(msg, k.Nav.Up):
		b.move(-1)
	case key.Matches(msg, k.Nav.Down):
		b.move(1)
	case key.Matches(msg, k.Nav.PageUp):
		b.move(-max(1, b.listHeight()-1))
	case key.Matches(msg, k.Nav.PageDown):
		b.move(max(1, b.listHeight()-1))
	case key.Matches(msg, k.Nav.Top):
		b.cursor = 0
		b.clamp()
	case key.Matches(msg, k.Nav.Bottom):
		b.cursor = b.rowCount() - 1
		b.clamp()
	case key.Matches(msg, k.Browse.Open):
		return b.enter()
	case key.Matches(msg, k.Browse.Back):
		if b.loc.Bucket == "" {
			return nil
		}
		up, want := b.loc.parent()
		return b.open(up, want)
	case key.Matches(msg, k.Browse.Refresh):
		if b.state == stateFailed && b.resume != "" {
			return b.load(b.resume) // resume where the listing stopped
		}
		if b.state == stateLoading {
			return nil
		}
		var want string
		if b.rowCount() > 0 {
			want = b.selectedName()
		}
		return b.open(b.loc, want)
	}
	return nil
}

func (b *browser) mouse(msg tea.MouseMsg) tea.Cmd {
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		b.move(-3)
	case tea.MouseButtonWheelDown:
		b.move(3)
	case tea.MouseButtonLeft:
		if msg.Action != tea.MouseActionPress {
			return nil
		}
		row := msg.Y - 1 // below the breadcrumb line
		if row < 0 || row >= b.listHeight() {
			return nil
		}
		if i := b.offset + row; i < b.rowCount() {
			if i == b.cursor {
				return b.enter()
			}
			b.cursor = i
		}
	}
	return nil
}

// selectedName is the name of the row under the cursor.
func (b *browser) selectedName() string {
	if b.rowCount() == 0 {
		return ""
	}
	if b.loc.Bucket == "" {
		return b.buckets[b.cursor].Name
	}
	return b.entry(b.cursor).Name
}

// enter opens the bucket or prefix under the cursor.
func (b *browser) enter() tea.Cmd {
	if b.rowCount() == 0 {
		return nil
	}
	if b.loc.Bucket == "" {
		return b.open(Location{Bucket: b.buckets[b.cursor].Name}, "")
	}
	e := b.entry(b.cursor)
	if !e.IsPrefix {
		return nil
	}
	return b.open(Location{Bucket: b.loc.Bucket, Prefix: b.loc.Prefix + e.Name}, "")
}

func (b *browser) move(d int) {
	b.cursor += d
	b.clamp()
}

// clamp keeps the cursor on a row and the window around the cursor.
func (b *browser) clamp() {
	n := b.rowCount()
	b.cursor = max(0, min(b.cursor, n-1))
	h := b.listHeight()
	if h <= 0 {
		b.offset = b.cursor
		return
	}
	if b.cursor < b.offset {
		b.offset = b.cursor
	}
	if b.cursor >= b.offset+h {
		b.offset = b.cursor - h + 1
	}
	b.offset = max(0, min(b.offset, n-h))
}

// center scrolls so the cursor sits mid-window.
func (b *browser) center() {
	b.offset = b.cursor - b.listHeight()/2
	b.clamp()
}

// View renders the breadcrumb, the visible rows and the count line.
func (b *browser) View() string {
	if b.width <= 0 || b.height <= 0 {
		return ""
	}
	var s strings.Builder
	s.WriteString(b.st.Crumb.Render(fit(safe(b.loc.String()), b.width)))
	h := b.listHeight()
	n := b.rowCount()
	for r := 0; r < h; r++ {
		s.WriteByte('\n')
		i := b.offset + r
		if i >= n {
			s.WriteString(strings.Repeat(" ", b.width))
			continue
		}
		s.WriteString(b.row(i))
	}
	if b.height > 1 {
		s.WriteByte('\n')
		s.WriteString(b.countLine())
	}
	return s.String()
}

// Column widths of a row: name, size and date, with the smaller ones
// dropped on narrow terminals.
const (
	sizeW = 9
	dateW = 16
)

func (b *browser) columns() (nameW int, showSize, showDate bool) {
	nameW = b.width - 2
	if b.width >= 30 {
		showSize = true
		nameW -= sizeW + 2
	}
	if b.width >= 60 {
		showDate = true
		nameW -= dateW + 2
	}
	return max(1, nameW), showSize, showDate
}

// row renders row i to exactly the pane width.
func (b *browser) row(i int) string {
	nameW, showSize, showDate := b.columns()
	var name, size, date string
	isDir := false
	if b.loc.Bucket == "" {
		bk := b.buckets[i]
		name, isDir = bk.Name+"/", true
		if !bk.Created.IsZero() {
			date = bk.Created.Local().Format("2006-01-02 15:04")
		}
	} else {
		e := b.entry(i)
		name, isDir = e.Name, e.IsPrefix
		if !e.IsPrefix {
			size = humanSize(e.Size)
			date = e.ModTime().Local().Format("2006-01-02 15:04")
		}
	}
	line := fit(safe(name), nameW)
	if isDir {
		line = b.st.Prefix.Render(line)
	}
	if showSize {
		line += "  " + fitRight(size, sizeW)
	}
	if showDate {
		line += "  " + fit(date, dateW)
	}
	if i == b.cursor {
		return b.st.Selected.Render("> " + line)
	}
	return "  " + line
}

// countLine says how much is loaded and whether more is coming.
func (b *browser) countLine() string {
	var parts []string
	if b.loc.Bucket == "" {
		parts = append(parts, plural(len(b.buckets), "bucket", "buckets"))
	} else {
		parts = append(parts, plural(len(b.objects), "object", "objects"), plural(len(b.prefixes), "prefix", "prefixes"))
	}
	line := strings.Join(parts, " · ")
	switch b.state {
	case stateLoading:
		line += " · loading " + b.spin.View()
	case stateFailed:
		what := "failed"
		if b.rowCount() > 0 {
			what = "incomplete"
		}
		return b.st.Error.Render(clip(line+" · "+what+" (r retries): "+safe(oneLine(b.err.Error())), b.width))
	}
	return b.st.Status.Render(fit(line, b.width))
}

// oneLine folds an error onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ShortHelp is the footer's help.
func (b *browser) ShortHelp() []key.Binding {
	return []key.Binding{b.keys.Browse.Open, b.keys.Browse.Back, b.keys.Browse.Refresh, b.keys.App.Help, b.keys.App.Quit}
}

// FullHelp is the help screen's columns.
func (b *browser) FullHelp() [][]key.Binding {
	n := b.keys.Nav
	return [][]key.Binding{
		{n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom},
		{b.keys.Browse.Open, b.keys.Browse.Back, b.keys.Browse.Refresh},
		{b.keys.App.Help, b.keys.App.Quit},
	}
}

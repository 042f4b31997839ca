package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

// Column widths of the ledger view.
const (
	remainW = 12 // "6d23h59m59s"
	methodW = 6
	madeW   = 16 // "2026-11-28 14:05"
	storeW  = 14 // the STORE column's most cells ("prod · s3.examp…")
)

// ledgerPanel shows the share ledger: the active links first, their
// remaining time counting down, then the expired ones, greyed (or, by
// o, the newest made first). The links of a batch show as one folded
// row with their count; enter unfolds it.
type ledgerPanel struct {
	panelBase
	// confirming is set while d waits for y (forgetting does not revoke
	// a link); z brings back what was forgotten, last first.
	confirming bool
	undo       [][]ledger.Record
	order      ledger.Order
	open       map[string]bool // unfolded batches, by id
	keys       keymap.KeyMap
	st         *Styles
	path       string
	clipboard  clip.Clipboard
	clock      func() time.Time
	now        time.Time

	loaded  bool
	err     error
	warns   []ledger.Warning
	recs    []ledger.Record // in order
	nActive int
	rows    []ledgerRow // what the filter lets through, batches folded
	sel     list        // over rows
	filter  filterField

	msg    string
	msgErr bool
	gw     ledgerGateways // what gateways say of their shares (ledger_gateway.go)

	width, height int
}

// ledgerRow is one row of the ledger view: a link, or a batch folded.
type ledgerRow struct {
	rec    int    // index into recs: the link, or the batch's first
	count  int    // the links the row stands for; more than 1 is a batch
	dir    string // a batch's keys' common "dir/"
	member bool   // a link of an unfolded batch
}

// batch reports whether the row is a folded (or unfolded) batch.
func (r ledgerRow) batch() bool { return r.count > 1 }

// openLedger opens the share ledger view.
func openLedger(s *session) tea.Cmd {
	if s.ledgerPath == "" {
		return status("the share ledger is off: no ledger file is configured", true)
	}
	p := newLedgerPanel(s)
	return pushPanel(p, tea.Batch(p.load(), p.tick()))
}

func newLedgerPanel(s *session) *ledgerPanel {
	return &ledgerPanel{
		panelBase: panelBase{id: s.nextID(), s: s},
		keys:      s.keys,
		st:        s.styles,
		path:      s.ledgerPath,
		clipboard: s.clipboard,
		clock:     s.clock,
		now:       s.now(),
		sel:       newList(&s.keys.Nav, 2), // below the title and the column names
		filter:    newFilterField(&s.keys, 256),
		open:      map[string]bool{},
	}
}

// load reads the ledger off the update loop.
func (p *ledgerPanel) load() tea.Cmd {
	id, file := p.id, p.path
	return func() tea.Msg {
		l, err := ledger.Open(file)
		if err != nil {
			return ledgerLoadedMsg{id: id, err: err}
		}
		recs, warns, err := l.Load()
		return ledgerLoadedMsg{id: id, recs: recs, warns: warns, err: err}
	}
}

// tick asks for the next second of the countdown. The chain stops when
// the view closes: a closed panel gets no messages to answer.
func (p *ledgerPanel) tick() tea.Cmd {
	id := p.id
	return tea.Tick(ledgerTick, func(t time.Time) tea.Msg { return ledgerTickMsg{id: id, t: t} })
}

// Typing reports whether the filter has the keyboard.
func (p *ledgerPanel) Typing() bool { return p.filter.Typing() || p.confirming }

// SetSize gives the panel its size.
func (p *ledgerPanel) SetSize(w, h int) {
	p.width, p.height = w, h
	p.filter.setWidth(w - 3)
	p.clamp()
}

// Update handles keys, mouse and the view's own messages.
func (p *ledgerPanel) Update(msg tea.Msg) tea.Cmd {
	if cmd, ok := p.gatewayUpdate(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case ledgerLoadedMsg:
		if msg.id != p.id {
			return nil
		}
		p.loaded, p.err, p.warns = true, msg.err, msg.warns
		p.recs = msg.recs
		p.now = p.clock()
		p.sort()
		p.refilter()
		p.sel.cursor, p.sel.offset = 0, 0
		return tea.Batch(p.fetchGateways(), p.fetchUploads())
	case ledgerTickMsg:
		if msg.id != p.id {
			return nil
		}
		p.now = p.clock()
		if n := p.countActive(); n != p.nActive {
			p.sort()
			p.refilter()
		}
		return p.tick()
	case clipboardResultMsg:
		if msg.id == p.id {
			p.msg, p.msgErr = clipReport(msg.what, msg.res)
			if !p.msgErr && msg.res.Warning != "" {
				p.msg += " (" + msg.res.Warning + ")"
			}
		}
		return nil
	case ledgerRemovedMsg:
		if msg.id == p.id {
			p.removed(msg)
		}
		return nil
	case ledgerRestoredMsg:
		if msg.id == p.id {
			p.restored(msg)
		}
		return nil
	case tea.MouseMsg:
		p.sel.mouse(msg) // a click selects; enter copies
		return nil
	case tea.KeyMsg:
		if ok, changed, cmd := p.filter.key(msg, &p.sel); ok {
			if changed {
				p.refilter()
			}
			return cmd
		}
		return p.key(msg)
	}
	return nil
}

func (p *ledgerPanel) key(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	if p.confirming {
		p.confirming = false
		if cmd, ok := p.gatewayConfirm(msg); ok {
			return cmd
		}
		if key.Matches(msg, batchYes) {
			return p.removeSelected()
		}
		p.msg, p.msgErr = "kept in the ledger", false
		return nil
	}
	if p.sel.navigate(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.App.Close):
		return popPanel(p.id)
	case key.Matches(msg, k.Form.Submit):
		if row, ok := p.selectedRow(); ok && row.batch() {
			p.toggle(row)
			return nil
		}
		return p.copySelected()
	case key.Matches(msg, k.Share.QR):
		if r, ok := p.selected(); ok && r.Method != string(presign.POST) {
			return openQR(p.s, r.URL, safe(r.Method+" "+r.S3Path()))
		} else if ok {
			p.msg, p.msgErr = "a POST upload needs its form fields as well as the URL: a QR code cannot carry them", true
		}
	case key.Matches(msg, k.Share.Delete):
		if row, ok := p.selectedRow(); ok {
			p.confirming = true
			if row.batch() {
				p.msg = "forget the " + groupThousands(row.count) + " links of this batch? y forgets (they still work until they expire)"
			} else {
				p.msg = p.forgetQuestion(p.recs[row.rec])
			}
			p.msgErr = false
		}
	case key.Matches(msg, k.Share.Undo):
		return p.restoreLast()
	case key.Matches(msg, k.Browse.Sort):
		p.order = (p.order + 1) % ledger.Order(len(ledger.Orders))
		p.sort()
		p.msg, p.msgErr = "sorted by "+p.orderName(), false
	}
	return nil
}

// orderName says how the view is sorted.
func (p *ledgerPanel) orderName() string {
	if p.order == ledger.ByMade {
		return "time made, newest first"
	}
	return "expiry, soonest first"
}

// toggle folds or unfolds a batch row, keeping the cursor on it.
func (p *ledgerPanel) toggle(row ledgerRow) {
	b := p.recs[row.rec].Batch
	p.open[b] = !p.open[b]
	p.refilter()
	p.cursorTo(p.recs[row.rec], true)
}

// cursorTo puts the cursor on the row of rec, or on its batch's row.
func (p *ledgerPanel) cursorTo(rec ledger.Record, batch bool) {
	for i, row := range p.rows {
		r := p.recs[row.rec]
		if (batch && row.batch() && r.Batch == rec.Batch) || (!batch && !row.batch() && sameRecord(r, rec)) {
			p.sel.cursor = i
			break
		}
	}
	p.clamp()
}

// countActive counts the records still working at p.now.
func (p *ledgerPanel) countActive() int {
	n := 0
	for _, r := range p.recs {
		if r.Active(p.now) && !p.gatewayEnded(r) {
			n++
		}
	}
	return n
}

// storeW is the STORE column's width: wider on wide screens, none on
// narrow ones (the selected link's details still name it).
func (p *ledgerPanel) storeW() int {
	switch {
	case p.width >= 110:
		return 2 * storeW
	case p.width >= 100 || (p.width >= 60 && p.order != ledger.ByMade):
		return storeW // sorted by time made, MADE takes its place
	}
	return 0
}

// sort orders the records as s3share shares does (ledger.Compare: the
// active links first, soonest to expire first), keeping the cursor on
// its record.
func (p *ledgerPanel) sort() {
	row, ok := p.selectedRow()
	var sel ledger.Record
	if ok {
		sel = p.recs[row.rec]
	}
	now, order := p.now, p.order
	slices.SortStableFunc(p.recs, func(a, b ledger.Record) int { return order.Compare(a, b, now) })
	p.nActive = p.countActive()
	p.refilter()
	if ok {
		p.cursorTo(sel, row.batch())
	}
}

func sameRecord(a, b ledger.Record) bool { return a.URL == b.URL && a.Time.Equal(b.Time) }

// refilter recomputes the rows: the records the filter lets through,
// each batch folded into one row (followed by its links when unfolded).
func (p *ledgerPanel) refilter() {
	q := strings.ToLower(strings.TrimSpace(p.filter.Value()))
	var idx []int
	for i, r := range p.recs {
		if q == "" || strings.Contains(strings.ToLower(r.Method+" "+r.S3Path()+" "+r.Store), q) {
			idx = append(idx, i)
		}
	}
	p.rows = p.rows[:0]
	for _, f := range ledger.Fold(len(idx), func(i int) *ledger.Record { return &p.recs[idx[i]] }) {
		first := idx[f.Index]
		p.rows = append(p.rows, ledgerRow{rec: first, count: f.Count, dir: f.Dir})
		if b := p.recs[first].Batch; f.Count > 1 && p.open[b] {
			for _, i := range idx {
				if p.recs[i].Batch == b {
					p.rows = append(p.rows, ledgerRow{rec: i, count: 1, member: true})
				}
			}
		}
	}
	p.clamp()
}

// selectedRow is the row under the cursor.
func (p *ledgerPanel) selectedRow() (ledgerRow, bool) {
	if p.sel.cursor < 0 || p.sel.cursor >= len(p.rows) {
		return ledgerRow{}, false
	}
	return p.rows[p.sel.cursor], true
}

// selected is the link under the cursor (a batch's first).
func (p *ledgerPanel) selected() (ledger.Record, bool) {
	row, ok := p.selectedRow()
	if !ok {
		return ledger.Record{}, false
	}
	return p.recs[row.rec], true
}

func (p *ledgerPanel) clamp() { p.sel.resize(len(p.rows), p.listHeight()) }

// copySelected copies the selected link again, unless it has expired.
func (p *ledgerPanel) copySelected() tea.Cmd {
	r, ok := p.selected()
	if !ok {
		return nil
	}
	if !r.Active(p.now) {
		p.msg, p.msgErr = "this link expired at "+r.Ends().UTC().Format("2006-01-02 15:04 UTC")+": make a new one with s in the browser", true
		return nil
	}
	return copyToClipboard(p.clipboard, p.id, "link", r.URL)
}

// removeSelected forgets the selected link, or every link of the
// selected batch, in the ledger file.
func (p *ledgerPanel) removeSelected() tea.Cmd {
	row, ok := p.selectedRow()
	if !ok {
		return nil
	}
	r := p.recs[row.rec]
	match := func(x ledger.Record) bool { return sameRecord(x, r) }
	if row.batch() {
		match = func(x ledger.Record) bool { return x.Batch == r.Batch }
	}
	id, file := p.id, p.path
	return func() tea.Msg {
		l, err := ledger.Open(file)
		if err != nil {
			return ledgerRemovedMsg{id: id, rec: r, err: err}
		}
		var gone []ledger.Record
		_, err = l.Remove(func(x ledger.Record) bool {
			if match(x) {
				gone = append(gone, x)
				return true
			}
			return false
		})
		if err != nil {
			gone = nil
		}
		return ledgerRemovedMsg{id: id, rec: r, match: match, gone: gone, err: err}
	}
}

func (p *ledgerPanel) removed(msg ledgerRemovedMsg) {
	if msg.err != nil {
		p.msg, p.msgErr = "not removed: "+msg.err.Error(), true
		return
	}
	p.recs = slices.DeleteFunc(p.recs, msg.match)
	p.nActive = p.countActive()
	p.refilter()
	what := msg.rec.S3Path()
	if n := len(msg.gone); n > 1 {
		what = plural(n, "link", "links")
	}
	if len(msg.gone) > 0 {
		p.undo = append(p.undo, msg.gone)
	}
	switch {
	case len(msg.gone) == 0:
		p.msg = "already gone from the ledger file: " + what
	case msg.rec.Active(p.now):
		p.msg = "removed " + what + " from the ledger — this does not revoke the link: it works until " +
			msg.rec.Ends().UTC().Format("2006-01-02 15:04 UTC") + " unless the access key that signed it is disabled · z undoes"
	default:
		p.msg = "removed " + what + " from the ledger (it had expired) · z undoes"
	}
	p.msgErr = false
}

// restoreLast writes the records the last d forgot back to the ledger.
func (p *ledgerPanel) restoreLast() tea.Cmd {
	n := len(p.undo)
	if n == 0 {
		p.msg, p.msgErr = "nothing to bring back: z undoes d", false
		return nil
	}
	recs := p.undo[n-1]
	p.undo = p.undo[:n-1]
	id, file := p.id, p.path
	return func() tea.Msg {
		l, err := ledger.Open(file)
		if err == nil {
			err = l.Append(recs...)
		}
		return ledgerRestoredMsg{id: id, recs: recs, err: err}
	}
}

func (p *ledgerPanel) restored(msg ledgerRestoredMsg) {
	if msg.err != nil {
		p.undo = append(p.undo, msg.recs) // z may try again
		p.msg, p.msgErr = "not brought back: "+msg.err.Error(), true
		return
	}
	p.recs = append(p.recs, msg.recs...)
	p.sort()
	p.cursorTo(msg.recs[0], len(msg.recs) > 1 && msg.recs[0].Batch != "")
	what := msg.recs[0].S3Path()
	if len(msg.recs) > 1 {
		what = plural(len(msg.recs), "link", "links")
	}
	p.msg, p.msgErr = "brought back "+what+" to the ledger", false
}

// detailH is the height of the selected link's box at the bottom.
func (p *ledgerPanel) detailH() int {
	if p.height < 12 {
		return 0
	}
	return min(8, (p.height-3)/2)
}

// listHeight is the number of rows the list gets.
func (p *ledgerPanel) listHeight() int {
	return max(0, p.height-3-p.detailH()) // title, column names, message line
}

// View draws the list, the selected link and the message line.
func (p *ledgerPanel) View() string {
	w, h := p.width, p.height
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := []string{p.titleLine()}
	// The sorted column says so; sorted by time made, that column shows
	// at every width.
	showMade := w >= 100 || p.order == ledger.ByMade
	remain, made := "REMAINING ↑", "MADE (UTC) ↓"
	if p.order == ledger.ByMade {
		remain = "REMAINING"
	} else {
		made = "MADE (UTC)"
	}
	hdr := "  " + fit(remain, remainW) + fit("METHOD", methodW+1)
	if showMade {
		hdr += fit(made, madeW+2)
	}
	if sw := p.storeW(); sw > 0 {
		hdr += fit("STORE", sw+2)
	}
	lines = append(lines, p.st.Dim.Render(cut(hdr+"LINK", w)))
	lh := p.listHeight()
	switch {
	case !p.loaded:
		lines = append(lines, p.st.Dim.Render(cut("loading "+safe(p.path)+"…", w)))
	case p.err != nil:
		lines = append(lines, p.st.Error.Render(cut("could not read the share ledger: "+safe(oneLine(p.err.Error())), w)))
	case len(p.recs) == 0:
		lines = append(lines, p.st.Dim.Render(cut("no links made yet: press s on an object to share it", w)))
	case len(p.rows) == 0:
		lines = append(lines, p.st.Dim.Render(cut("no links match the filter (esc clears it)", w)))
	}
	from, to := p.sel.window()
	for i := from; i < to && len(lines) < 2+lh; i++ {
		lines = append(lines, p.row(i, showMade))
	}
	for len(lines) < 2+lh {
		lines = append(lines, "")
	}
	if dh := p.detailH(); dh > 0 {
		det := p.detailLines(dh)
		for len(det) < dh {
			det = append(det, "")
		}
		lines = append(lines, det...)
	}
	lines = append(lines, p.messageLine())
	return block(lines, w, h)
}

func (p *ledgerPanel) titleLine() string {
	w := p.width
	if p.filter.Typing() {
		return p.filter.View(p.st, w)
	}
	t := "Share ledger"
	if p.loaded && p.err == nil {
		t += " · " + groupThousands(p.nActive) + " active · " + groupThousands(len(p.recs)-p.nActive) + " expired"
	}
	if p.order == ledger.ByMade {
		t += " · newest made first"
	}
	if f := p.filter.Value(); f != "" {
		t += " · filter " + safe(f)
	}
	return p.st.Title.Render(cut(t, w))
}

// row renders view row i.
func (p *ledgerPanel) row(i int, showMade bool) string {
	w := p.width
	row := p.rows[i]
	r := p.recs[row.rec]
	active := r.Active(p.now)
	remain := "expired"
	if active {
		remain = presign.FormatDuration(r.Ends().Sub(p.now).Truncate(time.Second))
	}
	remain = p.gatewayRemain(r, remain)
	// Each column keeps its gap, however long a (hostile) value is.
	line := fit(remain, remainW) + fit(safe(r.Method), methodW) + " "
	if showMade {
		line += fit(r.Time.UTC().Format("2006-01-02 15:04"), madeW+2)
	}
	if sw := p.storeW(); sw > 0 {
		line += fit(safe(r.StoreLabel()), sw) + "  "
	}
	where := ledger.Row{Count: row.count, Dir: row.dir}.Path(&r)
	switch {
	case row.batch() && p.open[r.Batch]:
		where = "▾ " + where
	case row.batch():
		where = "▸ " + where
	case row.member:
		where = "  " + where
	}
	lead := "  "
	if i == p.sel.cursor {
		lead = "> "
	}
	line = lead + line
	line += fit(safe(where), max(1, w-ansi.StringWidth(line)))
	line = cut(line, w)
	switch {
	case i == p.sel.cursor:
		return p.st.Selected.Render(line)
	case !active:
		return p.st.Dim.Render(line)
	}
	return line
}

// detailLines show the selected link in full, as plain text.
func (p *ledgerPanel) detailLines(h int) []string {
	w := p.width
	out := []string{p.st.Dim.Render(cut(strings.Repeat("─", w), w))}
	row, ok := p.selectedRow()
	if !ok {
		return out
	}
	r := p.recs[row.rec]
	info := expiryText(r.Ends(), p.now)
	if r.Store != "" {
		info += " · " + safe(r.Store)
	}
	if row.batch() {
		out = append(out, cut(info, w))
		what := "a batch of " + groupThousands(row.count) + " links under " + safe("s3://"+r.Bucket+"/"+row.dir)
		out = append(out, cut(what, w), p.st.Dim.Render(cut("enter unfolds it · d forgets them all", w)))
		return out
	}
	if v := r.Options["disposition"]; v != "" {
		info += " · " + safe(v)
	}
	out = append(out, cut(info, w))
	out = append(out, p.gatewayDetail(r, w)...)
	if r.Upload != "" {
		return p.uploadDetail(out, r, w, h)
	}
	url := wrapPlain(safe(r.URL), w)
	room := h - len(out)
	if len(url) > room {
		url = url[:room]
		url[room-1] = ansi.Truncate(url[room-1], w-1, "") + "…" // Enter copies it whole
	}
	for i, l := range url {
		url[i] = p.s.hyperlink(r.URL, l)
	}
	return append(out, url...)
}

// messageLine is the last action's outcome, or what the keys do.
func (p *ledgerPanel) messageLine() string {
	w := p.width
	switch {
	case p.confirming:
		return p.st.Warn.Render(cut(safe(oneLine(p.msg)), w))
	case p.msg != "" && p.msgErr:
		return p.st.Error.Render(cut(safe(oneLine(p.msg)), w))
	case p.msg != "":
		return p.st.Status.Render(cut(safe(oneLine(p.msg)), w))
	case len(p.warns) > 0:
		return p.st.Warn.Render(cut(plural(len(p.warns), "unreadable line", "unreadable lines")+" skipped in "+safe(p.path)+" ("+safe(p.warns[0].String())+")", w))
	}
	forget := "d forgets (does not revoke)"
	if r, ok := p.selected(); ok && p.revocable(r) {
		forget = "d forgets, or revokes at its gateway"
	}
	return p.st.Dim.Render(cut("enter copies again · "+forget+" · z undoes · o sorts · / filters", w))
}

// ShortHelp is the footer's help.
func (p *ledgerPanel) ShortHelp() []key.Binding {
	k := p.keys
	if p.filter.Typing() {
		return filterHelp(&k)
	}
	if p.confirming {
		return append(p.gatewayConfirmHelp(), withHelp(batchYes, "forget"), key.NewBinding(key.WithKeys("n"), key.WithHelp("other keys", "keep")))
	}
	return []key.Binding{k.Nav.Up, k.Nav.Down, withHelp(k.Form.Submit, "copy again"), k.Share.Delete, k.Share.Undo, k.Browse.Filter, k.App.Close}
}

// FullHelp is the help screen's columns.
func (p *ledgerPanel) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{
		{k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown, k.Nav.Top, k.Nav.Bottom},
		{withHelp(k.Form.Submit, "copy again/unfold batch"), k.Share.QR, k.Share.Delete, k.Share.Undo, withHelp(k.Browse.Sort, "sort by expiry/made"), k.Browse.Filter, k.App.Close},
	}
}

// ledgerTick is how often the ledger view's countdowns are redrawn.
var ledgerTick = time.Second

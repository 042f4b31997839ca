package ui

import (
	"context"
	"path"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
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

// dir is the location without a row to select, for use as a map key.
func (l Location) dir() Location { return Location{Bucket: l.Bucket, Prefix: l.Prefix} }

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

// ShareTarget is what the share panel makes links for.
type ShareTarget struct {
	Bucket    string
	Key       string // a prefix ends in "/"
	IsPrefix  bool
	VersionID string
	Size      int64
	// Upload makes the target a place to upload to: Key is the prefix
	// the new key starts with, and only PUT and POST are offered.
	Upload bool
}

type loadState int

const (
	stateIdle loadState = iota
	stateLoading
	stateDone
	stateFailed
)

// detailDelay is how long the cursor must rest on a row before its
// details are fetched.
const detailDelay = 150 * time.Millisecond

// wideWidth is the width from which details sit beside the list.
const wideWidth = 110

// browser is the listing pane: the buckets, or the prefixes and objects
// under one prefix. Only the rows on screen are rendered, so a prefix of
// a million objects costs the same per frame as one of ten.
type browser struct {
	s      *session
	client Store
	keys   *keymap.KeyMap // the session's
	st     *Styles
	width  int
	height int

	loc     Location
	buckets []s3model.Bucket
	list    *s3model.Listing
	// cache holds the complete listings seen this session, within the
	// session's budget.
	cache *listingCache

	state loadState
	err   error
	// resume is where a failed listing resumes: the last name listed
	// (or, from a store that lists only page by page, the continuation
	// token of the next page).
	resume string
	reqID  int
	ctx    context.Context
	cancel context.CancelFunc
	// pages hands out the listing under way's pages.
	pages pager
	// want is the row to select as soon as it is loaded.
	want string

	sel list

	// view is the filtered and/or sorted order of the rows; nil when
	// the rows show in natural order.
	view []s3model.ID
	// viewOf is what view was computed for, and viewNP, viewNO how many
	// prefixes and objects it covers: rows arriving later are merged in.
	viewOf         viewParams
	viewNP, viewNO int
	bucketIdx      []int // the bucket list's filtered order
	filter         filterField
	sortKey        s3model.SortKey
	desc           bool
	jobID          int
	jobBusy        bool
	jobDirty       bool

	// goingTo is set while the go-to field has the keyboard.
	goingTo bool
	goTo    textinput.Model

	marks map[s3model.ID]bool

	showDetails bool
	detailSeq   int
	versionsReq int // the last versions asked for; older replies are dropped
	lastSel     string
	details     map[string]detailState

	spin spinner.Model
}

type detailState struct {
	d       s3model.Details
	err     error
	loading bool
}

func newBrowser(s *session, start Location) browser {
	return browser{
		s:           s,
		client:      s.client,
		keys:        &s.keys,
		st:          s.styles,
		sel:         newList(&s.keys.Nav, 1), // below the header line
		filter:      newFilterField(&s.keys, 1024),
		loc:         start,
		list:        &s3model.Listing{},
		cache:       newListingCache(cacheBudget(s)),
		marks:       map[s3model.ID]bool{},
		details:     map[string]detailState{},
		goTo:        newTextField(1024),
		showDetails: true,
		spin:        spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
}

// SetSize gives the pane its size in cells.
func (b *browser) SetSize(w, h int) {
	b.width, b.height = w, h
	b.clamp()
}

// Typing reports whether the filter or the go-to field has the keyboard.
func (b *browser) Typing() bool { return b.filter.Typing() || b.goingTo }

// start begins loading the first location.
func (b *browser) start() tea.Cmd {
	start := b.loc
	return b.open(start.dir(), start.Select)
}

// open moves to loc and starts loading it, cancelling any listing under
// way. A listing seen complete earlier this session is shown from memory.
func (b *browser) open(loc Location, want string) tea.Cmd {
	b.stop()
	b.loc = loc.dir()
	b.want = want
	b.buckets, b.bucketIdx = nil, nil
	b.list = &s3model.Listing{}
	b.view = nil
	b.filter.clear()
	b.marks = map[s3model.ID]bool{}
	b.sel.cursor, b.sel.offset = 0, 0
	b.err = nil
	b.resume = ""
	b.clamp()
	if cached, ok := b.cache.get(b.loc); ok && b.loc.Bucket != "" {
		b.reqID++
		b.list = cached
		b.state = stateDone
		b.clamp() // the list component learns the cached rows
		b.selectWanted()
		return b.requestView()
	}
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
		b.pages = newPager(b.ctx, b.client, b.loc, token)
		fetch = fetchPage(b.pages, b.reqID, b.loc, token)
	}
	return tea.Batch(fetch, b.spin.Tick)
}

// stop cancels the listing under way, if any: every request of it stops.
func (b *browser) stop() {
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
	if b.pages != nil {
		go b.pages.close() // waits for its workers, which stop at once
		b.pages = nil
	}
}

func fetchBuckets(ctx context.Context, c Store, reqID int) tea.Cmd {
	return func() tea.Msg {
		bs, err := c.ListBuckets(ctx)
		return bucketsMsg{reqID: reqID, buckets: bs, err: err}
	}
}

// fetchPage takes the listing's next page; from is where the listing
// resumes should it fail.
func fetchPage(p pager, reqID int, loc Location, from string) tea.Cmd {
	return func() tea.Msg {
		page, next, err := p.next()
		return pageMsg{reqID: reqID, loc: loc, token: from, page: page, next: next, err: err}
	}
}

// Update handles keys, mouse and the pane's own messages.
func (b *browser) Update(msg tea.Msg) tea.Cmd {
	cmd := b.update(msg)
	if sel := b.selectedKey(); sel != b.lastSel {
		b.lastSel = sel
		return tea.Batch(cmd, b.scheduleDetails())
	}
	return cmd
}

func (b *browser) update(msg tea.Msg) tea.Cmd {
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
		b.filterBuckets()
		b.selectWanted()
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
		viewCmd := b.requestView()
		if msg.page.Done {
			b.stop()
			b.state = stateDone
			b.resume = ""
			b.cache.put(b.loc, b.list)
			return viewCmd
		}
		switch {
		case msg.next != "":
			b.resume = msg.next
		case msg.page.Next != "":
			b.resume = msg.page.Next
		}
		if b.pages == nil {
			if b.ctx == nil {
				return viewCmd
			}
			b.pages = newPager(b.ctx, b.client, b.loc, b.resume)
		}
		return tea.Batch(viewCmd, fetchPage(b.pages, b.reqID, b.loc, b.resume))

	case viewMsg:
		return b.applyView(msg)

	case detailTickMsg:
		return b.fetchDetails(msg.seq)

	case detailMsg:
		b.details[msg.bucket+"/"+msg.key] = detailState{d: msg.details, err: msg.err}
		return nil

	case versionsMsg:
		if msg.reqID != b.versionsReq || msg.bucket != b.loc.Bucket {
			return nil // asked again since, or the browser moved on
		}
		if msg.err != nil {
			return status(safe(oneLine(msg.err.Error())), true)
		}
		n := plural(len(msg.versions), "version", "versions")
		return tea.Batch(status(n+" of "+safe("s3://"+msg.bucket+"/"+msg.key), false), openVersions(b.s, msg))

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
		if b.goingTo {
			return b.goToKey(msg)
		}
		if ok, changed, cmd := b.filter.key(msg, &b.sel); ok {
			if changed {
				return tea.Batch(cmd, b.requestView())
			}
			return cmd
		}
		return b.key(msg)
	}
	return nil
}

// status returns a command that shows a transient status line.
func status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, err: isErr} }
}

// appendPage adds a page's rows. Prefixes are listed before objects; both
// arrive in key order. In natural order a cursor among the objects keeps
// its row when prefixes arrive above it.
func (b *browser) appendPage(p s3model.Page) {
	before := b.list.NumPrefixes()
	b.list.Add(p.Entries)
	if added := b.list.NumPrefixes() - before; added > 0 && b.view == nil && b.sel.cursor >= before && b.sel.cursor > 0 {
		b.sel.cursor += added
		b.sel.offset += added
	}
	b.selectWanted()
	b.clamp()
}

// selectWanted moves the cursor to the wanted row if it has arrived.
func (b *browser) selectWanted() {
	if b.want == "" {
		return
	}
	if b.loc.Bucket == "" {
		for i := 0; i < b.rowCount(); i++ {
			if b.bucket(i).Name == b.want {
				b.want = ""
				b.center(i)
				return
			}
		}
		return
	}
	if id, ok := b.list.Find(b.want); ok {
		if i := b.indexOf(id); i >= 0 {
			b.want = ""
			b.center(i)
		}
	}
}

// rowCount is the number of rows shown.
func (b *browser) rowCount() int {
	switch {
	case b.loc.Bucket == "":
		return len(b.bucketIdx)
	case b.view != nil:
		return len(b.view)
	}
	return b.list.Len()
}

func (b *browser) bucket(i int) s3model.Bucket { return b.buckets[b.bucketIdx[i]] }

// idAt returns the listing row shown at row i.
func (b *browser) idAt(i int) s3model.ID {
	if b.view != nil {
		return b.view[i]
	}
	return b.list.At(i)
}

// indexOf returns the row showing id, or -1.
func (b *browser) indexOf(id s3model.ID) int {
	if b.view == nil {
		return b.list.Index(id)
	}
	for i, v := range b.view {
		if v == id {
			return i
		}
	}
	return -1
}

// filterBuckets recomputes the bucket list's filtered order.
func (b *browser) filterBuckets() {
	m := s3model.NewMatcher(b.filter.Value())
	b.bucketIdx = b.bucketIdx[:0]
	for i, bk := range b.buckets {
		if m.Match([]byte(bk.Name)) {
			b.bucketIdx = append(b.bucketIdx, i)
		}
	}
	b.clamp()
}

// needsView reports whether rows show in an order other than natural.
func (b *browser) needsView() bool {
	return b.filter.Value() != "" || b.sortKey != s3model.ByName || b.desc
}

// requestView starts computing the filtered/sorted order off the update
// loop. One job runs at a time; a change while it runs starts another
// when it returns, so typing is never blocked and the last result wins.
func (b *browser) requestView() tea.Cmd {
	if b.loc.Bucket == "" {
		b.filterBuckets()
		return nil
	}
	if !b.needsView() {
		if b.view != nil {
			sel, ok := b.selectedID()
			b.view = nil
			b.restore(sel, ok)
		}
		return nil
	}
	if b.jobBusy {
		b.jobDirty = true
		return nil
	}
	b.jobBusy, b.jobDirty = true, false
	b.jobID++
	vp := viewParams{filter: b.filter.Value(), key: b.sortKey, desc: b.desc}
	if b.view != nil && b.viewOf == vp {
		// Only the rows that arrived since are filtered, sorted and
		// merged in.
		return viewJob(b.list.Snapshot(), b.jobID, vp, b.view, b.viewNP, b.viewNO)
	}
	return viewJob(b.list.Snapshot(), b.jobID, vp, nil, 0, 0)
}

// viewParams is what a view is computed for.
type viewParams struct {
	filter string
	key    s3model.SortKey
	desc   bool
}

// viewJob computes the view of l for vp: from scratch, or, given the view
// prev of the first np prefixes and no objects, by merging the rows added
// since into it.
func viewJob(l *s3model.Listing, jobID int, vp viewParams, prev []s3model.ID, np, no int) tea.Cmd {
	return func() tea.Msg {
		n := l.Len()
		var ids []s3model.ID
		if prev != nil {
			add := l.Since(np, no)
			if vp.filter != "" {
				add = l.Filter(add, s3model.NewMatcher(vp.filter))
			}
			ids = l.Merge(prev, add, vp.key, vp.desc)
		} else {
			if vp.filter != "" {
				ids = l.FilterAll(0, s3model.NewMatcher(vp.filter))
			} else {
				ids = l.IDs(0, n)
			}
			if vp.key != s3model.ByName || vp.desc {
				l.Sort(ids, vp.key, vp.desc)
			}
		}
		if ids == nil {
			ids = []s3model.ID{} // nothing matches: an empty view, not the natural order
		}
		return viewMsg{jobID: jobID, n: n, np: l.NumPrefixes(), no: l.NumObjects(), of: vp, ids: ids}
	}
}

func (b *browser) applyView(msg viewMsg) tea.Cmd {
	if msg.jobID != b.jobID {
		return nil
	}
	b.jobBusy = false
	if b.needsView() {
		sel, ok := b.selectedID()
		b.view = msg.ids
		b.viewOf, b.viewNP, b.viewNO = msg.of, msg.np, msg.no
		b.restore(sel, ok)
	}
	if b.jobDirty || (b.needsView() && msg.n < b.list.Len()) {
		return b.requestView()
	}
	return nil
}

// restore puts the cursor back on id after the order changed.
func (b *browser) restore(id s3model.ID, ok bool) {
	if ok {
		if i := b.indexOf(id); i >= 0 {
			b.clamp()
			b.sel.selectRow(i)
			return
		}
	}
	b.clamp()
	b.sel.selectRow(0)
}

func (b *browser) selectedID() (s3model.ID, bool) {
	if b.loc.Bucket == "" || b.rowCount() == 0 {
		return 0, false
	}
	return b.idAt(b.sel.cursor), true
}

// selected returns the entry under the cursor.
func (b *browser) selected() (s3model.Entry, bool) {
	id, ok := b.selectedID()
	if !ok {
		return s3model.Entry{}, false
	}
	return b.list.Entry(id), true
}

// selectedKey is the full key (or bucket name) under the cursor.
func (b *browser) selectedKey() string {
	if b.rowCount() == 0 {
		return ""
	}
	if b.loc.Bucket == "" {
		return b.bucket(b.sel.cursor).Name
	}
	e, _ := b.selected()
	return b.loc.Bucket + "/" + b.loc.Prefix + e.Name
}

func (b *browser) key(msg tea.KeyMsg) tea.Cmd {
	k := b.keys
	b.clamp()
	if b.sel.navigate(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Browse.Open):
		return b.enter()
	case key.Matches(msg, k.Browse.Back):
		if b.loc.Bucket == "" {
			return nil
		}
		up, want := b.loc.parent()
		return b.open(up, want)
	case key.Matches(msg, k.Browse.GoTo):
		b.goingTo = true
		b.goTo.SetValue(b.loc.String())
		b.goTo.CursorEnd()
		return b.goTo.Focus()
	case key.Matches(msg, k.Browse.Sort):
		b.sortKey = (b.sortKey + 1) % 3
		return tea.Batch(b.requestView(), status("sorted by "+b.sortLabel(), false))
	case key.Matches(msg, k.Browse.Reverse):
		b.desc = !b.desc
		return tea.Batch(b.requestView(), status("sorted by "+b.sortLabel(), false))
	case key.Matches(msg, k.Browse.Details):
		b.showDetails = !b.showDetails
		b.clamp()
		b.lastSel = ""
	case key.Matches(msg, k.Browse.Versions):
		return b.versions()
	case key.Matches(msg, k.Browse.Refresh):
		return b.refresh()
	case key.Matches(msg, k.Browse.Mark):
		if e, ok := b.selected(); ok && e.IsPrefix {
			return status("only objects can be marked: s on a prefix shares everything under it", false)
		}
		if b.loc.Bucket == "" {
			return status("only objects can be marked: open a bucket first", false)
		}
		if e, ok := b.selected(); ok && !e.IsPrefix {
			id := b.idAt(b.sel.cursor)
			if b.marks[id] {
				delete(b.marks, id)
			} else {
				b.marks[id] = true
			}
			b.sel.move(1)
		}
	case key.Matches(msg, k.Browse.MarkAll):
		b.markAll()
	case key.Matches(msg, k.Share.Share):
		return b.share()
	case key.Matches(msg, k.Share.Upload):
		return b.uploadFile()
	case key.Matches(msg, k.Transfer.Download):
		return b.download()
	case key.Matches(msg, k.Transfer.Preview):
		return b.preview()
	case key.Matches(msg, k.Share.CopyURI):
		if t, ok := b.target(); ok {
			uri := "s3://" + t.Bucket + "/" + t.Key
			return func() tea.Msg { return copyMsg{text: uri, what: "s3:// URI"} }
		}
	case key.Matches(msg, k.Share.CopyURL):
		if t, ok := b.target(); ok && b.client != nil {
			u := b.client.ObjectURL(t.Bucket, t.Key)
			return func() tea.Msg { return copyMsg{text: u, what: "object URL"} }
		}
	case key.Matches(msg, k.Share.Ledger):
		return openLedger(b.s)
	}
	return nil
}

// refresh reloads the location, or resumes a failed listing where it stopped.
func (b *browser) refresh() tea.Cmd {
	if b.state == stateFailed && b.resume != "" {
		return b.load(b.resume)
	}
	if b.state == stateLoading {
		return nil
	}
	b.cache.remove(b.loc)
	for k := range b.details {
		delete(b.details, k)
	}
	want := ""
	if b.rowCount() > 0 {
		if b.loc.Bucket == "" {
			want = b.bucket(b.sel.cursor).Name
		} else if e, ok := b.selected(); ok {
			want = e.Name
		}
	}
	filter, sortKey, desc := b.filter, b.sortKey, b.desc
	cmd := b.open(b.loc, want)
	b.filter, b.sortKey, b.desc = filter, sortKey, desc
	return tea.Batch(cmd, b.requestView())
}

func (b *browser) markAll() {
	if b.loc.Bucket == "" {
		return
	}
	n := b.rowCount()
	all := true
	for i := 0; i < n && all; i++ {
		if id := b.idAt(i); !id.IsPrefix() && !b.marks[id] {
			all = false
		}
	}
	for i := 0; i < n; i++ {
		if id := b.idAt(i); !id.IsPrefix() {
			if all {
				delete(b.marks, id)
			} else {
				b.marks[id] = true
			}
		}
	}
}

// target is what the cursor is on, as something to share or copy.
func (b *browser) target() (ShareTarget, bool) {
	if b.loc.Bucket == "" || b.rowCount() == 0 {
		return ShareTarget{}, false
	}
	e, _ := b.selected()
	return ShareTarget{Bucket: b.loc.Bucket, Key: b.loc.Prefix + e.Name, IsPrefix: e.IsPrefix, Size: e.Size}, true
}

// share opens the share panel for the marked objects, or the row under
// the cursor (an object, or a prefix to share recursively).
func (b *browser) share() tea.Cmd {
	var targets []ShareTarget
	if len(b.marks) > 0 {
		for i := 0; i < b.list.Len(); i++ {
			id := b.list.At(i)
			if b.marks[id] {
				e := b.list.Entry(id)
				targets = append(targets, ShareTarget{Bucket: b.loc.Bucket, Key: b.loc.Prefix + e.Name, Size: e.Size})
			}
		}
	} else if t, ok := b.target(); ok {
		targets = []ShareTarget{t}
	}
	if len(targets) == 0 {
		// A bucket row, or an empty bucket or prefix: an upload link.
		return b.upload()
	}
	return openShare(b.s, targets)
}

// upload opens the share panel for an upload link into the bucket under
// the cursor (on the bucket list) or into the current location.
func (b *browser) upload() tea.Cmd {
	t := ShareTarget{Bucket: b.loc.Bucket, Key: b.loc.Prefix, IsPrefix: true, Upload: true}
	if b.loc.Bucket == "" {
		if b.rowCount() == 0 {
			return status("no bucket to upload to: open one with :", true)
		}
		t.Bucket, t.Key = b.bucket(b.sel.cursor).Name, ""
	}
	return openShare(b.s, []ShareTarget{t})
}

// versions lists the versions of the object under the cursor.
func (b *browser) versions() tea.Cmd {
	t, ok := b.target()
	if !ok || t.IsPrefix {
		return status("versions: pick an object", true)
	}
	b.versionsReq++
	c, id := b.client, b.versionsReq
	return tea.Batch(status("listing the versions of "+safe("s3://"+t.Bucket+"/"+t.Key)+"…", false), func() tea.Msg {
		vs, err := c.ListVersions(context.Background(), t.Bucket, t.Key)
		return versionsMsg{reqID: id, bucket: t.Bucket, key: t.Key, versions: vs, err: err}
	})
}

// goToKey handles keys while the go-to field has the keyboard.
func (b *browser) goToKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		b.goingTo = false
		b.goTo.Blur()
		return nil
	case tea.KeyEnter:
		b.goingTo = false
		b.goTo.Blur()
		return b.goToPath(b.goTo.Value())
	}
	var cmd tea.Cmd
	b.goTo, cmd = b.goTo.Update(msg)
	return cmd
}

// goToPath opens a typed path: s3://bucket/prefix/, bucket/prefix/, or a
// full key, which opens its prefix with the object selected. An s3://
// address typed after the current one (the field starts with it) wins.
func (b *browser) goToPath(in string) tea.Cmd {
	in = strings.TrimSpace(in)
	if i := strings.LastIndex(in, "s3://"); i > 0 {
		// A whole address typed after the one the field starts with.
		in = in[i:]
	}
	if in == "" || in == "s3://" {
		return b.open(Location{}, "")
	}
	bucket, key, err := s3model.ParseURI(in)
	if err != nil {
		return status("go to: "+safe(err.Error()), true)
	}
	dir := key[:strings.LastIndex(key, "/")+1]
	return b.open(Location{Bucket: bucket, Prefix: dir}, key[len(dir):])
}

func (b *browser) mouse(msg tea.MouseMsg) tea.Cmd {
	b.clamp()
	if b.sel.mouse(msg) {
		return b.enter()
	}
	return nil
}

// enter opens the bucket or prefix under the cursor.
func (b *browser) enter() tea.Cmd {
	if b.rowCount() == 0 {
		return nil
	}
	if b.loc.Bucket == "" {
		return b.open(Location{Bucket: b.bucket(b.sel.cursor).Name}, "")
	}
	e, _ := b.selected()
	if !e.IsPrefix {
		if !b.showDetails {
			b.showDetails = true
			b.lastSel = ""
			return nil
		}
		return status("an object does not open: s shares it, y copies its s3:// URI", false)
	}
	return b.open(Location{Bucket: b.loc.Bucket, Prefix: b.loc.Prefix + e.Name}, "")
}

// clamp tells the list how many rows there are and how many fit, which
// keeps the cursor on a row and the window around the cursor.
func (b *browser) clamp() {
	b.sel.width = b.listWidth()
	b.sel.resize(b.rowCount(), b.listHeight())
}

// center puts the cursor on row i, scrolled to mid-window.
func (b *browser) center(i int) {
	b.clamp()
	b.sel.selectRow(i)
	b.sel.center()
}

// scheduleDetails asks for the selected object's details once the cursor
// has rested for detailDelay.
func (b *browser) scheduleDetails() tea.Cmd {
	if !b.detailsVisible() {
		return nil
	}
	b.detailSeq++
	seq := b.detailSeq
	return tea.Tick(detailDelay, func(time.Time) tea.Msg { return detailTickMsg{seq: seq} })
}

// fetchDetails runs the HEAD for the selected object, if the cursor is
// still where the tick was scheduled.
func (b *browser) fetchDetails(seq int) tea.Cmd {
	if seq != b.detailSeq || !b.detailsVisible() {
		return nil
	}
	t, ok := b.target()
	if !ok || t.IsPrefix {
		return nil
	}
	k := t.Bucket + "/" + t.Key
	if _, seen := b.details[k]; seen {
		return nil
	}
	b.details[k] = detailState{loading: true}
	c := b.client
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d, err := c.Stat(ctx, t.Bucket, t.Key, "")
		return detailMsg{bucket: t.Bucket, key: t.Key, details: d, err: err}
	}
}

// baseName is the last path element of a key.
func baseName(key string) string {
	return path.Base(strings.TrimSuffix(key, "/"))
}

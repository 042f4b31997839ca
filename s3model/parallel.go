package s3model

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Parallel listing by key range.
//
// A ListObjectsV2 page names the next one only by a continuation token,
// so a prefix listed one page after another costs one round trip per
// thousand keys whatever the bandwidth. StartAfter lets a request begin
// anywhere in the key space, so a Lister cuts the space into ranges and
// lists several at once:
//
//   - The first range starts where the listing starts and is listed at
//     once with a full page, as a sequential listing would be: the first
//     rows arrive no later than they would have. Nothing else is asked
//     until that page says more follow, so a prefix that fits in one
//     page costs one request, as before.
//   - Then a worker with nothing to do takes the upper half of the range
//     with the most pages left (work stealing). Pages left are estimated
//     from the key space the range's last full page covered and the key
//     space between its last name and its end; a range is split only
//     when at least minSplitPages are left, so the split point lies past
//     the page its worker is fetching. The range now ends at the split
//     point, and the new range starts after it. The split point is a
//     guess (names are not spread evenly), so the new range is first
//     probed with StartAfter and MaxKeys=1: an empty answer (or a first
//     name past the range) ends it with one small request; otherwise it
//     is listed page by page. Ranges that turn out dense keep being
//     halved while workers are free, so the guesses converge on where
//     the names are.
//   - A range ends at its first name past its end; that page's names
//     past the end are dropped (another range lists them).
//   - With a delimiter, a split point never holds the delimiter after
//     the prefix, so no common prefix can straddle two ranges: each is
//     listed whole by one range (no duplicates, none lost). Names at or
//     below a range's start are dropped too, for stores that repeat a
//     common prefix equal to StartAfter.
//
// Rows are delivered in key order, and streamed: the pages of the range
// holding the lowest keys (the head) are handed out as they arrive (its
// worker stays one page ahead of the caller, no more); pages of later
// ranges are held (compactly, 32 bytes a row plus the name) until every
// range before them is complete, and then handed out at once. So what the caller
// sees is always a prefix of the sequential listing, growing in steps:
// page by page while only the head is slow, in bursts when a range
// completes and the ranges after it, already listed, join on.
//
// Politeness: at most Workers requests are in flight (DefaultWorkers
// unless the store configures list_workers; 1 lists sequentially). An
// answer asking to slow down (503 SlowDown, 429, throttling codes) halves
// the workers allowed (at most twice a second); the surplus workers put
// their ranges back at their next page and wait, and one more is allowed
// again after a run of good answers. The throttled request is retried
// after a backoff; a range still throttled then is put back and tried
// again a few times before the listing fails. Cancelling the context
// stops every worker: requests in flight are abandoned, none is sent
// after, and Close returns only once every worker has stopped.

// DefaultWorkers is how many ranges a listing lists at once unless the
// store says otherwise.
const DefaultWorkers = 8

// ListOptions says what a Lister lists.
type ListOptions struct {
	// Delimiter rolls up names below it into common prefixes: "/" lists
	// one level, "" every key under the prefix.
	Delimiter string
	// After resumes a listing: only names greater than After (a full
	// key, or a common prefix) are listed.
	After string
	// Workers is how many ranges are listed at once; 0 means the store's
	// setting (or DefaultWorkers), 1 lists one page after another.
	Workers int
	// Details keeps each object's ETag and storage class.
	Details bool
}

// maxRangeRetries is how many times a range whose requests still fail
// after MaxAttempts (throttled or failing store) is put back and tried
// again before the listing gives up.
const maxRangeRetries = 4

type segState int

const (
	segPending segState = iota // waiting for a worker
	segProbing                 // its first name is being looked for
	segListing
	segDone
)

// segment is one range of the key space: names greater than after and,
// unless open, no greater than end.
type segment struct {
	after string
	end   string
	open  bool
	// lo is where the names not yet listed begin, for judging how much
	// key space is left: the last name listed, or the first one probed.
	lo    string
	token string // continuation token of the next page
	// pageWidth is the key space (as spread measures it) the range's
	// last full page covered: how far one request gets. Unknown (and
	// the range not split) until it had a full page.
	pageWidth float64
	hasPage   bool
	state     segState
	retries   int
	oks       int     // the listing's good answers when it last failed
	pages     []chunk // listed, not yet delivered
}

// Lister lists a prefix by key range (see the notes above). Next hands out
// its pages in key order; Close stops it.
type Lister struct {
	c      *Client
	bucket string
	prefix string
	opts   ListOptions
	ctx    context.Context
	cancel context.CancelFunc
	stopCB func() bool

	mu   sync.Mutex
	cond *sync.Cond
	segs []*segment // in key order; segs[0] is the head
	err  error
	max  int // workers
	// limit is how many workers may send requests now (throttling), and
	// okRun the good answers since it last changed.
	limit   int
	okRun   int
	lastCut time.Time
	// spread is set once a page says more follow: until then the
	// listing may fit in one page, and no range is split.
	spread bool
	// oks counts good answers; a range that failed is put back only
	// when some answer was good since (see failed).
	oks   int
	stats ListStats
	wg    sync.WaitGroup
}

// ListStats counts what a listing cost.
type ListStats struct {
	Pages       int // full-page requests answered
	Probes      int // MaxKeys=1 probes answered
	EmptyProbes int // probes that found their range empty
	Dropped     int // names listed twice (past a range's end) and dropped
	Splits      int // ranges split
}

// Stats returns what the listing cost so far.
func (l *Lister) Stats() ListStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// List starts listing bucket/prefix. The caller takes the pages with
// Next until one is Done or an error comes, and calls Close (which may be
// called at any time, and more than once).
func (c *Client) List(ctx context.Context, bucket, prefix string, opts ListOptions) *Lister {
	w := opts.Workers
	if w <= 0 {
		w = c.store.ListWorkers
	}
	if w <= 0 {
		w = DefaultWorkers
	}
	l := &Lister{c: c, bucket: bucket, prefix: prefix, opts: opts, max: w, limit: w}
	l.cond = sync.NewCond(&l.mu)
	l.ctx, l.cancel = context.WithCancel(ctx)
	l.stopCB = context.AfterFunc(l.ctx, func() {
		l.mu.Lock()
		l.cond.Broadcast()
		l.mu.Unlock()
	})
	after := opts.After
	if after < prefix {
		after = ""
	}
	l.segs = []*segment{{after: after, lo: after, open: true, state: segListing}}
	l.wg.Add(w)
	go l.work(0, l.segs[0])
	for i := 1; i < w; i++ {
		go l.work(i, nil)
	}
	return l
}

// Close stops the listing and waits until every worker has stopped.
func (l *Lister) Close() {
	l.cancel()
	l.wg.Wait()
	l.stopCB()
}

// Next returns the next page in key order, waiting for it. The last page
// is Done (and may be empty). After an error or once the context is
// cancelled, it returns that error.
func (l *Lister) Next() (Page, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if len(l.segs) == 0 {
			return Page{Done: true}, nil
		}
		h := l.segs[0]
		if len(h.pages) > 0 {
			c := h.pages[0]
			h.pages[0] = chunk{}
			h.pages = h.pages[1:]
			l.cond.Broadcast() // the head's worker may be waiting for room
			return c.page(), nil
		}
		if h.state == segDone {
			l.segs[0] = nil
			l.segs = l.segs[1:]
			l.cond.Broadcast()
			if len(l.segs) == 0 {
				return Page{Done: true}, nil
			}
			continue
		}
		if l.err != nil {
			return Page{}, l.err
		}
		if err := l.ctx.Err(); err != nil {
			return Page{}, err
		}
		l.cond.Wait()
	}
}

// All calls fn with each page in key order until the listing is done,
// fn fails or ctx ends, and stops the listing.
func (l *Lister) All(fn func(Page) error) error {
	defer l.Close()
	for {
		p, err := l.Next()
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if p.Done {
			return nil
		}
	}
}

// fail ends the listing with err (the first error wins); l.mu is held.
func (l *Lister) fail(err error) {
	if l.err == nil {
		l.err = err
	}
	l.cancel()
	l.cond.Broadcast()
}

// throttle is called at each answer asking to slow down.
func (l *Lister) throttle() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.throttleLocked()
}

// throttleLocked halves the workers allowed, at most twice a second;
// l.mu is held.
func (l *Lister) throttleLocked() {
	if now := time.Now(); now.Sub(l.lastCut) > 500*time.Millisecond {
		l.lastCut = now
		l.limit = max(1, l.limit/2)
		l.okRun = 0
	}
}

// good counts a good answer, allowing one more worker after a run of
// them; l.mu is held.
func (l *Lister) good() {
	l.oks++
	if l.limit >= l.max {
		return
	}
	l.okRun++
	if l.okRun >= 4*l.limit {
		l.limit++
		l.okRun = 0
		l.cond.Broadcast()
	}
}

// work is worker id: it lists seg (if any), then takes or steals ranges
// until none is left.
func (l *Lister) work(id int, seg *segment) {
	defer l.wg.Done()
	for {
		if seg != nil && !l.run(id, seg) {
			return
		}
		if seg = l.take(id); seg == nil {
			return
		}
	}
}

// take waits for a range to list: one put back, or the upper half of
// one being listed. It returns nil when the listing is over.
func (l *Lister) take(id int) *segment {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.err != nil || l.ctx.Err() != nil {
			return nil
		}
		busy := false
		for _, s := range l.segs {
			if s.state == segPending && id < l.limit {
				s.state = segListing
				return s
			}
			busy = busy || s.state != segDone
		}
		if !busy {
			return nil
		}
		if id < l.limit && l.spread {
			if s := l.steal(); s != nil {
				return s
			}
		}
		l.cond.Wait()
	}
}

// minSplitPages is how many pages a range must be estimated to hold
// still before it is split: the split point then lies beyond the page
// its worker is listing now, and the new range is worth a probe.
const minSplitPages = 4

// steal splits the range with the most pages left (estimated from the
// key space its last page covered and the key space left) at the middle
// of what is left, and returns the upper part, to be probed; nil when no
// range is worth splitting. l.mu is held.
func (l *Lister) steal() *segment {
	best, bestW, bestAt := -1, math.Inf(-1), ""
	for i, s := range l.segs {
		if s.state != segListing || !s.hasPage {
			continue
		}
		pages := spread(l.rel(s.lo), l.rel(s.end), s.open) - s.pageWidth
		if pages < math.Log2(minSplitPages) {
			continue
		}
		m, ok := splitPoint(l.rel(s.lo), l.rel(s.end), s.open, l.opts.Delimiter)
		if !ok {
			continue
		}
		// Names are compared as bytes: a name that is not UTF-8 makes
		// the code point arithmetic unreliable, so check.
		at := l.prefix + m
		if at <= s.lo || at <= s.after || (!s.open && at >= s.end) || !strings.HasPrefix(s.lo, l.prefix) {
			continue
		}
		if pages > bestW {
			best, bestW, bestAt = i, pages, at
		}
	}
	if best < 0 {
		return nil
	}
	l.stats.Splits++
	s := l.segs[best]
	n := &segment{after: bestAt, lo: bestAt, end: s.end, open: s.open, state: segProbing}
	s.end, s.open = bestAt, false
	l.segs = append(l.segs, nil)
	copy(l.segs[best+2:], l.segs[best+1:])
	l.segs[best+1] = n
	return n
}

// rel is a name relative to the listed prefix ("" for names before it).
func (l *Lister) rel(name string) string {
	r, ok := strings.CutPrefix(name, l.prefix)
	if !ok {
		return ""
	}
	return r
}

// run lists seg, probing it first if it was stolen. It reports false
// when the listing is over (failed or cancelled).
func (l *Lister) run(id int, seg *segment) bool {
	l.mu.Lock()
	probing := seg.state == segProbing
	l.mu.Unlock()
	if probing {
		p, err := l.c.listRaw(l.ctx, l.req(seg.after, "", 1), l.throttle)
		l.mu.Lock()
		if err != nil {
			ok := l.failed(seg, err)
			l.mu.Unlock()
			return ok
		}
		first, any := firstName(&p, seg.after)
		l.stats.Probes++
		switch {
		case !any || (!seg.open && first > seg.end):
			l.stats.EmptyProbes++
			seg.state = segDone
			l.good()
			l.cond.Broadcast()
			l.mu.Unlock()
			return true
		}
		seg.lo = first
		seg.state = segListing
		l.good()
		l.cond.Broadcast()
		l.mu.Unlock()
	}
	for {
		l.mu.Lock()
		// The head range streams to the caller: its worker stays at most
		// headAhead pages ahead of what the caller has taken, so a caller
		// that stops reading (or leaves) costs no more requests. Later
		// ranges are listed ahead in full: that is the parallelism.
		for len(l.segs) > 0 && l.segs[0] == seg && len(seg.pages) >= headAhead && l.err == nil && l.ctx.Err() == nil {
			l.cond.Wait()
		}
		if l.err != nil || l.ctx.Err() != nil {
			l.mu.Unlock()
			return false
		}
		if id >= l.limit {
			// Throttled: put the range back for a worker still allowed.
			seg.state, seg.token = segPending, ""
			l.cond.Broadcast()
			l.mu.Unlock()
			return true
		}
		after, token := seg.after, seg.token
		if token != "" {
			after = ""
		}
		l.mu.Unlock()
		p, err := l.c.listRaw(l.ctx, l.req(after, token, listPageSize), l.throttle)
		l.mu.Lock()
		if err != nil {
			ok := l.failed(seg, err)
			l.mu.Unlock()
			return ok
		}
		l.good()
		l.stats.Pages++
		seg.retries = 0
		if p.Truncated && !l.spread {
			l.spread = true
			l.cond.Broadcast()
		}
		c, past := l.cut(&p, seg)
		if p.Truncated && !past && c.len() > 1 {
			seg.pageWidth = spread(l.rel(c.first), l.rel(c.last), false)
			seg.hasPage = true
		}
		if c.len() > 0 {
			seg.pages = append(seg.pages, c)
			seg.after = c.last
			seg.lo = c.last
		}
		if past || !p.Truncated {
			seg.state = segDone
			l.cond.Broadcast()
			l.mu.Unlock()
			return true
		}
		if last := p.lastName(); last > seg.after {
			seg.after = last // names the page dropped are below it
		}
		seg.token = p.Next // "": continue with StartAfter, which works as well
		l.cond.Broadcast()
		l.mu.Unlock()
	}
}

// failed handles a request that failed after its retries: a throttled or
// failing store gets the range put back a few times, anything else ends
// the listing. It reports whether the worker carries on; l.mu is held.
func (l *Lister) failed(seg *segment, err error) bool {
	if l.ctx.Err() != nil {
		l.cond.Broadcast()
		return false
	}
	// A busy or failing store (not a refusal), while other requests
	// still get good answers: the storm is local, wait it out.
	if retryable(err) && seg.retries < maxRangeRetries && l.oks > seg.oks {
		seg.oks = l.oks
		// Put back (a probe too: a pending range is simply listed from
		// its start), with fewer workers.
		seg.retries++
		seg.state, seg.token = segPending, ""
		l.throttleLocked()
		l.cond.Broadcast()
		return true
	}
	l.fail(err)
	return false
}

func (l *Lister) req(after, token string, maxKeys int) listReq {
	return listReq{bucket: l.bucket, prefix: l.prefix, delimiter: l.opts.Delimiter, startAfter: after, token: token, maxKeys: maxKeys}
}

// firstName is the least name of a page above after.
func firstName(p *rawPage, after string) (string, bool) {
	first, any := "", false
	for _, o := range p.Objects {
		if o.Key > after {
			first, any = o.Key, true
			break
		}
	}
	for _, n := range p.Prefixes {
		if n > after {
			if !any || n < first {
				first, any = n, true
			}
			break
		}
	}
	return first, any
}

// cut merges a page's objects and prefixes in key order into a chunk,
// keeping the names in (seg.after, seg.end]; past reports that the page
// went beyond the end. l.mu is held (seg.end may change otherwise).
func (l *Lister) cut(p *rawPage, seg *segment) (c chunk, past bool) {
	c.details = l.opts.Details
	objs, pres := p.Objects, p.Prefixes
	for len(objs) > 0 || len(pres) > 0 {
		var name string
		isPrefix := len(objs) == 0 || (len(pres) > 0 && pres[0] < objs[0].Key)
		var o rawObject
		if isPrefix {
			name, pres = pres[0], pres[1:]
		} else {
			o, objs = objs[0], objs[1:]
			name = o.Key
		}
		if !seg.open && name > seg.end {
			l.stats.Dropped += len(objs) + len(pres) + 1
			return c, true
		}
		if name <= seg.after || (!isPrefix && name == l.prefix) {
			continue // before the range; or the prefix's own folder marker
		}
		c.add(name, len(l.prefix), isPrefix, o)
	}
	return c, false
}

// chunk is a page held compactly until it is delivered: names in one
// byte slice, 32 bytes a row.
type chunk struct {
	names   []byte
	rows    []chunkRow
	details bool
	first   string // the full names of the first and last rows
	last    string
}

type chunkRow struct {
	off, n   uint32 // the relative name in names
	etag     uint32 // the ETag's length, after the name (Details only)
	isPrefix bool
	size     int64
	mod      int64
	class    string // storage class (Details only); few distinct values
}

func (c *chunk) len() int { return len(c.rows) }

func (c *chunk) add(full string, plen int, isPrefix bool, o rawObject) {
	r := chunkRow{off: uint32(len(c.names)), n: uint32(len(full) - plen), isPrefix: isPrefix, size: o.Size, mod: o.Modified}
	c.names = append(c.names, full[plen:]...)
	if c.details && !isPrefix {
		c.names = append(c.names, o.ETag...)
		r.etag = uint32(len(o.ETag))
		r.class = internClass(o.StorageClass)
	}
	c.rows = append(c.rows, r)
	if len(c.rows) == 1 {
		c.first = full
	}
	c.last = full
}

// page expands the chunk into a Page; its names share one string.
func (c *chunk) page() Page {
	all := string(c.names)
	p := Page{Entries: make([]Entry, len(c.rows)), Last: c.last}
	for i, r := range c.rows {
		e := Entry{Name: all[r.off : r.off+r.n], Size: r.size, Modified: r.mod, IsPrefix: r.isPrefix}
		if r.etag > 0 {
			e.ETag = all[r.off+r.n : r.off+r.n+r.etag]
		}
		e.StorageClass = r.class
		p.Entries[i] = e
	}
	return p
}

var (
	classMu sync.Mutex
	classes = map[string]string{}
)

// internClass shares the storage class strings of a listing.
func internClass(s string) string {
	if s == "" {
		return ""
	}
	classMu.Lock()
	defer classMu.Unlock()
	if v, ok := classes[s]; ok {
		return v
	}
	if len(classes) < 64 {
		classes[s] = s
	}
	return s
}

// Split points.
//
// Names are UTF-8 and S3 orders them by bytes, which is code point order.
// A split point is computed on code points (so it is always valid UTF-8)
// relative to the listed prefix: between two names, the middle code point
// at the first place they differ; when those are neighbours, the lower
// name extended. A range with no end is bounded, for this purpose, by a
// ceiling on its first code point (the end of ASCII, then of two-, three-
// and four-byte UTF-8), since most names are ASCII.

var openCeil = []rune{0x7f, 0x7ff, 0xffff, utf8.MaxRune}

// splitPoint returns a name m with lo < m and (open or m < end), none of
// whose characters is the delimiter; false if there is none.
func splitPoint(lo, end string, open bool, delim string) (string, bool) {
	m, ok := midName([]rune(lo), []rune(end), open)
	if !ok {
		return "", false
	}
	s := string(m)
	if delim == "" {
		return s, true
	}
	i := strings.Index(s, delim)
	if i < 0 {
		return s, true
	}
	// Move it out of the common prefix it falls in: just past every name
	// holding s[:i]+delim, or just before them.
	d, n := utf8.DecodeLastRuneInString(delim)
	if d != utf8.RuneError && d < utf8.MaxRune && d+1 != 0xd800 {
		up := s[:i] + delim[:len(delim)-n] + string(d+1)
		if !strings.Contains(up, delim) && up > lo && (open || up < end) {
			return up, true
		}
	}
	if down := s[:i]; down > lo && !strings.Contains(down, delim) {
		return down, true
	}
	return "", false
}

// midName returns a code point sequence strictly between a and b (b
// unbounded when open).
func midName(a, b []rune, open bool) ([]rune, bool) {
	i := 0
	if !open {
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		if i == len(b) {
			return nil, false // b <= a
		}
	}
	x := rune(-1)
	if i < len(a) {
		x = a[i]
	}
	var y rune
	if open {
		y = utf8.MaxRune + 1
		for _, c := range openCeil {
			if c > x+1 {
				y = c
				break
			}
		}
	} else {
		y = b[i]
	}
	if y-x >= 2 {
		c := x + (y-x)/2
		if c >= 0xd800 && c <= 0xdfff { // surrogates are not characters
			switch {
			case 0xd7ff > x:
				c = 0xd7ff
			case 0xe000 < y:
				c = 0xe000
			default:
				c = -1
			}
		}
		if c >= 1 {
			out := make([]rune, i+1)
			copy(out, a[:i])
			out[i] = c
			return out, true
		}
	}
	if x < 0 {
		return nil, false
	}
	// Neighbours: keep a's first i+1 code points and go above the rest.
	rest, ok := midName(a[i+1:], nil, true)
	if !ok {
		return nil, false
	}
	return append(append([]rune{}, a[:i+1]...), rest...), true
}

// spread estimates (as a base-2 logarithm) how much key space lies
// between lo and end, for choosing which range to split.
func spread(lo, end string, open bool) float64 {
	a, b := []rune(lo), []rune(end)
	i := 0
	if !open {
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
	}
	at := func(s []rune, j int) float64 {
		if j < len(s) {
			return float64(s[j]) + 1
		}
		return 0
	}
	const base = utf8.MaxRune + 2
	va := at(a, i)*base + at(a, i+1)
	var vb float64
	if open {
		y := float64(utf8.MaxRune + 1)
		for _, c := range openCeil {
			if float64(c) > at(a, i) {
				y = float64(c) + 1
				break
			}
		}
		vb = y * base
	} else {
		vb = at(b, i)*base + at(b, i+1)
	}
	return math.Log2(max(1, vb-va)) - float64(i)*math.Log2(base)
}

// headAhead is how many pages the head range's worker lists ahead of
// the caller.
const headAhead = 1

// listPageSize is how many names a Lister asks for per page; tests make
// it small to cross many pages with few keys.
var listPageSize = PageSize

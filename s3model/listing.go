package s3model

import (
	"bytes"
	"cmp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Listing holds the rows of one prefix listing compactly: names live in
// one shared byte slice and each row is 24 bytes, so a million 60-byte
// names take about 90 MB rather than the ~700 MB of minio.ObjectInfo.
//
// A Listing only grows. Rows and name bytes already added never change,
// so a copy of the Listing value (Snapshot) can be read by another
// goroutine while the original keeps growing.
type Listing struct {
	names    []byte
	prefixes []row
	objects  []row
}

type row struct {
	off  uint32 // name's offset in names
	n    uint32 // name's length
	size int64
	mod  int64 // last-modified, Unix milliseconds
}

// ID names a row independently of how many rows arrive later: prefixes
// and objects are numbered separately, objects with the top bit set.
type ID uint32

const objectBit ID = 1 << 31

// IsPrefix reports whether id is a prefix row.
func (id ID) IsPrefix() bool { return id&objectBit == 0 }

// Add appends a page's entries.
func (l *Listing) Add(entries []Entry) {
	for _, e := range entries {
		r := row{off: uint32(len(l.names)), n: uint32(len(e.Name)), size: e.Size, mod: e.Modified}
		l.names = append(l.names, e.Name...)
		if e.IsPrefix {
			l.prefixes = append(l.prefixes, r)
		} else {
			l.objects = append(l.objects, r)
		}
	}
}

// Snapshot returns a copy that later Adds do not change.
func (l *Listing) Snapshot() *Listing {
	return &Listing{names: l.names, prefixes: l.prefixes, objects: l.objects}
}

// Len is the number of rows.
func (l *Listing) Len() int { return len(l.prefixes) + len(l.objects) }

// NumPrefixes counts the prefix rows.
func (l *Listing) NumPrefixes() int { return len(l.prefixes) }

// NumObjects counts the object rows.
func (l *Listing) NumObjects() int { return len(l.objects) }

// At returns the id of row i in natural order: prefixes first, then
// objects, each in key order.
func (l *Listing) At(i int) ID {
	if i < len(l.prefixes) {
		return ID(i)
	}
	return ID(i-len(l.prefixes)) | objectBit
}

// Index is the inverse of At.
func (l *Listing) Index(id ID) int {
	if id.IsPrefix() {
		return int(id)
	}
	return len(l.prefixes) + int(id&^objectBit)
}

func (l *Listing) row(id ID) row {
	if id.IsPrefix() {
		return l.prefixes[id]
	}
	return l.objects[id&^objectBit]
}

func (l *Listing) name(r row) []byte { return l.names[r.off : r.off+r.n] }

// Entry returns the row id.
func (l *Listing) Entry(id ID) Entry {
	r := l.row(id)
	return Entry{Name: string(l.name(r)), Size: r.size, Modified: r.mod, IsPrefix: id.IsPrefix()}
}

// Find returns the id of the row named name, if it is loaded.
func (l *Listing) Find(name string) (ID, bool) {
	rows, bit := l.objects, objectBit
	if strings.HasSuffix(name, "/") {
		rows, bit = l.prefixes, 0
	}
	// Rows arrive in key order, so a binary search finds the name.
	i, ok := slices.BinarySearchFunc(rows, name, func(r row, name string) int {
		return bytes.Compare(l.name(r), []byte(name))
	})
	if !ok {
		return 0, false
	}
	return ID(i) | bit, true
}

// IDs returns the ids of rows [from, to) in natural order.
func (l *Listing) IDs(from, to int) []ID {
	out := make([]ID, 0, max(0, to-from))
	for i := from; i < to; i++ {
		out = append(out, l.At(i))
	}
	return out
}

// Matcher tests names against a case-insensitive substring.
type Matcher struct {
	q     []byte // lower-cased query
	ascii bool
	upper byte // upper case of q[0], for the ASCII scan
}

// NewMatcher prepares a case-insensitive substring match for query.
func NewMatcher(query string) Matcher {
	m := Matcher{q: bytes.ToLower([]byte(query)), ascii: true}
	for _, c := range m.q {
		if c >= utf8.RuneSelf {
			m.ascii = false
		}
	}
	if len(m.q) > 0 {
		m.upper = m.q[0]
		if 'a' <= m.upper && m.upper <= 'z' {
			m.upper -= 'a' - 'A'
		}
	}
	return m
}

// Match reports whether name contains the query, ignoring case.
func (m Matcher) Match(name []byte) bool {
	if len(m.q) == 0 {
		return true
	}
	if !m.ascii {
		return bytes.Contains(bytes.ToLower(name), m.q)
	}
	sc := newScanner(name, &m)
	return sc.from(0) >= 0
}

// scanner finds case-insensitive matches of an ASCII query in b, left to
// right. It remembers where the query's first letter next occurs in each
// case, so every byte of b is looked at a bounded number of times however
// many matches are asked for.
type scanner struct {
	b      []byte
	m      *Matcher
	lo, up int // next position of the first byte in lower/upper case; -1: none left
}

func newScanner(b []byte, m *Matcher) scanner {
	s := scanner{b: b, m: m, lo: indexFrom(b, m.q[0], 0), up: -1}
	if m.upper != m.q[0] {
		s.up = indexFrom(b, m.upper, 0)
	}
	return s
}

// from returns the start of the first match at or after pos, or -1.
func (s *scanner) from(pos int) int {
	q := s.m.q
	for pos+len(q) <= len(s.b) {
		if s.lo >= 0 && s.lo < pos {
			s.lo = indexFrom(s.b, q[0], pos)
		}
		if s.up >= 0 && s.up < pos {
			s.up = indexFrom(s.b, s.m.upper, pos)
		}
		c := s.lo
		if c < 0 || (s.up >= 0 && s.up < c) {
			c = s.up
		}
		if c < 0 || c+len(q) > len(s.b) {
			return -1
		}
		if equalFoldASCII(s.b[c+1:c+len(q)], q[1:]) {
			return c
		}
		pos = c + 1
	}
	return -1
}

func indexFrom(b []byte, c byte, pos int) int {
	if i := bytes.IndexByte(b[pos:], c); i >= 0 {
		return pos + i
	}
	return -1
}

// equalFoldASCII compares a with the lower-case ASCII b.
func equalFoldASCII(a, b []byte) bool {
	for i, c := range b {
		d := a[i]
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if d != c {
			return false
		}
	}
	return true
}

// Filter returns the ids among ids whose names match.
func (l *Listing) Filter(ids []ID, m Matcher) []ID {
	out := make([]ID, 0, len(ids)/4)
	for _, id := range ids {
		if m.Match(l.name(l.row(id))) {
			out = append(out, id)
		}
	}
	return out
}

// FilterAll returns the ids of rows [from, Len()) whose names match, in
// natural order. Over a whole listing it scans the name bytes in one pass
// rather than name by name, split across the CPUs for big listings, which
// is what keeps a keystroke of filtering a million names within tens of
// milliseconds.
func (l *Listing) FilterAll(from int, m Matcher) []ID {
	if from > 0 || !m.ascii || len(m.q) == 0 {
		return l.Filter(l.IDs(from, l.Len()), m)
	}
	parts := min(runtime.GOMAXPROCS(0), 4, len(l.names)/parallelBytes+1)
	bounds := make([]int, parts+1)
	for i := 1; i < parts; i++ {
		bounds[i] = l.rowEndAfter(len(l.names) * i / parts)
	}
	bounds[parts] = len(l.names)
	type found struct{ pre, obj []ID }
	res := make([]found, parts)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i].pre, res[i].obj = l.filterBytes(bounds[i], bounds[i+1], m)
		}()
	}
	wg.Wait()
	var pre, obj []ID
	for _, r := range res {
		pre = append(pre, r.pre...)
	}
	for _, r := range res {
		obj = append(obj, r.obj...)
	}
	return append(pre, obj...)
}

// parallelBytes is how many name bytes make it worth a goroutine.
var parallelBytes = 4 << 20

// rowEndAfter returns the end of the row holding byte p, so that a split
// at the result never cuts a name.
func (l *Listing) rowEndAfter(p int) int {
	for _, rows := range [][]row{l.prefixes, l.objects} {
		i := sort.Search(len(rows), func(i int) bool { return end(rows[i]) > p })
		if i < len(rows) && int(rows[i].off) <= p {
			return end(rows[i])
		}
	}
	return p
}

// filterBytes finds the rows whose names lie in names[lo:hi] and match;
// lo and hi are row boundaries.
func (l *Listing) filterBytes(lo, hi int, m Matcher) (pre, obj []ID) {
	pi := sort.Search(len(l.prefixes), func(i int) bool { return end(l.prefixes[i]) > lo })
	oi := sort.Search(len(l.objects), func(i int) bool { return end(l.objects[i]) > lo })
	sc := newScanner(l.names[:hi], &m)
	for p := lo; ; {
		if p = sc.from(p); p < 0 {
			break
		}
		// The owner of byte p is the first prefix or object row ending after it.
		for pi < len(l.prefixes) && end(l.prefixes[pi]) <= p {
			pi++
		}
		for oi < len(l.objects) && end(l.objects[oi]) <= p {
			oi++
		}
		var r row
		var id ID
		switch {
		case pi < len(l.prefixes) && int(l.prefixes[pi].off) <= p:
			r, id = l.prefixes[pi], ID(pi)
		case oi < len(l.objects) && int(l.objects[oi].off) <= p:
			r, id = l.objects[oi], ID(oi)|objectBit
		default:
			p++
			continue
		}
		if p+len(m.q) > end(r) {
			p++ // the match runs into the next name
			continue
		}
		if id.IsPrefix() {
			pre = append(pre, id)
		} else {
			obj = append(obj, id)
		}
		p = end(r) // one hit per row is enough
	}
	return pre, obj
}

func end(r row) int { return int(r.off + r.n) }

// SortKey is what rows are ordered by.
type SortKey int

// Sort keys.
const (
	ByName SortKey = iota
	BySize
	ByTime
)

func (k SortKey) String() string {
	switch k {
	case BySize:
		return "size"
	case ByTime:
		return "modified"
	}
	return "name"
}

// Sort orders ids in place by key, ties broken by name; prefixes stay
// grouped first (they have no size or time, so they are ordered by name).
// desc reverses the order within each group.
func (l *Listing) Sort(ids []ID, key SortKey, desc bool) {
	slices.SortFunc(ids, func(a, b ID) int { return l.compare(a, b, key, desc) })
}

// Bytes is about how much memory the listing holds.
func (l *Listing) Bytes() int64 {
	const rowSize = 24
	return int64(cap(l.names)) + rowSize*int64(cap(l.prefixes)+cap(l.objects))
}

// Since returns the ids of the rows added after the listing had np
// prefixes and no objects, in natural order.
func (l *Listing) Since(np, no int) []ID {
	out := make([]ID, 0, len(l.prefixes)-np+len(l.objects)-no)
	for i := np; i < len(l.prefixes); i++ {
		out = append(out, ID(i))
	}
	for i := no; i < len(l.objects); i++ {
		out = append(out, ID(i)|objectBit)
	}
	return out
}

// compare orders two ids as Sort does.
func (l *Listing) compare(a, b ID, key SortKey, desc bool) int {
	if a.IsPrefix() != b.IsPrefix() {
		if a.IsPrefix() {
			return -1
		}
		return 1
	}
	c := 0
	switch {
	case a.IsPrefix():
	case key == BySize:
		c = cmp.Compare(l.row(a).size, l.row(b).size)
	case key == ByTime:
		c = cmp.Compare(l.row(a).mod, l.row(b).mod)
	}
	if c == 0 {
		c = cmp.Compare(a, b) // ids are in key order within a group
	}
	if desc {
		c = -c
	}
	return c
}

// Merge returns the rows of view (already in the order key and desc give)
// and add (in any order) together in that order: add is sorted and
// merged in, so a page arriving under a sort costs its own sort and one
// pass over the view, not a sort of everything. Neither slice is changed.
func (l *Listing) Merge(view, add []ID, key SortKey, desc bool) []ID {
	add = slices.Clone(add)
	l.Sort(add, key, desc)
	out := make([]ID, 0, len(view)+len(add))
	i, j := 0, 0
	for i < len(view) && j < len(add) {
		if l.compare(add[j], view[i], key, desc) < 0 {
			out = append(out, add[j])
			j++
		} else {
			out = append(out, view[i])
			i++
		}
	}
	out = append(out, view[i:]...)
	return append(out, add[j:]...)
}

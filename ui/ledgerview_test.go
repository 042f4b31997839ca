package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// ledgerRec is a ledger record made at made that works until ends.
func ledgerRec(key string, made, ends time.Time) ledger.Record {
	return ledger.Record{
		Time: made, Store: "s3.example.test", Method: "GET", Bucket: "media", Key: key,
		Options:   map[string]string{"expires": "1h", "disposition": "attachment"},
		ExpiresAt: ends, EffectiveExpiresAt: ends,
		URL: "https://s3.example.test/media/" + key + "?X-Amz-Expires=3600&X-Amz-Signature=" + strings.Repeat("ab", 32),
	}
}

func writeLedger(t *testing.T, recs ...ledger.Record) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "s3share", "shares.jsonl")
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(recs...); err != nil {
		t.Fatal(err)
	}
	return path
}

// openLedgerView builds the root model (with an empty listing) and
// presses H.
func openLedgerView(t *testing.T, w, h int, path string, clock *testClock, cb *recordingClipboard) tea.Model {
	t.Helper()
	opts := Options{Start: Location{Bucket: "media"}, Keys: keymap.Default(), LedgerPath: path, Now: clock.Now, Clipboard: cb}
	var m tea.Model = New(opts)
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m, _ = m.Update(pageMsg{reqID: 1, loc: opts.Start, page: s3model.Page{Done: true}})
	m = press(t, m, "H")
	ledgerPanelOf(t, m)
	return m
}

func ledgerPanelOf(t *testing.T, m tea.Model) *ledgerPanel {
	t.Helper()
	p, ok := topPanel(m).(*ledgerPanel)
	if !ok {
		t.Fatalf("the ledger view is not open:\n%s", m.View())
	}
	return p
}

// rowOrder returns the keys in the order the view lists them.
func rowOrder(view string, keys ...string) []string {
	type at struct {
		key string
		i   int
	}
	var found []at
	for i, l := range strings.Split(view, "\n") {
		l = unframe(ansi.Strip(l))
		for _, k := range keys {
			isRow := strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "> ")
			if isRow && strings.Contains(l, "s3://media/"+k) {
				found = append(found, at{k, i})
			}
		}
	}
	var out []string
	for i := 0; i < len(strings.Split(view, "\n")); i++ {
		for _, f := range found {
			if f.i == i {
				out = append(out, f.key)
			}
		}
	}
	return out
}

// lineWith returns the first line of view holding s.
func lineWith(view, s string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func TestLedgerViewLifecycle(t *testing.T) {
	now := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	clock := &testClock{t: now}
	a := ledgerRec("a-active.png", now.Add(-10*time.Minute), now.Add(time.Hour))
	b := ledgerRec("b-ending.png", now.Add(-5*time.Minute), now.Add(30*time.Second))
	c := ledgerRec("c-expired.png", now.Add(-2*time.Hour), now.Add(-time.Hour))
	d := ledgerRec("d-photo-old.png", now.Add(-3*time.Hour), now.Add(-2*time.Hour))
	path := writeLedger(t, d, a, c, b)
	cb := nativeOK()
	m := openLedgerView(t, 100, 30, path, clock, cb)
	p := ledgerPanelOf(t, m)

	v := m.View()
	checkFits(t, v, 100, 30)
	keys := []string{"a-active.png", "b-ending.png", "c-expired.png", "d-photo-old.png"}
	if got := strings.Join(rowOrder(v, keys...), ","); got != "b-ending.png,a-active.png,c-expired.png,d-photo-old.png" {
		t.Errorf("order %s, want active (newest first) then expired:\n%s", got, v)
	}
	if !strings.Contains(v, "Share ledger · 2 active · 2 expired") {
		t.Errorf("title:\n%s", v)
	}
	if l := lineWith(v, "b-ending.png"); !strings.Contains(l, "30s") {
		t.Errorf("b's remaining time: %q", l)
	}
	if l := lineWith(v, "a-active.png"); !strings.Contains(l, "1h") {
		t.Errorf("a's remaining time: %q", l)
	}
	if l := lineWith(v, "c-expired.png"); !strings.Contains(l, "expired") {
		t.Errorf("c not shown as expired: %q", l)
	}
	// The selected link is shown in full below the list.
	if !strings.Contains(flat(v), b.URL) {
		t.Errorf("the selected link is not on screen:\n%s", v)
	}

	// The countdown: one second later, then past b's end.
	clock.Add(time.Second)
	if cmd := p.Update(ledgerTickMsg{id: p.id}); cmd == nil {
		t.Error("a tick does not ask for the next one")
	}
	if l := lineWith(m.View(), "b-ending.png"); !strings.Contains(l, "29s") {
		t.Errorf("after a second b shows %q, want 29s", l)
	}
	p.Update(ledgerTickMsg{id: p.id - 1}) // another view's tick: ignored
	clock.Add(30 * time.Second)
	p.Update(ledgerTickMsg{id: p.id})
	v = m.View()
	if got := strings.Join(rowOrder(v, keys...), ","); got != "a-active.png,b-ending.png,c-expired.png,d-photo-old.png" {
		t.Errorf("after b expired the order is %s:\n%s", got, v)
	}
	if !strings.Contains(v, "1 active · 3 expired") {
		t.Errorf("title after b expired:\n%s", v)
	}
	// The cursor stayed on b, now expired: enter refuses to copy it.
	m = press(t, m, "enter")
	if len(cb.all()) != 0 || !strings.Contains(m.View(), "this link expired at 2026-11-27 14:00 UTC") {
		t.Errorf("an expired link was copied, or not explained:\n%s", m.View())
	}
	m = press(t, m, "up", "enter")
	if got := cb.last(t); got != a.URL {
		t.Errorf("copied %q, want a's link", got)
	}
	if !strings.Contains(m.View(), "link copied · clipboard") {
		t.Errorf("copy not reported:\n%s", m.View())
	}

	// Filter: q is a letter while typing.
	m = press(t, m, "/")
	m = typeText(t, m, "photo")
	m, cmd := m.Update(keyMsg("q"))
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q in the filter quits")
		}
	}
	if got := rowOrder(m.View(), keys...); len(got) != 0 {
		t.Errorf("filter photoq matches %v", got)
	}
	m = press(t, m, "backspace", "enter")
	v = m.View()
	if got := strings.Join(rowOrder(v, keys...), ","); got != "d-photo-old.png" {
		t.Errorf("filter photo shows %s:\n%s", got, v)
	}
	m = press(t, m, "esc") // clears the filter, the view stays
	if got := rowOrder(m.View(), keys...); len(got) != 4 {
		t.Errorf("esc did not clear the filter: %v", got)
	}
	ledgerPanelOf(t, m)

	// d asks first; any key but y keeps the link.
	m = press(t, m, "g", "d")
	if v := m.View(); !strings.Contains(v, "forget s3://media/a-active.png? y forgets (it still works until it expires)") {
		t.Fatalf("d does not ask:\n%s", v)
	}
	m = press(t, m, "q") // an answer, not quit
	if v := m.View(); !strings.Contains(v, "kept in the ledger") || topPanel(m) == nil {
		t.Fatalf("q did not keep the link:\n%s", v)
	}
	if recs := ledgerRecords(t, path); len(recs) != 4 {
		t.Fatalf("%d records after keeping", len(recs))
	}
	// d, y removes a from the file and says that the link still works.
	m = press(t, m, "d", "y")
	v = m.View()
	if !strings.Contains(v, "removed s3://media/a-active.png from the ledger — this does not revoke the link") {
		t.Errorf("removal not explained:\n%s", v)
	}
	l, _ := ledger.Open(path)
	recs, _, err := l.Load()
	if err != nil || len(recs) != 3 {
		t.Fatalf("ledger after d: %d records, %v", len(recs), err)
	}
	for _, r := range recs {
		if r.Key == a.Key {
			t.Error("a is still in the ledger file")
		}
	}
	if got := rowOrder(v, keys...); len(got) != 3 {
		t.Errorf("a is still listed: %v", got)
	}
	// z brings it back, in the file and on screen; a second z has
	// nothing left to undo.
	m = press(t, m, "z")
	if v := m.View(); !strings.Contains(v, "brought back s3://media/a-active.png") || len(rowOrder(v, keys...)) != 4 {
		t.Errorf("z did not bring a back:\n%s", v)
	}
	if recs := ledgerRecords(t, path); len(recs) != 4 {
		t.Errorf("%d records in the file after z, want 4", len(recs))
	}
	if v := press(t, m, "z").View(); !strings.Contains(v, "nothing to bring back") {
		t.Errorf("a second z:\n%s", v)
	}
	m = press(t, m, "esc")
	if topPanel(m) != nil {
		t.Error("esc did not close the ledger view")
	}
}

func TestLedgerViewOffAndEmptyAndBroken(t *testing.T) {
	msg := openLedger(newSession(Options{Keys: keymap.Default()}))()
	if s, ok := msg.(statusMsg); !ok || !s.err || !strings.Contains(s.text, "the share ledger is off") {
		t.Errorf("no ledger path: %#v", msg)
	}

	clock := &testClock{t: time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)}
	empty := filepath.Join(t.TempDir(), "shares.jsonl")
	m := openLedgerView(t, 80, 24, empty, clock, nativeOK())
	if v := m.View(); !strings.Contains(v, "no links made yet") {
		t.Errorf("empty ledger:\n%s", v)
	}
	m = press(t, m, "enter", "d") // nothing selected: nothing happens
	checkFits(t, m.View(), 80, 24)

	path := writeLedger(t, ledgerRec("ok.txt", clock.Now(), clock.Now().Add(time.Hour)))
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{torn\n")
	f.Close()
	m = openLedgerView(t, 80, 24, path, clock, nativeOK())
	v := m.View()
	if !strings.Contains(v, "ok.txt") || !strings.Contains(v, "1 unreadable line skipped") {
		t.Errorf("unreadable line not reported:\n%s", v)
	}

	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "shares.jsonl"), 0o700); err != nil {
		t.Fatal(err)
	}
	m = openLedgerView(t, 80, 24, filepath.Join(dir, "shares.jsonl"), clock, nativeOK())
	if v := m.View(); !strings.Contains(v, "could not read the share ledger") {
		t.Errorf("a broken ledger is not reported:\n%s", v)
	}
}

func goldenLedger(t *testing.T) (string, *testClock) {
	now := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	var recs []ledger.Record
	for i := range 14 {
		made := now.Add(-time.Duration(i) * 97 * time.Minute)
		r := ledgerRec(fmt.Sprintf("holiday/2026/img_%04d.jpg", i), made, made.Add(time.Duration(6+i%5)*time.Hour))
		if i == 3 {
			r.Method, r.Key, r.Prefix = "POST", "inbox/", true
		}
		recs = append(recs, r)
	}
	return writeLedger(t, recs...), &testClock{t: now}
}

func TestGoldenLedgerView(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		path, clock := goldenLedger(t)
		m := openLedgerView(t, w, h, path, clock, nativeOK())
		m = press(t, m, "down", "down")
		requireGolden(t, m, w, h)
	})
}

func TestLedgerViewSmallAndHostile(t *testing.T) {
	now := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	evil := ledgerRec("x/\x1b]52;c;ZXZpbA==\x07evil\x1b[2J.png", now, now.Add(time.Hour))
	evil.Store = "host\x1b[31m"
	evil.URL += "\x1b[2J"
	path := writeLedger(t, evil, ledgerRec("fine.txt", now, now.Add(time.Minute)))
	for _, size := range [][2]int{{120, 40}, {80, 24}, {40, 10}, {20, 5}, {10, 3}} {
		w, h := size[0], size[1]
		m := openLedgerView(t, w, h, path, &testClock{t: now}, nativeOK())
		for _, keys := range [][]string{nil, {"down"}, {"/"}, {"x"}} {
			m = press(t, m, keys...)
			v := m.View()
			checkFits(t, v, w, h)
			if bad := rawControl(v); bad != "" {
				t.Fatalf("%dx%d after %v: control character %s in\n%s", w, h, keys, bad, v)
			}
		}
	}
}

// TestLedgerViewLongMethodKeepsItsColumn: a record's method, however long
// (a hostile or broken ledger line), never runs into the path column.
func TestLedgerViewLongMethodKeepsItsColumn(t *testing.T) {
	now := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	evil := ledgerRec("a.txt", now, now.Add(time.Hour))
	evil.Method = "GETPUTPOSTDELETE"
	path := writeLedger(t, evil)
	m := openLedgerView(t, 120, 20, path, &testClock{t: now}, nativeOK())
	lines := strings.Split(m.View(), "\n")
	col := -1 // where the column after METHOD starts
	for i, l := range lines {
		if j := strings.Index(l, "METHOD"); j >= 0 {
			rest := []rune(l[j+len("METHOD"):])
			k := 0
			for k < len(rest) && rest[k] == ' ' {
				k++
			}
			col = len([]rune(l[:j])) + len("METHOD") + k
			for _, row := range lines[i+1:] {
				if r := []rune(row); strings.Contains(row, "s3://media/a.txt") && (len(r) <= col || r[col-1] != ' ') {
					t.Fatalf("the method runs into the next column:\n%s\n%s", l, row)
				}
			}
		}
	}
	if col < 0 {
		t.Fatalf("no METHOD column:\n%s", m.View())
	}
}

// o sorts the view by time made, newest first, and back; a batch keeps
// its place as one row either way.
func TestGoldenLedgerViewByMade(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		path, clock := goldenLedger(t)
		now := clock.Now()
		var batch []ledger.Record
		for i := range 3 {
			r := ledgerRec(fmt.Sprintf("set/part-%d.csv", i), now.Add(-30*time.Minute), now.Add(90*time.Minute))
			r.Batch = "b1"
			batch = append(batch, r)
		}
		l, err := ledger.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Append(batch...); err != nil {
			t.Fatal(err)
		}
		m := openLedgerView(t, w, h, path, clock, nativeOK())
		if got := rowOrder(m.View(), "holiday/2026/img_0000.jpg", "set/ (batch of 3 links)"); !slices.Equal(got, []string{"set/ (batch of 3 links)", "holiday/2026/img_0000.jpg"}) && w >= 120 {
			t.Errorf("by expiry: %v", got)
		}
		m = press(t, m, "o")
		v := m.View()
		if got := rowOrder(v, "holiday/2026/img_0000.jpg", "set/ (batch of 3 links)"); !slices.Equal(got, []string{"holiday/2026/img_0000.jpg", "set/ (batch of 3 links)"}) && w >= 120 {
			t.Errorf("by time made: %v", got)
		}
		requireGolden(t, m, w, h)
		if v := press(t, m, "o").View(); !strings.Contains(v, "REMAINING ↑") {
			t.Errorf("a second o does not sort by expiry again:\n%s", v)
		}
	})
}

package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// offline builds a model with no store behind it and feeds it one page,
// for views that must not depend on a server (goldens, hostile names).
func offline(t *testing.T, loc Location, w, h int, entries []s3model.Entry) tea.Model {
	t.Helper()
	var m tea.Model = New(Options{Start: loc, Keys: keymap.Default()})
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m, _ = m.Update(pageMsg{reqID: 1, loc: loc, page: s3model.Page{Entries: entries, Done: true}})
	return m
}

// fixedEntries is a small listing with fixed times.
func fixedEntries() []s3model.Entry {
	const t0 = 1767225600000 // 2026-01-01 00:00 UTC
	return []s3model.Entry{
		{Name: "archive/", IsPrefix: true},
		{Name: "reports/", IsPrefix: true},
		{Name: "a-very-long-file-name-that-needs-to-be-cut-in-the-middle-of-it-to-fit.csv", Size: 1234567, Modified: t0 + 3600_000},
		{Name: "notes.txt", Size: 42, Modified: t0},
		{Name: "photo 2026.png", Size: 98765, Modified: t0 + 86400_000},
		{Name: "日本語のファイル.txt", Size: 3000, Modified: t0 + 60_000},
	}
}

func TestGoldenBrowse(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m := offline(t, Location{Bucket: "bkt", Prefix: "data/"}, w, h, fixedEntries())
		m, _ = m.Update(keyMsg("down"))
		m, _ = m.Update(keyMsg(" ")) // mark reports/? prefixes cannot be marked
		m, _ = m.Update(keyMsg("down"))
		m, _ = m.Update(keyMsg(" "))
		requireGolden(t, m, w, h)
	})
}

func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	hostile := []s3model.Entry{
		{Name: "clear\x1b[2Jscreen.txt", Size: 1},
		{Name: "\x1b]0;pwned title\x07.txt", Size: 1},
		{Name: "\x1b]52;c;ZXZpbA==\x07clip.txt", Size: 1},
		{Name: "carriage\rreturn\nnewline.txt", Size: 1},
		{Name: "lone\xffbyte.bin", Size: 1},
		{Name: "bell\x07del\x7fc1\u009b.txt", Size: 1},
		{Name: "evil\u202etxt.exe", Size: 1},
		{Name: "zero\u200bwidth\ufeff.txt", Size: 1},
		{Name: "漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字.txt", Size: 1},
		{Name: "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀.png", Size: 1},
		{Name: strings.Repeat("k", 1024), Size: 1},
		{Name: "esc\x1b[31mred/", IsPrefix: true},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 10}} {
		w, h := size[0], size[1]
		m := offline(t, Location{Bucket: "bkt", Prefix: "x\x1b[2J/"}, w, h, hostile)
		for i := 0; i < len(hostile); i++ {
			v := m.View()
			checkFits(t, v, w, h)
			if bad := rawControl(v); bad != "" {
				t.Fatalf("%dx%d row %d: view holds raw %s:\n%q", w, h, i, bad, v)
			}
			m, _ = m.Update(keyMsg("down"))
		}
	}
}

// rawControl names the first byte in s that could drive a terminal: any
// control character but newline, or invalid UTF-8. (The ASCII profile
// the tests force means the renderer adds no escapes of its own.)
func rawControl(s string) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			return fmt.Sprintf("invalid UTF-8 at %d", i)
		case r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return fmt.Sprintf("control %U at %d", r, i)
		case r == 0x202e || r == 0x200b || r == 0xfeff:
			return fmt.Sprintf("invisible %U at %d", r, i)
		}
	}
	return ""
}

// rowNames returns the names on the list rows of a view, in order.
func rowNames(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n")[2:] { // the context header, the headings
		if len(l) < 4 || (l[:2] != "  " && l[:2] != "> ") || (l[2:4] != "  " && l[2:4] != "* ") {
			break
		}
		f := strings.Fields(l[4:])
		if len(f) == 0 {
			break
		}
		out = append(out, f[0])
	}
	return out
}

func TestFilterSortGoTo(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for i, k := range []string{"d/big.log", "d/small.log", "d/mid.txt", "d/sub/x"} {
		srv.Put(t, bucket, k, bytes.Repeat([]byte("x"), []int{300, 10, 100, 1}[i]), "")
	}
	c := testClient(t, srv)
	m := start(t, c, Location{Bucket: bucket, Prefix: "d/"}, 80, 24)
	if got := strings.Join(rowNames(m.View()), " "); got != "sub/ big.log mid.txt small.log" {
		t.Fatalf("natural order = %q", got)
	}

	m = press(t, m, "/", "LOG")
	if got := strings.Join(rowNames(m.View()), " "); got != "big.log small.log" {
		t.Fatalf("filter LOG = %q\n%s", got, m.View())
	}
	m = press(t, m, "enter", "o") // keep the filter, sort by size
	if got := strings.Join(rowNames(m.View()), " "); got != "small.log big.log" {
		t.Fatalf("filter+size = %q", got)
	}
	if lines := strings.Split(m.View(), "\n"); !strings.Contains(lines[0], "d/  filter LOG") || !strings.Contains(lines[1], "SIZE ↑") {
		t.Errorf("header does not say filter and sort:\n%s", m.View())
	}
	m = press(t, m, "O")
	if got := strings.Join(rowNames(m.View()), " "); got != "big.log small.log" {
		t.Fatalf("filter+size desc = %q", got)
	}
	m = send(t, m, tea.KeyMsg{Type: tea.KeyEsc}) // clears the filter
	if got := strings.Join(rowNames(m.View()), " "); got != "sub/ big.log mid.txt small.log" {
		t.Fatalf("size desc, no filter = %q", got)
	}
	m = press(t, m, "o", "O") // by time, ascending again
	m = press(t, m, "o")      // back to name
	if got := strings.Join(rowNames(m.View()), " "); got != "sub/ big.log mid.txt small.log" {
		t.Fatalf("back to name order = %q", got)
	}

	// A filter that matches nothing shows nothing, and says so.
	m = press(t, m, "/", "zzz", "enter")
	if got := rowNames(m.View()); len(got) != 0 || !strings.Contains(m.View(), "no names match") {
		t.Fatalf("filter zzz shows %q", got)
	}
	m = send(t, m, tea.KeyMsg{Type: tea.KeyEsc})

	// Go to a full key: its prefix opens with the object selected.
	m = press(t, m, ":")
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = press(t, m, "s3://"+bucket+"/d/small.log", "enter")
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "small.log") {
		t.Fatalf("go to a key selects %q", got)
	}
	// An address typed after the one the field starts with replaces it.
	m = press(t, m, ":", "s3://"+bucket+"/d/big.log", "enter")
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "big.log") {
		t.Fatalf("go to an address typed after the current one selects %q:\n%s", got, m.View())
	}
	m = press(t, m, ":")
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = press(t, m, bucket+"/d/sub/", "enter")
	if v := m.View(); !strings.Contains(v, "s3://"+bucket+"/d/sub/") || !strings.Contains(v, "x") {
		t.Fatalf("go to bucket/prefix:\n%s", v)
	}
	// Up returns to d/ with the cursor on sub/, from the session cache.
	m = press(t, m, "h")
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "sub/") {
		t.Fatalf("after going up the cursor is on %q", got)
	}
	// Down again into sub/, from the cache, with no row to select: its
	// rows show at once.
	m = press(t, m, "enter")
	if got := rowNames(m.View()); len(got) == 0 {
		t.Fatalf("a cached listing opened empty:\n%s", m.View())
	}
}

// putMany creates n small objects under prefix, several at a time.
func putMany(t *testing.T, srv *s3test.Server, bucket, prefix string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				_, err := srv.Client.PutObject(context.Background(), bucket, fmt.Sprintf("%s%05d.txt", prefix, i),
					strings.NewReader("x"), 1, minio.PutObjectOptions{})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// listRequests counts the ListObjectsV2 requests for prefix in the server's access log.
func listRequests(srv *s3test.Server, prefix string) int {
	n := 0
	for _, l := range strings.Split(srv.AccessLog(), "\n") {
		if strings.Contains(l, "s3_ListObjectsV2") && strings.Contains(l, "prefix="+strings.ReplaceAll(prefix, "/", "%2F")) {
			n++
		}
	}
	return n
}

// firstPage starts a model at loc and delivers only the first page; it
// returns the model and the command that would fetch the next page.
func firstPage(t *testing.T, c *s3model.Client, loc Location) (tea.Model, tea.Cmd) {
	t.Helper()
	var m tea.Model = New(Options{Client: c, Start: loc, Keys: keymap.Default()})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	var next tea.Cmd
	for _, cmd := range m.Init()().(tea.BatchMsg) {
		if pm, ok := cmd().(pageMsg); ok {
			m, next = m.Update(pm)
		}
	}
	if next == nil {
		t.Fatal("the first page did not ask for the next")
	}
	return m, next
}

func TestStreamingListing(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	putMany(t, srv, bucket, "big/", 5000)
	c := testClient(t, srv)
	loc := Location{Bucket: bucket, Prefix: "big/"}

	t.Run("first page shows before the last is asked for", func(t *testing.T) {
		// One worker lists one page after another: the request count is
		// exact. (With more, further ranges are listed side by side once
		// the first page says more follow.)
		c := testClientWith(t, srv, func(st *config.Store) { st.ListWorkers = 1 })
		before := listRequests(srv, "big/")
		m, next := firstPage(t, c, loc)
		v := m.View()
		if !strings.Contains(v, "1 000 objects") || !strings.Contains(v, "loading") || !strings.Contains(v, "00000.txt") {
			t.Fatalf("after the first page:\n%s", v)
		}
		// The next page may be asked for while the first is shown.
		if got := listRequests(srv, "big/") - before; got > 2 {
			t.Fatalf("%d list requests made before the first page was shown, want 1 (and the next)", got)
		}
		m = drain(t, m, next)
		if v := m.View(); !strings.Contains(v, "5 000 objects") || strings.Contains(v, "loading") {
			t.Fatalf("after all pages:\n%s", v)
		}
		if got := listRequests(srv, "big/") - before; got != 5 {
			t.Fatalf("%d list requests for 5000 keys, want 5", got)
		}
	})

	t.Run("leaving cancels the listing", func(t *testing.T) {
		m, next := firstPage(t, c, loc)
		m = press(t, m, "backspace") // up to the bucket root
		if msg := next(); msg != nil {
			m, _ = m.Update(msg) // the cancelled fetch reports and is dropped
		}
		// Requests under way when it left may still be logged; then none.
		before := listRequests(srv, "big/")
		for range 50 {
			time.Sleep(100 * time.Millisecond)
			n := listRequests(srv, "big/")
			if n == before {
				break
			}
			before = n
		}
		time.Sleep(300 * time.Millisecond)
		if got := listRequests(srv, "big/") - before; got != 0 {
			t.Fatalf("%d list requests for big/ after leaving it", got)
		}
		if v := m.View(); strings.Contains(v, "00000.txt") || !strings.Contains(v, "big/") {
			t.Fatalf("after leaving:\n%s", v)
		}
	})

	t.Run("a listing cut by a server stop resumes without duplicates", func(t *testing.T) {
		m, next := firstPage(t, c, loc)
		m = drain(t, m, nil)
		srv.Stop(t)
		m = drain(t, m, next)
		v := m.View()
		if !strings.Contains(v, "1 000 objects") || !strings.Contains(v, "incomplete") || !strings.Contains(v, "r retries") {
			t.Fatalf("after the server stopped:\n%s", v)
		}
		srv.Restart(t)
		m = press(t, m, "r")
		if v := m.View(); !strings.Contains(v, "5 000 objects") || strings.Contains(v, "incomplete") {
			t.Fatalf("after retry:\n%s", v)
		}
		b := m.(Model).browser
		seen := map[string]bool{}
		for i := 0; i < b.list.Len(); i++ {
			name := b.list.Entry(b.list.At(i)).Name
			if seen[name] {
				t.Fatalf("%s listed twice", name)
			}
			seen[name] = true
			if want := fmt.Sprintf("%05d.txt", i); name != want {
				t.Fatalf("row %d is %s, want %s", i, name, want)
			}
		}
	})
}

// Keys that do nothing where they are pressed say why, in one line.
func TestIdleKeysSayWhy(t *testing.T) {
	m := memModel(t) // media/docs/: old/, notes.txt, report.pdf
	statusOf := func(m tea.Model) string {
		lines := strings.Split(m.View(), "\n")
		return strings.TrimSpace(lines[len(lines)-2])
	}
	m = press(t, m, " ") // on old/
	if got := statusOf(m); !strings.HasPrefix(got, "only objects can be marked") {
		t.Errorf("space on a prefix: status %q", got)
	}
	m = press(t, m, "down", "enter") // notes.txt, details already shown
	if got := statusOf(m); !strings.HasPrefix(got, "an object does not open") {
		t.Errorf("enter on an object: status %q", got)
	}
	small := send(t, m, tea.WindowSizeMsg{Width: 39, Height: 9})
	if got := small.View(); !strings.HasPrefix(got, "terminal too small: need 40×10") {
		t.Errorf("too small: %q", got)
	}
}

// A long key is shown whole in the details, wrapped to their width.
func TestDetailsFitTheirPane(t *testing.T) {
	for _, w := range []int{80, 120} {
		m := offline(t, Location{Bucket: "bkt", Prefix: "data/"}, w, 40, fixedEntries())
		m, _ = m.Update(keyMsg("down"))
		m, _ = m.Update(keyMsg("down"))
		v := m.View()
		checkFits(t, v, w, 40)
		if !strings.Contains(strings.ReplaceAll(v, " ", ""), "data/a-very-long-file-name-that-needs-to-be-cut-in-the-middle-of-it-to-fit.csv") &&
			!strings.Contains(flatDetails(v), "data/a-very-long-file-name-that-needs-to-be-cut-in-the-middle-of-it-to-fit.csv") {
			t.Errorf("%d: the key is not whole in the details:\n%s", w, v)
		}
		if strings.Contains(v, "UT…") {
			t.Errorf("%d: a detail line is cut:\n%s", w, v)
		}
	}
}

// flatDetails joins the right-hand pane's lines (after │), or the lines
// under the list, without their padding.
func flatDetails(v string) string {
	var b strings.Builder
	for _, l := range strings.Split(v, "\n") {
		if _, r, ok := strings.Cut(l, "│"); ok {
			l = r
		}
		b.WriteString(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "Key")))
	}
	return b.String()
}

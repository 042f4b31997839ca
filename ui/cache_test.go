package ui

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// cacheKeys is the number of keys per prefix of the cache test:
// S3SHARE_CACHE_KEYS, else 20,000 (run it with 200000 to see the
// acceptance size).
func cacheKeys(t *testing.T) int {
	if v := os.Getenv("S3SHARE_CACHE_KEYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("S3SHARE_CACHE_KEYS=%q: want a positive number", v)
		}
		return n
	}
	return 20000
}

// demoStore starts a demo endpoint with no buckets behind a counting
// proxy, and a client for it.
func demoStore(t *testing.T) (*demo.Server, *s3test.Proxy, *s3model.Client) {
	t.Helper()
	d, err := demo.Start(demo.Options{NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	p := s3test.StartProxy(t, strings.TrimPrefix(d.URL, "http://"))
	u, _ := url.Parse(p.Endpoint)
	c, err := s3model.New(config.Store{
		Endpoint: u, Region: d.Region, RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: d.AccessKey, SecretAccessKey: d.SecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, p, c
}

// goTo opens loc through the go-to field, as a user would, and waits for
// its listing.
func goTo(t *testing.T, m tea.Model, loc string) tea.Model {
	t.Helper()
	m = press(t, m, ":")
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = typeText(t, m, loc)
	return press(t, m, "enter")
}

func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestCacheEvictsTheOldest opens three big prefixes in turn with a cache
// budget that holds one: the oldest is evicted, listed again when it is
// opened again, and the memory held stays within the budget plus the
// listing on screen.
func TestCacheEvictsTheOldest(t *testing.T) {
	n := cacheKeys(t)
	d, p, c := demoStore(t)
	d.MakeBucket("big")
	long := strings.Repeat("x", 150) // names long enough for the listings to dominate the heap
	for _, pre := range []string{"p1/", "p2/", "p3/"} {
		for i := range n {
			d.PutObject("big", fmt.Sprintf("%s%s-%07d", pre, long, i), nil, "text/plain", nil)
		}
	}
	var m tea.Model = New(Options{Client: c, Start: Location{Bucket: "big", Prefix: "p1/"}, Keys: keymap.Default()})
	m = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 30})
	m = drain(t, m, m.Init())
	b := m.(Model).browser
	if b.list.Len() != n || b.state != stateDone {
		t.Fatalf("p1/: %d rows, state %d; want %d, done", b.list.Len(), b.state, n)
	}
	one := b.list.Bytes()
	atOne := liveHeap() // one listing held
	// Room for two listings: the one on screen and one more.
	b.cache.budget = one * 22 / 10

	m = goTo(t, m, "s3://big/p2/")
	m = goTo(t, m, "s3://big/p3/")
	b = m.(Model).browser
	if b.list.Len() != n || b.loc.Prefix != "p3/" {
		t.Fatalf("p3/: %d rows at %s", b.list.Len(), b.loc)
	}
	_, has1 := b.cache.peek(Location{Bucket: "big", Prefix: "p1/"})
	_, has2 := b.cache.peek(Location{Bucket: "big", Prefix: "p2/"})
	_, has3 := b.cache.peek(Location{Bucket: "big", Prefix: "p3/"})
	if has1 || !has2 || !has3 || b.cache.used > b.cache.budget+one {
		t.Fatalf("after p1/, p2/, p3/: cached p1 %v p2 %v p3 %v, %d bytes for a budget of %d", has1, has2, has3, b.cache.used, b.cache.budget)
	}
	// Two listings are held now, one more than after p1/ (without
	// eviction, two more).
	grown := liveHeap() - atOne
	if grown > one+one/2 {
		t.Errorf("the heap grew by %d bytes from one prefix to three of %d bytes each, want about one listing (the budget holds two)", grown, one)
	}
	t.Logf("%d keys a prefix: %d bytes a listing; the heap grew by %d bytes from one prefix to three (budget %d)", n, one, grown, b.cache.budget)

	// p2/ comes from memory; p1/ is listed again.
	before := p.Requests()
	m = goTo(t, m, "s3://big/p2/")
	if got := p.Requests() - before; got != 0 || m.(Model).browser.list.Len() != n {
		t.Errorf("p2/ again: %d requests, %d rows; want it from the cache", got, m.(Model).browser.list.Len())
	}
	before = p.Requests()
	m = goTo(t, m, "s3://big/p1/")
	b = m.(Model).browser
	if got := p.Requests() - before; got == 0 || b.list.Len() != n || b.state != stateDone {
		t.Errorf("p1/ again: %d requests, %d rows; want it listed again", got, b.list.Len())
	}
	if _, ok := b.cache.peek(Location{Bucket: "big", Prefix: "p3/"}); ok {
		t.Errorf("p3/, now the least recently used, is still cached")
	}
}

// TestSortMergesPagesAsTheyArrive: with a sort on while a listing loads,
// every page is merged into the sorted view, which ends as the sort of
// the whole listing.
func TestSortMergesPagesAsTheyArrive(t *testing.T) {
	d, _, c := demoStore(t)
	d.MakeBucket("sorted")
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 4500 {
		d.PutObject("sorted", fmt.Sprintf("k/%05d", i), make([]byte, r.IntN(50)), "text/plain", nil)
		if i%700 == 0 {
			d.PutObject("sorted", fmt.Sprintf("k/%05d/sub", i), nil, "text/plain", nil)
		}
	}
	for _, keys := range [][]string{{"o"}, {"o", "O"}, {"o", "o"}} {
		var m tea.Model = New(Options{Client: c, Start: Location{Bucket: "sorted", Prefix: "k/"}, Keys: keymap.Default()})
		m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
		m, next := firstPageOf(t, m)
		m = press(t, m, keys...) // the sort, before the rest arrives
		m = press(t, m, "/", "0")
		m = send(t, m, tea.KeyMsg{Type: tea.KeyEnter})
		m = drain(t, m, next)
		b := m.(Model).browser
		if b.state != stateDone || b.list.Len() != 4500+7 {
			t.Fatalf("%v: state %d, %d rows", keys, b.state, b.list.Len())
		}
		want := b.list.FilterAll(0, s3model.NewMatcher("0"))
		b.list.Sort(want, b.sortKey, b.desc)
		if !slices.Equal(b.view, want) {
			t.Fatalf("%v: the view merged page by page differs from the sort of the whole (%d vs %d rows)", keys, len(b.view), len(want))
		}
	}
}

// firstPageOf runs the model's first load up to its first page, and
// returns the command that takes the next.
func firstPageOf(t *testing.T, m tea.Model) (tea.Model, tea.Cmd) {
	t.Helper()
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

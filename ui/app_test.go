package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

func TestBrowseBucketsPrefixesAndBack(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for _, k := range []string{"top.txt", "docs/readme.md", "docs/guide/intro.txt", "media/a.png"} {
		srv.Put(t, bucket, k, []byte("0123456789"), "text/plain")
	}
	m := start(t, testClient(t, srv), Location{}, 80, 24)

	v := m.View()
	checkFits(t, v, 80, 24)
	if !strings.Contains(v, bucket+"/") || !strings.Contains(v, "1 bucket") {
		t.Fatalf("bucket list does not show %s:\n%s", bucket, v)
	}

	m = press(t, m, "enter")
	v = m.View()
	if !strings.Contains(v, "s3://"+bucket+"/") {
		t.Errorf("breadcrumb missing:\n%s", v)
	}
	for _, want := range []string{"docs/", "media/", "top.txt", "10 B", "1 object · 2 prefixes"} {
		if !strings.Contains(v, want) {
			t.Errorf("bucket view lacks %q:\n%s", want, v)
		}
	}
	if got := selectedRow(v); !strings.HasPrefix(got, "docs/") {
		t.Errorf("cursor on %q, want docs/", got)
	}

	m = press(t, m, "enter")
	v = m.View()
	if !strings.Contains(v, "s3://"+bucket+"/docs/") || !strings.Contains(v, "guide/") || !strings.Contains(v, "readme.md") {
		t.Errorf("docs/ view wrong:\n%s", v)
	}

	// Going up selects the prefix we came from, not the first row.
	m = press(t, m, "down", "backspace")
	v = m.View()
	if got := selectedRow(v); !strings.HasPrefix(got, "docs/") {
		t.Errorf("after going up the cursor is on %q, want docs/:\n%s", got, v)
	}
	m = press(t, m, "down", "enter")
	if v = m.View(); !strings.Contains(v, "s3://"+bucket+"/media/") || !strings.Contains(v, "a.png") {
		t.Errorf("media/ view wrong:\n%s", v)
	}

	// Up to the bucket list, with the bucket selected.
	m = press(t, m, "backspace", "backspace")
	if got := selectedRow(m.View()); !strings.HasPrefix(got, bucket+"/") {
		t.Errorf("bucket list cursor on %q, want %s/", got, bucket)
	}

	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
}

func TestOpenAtLocationSelectkeyMsg(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for _, k := range []string{"a/1.txt", "a/2.txt", "a/3.txt"} {
		srv.Put(t, bucket, k, []byte("x"), "")
	}
	m := start(t, testClient(t, srv), Location{Bucket: bucket, Prefix: "a/", Select: "3.txt"}, 80, 24)
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "3.txt") {
		t.Fatalf("cursor on %q, want 3.txt:\n%s", got, m.View())
	}
}

func TestLatePageIsDropped(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "real.txt", []byte("x"), "")
	m := start(t, testClient(t, srv), Location{Bucket: bucket}, 80, 24)
	late := pageMsg{reqID: -1, loc: Location{Bucket: bucket}, page: s3model.Page{
		Entries: []s3model.Entry{{Name: "ghost.txt", Size: 1}}, Done: true,
	}}
	m = send(t, m, late)
	if v := m.View(); strings.Contains(v, "ghost.txt") || !strings.Contains(v, "real.txt") {
		t.Fatalf("a page with an old request id changed the view:\n%s", v)
	}
}

func TestSmallTerminals(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "some/very/long/key/name/that/does/not/fit/anywhere/at/all/really-long-file-name.txt", []byte("x"), "")
	srv.Put(t, bucket, "日本語/😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀.txt", []byte("x"), "")
	c := testClient(t, srv)
	for _, size := range [][2]int{{80, 24}, {40, 10}, {20, 5}, {10, 3}, {1, 1}, {0, 0}} {
		w, h := size[0], size[1]
		m := start(t, c, Location{Bucket: bucket}, w, h)
		m = press(t, m, "enter", "down", "?")
		checkFits(t, m.View(), max(w, 1), max(h, 1))
	}
	m := start(t, c, Location{Bucket: bucket}, 40, 10)
	if v := m.View(); !strings.Contains(v, "some/") {
		t.Errorf("40x10 shows no rows:\n%s", v)
	}
}

func TestListingErrorIsShown(t *testing.T) {
	srv := s3test.Start(t)
	m := start(t, testClient(t, srv), Location{Bucket: "no-such-bucket-here"}, 100, 24)
	v := m.View()
	if !strings.Contains(v, "NoSuchBucket") || !strings.Contains(v, "r retries") {
		t.Fatalf("missing-bucket error not shown:\n%s", v)
	}
}

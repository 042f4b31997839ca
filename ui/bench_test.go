package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// listingModel returns a model showing a prefix of n objects.
func listingModel(b *testing.B, n int) tea.Model {
	b.Helper()
	var m tea.Model = New(Options{Start: Location{Bucket: "bkt", Prefix: "p/"}, Keys: keymap.Default()})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	page := make([]s3model.Entry, 0, s3model.PageSize)
	for i := 0; i < n; i++ {
		page = append(page, s3model.Entry{Name: fmt.Sprintf("logs/host-%03d/app-%09d.log.gz", i%997, i), Size: int64(i), Modified: 1767225600000 + int64(i)})
		if len(page) == cap(page) || i == n-1 {
			m, _ = m.Update(pageMsg{reqID: 1, loc: Location{Bucket: "bkt", Prefix: "p/"}, page: s3model.Page{Entries: page, Next: "t"}})
			page = page[:0]
		}
	}
	return m
}

// BenchmarkView measures one frame at 10 and at a million rows, with the
// cursor in the middle: the cost must not grow with the listing.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{10, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			m := listingModel(b, n)
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkFirstFrame measures from a page's arrival to the frame that
// shows it: Update with the 1000-key page, then View.
func BenchmarkFirstFrame(b *testing.B) {
	page := make([]s3model.Entry, s3model.PageSize)
	for i := range page {
		page[i] = s3model.Entry{Name: fmt.Sprintf("app-%09d.log.gz", i), Size: int64(i), Modified: 1767225600000}
	}
	loc := Location{Bucket: "bkt", Prefix: "p/"}
	for b.Loop() {
		var m tea.Model = New(Options{Start: loc, Keys: keymap.Default()})
		m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		m, _ = m.Update(pageMsg{reqID: 1, loc: loc, page: s3model.Page{Entries: page, Next: "t"}})
		_ = m.View()
	}
}

// BenchmarkListing100k lists a 100,000-key prefix of versitygw the raw way
// (sequential ListObjectsV2 calls) and the way the UI does (a page per
// command, each page applied to the model before the next is asked for),
// and reports when the UI's first rows were ready against the whole.
func BenchmarkListing100k(b *testing.B) {
	const n = 100_000
	srv := s3test.Start(b)
	bucket := srv.NewBucket(b)
	// versitygw's posix backend serves files as objects: write them straight
	// into the bucket directory rather than making 100k PUTs.
	dir := filepath.Join(srv.Dir, bucket, "big")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("obj-%07d", i)), []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	c := testClient(b, srv)
	loc := Location{Bucket: bucket, Prefix: "big/"}

	b.Run("raw", func(b *testing.B) {
		core := minio.Core{Client: srv.Client}
		for b.Loop() {
			token, total := "", 0
			for {
				res, err := core.ListObjectsV2(bucket, "big/", "", token, "/", 1000)
				if err != nil {
					b.Fatal(err)
				}
				total += len(res.Contents)
				if !res.IsTruncated {
					break
				}
				token = res.NextContinuationToken
			}
			if total != n {
				b.Fatalf("listed %d", total)
			}
		}
	})
	b.Run("s3share", func(b *testing.B) {
		var first, whole time.Duration
		for b.Loop() {
			t0 := time.Now()
			var m tea.Model = New(Options{Client: c, Start: loc, Keys: keymap.Default()})
			m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			queue := []tea.Cmd{m.Init()}
			shown := false
			for len(queue) > 0 {
				cmd := queue[0]
				queue = queue[1:]
				if cmd == nil {
					continue
				}
				switch msg := cmd().(type) {
				case tea.BatchMsg:
					queue = append(queue, msg...)
				case pageMsg:
					var next tea.Cmd
					m, next = m.Update(msg)
					if !shown {
						_ = m.View()
						first += time.Since(t0)
						shown = true
					}
					queue = append(queue, next)
				}
			}
			whole += time.Since(t0)
			if got := m.(Model).browser.list.Len(); got != n {
				b.Fatalf("listed %d", got)
			}
		}
		b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-rows-ms")
		b.ReportMetric(float64(whole.Milliseconds())/float64(b.N), "all-rows-ms")
	})
}

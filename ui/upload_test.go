package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
)

// An upload link made from an empty bucket works with the curl line the
// panel shows; editing the key to x.pdf signs application/pdf.
func TestUploadFromAnEmptyBucket(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("this test runs the upload's curl line: install curl (apt-get install curl), or run .ci/test, which does")
	}
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 120, 40, Options{})
	m = press(t, m, "s") // nothing to share: an upload link
	v := m.View()
	if !strings.Contains(v, "Upload link into s3://"+bucket+"/") || !strings.Contains(v, "[PUT]") || strings.Contains(v, "GET") {
		t.Fatalf("s in an empty bucket does not offer PUT/POST only:\n%s", v)
	}
	m = press(t, m, "tab", "tab", "x", ".", "t", "x", "t")
	if ct := sharePanelOf(t, m).value(fieldContentType); ct != "text/plain" {
		t.Errorf("Content-Type for x.txt = %q", ct)
	}
	m = press(t, m, "backspace", "backspace", "backspace", "p", "d", "f")
	if ct := sharePanelOf(t, m).value(fieldContentType); ct != "application/pdf" {
		t.Fatalf("Content-Type for x.pdf = %q, want application/pdf", ct)
	}
	m = press(t, m, "enter") // x.pdf is free: signed at once
	v = m.View()
	link := env.clip.last(t)
	curl := "curl -f -X PUT -H 'Content-Type: application/pdf' --upload-file x.pdf '" + link + "'"
	if !strings.Contains(flat(v), curl) {
		t.Fatalf("curl line %q not shown:\n%s", curl, v)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.pdf"), []byte("%PDF-1.4"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", curl)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the shown curl line failed: %v\n%s", err, out)
	}
	st, err := srv.Client.StatObject(t.Context(), bucket, "x.pdf", minio.StatObjectOptions{})
	if err != nil || st.Size != 8 || st.ContentType != "application/pdf" {
		t.Fatalf("uploaded object: %+v %v", st, err)
	}
}

// s on a bucket row, and ctrl+l in the upload panel (u) on the current
// location, offer an upload link there; a version offers GET only.
func TestUploadFromAnywhere(t *testing.T) {
	m := memModel(t) // media/docs/
	m = press(t, m, "u")
	if v := m.View(); !strings.Contains(v, "Upload a file into s3://media/docs/") {
		t.Fatalf("u on a prefix:\n%s", v)
	}
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlL})
	if v := m.View(); !strings.Contains(v, "Upload link into s3://media/docs/") {
		t.Fatalf("u on a prefix:\n%s", v)
	}
	if p := sharePanelOf(t, m); p.inputs[fieldKey].Value() != "docs/" || len(p.methods) != 2 {
		t.Errorf("key field %q, methods %v", p.inputs[fieldKey].Value(), p.methods)
	}
	m = press(t, m, "esc", "backspace", "backspace") // the bucket list
	m = press(t, m, "s")
	if v := m.View(); !strings.Contains(v, "Upload link into s3://") {
		t.Fatalf("s on a bucket row:\n%s", v)
	}
	s := sharePanelOf(t, m).s
	if p := newSharePanel(s, []ShareTarget{{Bucket: "b", Key: "k", VersionID: "v1"}}); len(p.methods) != 1 || p.methodNow() != "GET" {
		t.Errorf("a version offers %v", p.methods)
	}
}

// A share of more than 1,000 links asks first: nothing is shown, copied
// or recorded before y; n goes back to the form.
func TestBigBatchAsksFirst(t *testing.T) {
	var keys []string
	for i := range askAbove + 1 {
		keys = append(keys, fmt.Sprintf("big/%04d.txt", i))
	}
	store := newMemStore(map[string][]string{"media": keys})
	cb := nativeOK()
	ledgerPath := filepath.Join(t.TempDir(), "shares.jsonl")
	var m tea.Model = New(Options{Client: store, Start: Location{Bucket: "media"}, Keys: keymap.Default(), Clipboard: cb, LedgerPath: ledgerPath})
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = drain(t, m, m.Init())
	m = press(t, m, "s", "enter") // GET every object under big/
	v := m.View()
	if !strings.Contains(v, "make 1 001 links? y makes them, n goes back to the form") {
		t.Fatalf("no question before 1,001 links:\n%s", v)
	}
	if len(cb.all()) != 0 || len(ledgerRecords(t, ledgerPath)) != 0 {
		t.Fatal("copied or recorded before the answer")
	}
	m = press(t, m, "q") // a question has the keyboard: q does not quit
	m = press(t, m, "n")
	if v := m.View(); !strings.Contains(v, "not made: nothing was recorded or copied") || !strings.Contains(v, "[GET]") {
		t.Fatalf("n does not go back to the form:\n%s", v)
	}
	m = press(t, m, "enter", "y")
	if p := sharePanelOf(t, m); len(p.results) != askAbove+1 {
		t.Fatalf("after y: %d results\n%s", len(p.results), m.View())
	}
	if n := len(ledgerRecords(t, ledgerPath)); n != askAbove+1 {
		t.Errorf("%d ledger records, want %d", n, askAbove+1)
	}
}

func TestGoldenUploadForm(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{}, ShareTarget{Bucket: "media", Key: "inbox/", IsPrefix: true, Upload: true})
		m = press(t, m, "tab", "tab", "r", "e", "p", "o", "r", "t", ".", "p", "d", "f")
		requireGolden(t, m, w, h)
	})
}

func TestGoldenBigBatchQuestion(t *testing.T) {
	var keys []string
	for i := range askAbove + 500 {
		keys = append(keys, fmt.Sprintf("big/%04d.txt", i))
	}
	eachSize(t, func(t *testing.T, w, h int) {
		var m tea.Model = New(Options{Client: newMemStore(map[string][]string{"media": keys}), Start: Location{Bucket: "media"},
			Keys: keymap.Default(), Clipboard: nativeOK(), LedgerPath: filepath.Join(t.TempDir(), "shares.jsonl")})
		m = send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
		m = drain(t, m, m.Init())
		m = press(t, m, "s", "enter")
		requireGolden(t, m, w, h)
	})
}

// The share panel says what it shares: an object's size and type, a
// batch's count and total size.
func TestShareSaysWhatItShares(t *testing.T) {
	s := newSession(Options{Keys: keymap.Default()})
	one := newSharePanel(s, []ShareTarget{{Bucket: "b", Key: "d/report.pdf", Size: 2_345_678}})
	if got := one.title(); got != "Share s3://b/d/report.pdf · 2.3 MB · application/pdf" {
		t.Errorf("object title %q", got)
	}
	batch := newSharePanel(s, []ShareTarget{{Bucket: "b", Key: "d/a.txt", Size: 1000}, {Bucket: "b", Key: "d/b.txt", Size: 2000}})
	if got := batch.title(); got != "Share 2 marked objects in s3://b/d/ · 3.0 kB in all" {
		t.Errorf("batch title %q", got)
	}
}

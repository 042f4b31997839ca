package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

func TestRenderPreview(t *testing.T) {
	cases := []struct {
		name, key string
		head      s3model.Head
		kind      string
		want      []string // lines that must be shown
	}{
		{"json", "a/data.json", s3model.Head{Data: []byte(`{"b":[1,2],"s":"x\u001by"}`), Size: 25},
			"JSON", []string{`{`, `  "b": [`, `    1,`, `  "s": "x\u001by"`}},
		{"csv", "t.csv", s3model.Head{Data: []byte("name,size\nalpha,1\nbeta,22\n"), Size: 26},
			"CSV", []string{"name  │ size", "──────┼─────", "alpha │ 1", "beta  │ 22"}},
		{"binary", "img.png", s3model.Head{Data: []byte("\x89PNG\r\n\x1a\n\x00\x00"), Size: 10},
			"binary", []string{"00000000  89 50 4e 47 0d 0a 1a 0a  00 00"}},
		{"escapes", "evil.txt", s3model.Head{Data: []byte("title\x1b]0;pwned\x07\nred \x1b[31mtext\n"), Size: 31},
			"text", []string{`title\x1b]0;pwned\x07`, `red \x1b[31mtext`}},
		{"cut json", "big.json", s3model.Head{Data: []byte(`{"a": [1, 2`), Size: 1000},
			"JSON (cut short: shown as text)", []string{`{"a": [1, 2`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind, lines := renderPreview(c.key, c.head)
			if kind != c.kind {
				t.Errorf("kind %q, want %q", kind, c.kind)
			}
			all := strings.Join(lines, "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("no line %q in\n%s", w, all)
				}
			}
			if strings.ContainsAny(all, "\x1b\x07\x00") {
				t.Errorf("raw control bytes in the preview: %q", all)
			}
		})
	}
}

func TestCompletePath(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"report-2025.pdf", "report-2026.pdf", "notes.txt", ".hidden"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "logs"), 0o755)
	cases := []struct {
		in, want string
		matches  int
		dirsOnly bool
	}{
		{dir + "/rep", dir + "/report-202", 2, false},
		{dir + "/n", dir + "/notes.txt", 0, false},
		{dir + "/l", dir + "/logs/", 0, false},
		{dir + "/", dir + "/", 4, false},
		{dir + "/", dir + "/logs/", 0, true},
		{dir + "/.h", dir + "/.hidden", 0, false},
		{dir + "/zzz", dir + "/zzz", 0, false},
	}
	for _, c := range cases {
		got, m := completePath(c.in, c.dirsOnly, os.ReadDir)
		if got != c.want || len(m) != c.matches {
			t.Errorf("complete %q: %q with %v, want %q with %d matches", c.in, got, m, c.want, c.matches)
		}
	}
}

// u uploads a file into the current prefix in the background, then the
// share panel opens on it; D downloads it back, asking before it
// replaces a file; p previews it.
func TestUploadDownloadPreviewPanels(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "in/old.txt", []byte("old"), "")
	c := testClient(t, srv)
	local := t.TempDir()
	body := []byte(`{"hello":"world","n":[1,2,3]}`)
	file := filepath.Join(local, "data.json")
	os.WriteFile(file, body, 0o644)

	m := start(t, c, Location{Bucket: bucket, Prefix: "in/"}, 100, 30)
	m = press(t, m, "u")
	m = typeIn(t, m, filepath.Join(local, "da"))
	m = press(t, m, "tab")
	if v := m.View(); !strings.Contains(v, "data.json") || !strings.Contains(v, "to s3://"+bucket+"/in/data.json") {
		t.Fatalf("tab did not complete the file:\n%s", v)
	}
	m = press(t, m, "enter")
	v := m.View()
	if !strings.Contains(v, "Share s3://"+bucket+"/in/data.json") {
		t.Fatalf("no share panel after the upload:\n%s", v)
	}
	got, err := srv.Client.GetObject(context.Background(), bucket, "in/data.json", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(got)
	if !bytes.Equal(buf.Bytes(), body) {
		t.Errorf("uploaded %q", buf.String())
	}
	m = press(t, m, "esc")
	b := m.(Model).browser
	if sel := b.selectedKey(); sel != bucket+"/in/data.json" {
		t.Errorf("cursor on %q after the upload, want the new object", sel)
	}

	// p: pretty JSON.
	m = press(t, m, "p")
	if v := m.View(); !strings.Contains(v, `"hello": "world"`) || !strings.Contains(v, "JSON") {
		t.Fatalf("preview:\n%s", v)
	}
	m = press(t, m, "esc")

	// D: into a directory; a file there is replaced only after y.
	dest := t.TempDir()
	os.WriteFile(filepath.Join(dest, "data.json"), []byte("mine"), 0o644)
	downloadTo := func(m tea.Model) tea.Model {
		m = press(t, m, "D", "backspace", "backspace")
		m = typeIn(t, m, dest)
		return press(t, m, "enter")
	}
	m = downloadTo(m)
	if v := m.View(); !strings.Contains(v, "1 file is already there") {
		t.Fatalf("no question about the file in the way:\n%s", v)
	}
	m = press(t, m, "n")
	if b, _ := os.ReadFile(filepath.Join(dest, "data.json")); string(b) != "mine" {
		t.Fatal("n replaced the file")
	}
	m = downloadTo(m)
	m = press(t, m, "y")
	if b, _ := os.ReadFile(filepath.Join(dest, "data.json")); !bytes.Equal(b, body) {
		t.Errorf("after y: %q", b)
	}
	if v := m.View(); !strings.Contains(v, "downloaded") {
		t.Errorf("no word of the download:\n%s", v)
	}
}

// typeIn types text a key at a time.
func typeIn(t *testing.T, m tea.Model, text string) tea.Model {
	t.Helper()
	for _, r := range text {
		m = send(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

package ui

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
)

// f on a POST result writes an HTML upload form; the form, sent as a
// browser sends it (its hidden fields in order, then the file), uploads
// to versitygw.
func TestPostFormFileUploads(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "inbox/keep.txt", []byte("x"), "")
	m, _ := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 100, 30, Options{})
	m = press(t, m, "s", "right", "right", "enter") // POST on the inbox/ prefix
	if v := flat(m.View()); !strings.Contains(v, "HTML upload form") {
		t.Fatalf("the POST result does not offer the form file:\n%s", m.View())
	}
	m = press(t, m, "f")
	if v := m.View(); !strings.Contains(v, "export to:") || !strings.Contains(v, ".html") {
		t.Fatalf("f does not ask where to write the form:\n%s", v)
	}
	out := filepath.Join(t.TempDir(), "upload.html")
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, out)
	m = press(t, m, "enter")
	if v := flat(m.View()); !strings.Contains(v, "exported the upload form to "+out) {
		t.Fatalf("form file not reported:\n%s", m.View())
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("form file mode %o, want 600", fi.Mode().Perm())
	}
	action := regexp.MustCompile(`<form action="([^"]*)" method="post" enctype="multipart/form-data">`).FindSubmatch(page)
	inputs := regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`).FindAllSubmatch(page, -1)
	if action == nil || len(inputs) < 5 || !bytes.Contains(page, []byte(`<input type="file" name="file"`)) {
		t.Fatalf("not an upload form:\n%s", page)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, in := range inputs {
		w.WriteField(html.UnescapeString(string(in[1])), html.UnescapeString(string(in[2])))
	}
	fw, _ := w.CreateFormFile("file", "hello.txt")
	fw.Write([]byte("hello from a form"))
	w.Close()
	req, _ := http.NewRequest("POST", html.UnescapeString(string(action[1])), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("the form's upload: %d %s", resp.StatusCode, reply)
	}
}

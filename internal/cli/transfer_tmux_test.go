package cli

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
)

// The browser in tmux against versitygw: u uploads a file while the list
// keeps answering keys, then the share panel opens on it; D downloads; p
// previews JSON, CSV, binary and text with escape sequences (escaped).
func TestTransfersInTmux(t *testing.T) {
	bin := buildS3share(t)
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for i, name := range []string{"a.txt", "b.txt", "c.txt", "d.txt"} {
		srv.Put(t, bucket, "in/"+name, []byte(strings.Repeat("x", i+1)), "text/plain")
	}
	srv.Put(t, bucket, "in/data.json", []byte(`{"name":"demo","tags":["a","b"]}`), "application/json")
	srv.Put(t, bucket, "in/table.csv", []byte("city,people\nParis,2100000\nLyon,520000\n"), "text/csv")
	srv.Put(t, bucket, "in/blob.bin", []byte("\x7fELF\x02\x01\x01\x00\x00\x00binary"), "application/octet-stream")
	srv.Put(t, bucket, "in/evil.txt", []byte("hello \x1b[31mred\x1b[0m \x1b]0;title\x07 end\n"), "text/plain")
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	proxy := s3test.StartProxy(t, srv.Host)
	// The upload's second part is held once: the upload stays in progress
	// for the timeout, then the part is sent again and it completes.
	proxy.InjectIf(s3test.Hang, 1, func(r *http.Request) bool { return r.URL.Query().Get("partNumber") == "2" })

	local := t.TempDir()
	payload := bytes.Repeat([]byte("0123456789abcdef"), (20<<20)/16) // two parts of the default size
	os.WriteFile(filepath.Join(local, "upload-me.bin"), payload, 0o644)
	dl := filepath.Join(local, "dl")
	os.Mkdir(dl, 0o755)

	tm := startTmux(t, bin, []string{"--endpoint", proxy.Endpoint, "--timeout", "6s", "--clipboard", "off", "s3://" + bucket + "/in/"},
		tmuxOptions{width: 100, height: 30, dir: local,
			env: []string{"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey}})
	tm.waitTextRunning("the listing", "evil.txt")

	idle := keyToRedraw(tm, 4)
	tm.key("g")
	tm.waitFor("the top row", func(sc string) bool { return strings.Contains(selectedLine(sc), "a.txt") })

	// u: Tab completes the path typed in the working directory.
	tm.key("u")
	tm.waitText("the upload panel", "Upload a file into s3://"+bucket+"/in/")
	tm.typeText("upl")
	tm.key("Tab")
	tm.waitText("the completed path", "upload-me.bin")
	tm.key("Enter")
	proxy.WaitHeld(t, 1)
	tm.waitText("the progress", "↑ upload-me.bin")
	// While the part is held, the list answers keys at once.
	worst := keyToRedraw(tm, 4)
	t.Logf("key to redraw during the upload: at most %s (idle: at most %s; both include tmux's own send-keys and capture-pane)", worst, idle)
	if worst > time.Second { // generous: the UI never waits on the upload
		t.Errorf("a key took %s to show during the upload", worst)
	}
	sc := tm.waitText("the share panel on the new object", "Share s3://"+bucket+"/in/upload-me.bin")
	if !strings.Contains(sc, "uploaded s3://"+bucket+"/in/upload-me.bin") && !strings.Contains(sc, "upload-me.bin") {
		t.Errorf("no word of the upload:\n%s", sc)
	}
	tm.escape("the share panel", "Share s3://")

	// p: JSON pretty, CSV as a table, binary as hex, escapes escaped.
	for _, c := range []struct{ name, want string }{
		{"data.json", `"name": "demo",`},
		{"table.csv", "city  │ people"},
		{"blob.bin", "00000000  7f 45 4c 46"},
		{"evil.txt", `hello \x1b[31mred\x1b[0m \x1b]0;title\x07 end`},
	} {
		tm.key("g") // selectRow moves down only
		tm.waitFor("the top row", func(sc string) bool { return strings.Contains(selectedLine(sc), "a.txt") })
		tm.selectRow(c.name)
		tm.key("p")
		tm.waitText("the preview of "+c.name, c.want)
		tm.escape("the preview", "Preview s3://")
	}

	// D: to a directory, byte-exact.
	tm.selectRow("upload-me.bin")
	tm.key("D")
	tm.waitText("the download panel", "to directory:")
	tm.key("BSpace")
	tm.key("BSpace")
	tm.typeText(dl)
	tm.key("Enter")
	tm.waitText("the download's end", "downloaded")
	got, err := os.ReadFile(filepath.Join(dl, "upload-me.bin"))
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("downloaded file: %d bytes, %v", len(got), err)
	}
	// Again: the file is there, so it asks; n keeps it.
	tm.key("D")
	tm.waitText("the download panel", "to directory:")
	tm.key("BSpace")
	tm.key("BSpace")
	tm.typeText(dl)
	tm.key("Enter")
	tm.waitText("the question", "1 file is already there")
	tm.key("n")
	tm.waitText("nothing replaced", "nothing downloaded")
	tm.key("q")
	tm.waitExit()
}

// keyToRedraw presses j n times and returns the longest time from a key
// sent to the cursor seen moved.
func keyToRedraw(tm *tmuxSession, n int) time.Duration {
	tm.t.Helper()
	var worst time.Duration
	for range n {
		before := selectedLine(tm.screen())
		start := time.Now()
		tm.key("j")
		tm.waitFor("the cursor to move", func(sc string) bool { return selectedLine(sc) != before })
		worst = max(worst, time.Since(start))
	}
	return worst
}

// Quitting while an upload runs aborts it: no incomplete upload is left.
func TestQuitDuringUploadInTmux(t *testing.T) {
	bin := buildS3share(t)
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "in/a.txt", []byte("a"), "text/plain")
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	proxy := s3test.StartProxy(t, srv.Host)
	proxy.InjectIf(s3test.Hang, -1, func(r *http.Request) bool { return r.URL.Query().Get("partNumber") == "2" })
	local := t.TempDir()
	os.WriteFile(filepath.Join(local, "big.bin"), bytes.Repeat([]byte{7}, 20<<20), 0o644)

	tm := startTmux(t, bin, []string{"--endpoint", proxy.Endpoint, "--clipboard", "off", "s3://" + bucket + "/in/"},
		tmuxOptions{width: 100, height: 30, dir: local,
			env: []string{"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey}})
	tm.waitTextRunning("the listing", "a.txt")
	tm.key("u")
	tm.waitText("the upload panel", "Upload a file into")
	tm.typeText("big.bin")
	tm.key("Enter")
	proxy.WaitHeld(t, 1)
	tm.key("q")
	tm.waitExit()
	noIncompleteUploads(t, srv, bucket)
}

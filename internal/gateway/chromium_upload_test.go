package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// mibFromEnv is the size the environment variable name gives in MiB,
// else def MiB.
func mibFromEnv(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n << 20
	}
	return def << 20
}

// dropFiles drops files made in the page (names no file on disk can
// have) on its drop zone, as a person dragging them would.
func dropFiles(names []string, size int) chromedp.Action[chromedp.Void] {
	js, _ := json.Marshal(names)
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function (names) {
  var dt = new DataTransfer();
  names.forEach(function (n, i) { dt.items.add(new File(["file " + i + " " + "x".repeat(%d)], n, { type: "text/plain" })); });
  document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  return names.length;
})(%s)`, size, js))
}

// waitRows waits until the page's list has n rows done or refused.
func waitRows(n int) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll("#list li.done, #list li.refused").length >= %d`, n),
		chromedp.WithPollingTimeout(2*time.Minute))
}

// keyOf matches the key of a file named name sent today under prefix:
// PREFIX/YYYY-MM-DD/UUID-NAME.
func keyOf(prefix, name string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(prefix+time.Now().UTC().Format("2006-01-02")+"/") + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-" + regexp.QuoteMeta(name) + "$")
}

// pageRows is the class and status of each row of the page's list.
func pageRows(t testing.TB, bctx context.Context) []string {
	t.Helper()
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#list li")).map(function (li) {
  return li.className + ": " + li.querySelector(".status").textContent; })`))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestBigAndHostileUploadsInChromium: in a real headless Chromium, a big
// file (S3SHARE_TEST_BIG_MIB, 200 MiB by default) goes in parts, straight
// to the store and streamed through the gateway, and arrives byte-exact
// with no incomplete upload left; files named to attack the key — a path
// climbing out, control characters, a bidi override, 100 emoji — land
// under safe keys within S3's limit; a type not allowed and a file too
// big are refused in the page and never reach the store.
func TestBigAndHostileUploadsInChromium(t *testing.T) {
	bin := chromiumPath(t)
	e := partEnv(t, backends[0].dsn(t))
	e.s3.SetCORS(t, e.bucket, e.url)
	dir := t.TempDir()
	big := pattern(mibFromEnv("S3SHARE_TEST_BIG_MIB", 200)) // CI sets it small
	bigPath := filepath.Join(dir, "core dump.bin")
	if err := os.WriteFile(bigPath, big, 0o644); err != nil {
		t.Fatal(err)
	}
	bctx := startChromium(t, bin, dir)
	for _, via := range []string{"direct", "gateway"} {
		prefix := "big-" + via + "/"
		u := e.createUpload(UploadRequest{Prefix: prefix, Via: via})
		start := time.Now()
		if err := chromedp.Do(bctx,
			chromedp.Navigate(u.URL),
			chromedp.WaitVisible(chromedp.CSS("#drop")),
			chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{bigPath}),
			waitRows(1),
		); err != nil {
			t.Fatalf("%s: chromium: %v\n%s", via, err, e.log.String())
		}
		if rows := pageRows(t, bctx); len(rows) != 1 || rows[0] != "done: received" {
			t.Fatalf("%s: the page shows %q", via, rows)
		}
		t.Logf("%s: %d MiB in %s", via, len(big)>>20, time.Since(start).Round(time.Millisecond))
		var shown gatewayapi.Upload
		apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/uploads/"+u.ID, nil, &shown)
		if len(shown.Received) != 1 || shown.Received[0].Size != int64(len(big)) {
			t.Fatalf("%s: received %+v", via, shown.Received)
		}
		if !keyOf(prefix, "core dump.bin").MatchString(shown.Received[0].Key) {
			t.Errorf("%s: the big file is at %q", via, shown.Received[0].Key)
		}
		storeHas(t, e, prefix, shown.Received[0].Key, big)
		if keys := e.incomplete(prefix); len(keys) != 0 {
			t.Errorf("%s: incomplete uploads left: %q", via, keys)
		}
	}

	hostile := []string{
		"../../etc/passwd",
		"a\x01b\x1b[31mred\x7f\u0085.txt",
		"invoice\u202Etxt.exe",
		strings.Repeat("😀", 100) + ".png",
	}
	u := e.createUpload(UploadRequest{Prefix: "hostile/"})
	if err := chromedp.Do(bctx, chromedp.Navigate(u.URL), chromedp.WaitVisible(chromedp.CSS("#drop")),
		dropFiles(hostile, 10), waitRows(len(hostile))); err != nil {
		t.Fatalf("hostile names: chromium: %v\n%s", err, e.log.String())
	}
	if rows := pageRows(t, bctx); strings.Count(strings.Join(rows, "\n"), "done: received") != len(hostile) {
		t.Fatalf("hostile names: the page shows %q", rows)
	}
	var shown gatewayapi.Upload
	apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/uploads/"+u.ID, nil, &shown)
	if len(shown.Received) != len(hostile) {
		t.Fatalf("hostile names: received %+v", shown.Received)
	}
	names := map[string]bool{}
	for _, f := range shown.Received {
		names[f.Name] = true
		rest, ok := strings.CutPrefix(f.Key, "hostile/"+time.Now().UTC().Format("2006-01-02")+"/")
		if !ok || len(f.Key) > MaxKeyBytes || !utf8.ValidString(f.Key) || strings.Contains(f.Key, "..") || strings.Contains(rest, "/") {
			t.Errorf("%q lands at %q", f.Name, f.Key)
		}
		for _, r := range f.Key {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Errorf("%q lands at %q, with %U", f.Name, f.Key, r)
			}
		}
	}
	for _, n := range hostile {
		if !names[n] {
			t.Errorf("the name %q was not kept as given", n)
		}
	}
	if keys := storeHas(t, e, "hostile/", "", nil); len(keys) != len(hostile) {
		t.Errorf("the store holds %q", keys)
	}

	r := e.createUpload(UploadRequest{Prefix: "rules/", Types: []string{".txt"}, MaxFileSize: 100})
	if err := chromedp.Do(bctx, chromedp.Navigate(r.URL), chromedp.WaitVisible(chromedp.CSS("#drop")),
		dropFiles([]string{"tool.exe"}, 10), dropFiles([]string{"long.txt"}, 200), waitRows(2)); err != nil {
		t.Fatalf("rules: chromium: %v", err)
	}
	rows := strings.Join(pageRows(t, bctx), "\n")
	if !strings.Contains(rows, "refused: this type of file is not allowed here") || !strings.Contains(rows, "refused: too big") {
		t.Errorf("rules: the page shows %q", rows)
	}
	if keys := storeHas(t, e, "rules/", "", nil); len(keys) != 0 {
		t.Errorf("rules: the store holds %q", keys)
	}
}

// TestCancelInChromium: a file going in parts is cancelled in the page
// while its parts are under way; the gateway aborts the upload (no
// incomplete upload is left), gives its place back, and the page says
// it was cancelled.
func TestCancelInChromium(t *testing.T) {
	bin := chromiumPath(t)
	e := partEnv(t, backends[0].dsn(t))
	dir := t.TempDir()
	body := pattern(3*s3model.MinPartSize + 1)
	path := filepath.Join(dir, "video.mp4")
	os.WriteFile(path, body, 0o644)
	// Part 1 goes through; the others are held until the page gives up.
	var once sync.Once
	release := make(chan struct{})
	hold := func(r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/parts/") && !strings.HasSuffix(r.URL.Path, "/parts/1") {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}
	e.before.Store(&hold)
	defer once.Do(func() { close(release) })
	u := e.createUpload(UploadRequest{Prefix: "cancel/", MaxFiles: 1})
	bctx := startChromium(t, bin, dir)
	if err := chromedp.Do(bctx,
		chromedp.Navigate(u.URL),
		chromedp.WaitVisible(chromedp.CSS("#drop")),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{path}),
		chromedp.WaitVisible(chromedp.CSS("#list .cancel")),
	); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	// Wait for part 1 to be in the store, then cancel.
	c, _ := s3model.New(signingStore(e.s3))
	deadline := time.Now().Add(time.Minute)
	for {
		ups, err := c.Multiparts(context.Background(), e.bucket, "cancel/")
		if err == nil && len(ups) == 1 {
			if parts, _ := c.Parts(context.Background(), e.bucket, ups[0].Key, ups[0].UploadID); len(parts) == 1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("part 1 never arrived: %v\n%s", err, e.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#list .cancel")), waitRows(1)); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	once.Do(func() { close(release) })
	if rows := pageRows(t, bctx); len(rows) != 1 || rows[0] != "refused: cancelled" {
		t.Errorf("the page shows %q", rows)
	}
	// The cancel call is the page's last: wait for it to land.
	deadline = time.Now().Add(30 * time.Second)
	for {
		got, err := e.store.Upload(context.Background(), u.ID)
		if err == nil && got.Files == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the place was not given back: %+v, %v\n%s", got, err, e.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if keys := e.incomplete("cancel/"); len(keys) != 0 {
		t.Errorf("incomplete uploads left: %q", keys)
	}
	// The place given back takes another file.
	if tk := ticket(t, u.URL, "again.txt", 3); tk.ID == "" {
		t.Error("no place after the cancel")
	}
}

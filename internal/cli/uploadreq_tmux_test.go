package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/gateway"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// requestLog records when each request through a proxy began and ended.
type requestLog struct {
	mu   sync.Mutex
	reqs []loggedRequest
}

type loggedRequest struct {
	method, path string
	start, end   time.Time
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		l.mu.Lock()
		l.reqs = append(l.reqs, loggedRequest{r.Method, r.URL.Path, start, time.Now()})
		l.mu.Unlock()
	})
}

// matching returns the requests of method to path, in the order they began.
func (l *requestLog) matching(method, path string) []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []loggedRequest
	for _, r := range l.reqs {
		if r.method == method && r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// dropThrough sends one file through a drop link as its page does, and
// returns when the gateway's answer to "done" arrived.
func dropThrough(t *testing.T, link, name string, body []byte) time.Time {
	t.Helper()
	if _, err := gatewayapi.Drop(context.Background(), link, gatewayapi.FileRequest{Name: name, Size: int64(len(body)), Type: "text/plain"},
		bytes.NewReader(body), gatewayapi.SendOptions{HTTP: &http.Client{Timeout: 30 * time.Second}}); err != nil {
		t.Fatalf("drop %q: %v", name, err)
	}
	return time.Now()
}

// shareKinds opens the share panel on s3://bucket/inbox/ and moves to
// its fourth kind of link (the last one, on a store without a gateway).
func shareKinds(tm *tmuxSession, bucket string) {
	tm.waitTextRunning("the listing", "inbox/")
	tm.selectRow("inbox/")
	tm.key("s")
	tm.waitTextRunning("the share form", "Share s3://"+bucket+"/inbox/")
	for range 3 {
		tm.key("Right")
	}
}

// TestUploadRequestInTmux makes an upload request from the TUI on a
// store with a share gateway (the gateway over versitygw, its admin API
// behind a proxy that logs each request), takes the drop link from the
// copy, sends two files through it — one with control characters, a bidi
// override and 100 emoji in its name — and sees each arrive on screen.
// The acceptance, "each arrival within 2 s of its completion", is checked
// against the request log: the first look at the request that began
// after a file was done ended within 2 s of it. The delay seen on screen
// is logged, and held to a generous bound. A store without a gateway
// does not offer the kind.
func TestUploadRequestInTmux(t *testing.T) {
	bin := buildS3share(t)
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "inbox/readme.txt", []byte("drop files here\n"), "text/plain")
	u, _ := url.Parse(srv.Endpoint)
	signing, err := s3model.New(config.Store{Name: "up", Endpoint: u, Region: srv.Region, RegionFromUser: true,
		Addressing: config.AddressingPath, Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.StartLocal(signing, "up", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Close() })
	gwURL, _ := url.Parse(gw.URL)
	var log requestLog
	admin := httptest.NewServer(log.wrap(httputil.NewSingleHostReverseProxy(gwURL)))
	t.Cleanup(admin.Close)

	home := t.TempDir()
	store := func(name, extra string) string {
		return fmt.Sprintf("[stores.%s]\nendpoint = %q\nregion = %q\naddressing = \"path\"\naccess_key_id = %q\nsecret_access_key = %q\n%s",
			name, srv.Endpoint, srv.Region, srv.AccessKey, srv.SecretKey, extra)
	}
	conf := store("up", fmt.Sprintf("gateway = %q\n", admin.URL)) + store("plain", "")
	os.MkdirAll(filepath.Join(home, ".config", "s3share"), 0o700)
	if err := os.WriteFile(filepath.Join(home, ".config", "s3share", "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_STATE_HOME=" + home,
		"S3SHARE_GATEWAY_TOKEN=" + gw.Token, "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY="}

	tm := startTmux(t, bin, []string{"--store", "up", "--clipboard", "osc52", "s3://" + bucket + "/"},
		tmuxOptions{width: 100, height: 30, clipboard: true, env: env})
	shareKinds(tm, bucket)
	tm.waitTextRunning("the upload request kind", "[upload request]")
	tm.key("Enter")
	sc := tm.waitTextRunning("the drop link's copy", "drop link copied")
	link, err := tm.tmux("show-buffer")
	if err != nil {
		t.Fatalf("show-buffer: %v", err)
	}
	if !strings.HasPrefix(link, gw.URL+"/u/") || strings.ContainsAny(link, "\n\x1b") {
		t.Fatalf("the tmux buffer holds %q, not a drop link of %s", link, gw.URL)
	}
	if !strings.Contains(flatScreen(sc), link) {
		t.Errorf("the drop link is not on screen:\n%s", sc)
	}
	id := link[strings.LastIndex(link, "/")+1:]

	hostile := "inv\x1b[31moice\u202egpj.exe\a " + strings.Repeat("📦", 100) + ".txt"
	files := []struct{ name, shown string }{
		{"q4-numbers.csv", "q4-numbers.csv"},
		{hostile, `inv\x1b[31moice\u202egpj.exe\x07 📦`},
	}
	var doneAt []time.Time
	for i, f := range files {
		done := dropThrough(t, link, f.name, []byte(strings.Repeat("x", 100*(i+1))))
		doneAt = append(doneAt, done)
		tm.waitFor(fmt.Sprintf("arrival %d (%q)", i+1, f.shown), func(sc string) bool {
			return strings.Contains(sc, f.shown) && strings.Contains(sc, fmt.Sprintf("received %d file", i+1))
		})
		seen := time.Since(done)
		t.Logf("arrival %d: on screen %s after its done call returned (tmux capture-pane every ~20 ms included)", i+1, seen.Round(time.Millisecond))
		if seen > 10*time.Second {
			t.Errorf("arrival %d took %s to show", i+1, seen)
		}
	}
	sc = tm.screen()
	if !strings.Contains(sc, "from 127.0.0.1") {
		t.Errorf("the arrivals do not say who sent them:\n%s", sc)
	}
	if strings.ContainsAny(sc, "\x1b\a\u202e") {
		t.Errorf("a control character of an uploader's file name reached the terminal:\n%q", sc)
	}

	// The request log: the looks at the request, each a second or so
	// after the last began, and the first after each arrival over within
	// 2 s of it.
	polls := log.matching(http.MethodGet, "/api/v1/uploads/"+id)
	if len(polls) < 2 {
		t.Fatalf("%d looks at the upload request in the log", len(polls))
	}
	var worst time.Duration
	for i := 1; i < len(polls); i++ {
		worst = max(worst, polls[i].start.Sub(polls[i-1].start))
	}
	t.Logf("%d looks at the upload request, at most %s apart", len(polls), worst.Round(time.Millisecond))
	if worst > 1500*time.Millisecond {
		t.Errorf("looks at the upload request %s apart, want about 1 s", worst)
	}
	for i, done := range doneAt {
		var first *loggedRequest
		for j := range polls {
			if polls[j].start.After(done) {
				first = &polls[j]
				break
			}
		}
		if first == nil {
			t.Errorf("arrival %d: no look at the request after it", i+1)
			continue
		}
		d := first.end.Sub(done)
		t.Logf("arrival %d: known to the TUI %s after its done call returned (by the request log)", i+1, d.Round(time.Millisecond))
		if d > 2*time.Second {
			t.Errorf("arrival %d: the TUI learnt of it %s after, want within 2 s", i+1, d)
		}
	}
	tm.key("Escape")
	tm.waitFor("the share panel closed", func(sc string) bool { return !strings.Contains(sc, "drop link made") })
	n := len(log.matching(http.MethodGet, "/api/v1/uploads/"+id))
	time.Sleep(2500 * time.Millisecond)
	if m := len(log.matching(http.MethodGet, "/api/v1/uploads/"+id)); m > n+1 {
		t.Errorf("the TUI still asks about the request after its panel closed: %d looks, then %d", n, m)
	}
	tm.key("H")
	sc = tm.waitTextRunning("the ledger view's count of the files received", "2 files received")
	if !strings.Contains(sc, "UPLOAD") || !strings.Contains(sc, "s3://"+bucket+"/inbox/*") {
		t.Errorf("the ledger view does not show the upload request as such:\n%s", sc)
	}
	tm.escape("the ledger view", "2 files received")
	tm.key("q")
	tm.waitExit()

	// A store without a gateway: GET, PUT and POST only.
	tp := startTmux(t, bin, []string{"--store", "plain", "--clipboard", "off", "s3://" + bucket + "/"},
		tmuxOptions{width: 100, height: 30, env: env})
	shareKinds(tp, bucket)
	sc = tp.waitTextRunning("POST, the last kind", "[POST]")
	if strings.Contains(sc, "upload request") {
		t.Errorf("a store without a gateway offers upload requests:\n%s", sc)
	}
}

package gateway

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/s3share/s3share/presign/gatewayapi"
)

// chromiumPath finds Debian's chromium; the test fails when it is
// missing.
func chromiumPath(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: apt-get install chromium (.ci/test installs it)")
	return ""
}

// startChromium starts a headless Chromium with its profile in dir; it
// ends with the test, or after three minutes.
func startChromium(t testing.TB, bin, dir string) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true))
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	return bctx
}

// TestPasswordPageInChromium: a real headless Chromium opens a password
// share, is told a wrong password is wrong, and with the right one
// downloads the file under the share's name.
func TestPasswordPageInChromium(t *testing.T) {
	bin := chromiumPath(t)
	e := newEnv(t, nil, backends[0].dsn(t))
	body := []byte("the minutes of the meeting\n")
	e.s3.Put(t, e.bucket, "docs/minutes.txt", body, "text/plain")
	const password = "pass phrase 7"
	sh := e.create(CreateRequest{Key: "docs/minutes.txt", Password: password, Filename: "Protokoll März.txt", MaxDownloads: 1})

	dir := t.TempDir()
	downloads := filepath.Join(dir, "downloads")
	os.Mkdir(downloads, 0o755)
	bctx := startChromium(t, bin, dir)

	willBegin := chromedp.Events(bctx, browser.DownloadWillBegin)
	progress := chromedp.Events(bctx, browser.DownloadProgress)
	if err := chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			t := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &t,
			})
			return err
		}),
		chromedp.Navigate(sh.URL),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#password"), "not it"),
		chromedp.Click(chromedp.CSS("#download")),
		chromedp.WaitVisible(chromedp.CSS("#wrong")),
	); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	wrong, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#wrong")))
	if err != nil || !strings.Contains(wrong, "not right") {
		t.Errorf("the wrong-password message: %q, %v", wrong, err)
	}
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#download")),
	); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	for ev, err := range willBegin {
		if err != nil {
			t.Fatalf("no download began: %v", err)
		}
		if ev.SuggestedFilename != "Protokoll März.txt" {
			t.Errorf("the browser saves the file as %q", ev.SuggestedFilename)
		}
		break
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("the download did not complete: %v", err)
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		got, err := os.ReadFile(filepath.Join(downloads, ev.GUID))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("downloaded %q, %v", got, err)
		}
		break
	}
	if got, _ := e.store.Share(context.Background(), sh.ID); got.Downloads != 1 {
		t.Errorf("%d downloads counted", got.Downloads)
	}
}

// TestUploadPageInChromium: a real headless Chromium opens drop links,
// files are set on the page's input, and the page sends them: streamed
// through the gateway, and straight to the store (whose CORS rules allow
// the gateway's origin); they arrive byte-exact. A file of a type not
// allowed is refused in the page with the reason and never reaches the
// store. Direct to a bucket without CORS rules fails in the page, and
// nothing is recorded; streamed through the gateway, the same bucket
// takes the file.
func TestUploadPageInChromium(t *testing.T) {
	bin := chromiumPath(t)
	e := newEnv(t, nil, backends[0].dsn(t))
	e.s3.SetCORS(t, e.bucket, e.url)
	dir := t.TempDir()
	body := bytes.Repeat([]byte("a crash dump line\n"), 60)
	good, bad := filepath.Join(dir, "dump ü.txt"), filepath.Join(dir, "tool.exe")
	os.WriteFile(good, body, 0o644)
	os.WriteFile(bad, []byte("MZ"), 0o644)
	bctx := startChromium(t, bin, dir)
	for _, via := range []string{"gateway", "direct"} {
		prefix := "inbox-" + via + "/"
		u := e.createUpload(UploadRequest{Prefix: prefix, Types: []string{".txt", ".png"}, MaxFileSize: 1 << 20, Via: via})
		if err := chromedp.Do(bctx,
			chromedp.Navigate(u.URL),
			chromedp.WaitVisible(chromedp.CSS("#drop")),
			chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{good, bad}),
			chromedp.WaitVisible(chromedp.CSS("#list li.done")),
			chromedp.WaitVisible(chromedp.CSS("#list li.refused")),
		); err != nil {
			t.Fatalf("%s: chromium: %v\n%s", via, err, e.log.String())
		}
		status, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#list li.done .status")))
		refusal, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#list li.refused .status")))
		if status != "received" || !strings.Contains(refusal, "not allowed") {
			t.Errorf("%s: the page says %q and %q", via, status, refusal)
		}
		var shown gatewayapi.Upload
		apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/uploads/"+u.ID, nil, &shown)
		if len(shown.Received) != 1 || shown.Received[0].Name != "dump ü.txt" || shown.Received[0].ContentType != "text/plain" {
			t.Fatalf("%s: received %+v", via, shown.Received)
		}
		keys := storeHas(t, e, prefix, shown.Received[0].Key, body)
		if len(keys) != 1 || !strings.HasSuffix(keys[0], "-dump ü.txt") {
			t.Errorf("%s: the store holds %q", via, keys)
		}
	}

	noCORS := e.s3.NewBucket(t)
	u := e.createUpload(UploadRequest{Bucket: noCORS, Prefix: "in/", Via: "direct"})
	if err := chromedp.Do(bctx,
		chromedp.Navigate(u.URL),
		chromedp.WaitVisible(chromedp.CSS("#drop")),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{good}),
		chromedp.WaitVisible(chromedp.CSS("#list li.refused")),
	); err != nil {
		t.Fatalf("direct without CORS: chromium: %v", err)
	}
	refusal, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#list li.refused .status")))
	if !strings.Contains(refusal, "CORS") {
		t.Errorf("direct without CORS: the page says %q", refusal)
	}
	var shown gatewayapi.Upload
	apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/uploads/"+u.ID, nil, &shown)
	if len(shown.Received) != 0 {
		t.Errorf("direct without CORS: received %+v", shown.Received)
	}

	// The same bucket, streamed through the gateway: CORS does not matter.
	s := e.createUpload(UploadRequest{Bucket: noCORS, Prefix: "streamed/", Via: "gateway"})
	if err := chromedp.Do(bctx,
		chromedp.Navigate(s.URL),
		chromedp.WaitVisible(chromedp.CSS("#drop")),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{good}),
		chromedp.WaitVisible(chromedp.CSS("#list li.done")),
	); err != nil {
		t.Fatalf("streamed without CORS: chromium: %v\n%s", err, e.log.String())
	}
	apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/uploads/"+s.ID, nil, &shown)
	if len(shown.Received) != 1 || shown.Received[0].Size != int64(len(body)) {
		t.Errorf("streamed without CORS: received %+v", shown.Received)
	}
}

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
)

// chromiumPath finds Debian's chromium; the test fails when it is
// missing.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: apt-get install chromium (.ci/test installs it)")
	return ""
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
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()

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

package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
)

// W on an upload link's result watches for the upload: curl uploads 2 s
// later and the panel shows the object within 2 s of it.
func TestShareResultWatchesTheUpload(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("this test uploads with curl: install curl (apt-get install curl), or run .ci/test, which does")
	}
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	file := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(file, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method string
		keys   []string // typed after the key field's prefix
		want   string
	}{
		{"PUT", []string{"tab", "tab"}, "in/photo.jpg"},
		{"POST", []string{"right", "tab", "tab"}, "in/"},
	} {
		t.Run(c.method, func(t *testing.T) {
			m, _ := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 120, 40, Options{})
			m = press(t, m, "u") // the upload panel; ctrl+l: an upload link instead
			m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlL})
			m = press(t, m, c.keys...)
			for _, r := range c.want {
				m = press(t, m, string(r))
			}
			m = press(t, m, "enter")
			p := sharePanelOf(t, m)
			if len(p.results) != 1 || string(p.results[0].Method) != c.method {
				t.Fatalf("no %s link:\n%s", c.method, m.View())
			}
			if v := flat(m.View()); !strings.Contains(v, "W watches for the upload") {
				t.Fatalf("the result does not offer the watch:\n%s", m.View())
			}
			curl := p.results[0].Curl(file)
			done := make(chan time.Time, 1)
			go func() {
				time.Sleep(2 * time.Second)
				if out, err := exec.Command("sh", "-c", curl+" -sS").CombinedOutput(); err != nil {
					t.Errorf("curl: %v: %s", err, out)
				}
				done <- time.Now()
			}()
			m, cmd := m.Update(keyMsg("W"))
			if v := flat(m.View()); !strings.Contains(v, "watching for the upload…") {
				t.Fatalf("W does not say it watches:\n%s", m.View())
			}
			m = drain(t, m, cmd)
			seen := time.Now()
			if lag := seen.Sub(<-done); lag > 2*time.Second {
				t.Errorf("the panel showed the upload %s after curl finished, want within 2s", lag)
			}
			v := flat(m.View())
			if !strings.Contains(v, "✓ uploaded s3://"+bucket+"/"+c.want) || !strings.Contains(v, "10 B") || !strings.Contains(v, "ETag") {
				t.Fatalf("the panel does not show the upload:\n%s", m.View())
			}
			// x checks the upload link without writing, and says so.
			m = press(t, m, "x")
			// Lines wrap at word boundaries inside the box: compare without spaces.
			nospace := func(s string) string { return strings.ReplaceAll(s, " ", "") }
			if v := nospace(flat(m.View())); !strings.Contains(v, nospace("the bucket exists and answers the signing identity")) || !strings.Contains(v, nospace("write permission")) {
				t.Fatalf("x on an upload link:\n%s", m.View())
			}
		})
	}
}

func TestNotifySequence(t *testing.T) {
	for _, c := range []struct {
		mode config.NotifyMode
		tmux bool
		want string
	}{
		{config.NotifyOff, false, ""},
		{"", false, ""},
		{config.NotifyBell, true, "\a"},
		{config.NotifyOSC9, false, "\x1b]9;up, s3://b/k\\x07\a"},
		{config.NotifyOSC777, false, "\x1b]777;notify;s3share;up, s3://b/k\\x07\a"},
		{config.NotifyOSC9, true, "\x1bPtmux;\x1b\x1b]9;up, s3://b/k\\x07\a\x1b\\"},
	} {
		if got := notifySequence(c.mode, "up; s3://b/k\a", c.tmux); got != c.want {
			t.Errorf("%s (tmux %v): %q, want %q", c.mode, c.tmux, got, c.want)
		}
	}
}

package cli

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/presign/ledger"
)

// The end-to-end share test runs the real binary on the demo store inside
// a private tmux server with set-clipboard on, drives it with send-keys,
// and checks that the link lands in a tmux buffer and works.

func TestE2EShareInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: install tmux (apt-get install tmux, dnf install tmux or brew install tmux) to run this end-to-end test")
	}
	bin := buildS3share(t)

	cases := []struct {
		name      string
		clipboard string
		env       []string // more environment for the program
		dirs      []string // prefixes to open, in order
		object    string   // the object to share, in the last prefix
		attach    bool     // switch the disposition to attachment
		wantCD    string
	}{
		{
			name: "osc52", clipboard: "osc52",
			dirs: []string{"reports/", "2025/"}, object: "q1.csv", attach: true,
			wantCD: `attachment; filename="q1.csv"`,
		},
		{
			// A new user over SSH with no display: auto picks the
			// terminal route and says so.
			name: "ssh-auto", clipboard: "auto",
			env:  []string{"SSH_TTY=/dev/pts/9", "SSH_CONNECTION=127.0.0.1 50022 127.0.0.1 22", "DISPLAY=", "WAYLAND_DISPLAY="},
			dirs: []string{"notes/"}, object: "todo.txt",
			wantCD: `inline; filename="todo.txt"`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			port := freeTCPPort(t)
			state := t.TempDir()
			s := startTmux(t, bin, []string{"demo", "--addr", "127.0.0.1:" + port, "--clipboard", c.clipboard},
				tmuxOptions{clipboard: true, env: append([]string{"XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + t.TempDir()}, c.env...)})

			s.waitFor("the bucket list", func(sc string) bool { return strings.Contains(sc, "demo-docs/") })
			s.selectRow("demo-docs/")
			s.key("Enter")
			for _, d := range c.dirs {
				s.waitFor(d+" listed", func(sc string) bool { return strings.Contains(sc, d) })
				s.selectRow(d)
				s.key("Enter")
			}
			s.waitFor(c.object+" listed", func(sc string) bool { return strings.Contains(sc, c.object) })
			s.selectRow(c.object)

			key := "demo-docs/" + strings.Join(c.dirs, "") + c.object
			s.key("s")
			s.waitFor("the share panel", func(sc string) bool { return strings.Contains(sc, "Share s3://"+key) })
			if c.attach {
				s.key("Down") // expiry
				s.key("Down") // disposition
				s.key("Right")
				s.waitFor("attachment chosen", func(sc string) bool { return strings.Contains(sc, "[attachment]") })
			}
			s.key("Enter")
			screen := s.waitFor("the copy report", func(sc string) bool {
				return strings.Contains(sc, "link copied · tmux") || strings.Contains(sc, "clipboard unavailable")
			})
			if !strings.Contains(screen, "link copied · tmux + OSC 52 (if the terminal allows it)") {
				t.Errorf("the report does not say OSC 52 was used:\n%s", screen)
			}

			link, err := s.tmux("show-buffer")
			if err != nil {
				t.Fatalf("show-buffer: %v", err)
			}
			if !strings.HasPrefix(link, "http://127.0.0.1:"+port+"/") || strings.ContainsAny(link, "\n\x1b") {
				t.Fatalf("the tmux buffer holds %q, not a link", link)
			}
			if !strings.Contains(flatScreen(screen), link) {
				t.Errorf("the link is not on screen as plain text:\n%s", screen)
			}

			resp, err := http.Get(link)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET link: %d %s", resp.StatusCode, body)
			}
			if want := demoObject(t, port, key); string(body) != want {
				t.Errorf("GET link body %q, want %q", body, want)
			}
			if cd := resp.Header.Get("Content-Disposition"); cd != c.wantCD {
				t.Errorf("Content-Disposition %q, want %q", cd, c.wantCD)
			}

			// The demo keeps its own ledger: the user's is not touched.
			ledgerFile := filepath.Join(state, "s3share", ledger.FileName)
			if _, err := os.Stat(ledgerFile); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the demo wrote to the user's share ledger %s (%v)", ledgerFile, err)
			}

			s.key("Escape")
			s.waitFor("back in the browser", func(sc string) bool { return !strings.Contains(sc, "link made") })
			s.key("q")
			s.waitExit()
			if errs := s.stderr(); strings.Contains(errs, "panic") {
				t.Errorf("the program panicked:\n%s", errs)
			}
		})
	}
}

// demoObject reads an object of the demo store directly.
func demoObject(t *testing.T, port, bucketKey string) string {
	t.Helper()
	bucket, key, _ := strings.Cut(bucketKey, "/")
	mc, err := minio.New("127.0.0.1:"+port, &minio.Options{
		Creds: credentials.NewStaticV4(demo.DefaultAccessKey, demo.DefaultSecretKey, ""), Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := mc.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("read %s from the demo store: %v", bucketKey, err)
	}
	return string(data)
}

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/presign/ledger"
)

// The end-to-end share test runs the real binary on the demo store inside
// a private tmux server with set-clipboard on, drives it with send-keys,
// and checks that the link lands in a tmux buffer and works.

// e2eWait bounds how long one step may take to show on screen.
const e2eWait = 30 * time.Second

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
				append([]string{"XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + t.TempDir()}, c.env...))

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
				return strings.Contains(sc, "link copied to tmux buffer") || strings.Contains(sc, "clipboard unavailable")
			})
			if !strings.Contains(strings.Join(strings.Fields(screen), " "), "via OSC 52 — your terminal must allow it") {
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

			ledgerFile := filepath.Join(state, "s3share", ledger.FileName)
			l, err := ledger.Open(ledgerFile)
			if err != nil {
				t.Fatal(err)
			}
			recs, _, err := l.Load()
			if err != nil || len(recs) != 1 || recs[0].URL != link {
				t.Errorf("the share ledger %s holds %d records (%v), want the link", ledgerFile, len(recs), err)
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

// buildS3share builds the command into a temporary directory.
func buildS3share(t *testing.T) string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Fatal("the go command is needed to build s3share for this test")
		}
	}
	bin := filepath.Join(t.TempDir(), "s3share")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeTCPPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
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

// flatScreen joins the screen's lines without their padding, so a link
// wrapped over several lines reads as one string.
func flatScreen(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		b.WriteString(strings.TrimRight(l, " "))
	}
	return b.String()
}

// tmuxSession is one program running in a private tmux server.
type tmuxSession struct {
	t       *testing.T
	sock    string
	errFile string
}

// startTmux starts a private tmux server (no config file, set-clipboard
// on, panes kept when their program exits) running bin with args and the
// extra environment.
func startTmux(t *testing.T, bin string, args, env []string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{
		t:       t,
		sock:    fmt.Sprintf("s3share-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()),
		errFile: filepath.Join(t.TempDir(), "stderr"),
	}
	cmdline := shellQuote(bin)
	for _, a := range args {
		cmdline += " " + shellQuote(a)
	}
	cmdline += " 2>" + shellQuote(s.errFile)
	tmuxArgs := []string{"start-server", ";",
		"set-option", "-g", "set-clipboard", "on", ";",
		"set-option", "-g", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24"}
	for _, e := range append([]string{"TERM=xterm-256color"}, env...) {
		tmuxArgs = append(tmuxArgs, "-e", e)
	}
	tmuxArgs = append(tmuxArgs, cmdline)
	t.Cleanup(func() { _, _ = s.tmux("kill-server") })
	if out, err := s.tmux(tmuxArgs...); err != nil {
		t.Fatalf("start tmux: %v: %s", err, out)
	}
	return s
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// tmux runs a tmux command against the private server.
func (s *tmuxSession) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-L", s.sock, "-f", "/dev/null"}, args...)...)
	// Talk to our server, not to one this test may itself run in.
	cmd.Env = append(os.Environ(), "TMUX=")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		err = fmt.Errorf("%v: %s", err, strings.TrimSpace(string(ee.Stderr)))
	}
	return string(out), err
}

// key sends one key.
func (s *tmuxSession) key(k string) {
	s.t.Helper()
	if _, err := s.tmux("send-keys", "-t", "e2e", k); err != nil {
		s.t.Fatalf("send-keys %s: %v", k, err)
	}
}

func (s *tmuxSession) screen() string {
	out, err := s.tmux("capture-pane", "-p", "-t", "e2e")
	if err != nil {
		return "(capture-pane: " + err.Error() + ")"
	}
	return out
}

func (s *tmuxSession) stderr() string {
	data, _ := os.ReadFile(s.errFile)
	return string(data)
}

// waitFor polls the screen until ok accepts it, and returns it.
func (s *tmuxSession) waitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		sc := s.screen()
		if ok(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s: not on screen after %s:\n%s\nstderr:\n%s", what, e2eWait, sc, s.stderr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// selectedLine is the browser row under the cursor ("> " marks it).
func selectedLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "> ") {
			return l
		}
	}
	return ""
}

// selectRow moves the cursor down, a key at a time, onto the row named name.
func (s *tmuxSession) selectRow(name string) {
	s.t.Helper()
	for range 60 {
		sel := selectedLine(s.screen())
		if strings.Contains(sel, " "+name+" ") || strings.HasSuffix(strings.TrimRight(sel, " "), " "+name) {
			return
		}
		s.key("j")
		// Wait until the cursor has moved before looking again.
		s.waitFor("the cursor to move", func(sc string) bool { return selectedLine(sc) != sel })
	}
	s.t.Fatalf("no row %q:\n%s", name, s.screen())
}

// waitExit waits for the program to end.
func (s *tmuxSession) waitExit() {
	s.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		out, err := s.tmux("display-message", "-p", "-t", "e2e", "#{pane_dead}")
		if err == nil && strings.TrimSpace(out) == "1" {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the program did not exit after q:\n%s", s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

package clip

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// tmuxServer is a private tmux server for one test.
type tmuxServer struct {
	t      *testing.T
	bin    string
	name   string // -L socket name
	socket string // socket path
	pid    string
}

// startTmux starts a private tmux server with no configuration file, so
// every option has tmux's default, and kills it when the test ends.
func startTmux(t *testing.T) *tmuxServer {
	t.Helper()
	bin, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatalf("tmux not found: install tmux (apt-get install tmux): %v", err)
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	s := &tmuxServer{t: t, bin: bin, name: "s3share-test-" + hex.EncodeToString(rnd[:])}
	s.run("-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24")
	t.Cleanup(func() {
		cmd := exec.Command(s.bin, "-L", s.name, "kill-server")
		cmd.Env = withoutTMUX()
		_ = cmd.Run()
		if s.socket != "" {
			_ = os.Remove(s.socket) // tmux leaves it behind
		}
	})
	s.socket = s.run("display-message", "-p", "#{socket_path}")
	s.pid = s.run("display-message", "-p", "#{pid}")
	return s
}

// withoutTMUX is the test's environment without TMUX, so that a test run
// from inside tmux does not reach the developer's server.
func withoutTMUX() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TMUX=") && !strings.HasPrefix(kv, "TMUX_PANE=") {
			env = append(env, kv)
		}
	}
	return env
}

// run runs a tmux command against the private server and returns its
// output without the final newline.
func (s *tmuxServer) run(args ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin, append([]string{"-L", s.name}, args...)...)
	cmd.Env = withoutTMUX()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSuffix(string(out), "\n")
}

// tmuxVar is the TMUX value a pane of this server would see.
func (s *tmuxServer) tmuxVar() string { return s.socket + "," + s.pid + ",0" }

func TestTmuxBufferWithDefaultOptions(t *testing.T) {
	s := startTmux(t)
	// The defaults this test is about: tmux drops a program's own OSC 52.
	if got := s.run("show-options", "-gv", "set-clipboard"); got != "external" {
		t.Fatalf("set-clipboard = %q, want tmux's default external", got)
	}

	vars := map[string]string{"TMUX": s.tmuxVar(), "SSH_TTY": "/dev/pts/7"}
	var tty bytes.Buffer
	r := New(ModeAuto, Env{
		Getenv:  getenv(vars),
		TTY:     &tty,
		RunTmux: ExecTmux(getenv(vars)),
		Native:  &fakeNative{},
		GOOS:    "linux",
	}).Copy(testURL)

	if want := []Method{MethodTmux, MethodOSC52}; !reflect.DeepEqual(r.Methods, want) {
		t.Fatalf("Methods = %v (%v), want %v", r.Methods, r.Err, want)
	}
	if got := s.run("show-buffer"); got != testURL {
		t.Errorf("tmux show-buffer = %q, want %q", got, testURL)
	}
	if !strings.HasPrefix(r.Message, "copied to tmux buffer") {
		t.Errorf("Message = %q, want it to report the tmux buffer", r.Message)
	}
	if shape, got := decodeOSC52(t, tty.String()); shape != "tmux" || got != testURL {
		t.Errorf("terminal got a %s sequence for %q, want tmux passthrough of the link", shape, got)
	}
}

func TestTmuxNoServer(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatalf("tmux not found: install tmux (apt-get install tmux): %v", err)
	}
	socket := filepath.Join(t.TempDir(), "no-server")
	vars := map[string]string{"TMUX": socket + ",1,0", "SSH_TTY": "/dev/pts/7"}

	r := New(ModeOSC52, Env{Getenv: getenv(vars), RunTmux: ExecTmux(getenv(vars))}).Copy(testURL)
	if r.Copied() || r.Err == nil {
		t.Fatalf("Copy without a tmux server = %+v, want unavailable", r)
	}
	if r.Message != "clipboard unavailable — link shown below" {
		t.Errorf("Message = %q, want the unavailable report", r.Message)
	}
	if !strings.Contains(r.Err.Error(), "tmux load-buffer") || !strings.Contains(r.Err.Error(), socket) {
		t.Errorf("Err = %q, want tmux's own reason naming %s", r.Err, socket)
	}
}

// Environment variables that turn TestCopyInsideTmuxPane into the program
// running inside the pane.
const (
	paneResultVar = "S3SHARE_CLIP_PANE_RESULT"
	paneTextVar   = "S3SHARE_CLIP_PANE_TEXT"
)

type paneResult struct {
	Methods []Method
	Message string
	Warning string
	Err     string
}

// TestCopyInsideTmuxPane runs System(ModeAuto) as a user over SSH would
// meet it: inside a tmux pane, with SSH_TTY set and no display, writing to
// the pane's real terminal. tmux has set-clipboard on.
func TestCopyInsideTmuxPane(t *testing.T) {
	if out := os.Getenv(paneResultVar); out != "" {
		copyInPane(t, out, os.Getenv(paneTextVar))
		return
	}
	s := startTmux(t)
	s.run("set-option", "-g", "set-clipboard", "on")
	s.run("set-option", "-g", "remain-on-exit", "on")

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	result := filepath.Join(t.TempDir(), "result.json")
	channel := "s3share-clip-done"
	shell := fmt.Sprintf("env -u DISPLAY -u WAYLAND_DISPLAY -u STY -u SSH_CONNECTION -u SSH_CLIENT SSH_TTY=/dev/pts/9 %s=%s %s=%s %s -test.run='^TestCopyInsideTmuxPane$'; %s wait-for -S %s",
		paneResultVar, shellQuote(result), paneTextVar, shellQuote(testURL), shellQuote(exe), shellQuote(s.bin), channel)
	pane := s.run("new-window", "-d", "-P", "-F", "#{pane_id}", shell)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	wait := exec.CommandContext(ctx, s.bin, "-L", s.name, "wait-for", channel)
	wait.Env = withoutTMUX()
	if err := wait.Run(); err != nil {
		t.Fatalf("the copy inside the pane did not finish (%v); pane shows:\n%s", err, s.run("capture-pane", "-p", "-t", pane))
	}
	screen := s.run("capture-pane", "-p", "-t", pane)

	raw, err := os.ReadFile(result)
	if err != nil {
		t.Fatalf("no result from the pane (%v); pane shows:\n%s", err, screen)
	}
	var r paneResult
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("result %q: %v", raw, err)
	}
	if want := []Method{MethodTmux, MethodOSC52}; !reflect.DeepEqual(r.Methods, want) {
		t.Errorf("Methods = %v (err %q, warning %q), want %v", r.Methods, r.Err, r.Warning, want)
	}
	if want := "copied to tmux buffer and asked tmux to pass it to your terminal via OSC 52 — your terminal must allow it"; r.Message != want {
		t.Errorf("Message = %q, want %q", r.Message, want)
	}
	if got := s.run("show-buffer"); got != testURL {
		t.Errorf("tmux show-buffer = %q, want %q", got, testURL)
	}
	// The passthrough copy is dropped (allow-passthrough is off): it
	// neither adds a second buffer nor shows up as text in the pane.
	if got := s.run("list-buffers", "-F", "#{buffer_name}"); strings.Count(got, "\n") != 0 {
		t.Errorf("tmux holds buffers %q, want exactly one", got)
	}
	if b64 := base64.StdEncoding.EncodeToString([]byte(testURL)); strings.Contains(screen, b64[:40]) || strings.Contains(screen, "52;c;") {
		t.Errorf("the OSC 52 payload leaked onto the pane:\n%s", screen)
	}
}

// copyInPane is the program run inside the tmux pane.
func copyInPane(t *testing.T, out, text string) {
	r := System(ModeAuto).Copy(text)
	pr := paneResult{Methods: r.Methods, Message: r.Message, Warning: r.Warning}
	if r.Err != nil {
		pr.Err = r.Err.Error()
	}
	b, err := json.Marshal(pr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TestTmuxForwardsToOuterTerminal checks what "asked tmux to pass it to
// your terminal" means with tmux's default options: an inner tmux is
// attached from a pane of an outer tmux, which stands in for a terminal
// that accepts OSC 52 (an outer tmux with set-clipboard on stores it as a
// buffer). The client claims TERM=xterm-256color, for which tmux knows
// the clipboard sequence.
func TestTmuxForwardsToOuterTerminal(t *testing.T) {
	outer := startTmux(t)
	outer.run("set-option", "-g", "set-clipboard", "on")
	inner := startTmux(t)
	channel := "s3share-clip-attached"
	inner.run("set-hook", "-g", "client-attached", "wait-for -S "+channel)
	outer.run("new-window", "-d", fmt.Sprintf("env -u TMUX TERM=xterm-256color %s -L %s attach-session -t 0",
		shellQuote(inner.bin), shellQuote(inner.name)))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	wait := exec.CommandContext(ctx, inner.bin, "-L", inner.name, "wait-for", channel)
	wait.Env = withoutTMUX()
	if err := wait.Run(); err != nil {
		t.Fatalf("the client did not attach to the inner tmux: %v", err)
	}

	vars := map[string]string{"TMUX": inner.tmuxVar(), "SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"}
	r := New(ModeAuto, Env{Getenv: getenv(vars), RunTmux: ExecTmux(getenv(vars)), GOOS: "linux"}).Copy(testURL)
	if !r.Used(MethodTmux) {
		t.Fatalf("Methods = %v (%v), want tmux", r.Methods, r.Err)
	}
	if got := inner.run("show-buffer"); got != testURL {
		t.Errorf("inner tmux show-buffer = %q, want %q", got, testURL)
	}
	// The outer tmux receives the sequence asynchronously.
	deadline := time.Now().Add(30 * time.Second)
	for outer.run("list-buffers", "-F", "#{buffer_name}") == "" {
		if time.Now().After(deadline) {
			t.Fatal("the outer terminal never received the link: tmux load-buffer -w did not forward it")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := outer.run("show-buffer"); got != testURL {
		t.Errorf("outer terminal received %q, want %q", got, testURL)
	}
}

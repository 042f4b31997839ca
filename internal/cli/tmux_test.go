package cli

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/credtest"
)

// tmuxWait bounds how long one step of a terminal session may take to
// show on screen.
const tmuxWait = 30 * time.Second

// tmuxTarget is the session (and window) the program runs in.
const tmuxTarget = "s3"

// tmuxOptions shape the terminal a program runs in.
type tmuxOptions struct {
	width, height int    // 80×24 when zero
	dir           string // working directory; "" for the current one
	env           []string
	clipboard     bool // set-clipboard on, so OSC 52 and load-buffer -w reach tmux
}

// tmuxSession is one program running in a private tmux server; every
// distinct screen it was seen showing is kept in screens.
type tmuxSession struct {
	t       *testing.T
	sock    string
	errFile string
	screens []string
}

// startTmux starts a private tmux server (no config file, panes kept when
// their program exits) running bin with args, stderr to a file. The AWS
// variables that could point the program elsewhere are cleared.
func startTmux(t *testing.T, bin string, args []string, o tmuxOptions) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("this test drives s3share in tmux: install tmux (apt-get install tmux)")
	}
	if o.width == 0 {
		o.width, o.height = 80, 24
	}
	s := &tmuxSession{
		t:       t,
		sock:    fmt.Sprintf("s3share-test-%d-%d", os.Getpid(), time.Now().UnixNano()),
		errFile: filepath.Join(t.TempDir(), "stderr"),
	}
	line := shellQuote(bin)
	for _, a := range args {
		line += " " + shellQuote(a)
	}
	line += " 2>" + shellQuote(s.errFile)
	clipboard := "off"
	if o.clipboard {
		clipboard = "on"
	}
	tmuxArgs := []string{"start-server", ";",
		"set-option", "-g", "set-clipboard", clipboard, ";",
		"set-option", "-g", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", tmuxTarget, "-x", strconv.Itoa(o.width), "-y", strconv.Itoa(o.height)}
	if o.dir != "" {
		tmuxArgs = append(tmuxArgs, "-c", o.dir)
	}
	env := []string{"TERM=xterm-256color", "HOME=" + os.Getenv("HOME")}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
		"AWS_CA_BUNDLE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "MC_CONFIG_DIR"} {
		env = append(env, k+"=")
	}
	for k, v := range closedServices {
		env = append(env, k+"="+v)
	}
	for _, e := range append(env, o.env...) {
		tmuxArgs = append(tmuxArgs, "-e", e)
	}
	tmuxArgs = append(tmuxArgs, line)
	t.Cleanup(func() {
		credtest.Output(t, "the screens of "+filepath.Base(bin), strings.Join(s.screens, "\n"))
		credtest.Output(t, "stderr of "+filepath.Base(bin), s.stderr())
		_, _ = s.tmux("kill-server")
	})
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

// key sends one key (tmux key names: Enter, Escape, j).
func (s *tmuxSession) key(k string) {
	s.t.Helper()
	if _, err := s.tmux("send-keys", "-t", tmuxTarget, k); err != nil {
		s.t.Fatalf("send-keys %s: %v", k, err)
	}
}

// typeText types text literally.
func (s *tmuxSession) typeText(text string) {
	s.t.Helper()
	if _, err := s.tmux("send-keys", "-t", tmuxTarget, "-l", text); err != nil {
		s.t.Fatalf("send-keys -l %s: %v", text, err)
	}
}

// screen captures what the pane shows now.
func (s *tmuxSession) screen() string {
	out, err := s.tmux("capture-pane", "-p", "-t", tmuxTarget)
	if err != nil {
		return "(capture-pane: " + err.Error() + ")"
	}
	if len(s.screens) == 0 || s.screens[len(s.screens)-1] != out {
		s.screens = append(s.screens, out)
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
	deadline := time.Now().Add(tmuxWait)
	for {
		sc := s.screen()
		if ok(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s: not on screen after %s:\n%s\nstderr:\n%s", what, tmuxWait, sc, s.stderr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitText waits until the screen shows text.
func (s *tmuxSession) waitText(what, text string) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%s (%q)", what, text), func(sc string) bool { return strings.Contains(sc, text) })
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

// open selects the row name and opens it.
func (s *tmuxSession) open(name string) {
	s.t.Helper()
	s.waitText(name+" listed", name)
	s.selectRow(name)
	s.key("Enter")
	s.waitText(name+" opened", "/"+name)
}

// escape presses Escape and waits until the screen no longer shows text:
// a key sent before the program has read the Escape alone would be read
// with it, as alt+key.
func (s *tmuxSession) escape(what, text string) {
	s.t.Helper()
	s.key("Escape")
	s.waitFor(what+" closed", func(sc string) bool { return !strings.Contains(sc, text) })
}

// dead reports whether the program has exited.
func (s *tmuxSession) dead() bool {
	out, err := s.tmux("display-message", "-p", "-t", tmuxTarget, "#{pane_dead}")
	return err == nil && strings.TrimSpace(out) == "1"
}

// waitTextRunning waits until the screen shows text, failing at once if
// the program exits instead.
func (s *tmuxSession) waitTextRunning(what, text string) string {
	s.t.Helper()
	var exited bool
	sc := s.waitFor(fmt.Sprintf("%s (%q)", what, text), func(sc string) bool {
		exited = s.dead()
		return exited || strings.Contains(sc, text)
	})
	if exited {
		s.t.Fatalf("s3share exited instead of showing %s:\n%s\nstderr:\n%s", what, sc, s.stderr())
	}
	return sc
}

// waitExit waits for the program to end.
func (s *tmuxSession) waitExit() {
	s.t.Helper()
	deadline := time.Now().Add(tmuxWait)
	for {
		if s.dead() {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the program did not exit after q:\n%s", s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// flatScreen joins the screen's lines without their padding (and a
// panel's frame), so a link wrapped over several lines reads as one string.
func flatScreen(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "│"); i >= 0 { // a panel's frame
			l = l[i+len("│"):]
			if j := strings.LastIndex(l, "│"); j >= 0 {
				l = l[:j]
			}
		}
		b.WriteString(strings.TrimRight(l, " "))
	}
	return b.String()
}

// buildS3share builds the command into a temporary directory. Call it
// before a test moves HOME: the go command finds its caches there.
func buildS3share(t *testing.T) string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Fatal("the go command is needed to build s3share for this test")
		}
	}
	bin := filepath.Join(t.TempDir(), "s3share")
	if out, err := exec.Command(goBin, "build", "-o", bin, "github.com/s3share/s3share").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeTCPPort returns a port on 127.0.0.1 that was free a moment ago.
func freeTCPPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// startDemoTmux runs `s3share demo --clipboard MODE` in tmux on a free
// port, with its state and config under home and vars added to its
// environment, and returns the session and the demo's endpoint.
func startDemoTmux(t *testing.T, home, clipboard string, o tmuxOptions, vars map[string]string) (*tmuxSession, string) {
	t.Helper()
	port := freeTCPPort(t)
	env := map[string]string{"XDG_STATE_HOME": home, "XDG_CONFIG_HOME": home}
	for k, v := range vars {
		env[k] = v
	}
	o.dir, o.env = home, append(o.env, envList(env)...)
	tm := startTmux(t, buildS3share(t), []string{"demo", "--addr", "127.0.0.1:" + port, "--clipboard", clipboard}, o)
	return tm, "http://127.0.0.1:" + port
}

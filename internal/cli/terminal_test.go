package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTerminalDumbTinyAndStorms runs the real binary on the demo store in
// a tmux pane with TERM=dumb and NO_COLOR: no colour reaches the screen;
// a storm of resizes down to 1×1 and keys typed while panels open and
// close leave it working; q still quits and nothing panics.
func TestTerminalDumbTinyAndStorms(t *testing.T) {
	tm, _ := startDemoTmux(t, t.TempDir(), "off", tmuxOptions{}, map[string]string{"TERM": "dumb", "NO_COLOR": "1"})
	tm.waitText("the bucket list", "demo-docs/")

	sgrColour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m`)
	coloured := func(what string) {
		t.Helper()
		out, err := tm.tmux("capture-pane", "-e", "-p", "-t", tmuxTarget)
		if err != nil {
			t.Fatal(err)
		}
		if m := sgrColour.FindString(out); m != "" {
			t.Errorf("%s: colour %q on a TERM=dumb, NO_COLOR screen:\n%q", what, m, out)
		}
	}
	coloured("the bucket list")

	resize := func(w, h int) {
		t.Helper()
		if _, err := tm.tmux("resize-window", "-t", tmuxTarget, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)); err != nil {
			t.Fatalf("resize to %dx%d: %v", w, h, err)
		}
	}
	storm := func() {
		t.Helper()
		for _, s := range [][2]int{{1, 1}, {2, 2}, {300, 100}, {20, 5}, {39, 9}, {40, 10}, {1, 50}, {160, 3}, {80, 24}, {5, 5}, {110, 14}} {
			resize(s[0], s[1])
			time.Sleep(5 * time.Millisecond) // let some frames be drawn at odd sizes
		}
	}

	storm()
	resize(100, 30)
	tm.waitText("the list after a resize storm", "demo-docs/")
	tm.key("?")
	tm.waitText("the help screen", "s3share — keys")
	storm()
	resize(100, 30)
	tm.key("Escape")
	tm.waitText("the list again", "demo-docs/")
	tm.open("demo-docs/")
	tm.open("notes/")
	tm.waitText("the listing", "todo.txt")
	tm.selectRow("todo.txt")

	// Keys typed while the share panel opens and closes, in one burst.
	for i := 0; i < 5; i++ {
		if _, err := tm.tmux("send-keys", "-t", tmuxTarget, "s", "Escape", "j", "k", "s", "Escape", "H", "Escape", "?", "Escape"); err != nil {
			t.Fatal(err)
		}
	}
	// ESC followed at once by a key reads as alt+key, so where the burst
	// leaves the program varies: close whatever it left open first.
	back := func(sc string) bool {
		return strings.Contains(sc, "s share") && !strings.Contains(sc, "s3share — keys")
	}
	// The program may still be working through the burst (slowly, under
	// the race detector on a busy machine): the browser must stay in view
	// for two seconds running, with Escape pressed whenever a panel shows.
	deadline := time.Now().Add(30 * time.Second)
	for since := (time.Time{}); since.IsZero() || time.Since(since) < 2*time.Second; time.Sleep(300 * time.Millisecond) {
		sc := tm.screen()
		if !back(sc) {
			since = time.Time{}
			tm.key("Escape")
		} else if since.IsZero() {
			since = time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("the browser did not stay in view after the burst:\n%s", sc)
		}
	}
	tm.key("s")
	tm.waitText("the share panel", "Share s3://demo-docs/notes/")
	storm()
	resize(100, 30)
	tm.key("Enter")
	tm.waitText("the link", "link made")
	coloured("the share result")
	tm.key("Escape")
	tm.waitText("the listing after the panel", "todo.txt")
	if tm.dead() {
		t.Fatalf("s3share exited during the storms:\n%s", tm.screen())
	}
	tm.key("q")
	tm.waitExit()
	errs, _ := os.ReadFile(tm.errFile)
	if strings.Contains(string(errs), "panic") || strings.Contains(string(errs), "goroutine ") {
		t.Errorf("s3share panicked:\n%s", errs)
	}
}

// TestQInFilterDoesNotQuit types q into the filter and the go-to fields
// of the demo: it is text there, and must not quit the program.
func TestQInFilterDoesNotQuit(t *testing.T) {
	tm, _ := startDemoTmux(t, t.TempDir(), "off", tmuxOptions{}, nil)
	tm.waitText("the bucket list", "demo-docs/")
	tm.key("Enter") // the first bucket
	tm.waitTextRunning("the first bucket", "s3://demo-docs/")

	tm.key("/") // keys are read in order: no need to wait for the field
	tm.typeText("req")
	tm.waitTextRunning("req in the filter field", "/ req")
	time.Sleep(300 * time.Millisecond) // a quit would take effect by now
	if tm.dead() {
		t.Fatalf("s3share exited after q was typed into the filter field:\n%s", tm.screen())
	}
	tm.escape("the filter field", "/ req")

	tm.key(":")
	tm.waitTextRunning("the go-to field", "go to:")
	tm.key("C-u")
	tm.typeText("q")
	tm.waitTextRunning("q in the go-to field", "go to: q")
	time.Sleep(300 * time.Millisecond)
	if tm.dead() {
		t.Fatalf("s3share exited after q was typed into the go-to field:\n%s", tm.screen())
	}
	tm.escape("the go-to field", "go to:")
	tm.key("q")
	tm.waitExit()
}

// TestDemoKeepsItsOwnLedger makes a link in the demo and finds it in the
// demo's own ledger (H), while the user's ledger file stays byte for byte
// as it was.
func TestDemoKeepsItsOwnLedger(t *testing.T) {
	home := t.TempDir()
	userLedger := filepath.Join(home, "s3share", "shares.jsonl")
	if err := os.MkdirAll(filepath.Dir(userLedger), 0o700); err != nil {
		t.Fatal(err)
	}
	before := []byte(`{"not":"touched"}` + "\n")
	if err := os.WriteFile(userLedger, before, 0o600); err != nil {
		t.Fatal(err)
	}
	tm, _ := startDemoTmux(t, home, "off", tmuxOptions{}, nil)
	shareReadme(tm)
	tm.key("Escape")
	tm.waitFor("the panel closed", func(sc string) bool { return !strings.Contains(sc, "link made") })
	tm.key("H")
	tm.waitText("the demo's ledger lists the link", "s3://demo-docs/README.md")
	tm.escape("the ledger", "Share ledger")
	tm.key("q")
	tm.waitExit()
	after, err := os.ReadFile(userLedger)
	if err != nil || string(after) != string(before) {
		t.Fatalf("the user's ledger changed: %q (%v)", after, err)
	}
}

// TestPrintLinksWhole presses w on a share result: the link is printed
// in the normal screen, whole on one line of capture-pane -J, and works;
// any key returns to the TUI as it was.
func TestPrintLinksWhole(t *testing.T) {
	tm, ep := startDemoTmux(t, t.TempDir(), "off", tmuxOptions{}, nil)
	shareReadme(tm)
	tm.key("w")
	tm.waitText("the printed link", "press any key to return")
	joined, err := tm.tmux("capture-pane", "-p", "-J", "-t", tmuxTarget)
	if err != nil {
		t.Fatal(err)
	}
	prefix := ep + "/demo-docs/README.md?"
	var link string
	for _, l := range strings.Split(joined, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, prefix) {
			link = l
		}
	}
	if !strings.Contains(link, "X-Amz-Signature=") || len(link) < 200 {
		t.Fatalf("no whole link on one line of capture-pane -J:\n%s", joined)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the printed link: %d", resp.StatusCode)
	}
	tm.key("x") // any key
	tm.waitFor("back in the TUI", func(sc string) bool {
		return strings.Contains(sc, "link made") && !strings.Contains(sc, "press any key to return")
	})
	tm.escape("the result", "link made")
	tm.key("q")
	tm.waitExit()
}

// shareReadme opens the demo's docs bucket and shares README.md (GET),
// waiting until the link is made.
func shareReadme(tm *tmuxSession) {
	tm.t.Helper()
	tm.open("demo-docs/")
	tm.waitText("README.md listed", "README.md")
	tm.selectRow("README.md")
	tm.key("s")
	tm.waitText("the share panel", "Share s3://demo-docs/README.md")
	tm.key("Enter")
	tm.waitText("the link", "link made")
}

package cli

import (
	"strings"
	"testing"
	"time"
)

// mouseFlag is whether the program in the pane has asked tmux for mouse
// button events ("1"), read from tmux's own pane state.
func (s *tmuxSession) mouseFlag() string {
	s.t.Helper()
	out, err := s.tmux("display-message", "-p", "-t", tmuxTarget, "#{mouse_button_flag}")
	if err != nil {
		s.t.Fatalf("display-message: %v", err)
	}
	return strings.TrimSpace(out)
}

// waitMouse waits until the pane's mouse flag is want.
func (s *tmuxSession) waitMouse(what, want string) {
	s.t.Helper()
	deadline := time.Now().Add(tmuxWait)
	for s.mouseFlag() != want {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: mouse_button_flag is %q, want %q:\n%s", what, s.mouseFlag(), want, s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// m turns mouse capture off, so the terminal's own selection works, and
// on again; printing the links whole (w) gives the mouse back as it was.
func TestMouseCaptureToggle(t *testing.T) {
	tm, _ := startDemoTmux(t, t.TempDir(), "off", tmuxOptions{}, nil)
	tm.waitText("the buckets", "demo-docs")
	tm.waitMouse("at start", "1")
	tm.key("m")
	tm.waitText("mouse off", "mouse off")
	tm.waitMouse("after m", "0")
	tm.key("m")
	tm.waitMouse("after a second m", "1")

	shareReadme(tm)
	tm.key("w")
	tm.waitText("the printed link", "press any key to return")
	tm.key("x")
	tm.waitFor("back in the TUI", func(sc string) bool {
		return strings.Contains(sc, "link made") && !strings.Contains(sc, "press any key to return")
	})
	tm.waitMouse("back from w", "1")
	tm.key("m")
	tm.waitMouse("off again", "0")
	tm.key("w")
	tm.waitText("the printed link", "press any key to return")
	tm.key("x")
	tm.waitFor("back in the TUI", func(sc string) bool {
		return strings.Contains(sc, "link made") && !strings.Contains(sc, "press any key to return")
	})
	if got := tm.mouseFlag(); got != "0" {
		t.Errorf("w turned the mouse back on after m had turned it off: %q", got)
	}
	tm.escape("the result", "link made")
	tm.key("q")
	tm.waitExit()
}

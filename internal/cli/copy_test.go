package cli

import (
	"strings"
	"testing"
)

// TestCopyRefusesUnsafeKeyInTmux: y on a key holding a terminal escape
// copies nothing — the tmux buffer keeps what it held — and says why;
// Y copies the object's URL, where the key is percent-encoded and so
// holds nothing a terminal or shell acts on.
func TestCopyRefusesUnsafeKeyInTmux(t *testing.T) {
	tm, _ := startDemoTmux(t, t.TempDir(), "osc52", tmuxOptions{width: 160, height: 30}, nil)
	if _, err := tm.tmux("set-buffer", "sentinel"); err != nil {
		t.Fatal(err)
	}
	tm.waitText("the bucket list", "demo-docs/")
	tm.selectRow("demo-docs/")
	tm.key("Enter")
	tm.open("odd/")
	const shown = `esc-\x1b[31m-red.txt`
	tm.waitText("the escape key listed", shown)
	tm.selectRow(shown)

	tm.key("y")
	tm.waitTextRunning("y's refusal", "refusing to copy: it holds a control character (U+001B")
	if buf, err := tm.tmux("show-buffer"); err != nil || strings.TrimSpace(buf) != "sentinel" {
		t.Fatalf("y changed the tmux buffer to %q (%v)", buf, err)
	}
	tm.key("Y")
	tm.waitTextRunning("Y's copy", "object URL copied")
	buf, err := tm.tmux("show-buffer")
	if err != nil || !strings.HasSuffix(strings.TrimSpace(buf), "/demo-docs/odd/esc-%1B%5B31m-red.txt") {
		t.Fatalf("Y put %q in the tmux buffer (%v)", buf, err)
	}
	tm.key("q")
	tm.waitExit()
}

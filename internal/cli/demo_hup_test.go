package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDemoClosedTerminalLeavesNothing closes the demo's terminal (tmux
// kills the window, so the program gets SIGHUP, as when an SSH session
// drops): the demo's temporary directory goes with it.
func TestDemoClosedTerminalLeavesNothing(t *testing.T) {
	tmp := t.TempDir()
	tm, _ := startDemoTmux(t, t.TempDir(), "off", tmuxOptions{}, map[string]string{"TMPDIR": tmp})
	tm.waitText("the bucket list", "demo-docs/")
	dirs, _ := filepath.Glob(filepath.Join(tmp, "s3share-demo-*"))
	if len(dirs) != 1 {
		t.Fatalf("the running demo has %d directories in %s, want 1: %v", len(dirs), tmp, dirs)
	}
	if _, err := tm.tmux("kill-window", "-t", tmuxTarget); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(dirs[0]); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dirs[0])
			t.Fatalf("10 s after its terminal closed, the demo's directory %s is still there (%d entries)", dirs[0], len(entries))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

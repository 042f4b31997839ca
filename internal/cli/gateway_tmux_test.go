package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/credtest"
)

// TestDemoGatewayLink makes a gateway link with a password and at most
// 2 downloads in the TUI of s3share demo (whose gateway runs with
// nothing set up), downloads it with curl, and sees the ledger view (H)
// count the download. The password is never on screen.
func TestDemoGatewayLink(t *testing.T) {
	const password = "sharePWSECRETvalue00004242"
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("this test downloads with curl: install it (apt-get install curl)")
	}
	home := t.TempDir()
	tm, _ := startDemoTmux(t, home, "off", tmuxOptions{width: 160, height: 40}, nil)
	defer func() {
		for i, sc := range tm.screens {
			credtest.Output(t, "screen "+string(rune('a'+i%26)), sc)
		}
	}()
	tm.waitText("the bucket list", "demo-docs/")
	// The banner shows once the store has answered, which may be after
	// the first rows on a busy machine.
	tm.waitFor("the demo's banner naming its gateway", func(sc string) bool {
		return strings.Contains(flatScreen(sc), "share gateway http://127.0.0.1:")
	})
	tm.open("demo-docs/")
	tm.open("notes/")
	tm.selectRow("todo.txt")
	tm.key("s")
	tm.waitTextRunning("the share form", "Method")
	tm.key("Right")
	tm.key("Right")
	tm.key("Right")
	tm.waitTextRunning("the gateway kind", "Max downloads")
	for range 7 {
		tm.key("Tab")
	}
	tm.typeText("2")
	tm.key("Tab")
	tm.typeText(password)
	tm.waitTextRunning("the masked password", strings.Repeat("•", len(password)))
	tm.key("Enter")
	sc := tm.waitTextRunning("the gateway link", "link made · gateway")
	link := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/s/[A-Za-z0-9_-]+`).FindString(flatScreen(sc))
	if link == "" {
		t.Fatalf("no gateway link on screen:\n%s", sc)
	}
	out := filepath.Join(t.TempDir(), "todo.txt")
	cmd := exec.Command(curl, "-fsSL", "--max-time", "30", "--data-urlencode", "password="+password, "-o", out, link)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("curl %s: %v\n%s", link, err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "- share the Q3 report with finance\n- rotate the demo keys\n- try a link that expires in one minute\n"; string(got) != want {
		t.Errorf("downloaded %q, want %q", got, want)
	}
	tm.escape("the share panel", "link made · gateway")
	tm.key("H")
	tm.waitTextRunning("the download counted in the ledger view", "1 of 2 downloads used")
	if strings.Contains(strings.Join(tm.screens, "\n"), password) || strings.Contains(tm.stderr(), password) {
		t.Error("the password shows on screen or in the demo's output")
	}
}

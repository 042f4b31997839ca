package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/demo"
)

// TestSameRefusalInCLIAndTUI feeds the same bad input to s3share presign
// and to the TUI's share form (in tmux, on the demo store) and checks
// that both refuse it with the same words: both go through one plan.
func TestSameRefusalInCLIAndTUI(t *testing.T) {
	tm, ep := startDemoTmux(t, t.TempDir(), "off", tmuxOptions{width: 250, height: 40}, nil)
	tm.waitText("the bucket list", "demo-docs/")
	tm.key("Enter") // the first bucket
	tm.waitTextRunning("the first bucket", "s3://demo-docs/")

	presignEnv(t, demo.DefaultAccessKey, demo.DefaultSecretKey)
	cli := func(args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, append([]string{"presign", "--endpoint", ep, "--region", "us-east-1"}, args...)...)
		if code == 0 || out != "" {
			t.Fatalf("presign %q was not refused: exit %d, %q", args, code, out)
		}
		return errs
	}
	// tui opens the share form on the selected row, presses keys, types
	// text into the field they lead to (after clearing it), signs, and
	// returns the refusal the form shows.
	tui := func(keys []string, text string) string {
		t.Helper()
		tm.key("s")
		tm.waitTextRunning("the share form", "Method")
		for _, k := range keys {
			tm.key(k)
		}
		tm.key("C-u")
		tm.typeText(text)
		tm.key("Enter")
		sc := tm.waitTextRunning("the refusal", "not signed: ")
		line := ""
		for _, l := range strings.Split(sc, "\n") {
			if i := strings.Index(l, "not signed: "); i >= 0 {
				line = strings.TrimSpace(l[i:])
			}
		}
		tm.escape("the share form", "not signed: ")
		return line
	}

	cases := []struct {
		name    string
		cliArgs []string
		keys    []string // in the form, from the method row
		text    string
		want    *regexp.Regexp // the refusal itself, in both
	}{
		{"POST max size over 5GiB", []string{"-m", "POST", "--max-size", "10GiB", "s3://demo-docs/in/"},
			[]string{"Right", "Right", "Tab", "Tab", "Tab"}, "10GiB",
			regexp.MustCompile(`max size 10GiB is more than S3 takes in one POST upload \(5GiB\)[^\n]*`)},
		{"expiry past 7 days", []string{"-e", "8d", "s3://demo-docs/a.txt"},
			[]string{"Tab", "Right", "Right", "Right"}, "8d",
			regexp.MustCompile(`expiry "8d" is longer than 7 days[^\n]*`)},
		{"key with a .. segment", []string{"-m", "PUT", "s3://demo-docs/a/../etc"},
			[]string{"Right", "Tab", "Tab"}, "a/../etc",
			regexp.MustCompile(`key "a/../etc" has a ".." path segment[^\n]*`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fromCLI := c.want.FindString(cli(c.cliArgs...))
			fromTUI := c.want.FindString(tui(c.keys, c.text))
			if fromCLI == "" || fromTUI == "" {
				t.Fatalf("refusal missing: command line %q, TUI %q", fromCLI, fromTUI)
			}
			t.Logf("both: %s", fromTUI)
			if i := strings.Index(fromTUI, "│"); i >= 0 {
				fromTUI = fromTUI[:i] // the panel's frame, and the browser beside it
			}
			if strings.TrimSpace(fromCLI) != strings.TrimSpace(fromTUI) {
				t.Errorf("the command line and the TUI refuse in other words:\n  cli: %s\n  tui: %s", fromCLI, fromTUI)
			}
		})
	}
	tm.key("q")
	tm.waitExit()
}

package ui

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// TestDebugLog feeds the logging wrapper what a session goes through: it
// logs requests and outcomes, sanitised, and never a link (which carries
// its signature and maybe a session token).
func TestDebugLog(t *testing.T) {
	var buf bytes.Buffer
	loc := Location{Bucket: "bkt", Prefix: "d\x1b[2J/"}
	logged := newLogged(New(Options{Start: loc, Keys: keymap.Default()}), &buf)
	var m tea.Model = logged
	m.Init()
	for _, msg := range []tea.Msg{
		tea.WindowSizeMsg{Width: 80, Height: 24},
		pageMsg{reqID: 1, loc: loc, page: s3model.Page{Entries: fixedEntries(), Next: "t"}},
		pageMsg{reqID: 1, loc: loc, token: "t", err: errors.New("list s3://bkt/d\x1b[2J/: connection refused")},
		keyMsg("r"), // retry: the listing resumes
		pageMsg{reqID: 9, loc: loc, page: s3model.Page{Done: true}},
		detailMsg{bucket: "bkt", key: "d/k\x07", err: errors.New("NoSuchKey\x07")},
		statusMsg{text: "go to: \x1b]0;t\x07", err: true},
		linksSignedMsg{results: []presign.Result{{URL: "http://h/b/k?X-Amz-Security-Token=TOKENVALUE&X-Amz-Signature=SIG"}}},
		exportedMsg{path: "/tmp/x.json", exists: true},
	} {
		m, _ = m.Update(msg)
	}
	logged.close() // the lines are written off the update loop
	log := buf.String()
	for _, want := range []string{
		`request 1: list s3://bkt/d\x1b[2J/ started`, "terminal 80×24", "6 entries, done=false",
		`failed: list s3://bkt/d\x1b[2J/: connection refused`, "request 2: list s3://bkt/d\\x1b[2J/ resumed",
		"request 9: a late page", `HEAD s3://bkt/d/k\x07 failed: NoSuchKey\x07`, `error shown: go to: \x1b]0;t\x07`,
		"1 links signed", "asking before overwriting",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	for _, never := range []string{"TOKENVALUE", "X-Amz-Signature", "\x1b", "\x07"} {
		if strings.Contains(log, never) {
			t.Errorf("the log holds %q:\n%s", never, log)
		}
	}
}

// stuckWriter blocks every write until released.
type stuckWriter struct {
	release chan struct{}
	buf     bytes.Buffer
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	return w.buf.Write(p)
}

// TestDebugLogNeverBlocksUpdate: a log file that does not take writes
// does not hold up the update loop; what did not fit is counted.
func TestDebugLogNeverBlocksUpdate(t *testing.T) {
	w := &stuckWriter{release: make(chan struct{})}
	logged := newLogged(New(Options{Start: Location{Bucket: "bkt"}, Keys: keymap.Default()}), w)
	var m tea.Model = logged
	for i := range 3 * logBuffer {
		m, _ = m.Update(tea.WindowSizeMsg{Width: 80 + i%7, Height: 24})
	}
	close(w.release)
	q := logged.m.s.log.lines
	for deadline := time.Now().Add(10 * time.Second); len(q) >= cap(q)/2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24}) // room again: the drop is reported
	logged.close()
	if !strings.Contains(w.buf.String(), "log lines dropped") {
		t.Errorf("the dropped lines are not reported:\n%.300s", w.buf.String())
	}
}

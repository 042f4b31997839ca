package ui

import (
	"fmt"
	"io"
	"log"

	tea "github.com/charmbracelet/bubbletea"
)

// RunLogged is Run with a debug log written to w: the requests the
// browser starts and their outcomes, store switches, links signed and
// exported, and the errors shown. It names buckets, prefixes and keys
// (through the same sanitiser as the screen) but never credentials, links
// or typed text: a link carries its signature and may carry a session token.
// The lines are written by a goroutine of their own, never by Update.
func RunLogged(opts Options, w io.Writer) ([]string, error) {
	m := newLogged(New(opts), w)
	defer m.close()
	m.m.s.log.printf("start at %s", safe(opts.Start.String()))
	err := run(m)
	if err != nil {
		m.m.s.log.printf("stop: %s", safe(oneLine(err.Error())))
	} else {
		m.m.s.log.printf("stop")
	}
	return m.m.s.links, err
}

// logBuffer is how many lines may wait for the writer; when it falls
// further behind, lines are dropped (and counted) rather than blocking
// the update loop.
const logBuffer = 4096

// debugLog hands formatted lines to a goroutine that writes them.
type debugLog struct {
	*log.Logger
	lines   chan []byte
	done    chan struct{}
	dropped int // touched only by the update loop
}

func newDebugLog(w io.Writer) *debugLog {
	l := &debugLog{lines: make(chan []byte, logBuffer), done: make(chan struct{})}
	l.Logger = log.New(logQueue{l}, "", log.LstdFlags|log.Lmicroseconds)
	go func() {
		defer close(l.done)
		for line := range l.lines {
			w.Write(line) //nolint:errcheck // a debug log that fails is not worth stopping for
		}
	}()
	return l
}

func (l *debugLog) printf(format string, args ...any) {
	if l.dropped > 0 && len(l.lines) < cap(l.lines)/2 {
		n := l.dropped
		l.dropped = 0
		l.Logger.Printf("(%d log lines dropped: the log file was too slow)", n)
	}
	l.Logger.Printf(format, args...)
}

// close writes what is queued and stops the writer.
func (l *debugLog) close() {
	close(l.lines)
	<-l.done
}

// logQueue is the logger's writer: it queues a copy of each line.
type logQueue struct{ l *debugLog }

func (q logQueue) Write(p []byte) (int, error) {
	select {
	case q.l.lines <- append([]byte(nil), p...):
	default:
		q.l.dropped++
	}
	return len(p), nil
}

// loggedModel wraps the root model and logs what passes through it to
// the session's log.
type loggedModel struct{ m Model }

func newLogged(m Model, w io.Writer) loggedModel {
	m.s.log = newDebugLog(w)
	return loggedModel{m: m}
}

// close flushes the log.
func (l loggedModel) close() { l.m.s.log.close() }

func (l loggedModel) Init() tea.Cmd {
	l.started(-1)
	return l.m.Init()
}

func (l loggedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	l.logMsg(msg)
	before := l.m.browser.reqID
	next, cmd := l.m.Update(msg)
	if m, ok := next.(Model); ok {
		l.m = m
	}
	l.started(before)
	return l, cmd
}

func (l loggedModel) View() string { return l.m.View() }

// started logs a listing the last update started.
func (l loggedModel) started(before int) {
	b := &l.m.browser
	if b.reqID == before || b.state != stateLoading {
		return
	}
	switch {
	case b.loc.Bucket == "":
		l.m.s.log.printf("request %d: ListBuckets started", b.reqID)
	case b.resume != "":
		l.m.s.log.printf("request %d: list %s resumed", b.reqID, safe(b.loc.String()))
	default:
		l.m.s.log.printf("request %d: list %s started", b.reqID, safe(b.loc.String()))
	}
}

// logMsg logs the messages that report an outcome.
func (l loggedModel) logMsg(msg tea.Msg) {
	pr := l.m.s.log.printf
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		pr("terminal %d×%d", msg.Width, msg.Height)
	case bucketsMsg:
		if msg.err != nil {
			pr("request %d: ListBuckets failed: %s", msg.reqID, errText(msg.err))
		} else {
			pr("request %d: ListBuckets finished: %d buckets", msg.reqID, len(msg.buckets))
		}
	case pageMsg:
		where := safe(msg.loc.String())
		switch {
		case msg.reqID != l.m.browser.reqID:
			pr("request %d: a late page of %s dropped", msg.reqID, where)
		case msg.err != nil:
			pr("request %d: list %s failed: %s", msg.reqID, where, errText(msg.err))
		default:
			pr("request %d: list %s: %d entries, done=%t", msg.reqID, where, len(msg.page.Entries), msg.page.Done)
		}
	case detailMsg:
		what := safe("s3://" + msg.bucket + "/" + msg.key)
		if msg.err != nil {
			pr("HEAD %s failed: %s", what, errText(msg.err))
		} else {
			pr("HEAD %s finished", what)
		}
	case versionsMsg:
		what := safe("s3://" + msg.bucket + "/" + msg.key)
		if msg.err != nil {
			pr("versions of %s failed: %s", what, errText(msg.err))
		} else {
			pr("versions of %s: %d", what, len(msg.versions))
		}
	case statusMsg:
		if msg.err {
			pr("error shown: %s", safe(oneLine(msg.text)))
		}
	case connectedMsg:
		if msg.err != nil {
			pr("switch to %s failed: %s", safe(msg.choice.String()), errText(msg.err))
		} else {
			pr("switched to %s", safe(msg.choice.String()))
		}
	case linksSignedMsg:
		switch {
		case msg.err != nil:
			pr("signing failed: %s", errText(msg.err))
		default:
			pr("%d links signed", len(msg.results))
			if msg.ledgerErr != nil {
				pr("share ledger: %s", errText(msg.ledgerErr))
			}
		}
	case uploadRequestMadeMsg:
		if msg.err != nil {
			pr("upload request failed: %s", errText(msg.err))
		} else {
			pr("upload request %s made for %s", safe(msg.upload.ID), safe("s3://"+msg.upload.Bucket+"/"+msg.upload.Prefix))
		}
	case uploadPolledMsg:
		if msg.err != nil {
			pr("look at an upload request failed: %s", errText(msg.err))
		}
	case exportedMsg:
		switch {
		case msg.err != nil:
			pr("export to %s failed: %s", safe(msg.path), errText(msg.err))
		case msg.exists:
			pr("export to %s: the file exists, asking before overwriting", safe(msg.path))
		default:
			pr("%d links exported to %s", msg.n, safe(msg.path))
		}
	case ledgerLoadedMsg:
		if msg.err != nil {
			pr("share ledger: %s", errText(msg.err))
		} else {
			pr("share ledger read: %d records, %d lines skipped", len(msg.recs), len(msg.warns))
		}
	}
}

func errText(err error) string { return safe(oneLine(fmt.Sprint(err))) }

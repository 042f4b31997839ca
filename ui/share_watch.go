package ui

// The share result's upload watch: W on a PUT or POST link waits, off
// the update loop, until the upload arrives (linkcheck.Watch), the link
// expires or the panel closes, then shows the object and, if [ui] notify
// allows, rings the bell or sends a desktop notification.

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/linkcheck"
	"github.com/s3share/s3share/presign"
)

// uploadWatch is the state of the result's watch.
type uploadWatch struct {
	gen     int // numbers each watch, so a late answer is dropped
	running bool
	// watcher backs off between looks. The chain of look commands owns
	// it: one look runs at a time, and the model only hands it on.
	watcher *linkcheck.Watcher
	ctx     context.Context // ends when the panel closes (p.cancel)
	up      *linkcheck.Upload
	err     error
}

// startWatch watches for the upload of the one PUT or POST link shown:
// a look (a command), then a timer, then the next look, until the upload
// is there or the link expires. Closing the panel ends the chain: it
// gets no more messages, and p.cancel stops the look in flight.
func (p *sharePanel) startWatch() tea.Cmd {
	if len(p.results) != 1 || p.results[0].Method == presign.GET {
		return status("W watches for the upload of one PUT or POST link", true)
	}
	if p.watch.running {
		return nil
	}
	w, err := linkcheck.NewWatcher(p.s.client, p.results[0], linkcheck.WatchOptions{})
	if err != nil {
		return status(err.Error(), true)
	}
	if p.cancel != nil {
		p.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.watch = uploadWatch{gen: p.watch.gen + 1, running: true, watcher: w, ctx: ctx}
	return p.lookCmd()
}

// lookCmd looks once for the upload, off the update loop.
func (p *sharePanel) lookCmd() tea.Cmd {
	id, gen, w, ctx := p.id, p.watch.gen, p.watch.watcher, p.watch.ctx
	return func() tea.Msg {
		up, wait, err := w.Look(ctx)
		return uploadSeenMsg{id: id, gen: gen, up: up, wait: wait, err: err}
	}
}

// uploadSeen takes a look's answer: the next look after its wait, or the
// end of the watch, announcing an upload.
func (p *sharePanel) uploadSeen(msg uploadSeenMsg) tea.Cmd {
	if msg.gen != p.watch.gen || !p.watch.running {
		return nil
	}
	if msg.err == nil && msg.wait > 0 {
		id, gen := p.id, msg.gen
		return tea.Tick(msg.wait, func(time.Time) tea.Msg { return watchTickMsg{id: id, gen: gen} })
	}
	p.watch.running, p.watch.watcher = false, nil
	if p.cancel != nil {
		p.cancel() // the watch is over: release its context
		p.cancel = nil
	}
	if msg.err != nil {
		p.watch.err = msg.err
		return nil
	}
	p.watch.up = &msg.up
	return notify(p.s.prefs.Notify, "s3share: uploaded "+msg.up.Line(p.results[0].Bucket))
}

// watchTick starts the next look.
func (p *sharePanel) watchTick(msg watchTickMsg) tea.Cmd {
	if msg.gen != p.watch.gen || !p.watch.running {
		return nil
	}
	return p.lookCmd()
}

// watchLines are the header's lines about the watch of an upload link.
func (p *sharePanel) watchLines(w int) []string {
	if len(p.results) != 1 || p.results[0].Method == presign.GET {
		return nil
	}
	r := p.results[0]
	wt := p.watch
	switch {
	case wt.running:
		return []string{p.st.Dim.Render(cut("watching for the upload… (until "+r.EffectiveExpiresAt.UTC().Format("15:04:05 UTC")+"; esc stops)", w))}
	case wt.up != nil:
		return wrapStyled(p.st.Status, "✓ uploaded "+wt.up.Line(r.Bucket), w, 2)
	case errors.Is(wt.err, linkcheck.ErrExpired):
		return []string{p.st.Warn.Render(cut("the link expired and nothing was uploaded", w))}
	case wt.err != nil:
		return wrapStyled(p.st.Error, safe(oneLine(wt.err.Error())), w, 2)
	}
	return []string{p.st.Dim.Render(cut("W watches for the upload", w))}
}

// notify announces text as [ui] notify says, writing to the terminal
// off the update loop; nothing when it is off.
func notify(mode config.NotifyMode, text string) tea.Cmd {
	seq := notifySequence(mode, text, os.Getenv("TMUX") != "")
	if seq == "" {
		return nil
	}
	return func() tea.Msg {
		if f, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			f.WriteString(seq)
			f.Close()
		}
		return nil
	}
}

// notifySequence is the bytes that ring the bell or ask the terminal for
// a desktop notification (OSC 9, OSC 777) of text, which is sanitised
// and cut to 200 bytes; inside tmux an OSC is wrapped for passthrough.
func notifySequence(mode config.NotifyMode, text string, tmux bool) string {
	text = ansi.Truncate(strings.ReplaceAll(safe(text), ";", ","), 200, "…")
	var seq string
	switch mode {
	case config.NotifyBell:
		return "\a"
	case config.NotifyOSC9:
		seq = "\x1b]9;" + text + "\a"
	case config.NotifyOSC777:
		seq = "\x1b]777;notify;s3share;" + text + "\a"
	default:
		return ""
	}
	if tmux {
		seq = "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
	}
	return seq
}

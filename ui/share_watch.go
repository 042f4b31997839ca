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
	up      *linkcheck.Upload
	err     error
}

// startWatch watches for the upload of the one PUT or POST link shown.
// Closing the panel stops it (p.cancel).
func (p *sharePanel) startWatch() tea.Cmd {
	if len(p.results) != 1 || p.results[0].Method == presign.GET {
		return status("W watches for the upload of one PUT or POST link", true)
	}
	if p.watch.running {
		return nil
	}
	if p.cancel != nil {
		p.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.watch.gen++
	p.watch.running, p.watch.up, p.watch.err = true, nil, nil
	id, gen, src, r := p.id, p.watch.gen, linkcheck.WatchSource(p.s.client), p.results[0]
	return func() tea.Msg {
		up, err := linkcheck.Watch(ctx, src, r, linkcheck.WatchOptions{})
		return uploadSeenMsg{id: id, gen: gen, up: up, err: err}
	}
}

// uploadSeen takes the watch's answer, and announces an upload.
func (p *sharePanel) uploadSeen(msg uploadSeenMsg) tea.Cmd {
	if msg.gen != p.watch.gen {
		return nil
	}
	p.watch.running = false
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

package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/dustin/go-humanize"
)

// meter shows the progress of one transfer at a time on w: a bar with the
// rate and the time left, redrawn in place, when w is a terminal; plain
// lines at each quarter otherwise, for logs.
type meter struct {
	w     io.Writer
	tty   bool
	width func() int
	every time.Duration // the least time between redraws

	mu      sync.Mutex
	name    string
	total   int64
	begun   time.Time
	drawn   time.Time
	quarter int64 // the last quarter reported on plain lines
	shown   bool  // a bar is on the terminal's current line
}

// newMeter returns a meter writing to w.
func newMeter(w io.Writer) *meter {
	m := &meter{w: w, every: 100 * time.Millisecond, width: func() int { return 80 }}
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) {
		m.tty = true
		m.width = func() int {
			if wd, _, err := term.GetSize(f.Fd()); err == nil && wd > 0 {
				return wd
			}
			return 80
		}
	}
	return m
}

// begin starts the meter for a transfer of total bytes named name (text
// already made safe to show).
func (m *meter) begin(name string, total int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.name, m.total, m.begun, m.drawn, m.quarter = name, total, time.Now(), time.Time{}, 0
}

// update shows done bytes of the transfer.
func (m *meter) update(done int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if m.tty {
		if now.Sub(m.drawn) < m.every && done < m.total {
			return
		}
		m.drawn = now
		fmt.Fprint(m.w, "\r"+progressLine(m.name, done, m.total, now.Sub(m.begun), m.width()-1)+"\x1b[K")
		m.shown = true
		return
	}
	if m.total <= 0 {
		return
	}
	if q := done * 4 / m.total; q > m.quarter && q < 4 {
		m.quarter = q
		fmt.Fprintf(m.w, "%s: %d%% (%s of %s)\n", m.name, q*25, humanize.IBytes(uint64(done)), humanize.IBytes(uint64(m.total)))
	}
}

// clear removes the bar from the terminal's line, so a message can follow.
func (m *meter) clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shown {
		fmt.Fprint(m.w, "\r\x1b[K")
		m.shown = false
	}
}

// progressLine is one line of a progress bar, at most width cells:
//
//	name  [#########.........]  45%  135 MiB / 300 MiB  25 MiB/s  ETA 7s
func progressLine(name string, done, total int64, elapsed time.Duration, width int) string {
	pct := 100
	if total > 0 {
		pct = int(done * 100 / total)
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	eta := "--"
	if rate > 0 && done < total {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	} else if done >= total {
		eta = "0s"
	}
	tail := fmt.Sprintf(" %3d%%  %s / %s  %s/s  ETA %s", pct, humanize.IBytes(uint64(done)), humanize.IBytes(uint64(total)), humanize.IBytes(uint64(rate)), eta)
	barWidth := min(30, width-ansi.StringWidth(tail)-3-min(ansi.StringWidth(name), 24))
	if barWidth < 5 {
		return ansi.Truncate(name+tail, width, "…")
	}
	filled := barWidth * pct / 100
	bar := "[" + strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled) + "]"
	return ansi.Truncate(ansi.Truncate(name, 24, "…")+" "+bar+tail, width, "…")
}

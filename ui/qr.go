package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign"
)

// qrPanel shows one link as a QR code, to scan with a phone. The code
// is made once when the panel opens; a terminal too small for it is told
// the size the code needs.
type qrPanel struct {
	panelBase
	keys  keymap.KeyMap
	st    *Styles
	what  string // the link's object, for the title line
	code  presign.QR
	err   error
	width int
	h     int
	// gateway: the store has a share gateway, whose short links make
	// small codes, and this link is not one of them.
	gateway bool
	// own: the link is the gateway's own (a short link or a drop link),
	// which s3share presign -o qr does not make.
	own bool
}

// openQR opens the QR code of link (what names it: "GET s3://b/k").
func openQR(s *session, link, what string) tea.Cmd {
	p := &qrPanel{panelBase: panelBase{id: s.nextID(), s: s}, keys: s.keys, st: s.styles, what: what}
	p.code, p.err = presign.MakeQR(link)
	if s.client != nil {
		g := s.client.Store().Gateway
		p.own = g != nil && strings.HasPrefix(link, strings.TrimRight(g.URL, "/")+"/")
		p.gateway = g != nil && g.Problem == "" && !p.own
	}
	return pushPanel(p, nil)
}

func (p *qrPanel) helpTitle() string { return "QR code" }

// Typing is false: the panel has no text field.
func (p *qrPanel) Typing() bool { return false }

// SetSize gives the panel its size.
func (p *qrPanel) SetSize(w, h int) { p.width, p.h = w, h }

// Update closes the panel on esc or Q.
func (p *qrPanel) Update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(tea.KeyMsg); ok && (key.Matches(msg, p.keys.App.Close) || key.Matches(msg, p.keys.Share.QR)) {
		return popPanel(p.id)
	}
	return nil
}

// View draws the code, centred, under a line naming the link; or, when
// it does not fit, the size it needs.
func (p *qrPanel) View() string {
	w, h := p.width, p.h
	if w <= 0 || h <= 0 {
		return ""
	}
	title := p.st.Title.Render(cut(p.what, w))
	if p.err != nil {
		return block([]string{title, "", p.st.Error.Render(cut(safe(p.err.Error()), w))}, w, h)
	}
	q := p.code
	if q.Width > w || q.Height+1 > h {
		lines := []string{title, "", p.st.Warn.Render(cut(fmt.Sprintf("need %d×%d for the QR code; there is %d×%d", q.Width, q.Height+1, w, h), w))}
		hint := "enlarge the terminal (or shrink its font), or use s3share presign -o qr; w in the share panel prints the link whole"
		if p.own {
			hint = "enlarge the terminal (or shrink its font); w in the share panel prints the link whole"
		}
		lines = append(lines, wrapStyled(p.st.Dim, hint, w, 3)...)
		if p.gateway {
			lines = append(lines, wrapStyled(p.st.Dim, "or make a gateway link of it (s, method gateway): its short link's code fits 80×24", w, 2)...)
		}
		return block(lines, w, h)
	}
	lines := []string{title}
	pad := strings.Repeat(" ", (w-q.Width)/2)
	for _, l := range q.Lines {
		lines = append(lines, pad+p.st.QR.Render(l))
	}
	return block(lines, w, h)
}

// ShortHelp is the footer's help.
func (p *qrPanel) ShortHelp() []key.Binding {
	return []key.Binding{withHelp(p.keys.Share.QR, "close"), p.keys.App.Close}
}

// FullHelp is the help screen's column.
func (p *qrPanel) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

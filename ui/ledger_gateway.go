package ui

// Gateway shares in the ledger view: what their gateway says of them
// (downloads used, last access, revoked), asked once when the ledger is
// read, one bounded request per gateway, in the background; a gateway
// that does not answer is shown as unreachable on its shares, once. And
// forgetting one offers to revoke it at its gateway first, for real.

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
)

// revokeKey revokes a gateway share while d asks whether to forget it.
var revokeKey = key.NewBinding(key.WithKeys("r", "R"), key.WithHelp("r", "revoke and forget"))

// ledgerGateways is what the ledger view knows from the gateways.
type ledgerGateways struct {
	shares map[string]gatewayapi.Share // by share id, as its gateway last said
	state  map[string]string           // by gateway URL: "asking…", "" once answered, or why not
	// The same for upload requests (ledger_uploads.go).
	uploads map[string]gatewayapi.Upload
	upState map[string]string
}

// gatewayOf is the gateway that serves record r; "" for a plain link.
func gatewayOf(r ledger.Record) string {
	if r.Share == "" {
		return ""
	}
	return strings.TrimRight(r.Options["gateway"], "/")
}

// gatewayConf is the gateway at url as the session's store knows it (with
// its token); nil when the store names another gateway or none.
func (p *ledgerPanel) gatewayConf(url string) *config.StoreGateway {
	if p.s.client == nil || url == "" {
		return nil
	}
	g := p.s.client.Store().Gateway
	if g == nil || strings.TrimRight(g.URL, "/") != url {
		return nil
	}
	return g
}

// fetchGateways asks each gateway of the ledger's shares for their
// counts, one request per gateway.
func (p *ledgerPanel) fetchGateways() tea.Cmd {
	p.gw.shares, p.gw.state = map[string]gatewayapi.Share{}, map[string]string{}
	var cmds []tea.Cmd
	for _, r := range p.recs {
		url := gatewayOf(r)
		if _, seen := p.gw.state[url]; url == "" || seen {
			continue
		}
		conf := p.gatewayConf(url)
		if conf == nil {
			p.gw.state[url] = "not this store's gateway: no token to ask it"
			continue
		}
		p.gw.state[url] = "asking the gateway…"
		id, g, timeout := p.id, *conf, p.s.client.Store().Timeout
		cmds = append(cmds, func() tea.Msg {
			c, err := gatewayClient(g, timeout)
			if err != nil {
				return gatewayListedMsg{id: id, gateway: url, err: err}
			}
			ctx, cancel := context.WithTimeout(context.Background(), gatewayTimeout)
			defer cancel()
			shares, err := c.List(ctx)
			return gatewayListedMsg{id: id, gateway: url, shares: shares, err: err}
		})
	}
	return tea.Batch(cmds...)
}

// gatewayUpdate handles the gateways' answers; ok is false for any other
// message.
func (p *ledgerPanel) gatewayUpdate(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case gatewayListedMsg:
		if msg.id == p.id && p.gw.state != nil {
			if msg.err != nil {
				p.gw.state[msg.gateway] = "gateway unreachable: " + msg.err.Error()
			} else {
				p.gw.state[msg.gateway] = ""
				for _, sh := range msg.shares {
					p.gw.shares[sh.ID] = sh
				}
				p.nActive = p.countActive()
			}
		}
		return nil, true
	case gatewayRevokedMsg:
		if msg.id == p.id {
			p.gatewayRevoked(msg)
		}
		return nil, true
	case gatewayUploadsMsg:
		if msg.id == p.id {
			p.uploadsAnswered(msg)
		}
		return nil, true
	}
	return nil, false
}

// gatewayDetail is the selected record's line about its gateway share.
func (p *ledgerPanel) gatewayDetail(r ledger.Record, w int) []string {
	url := gatewayOf(r)
	if url == "" {
		return nil
	}
	var known string
	if sh, ok := p.gw.shares[r.Share]; ok {
		if sh.MaxDownloads > 0 {
			known = groupThousands(int(sh.Downloads)) + " of " + plural(int(sh.MaxDownloads), "download", "downloads") + " used"
		} else {
			known = plural(int(sh.Downloads), "download", "downloads") + " used"
		}
		if sh.LastAccess != nil {
			known += " · last access " + sh.LastAccess.UTC().Format("2006-01-02 15:04:05 UTC")
		} else {
			known += " · never visited"
		}
		if sh.State != "" && sh.State != "active" {
			known += " · " + sh.State
		}
	}
	return p.askedLine("gateway share "+r.Share+" · ", known, p.gw.state[url], w)
}

// askedLine is a detail line about what a gateway said: what of, then
// known (what it said), else state (why it has not), else that it does
// not know it.
func (p *ledgerPanel) askedLine(what, known, state string, w int) []string {
	switch {
	case known != "":
		what += known
	case state != "":
		what += state
	default:
		what += "unknown to its gateway (pruned, or another token's)"
	}
	st := p.st.Dim
	if strings.HasPrefix(state, "gateway unreachable") {
		st = p.st.Warn
	}
	return []string{st.Render(cut(safe(oneLine(what)), w))}
}

// gatewayRemain is what the REMAINING column says of a gateway share
// that no longer works before its end: revoked, used up.
func (p *ledgerPanel) gatewayRemain(r ledger.Record, remain string) string {
	if p.gatewayEnded(r) {
		return p.gw.shares[r.Share].State
	}
	return remain
}

// gatewayEnded reports whether r is a gateway share its gateway says was
// revoked or used up: no longer active, whatever its expiry.
func (p *ledgerPanel) gatewayEnded(r ledger.Record) bool {
	sh, ok := p.gw.shares[r.Share]
	return ok && r.Share != "" && (sh.State == "revoked" || sh.State == "used up")
}

// servedBy is the gateway of a gateway share or an upload request; ""
// for a plain link.
func servedBy(r ledger.Record) string {
	if r.Upload != "" {
		return uploadGatewayOf(r)
	}
	return gatewayOf(r)
}

// revocable reports whether r is a gateway share or upload request d may
// revoke.
func (p *ledgerPanel) revocable(r ledger.Record) bool {
	if !r.Active(p.now) || p.gatewayConf(servedBy(r)) == nil {
		return false
	}
	if r.Upload != "" {
		return p.gw.uploads[r.Upload].State != "revoked"
	}
	return p.gw.shares[r.Share].State != "revoked"
}

// forgetQuestion is what d asks about r.
func (p *ledgerPanel) forgetQuestion(r ledger.Record) string {
	if p.revocable(r) {
		return "forget " + r.S3Path() + "? r revokes it at its gateway and forgets it · y only forgets (the link keeps working) · other keys keep it"
	}
	return "forget " + r.S3Path() + "? y forgets (it still works until it expires)"
}

// gatewayConfirm answers d's question with r: revoke the selected
// gateway share, then forget it. ok is false for other keys.
func (p *ledgerPanel) gatewayConfirm(msg tea.KeyMsg) (tea.Cmd, bool) {
	r, sel := p.selected()
	if !sel || !key.Matches(msg, revokeKey) || !p.revocable(r) {
		return nil, false
	}
	p.msg, p.msgErr = "revoking "+r.S3Path()+" at its gateway…", false
	id, file, g, timeout := p.id, p.path, *p.gatewayConf(servedBy(r)), p.s.client.Store().Timeout
	return func() tea.Msg {
		out := gatewayRevokedMsg{id: id, rec: r}
		c, err := gatewayClient(g, timeout)
		if err != nil {
			out.err = err
			return out
		}
		ctx, cancel := context.WithTimeout(context.Background(), gatewayTimeout)
		defer cancel()
		if r.Upload != "" {
			out.upload, out.err = c.RevokeUpload(ctx, r.Upload)
		} else {
			out.share, out.err = c.Revoke(ctx, r.Share)
		}
		if out.err != nil {
			return out
		}
		l, err := ledger.Open(file)
		if err == nil {
			_, err = l.Remove(func(x ledger.Record) bool {
				if sameRecord(x, r) {
					out.gone = append(out.gone, x)
					return true
				}
				return false
			})
		}
		out.rmErr = err
		return out
	}, true
}

// gatewayRevoked says what the revocation did.
func (p *ledgerPanel) gatewayRevoked(msg gatewayRevokedMsg) {
	what := msg.rec.S3Path()
	if msg.err != nil {
		p.msg, p.msgErr = "not revoked (kept in the ledger; the link still works): "+msg.err.Error(), true
		return
	}
	used, after := plural(int(msg.share.Downloads), "download", "downloads")+" used", "its link is refused from now on"
	switch {
	case msg.rec.Upload != "":
		if p.gw.uploads != nil {
			p.gw.uploads[msg.upload.ID] = msg.upload
		}
		used, after = plural(int(msg.upload.Files), "file", "files")+" received", "its drop link takes no more files"
	case p.gw.shares != nil:
		p.gw.shares[msg.share.ID] = msg.share
	}
	if msg.rmErr != nil {
		p.msg, p.msgErr = "revoked "+what+" at its gateway ("+used+"), but not removed from the ledger: "+msg.rmErr.Error(), true
		return
	}
	rec := msg.rec
	p.removed(ledgerRemovedMsg{id: msg.id, rec: rec, gone: msg.gone,
		match: func(x ledger.Record) bool { return sameRecord(x, rec) }})
	p.msg, p.msgErr = "revoked "+what+" at its gateway ("+used+"): "+after+" · removed from the ledger", false
}

// gatewayConfirmHelp is the revoke key, while d asks about a gateway share.
func (p *ledgerPanel) gatewayConfirmHelp() []key.Binding {
	if r, ok := p.selected(); ok && p.revocable(r) {
		return []key.Binding{revokeKey}
	}
	return nil
}

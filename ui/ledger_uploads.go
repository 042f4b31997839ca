package ui

// Upload requests in the ledger view: an UPLOAD row is a drop link
// (BASE/u/ID) under its prefix. Like gateway shares, each is asked once
// of its gateway when the ledger is read — one request per upload
// request, one after another, bounded in time, in the background — and
// the selected one's details say how many files it received and list the
// newest of them as room allows. Enter copies its drop link again, as it
// does any link.

import (
	"context"
	"errors"
	"net/http"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
)

// maxLedgerUploads is the most upload requests the ledger view asks one
// gateway about; the rest say so.
const maxLedgerUploads = 100

// uploadGatewayOf is the gateway of upload request record r; "" for
// other records.
func uploadGatewayOf(r ledger.Record) string {
	if r.Upload == "" {
		return ""
	}
	return strings.TrimRight(r.Options["gateway"], "/")
}

// fetchUploads asks each gateway for the ledger's upload requests.
func (p *ledgerPanel) fetchUploads() tea.Cmd {
	p.gw.uploads, p.gw.upState = map[string]gatewayapi.Upload{}, map[string]string{}
	ids := map[string][]string{}
	var order []string
	for _, r := range p.recs {
		url := uploadGatewayOf(r)
		if url == "" {
			continue
		}
		if _, seen := ids[url]; !seen {
			order = append(order, url)
		}
		ids[url] = append(ids[url], r.Upload)
	}
	var cmds []tea.Cmd
	for _, url := range order {
		conf := p.gatewayConf(url)
		if conf == nil {
			p.gw.upState[url] = "not this store's gateway: no token to ask it"
			continue
		}
		p.gw.upState[url] = "asking the gateway…"
		list := ids[url][:min(len(ids[url]), maxLedgerUploads)]
		id, g, timeout := p.id, *conf, p.s.client.Store().Timeout
		cmds = append(cmds, func() tea.Msg {
			c, err := gatewayClient(g, timeout)
			if err != nil {
				return gatewayUploadsMsg{id: id, gateway: url, err: err}
			}
			out := gatewayUploadsMsg{id: id, gateway: url}
			for _, upID := range list {
				ctx, cancel := context.WithTimeout(context.Background(), gatewayTimeout)
				u, err := c.ShowUpload(ctx, upID)
				cancel()
				var ae *gatewayapi.APIError
				switch {
				case err == nil:
					out.uploads = append(out.uploads, u)
				case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
					// pruned, or another token's: said on its row
				default:
					out.err = err
					return out
				}
			}
			return out
		})
	}
	return tea.Batch(cmds...)
}

// uploadsAnswered takes a gateway's answer about its upload requests.
func (p *ledgerPanel) uploadsAnswered(msg gatewayUploadsMsg) {
	if p.gw.upState == nil {
		return
	}
	for _, u := range msg.uploads {
		p.gw.uploads[u.ID] = u
	}
	if msg.err != nil {
		p.gw.upState[msg.gateway] = "gateway unreachable: " + msg.err.Error()
		return
	}
	p.gw.upState[msg.gateway] = ""
}

// uploadDetail ends the details of upload request record r: what its
// gateway says of it, the drop link, and the newest files received as
// room allows.
func (p *ledgerPanel) uploadDetail(out []string, r ledger.Record, w, h int) []string {
	url := uploadGatewayOf(r)
	var known string
	u, ok := p.gw.uploads[r.Upload]
	if ok {
		var total int64
		for _, f := range u.Received {
			total += f.Size
		}
		known = plural(len(u.Received), "file", "files") + " received"
		if len(u.Received) > 0 {
			known += " (" + humanSize(total) + ")"
		}
		if u.State != "" && u.State != "active" {
			known += " · " + u.State
		}
	}
	out = append(out, p.askedLine("upload request "+r.Upload+" · ", known, p.gw.upState[url], w)...)
	if len(out) < h {
		out = append(out, p.s.hyperlink(r.URL, cut(safe(r.URL), w)))
	}
	files := u.Received
	for i := len(files) - 1; i >= 0 && len(out) < h; i-- {
		f := files[i]
		if i > 0 && len(out) == h-1 {
			out = append(out, p.st.Dim.Render(cut("… and "+plural(i+1, "older file", "older files")+"", w)))
			break
		}
		line := "  " + f.At.UTC().Format("2006-01-02 15:04") + " " + fitRight(humanSize(f.Size), 9) + "  " + safe(oneLine(f.Name)) + " · from " + safe(f.Client)
		out = append(out, cut(line, w))
	}
	return out
}

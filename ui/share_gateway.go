package ui

// Gateway links: for a store with a share gateway (a [stores.NAME]
// gateway, or the demo's), the share panel offers a third kind of link
// next to GET, PUT and POST. The gateway (s3share serve) hands out a
// short link whose visits it counts and checks — downloads left,
// password, expiry, revocation — before it redirects to a presigned GET.
// So the link may be limited to N downloads, protected by a password,
// live past the 7 days of a presigned URL, and be revoked from the
// ledger view. The panel asks the gateway's admin API (presign/gatewayapi)
// off the update loop; the password is sent there once, masked on screen
// and never shown, copied, logged or recorded.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/lifetime"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
)

// methodGateway is the share panel's gateway kind of link.
const methodGateway presign.Method = "gateway"

// The gateway's own rows of the form.
const (
	fieldMaxDownloads field = fieldMaxSize + 1 + iota
	fieldPassword
)

// gatewayPresets are the lifetimes offered for gateway links.
var gatewayPresets = []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour}

// gatewayTimeout bounds one call of the gateway's admin API.
const gatewayTimeout = 15 * time.Second

// gatewayForm is what the share panel keeps for gateway links.
type gatewayForm struct {
	conf *config.StoreGateway // nil when the store has no gateway
	// other is the expiry picker of the kind not shown: the gateway's
	// (lifetimes past 7 days) while another method is chosen, and the
	// presigned links' while the gateway is.
	other expiryPicker
	// made is the share last made, for the result's details.
	made *gatewayapi.Share
}

// gatewayInit offers the gateway kind when the store has a gateway and
// the panel shares one object (or one version of it), and the upload
// request kind when it is opened on a prefix or a place to upload to.
func (p *sharePanel) gatewayInit(s *session) {
	if s.client == nil || (p.kind != kindObject && p.kind != kindPrefix && p.kind != kindUpload) {
		return
	}
	st := s.client.Store()
	if st.Gateway == nil {
		return
	}
	p.gw.conf = st.Gateway
	if p.kind == kindObject {
		p.methods = append(p.methods, methodGateway)
	} else {
		p.uploadRequestInit()
	}
	p.gw.other = newGatewayExpiry()
	limit := newTextField(19)
	limit.Placeholder = "no limit"
	p.inputs[fieldMaxDownloads] = &limit
	pw := newTextField(1024)
	pw.Placeholder = "none"
	pw.EchoMode = textinput.EchoPassword
	pw.EchoCharacter = '•'
	p.inputs[fieldPassword] = &pw
}

// newGatewayExpiry is the expiry picker of gateway links: lifetimes up to
// what the gateway allows (30 days unless its max_share_lifetime says
// otherwise), 7 days to start with.
func newGatewayExpiry() expiryPicker {
	in := newTextField(64)
	in.Placeholder = "12h, 14d, 6w"
	return expiryPicker{presets: gatewayPresets, sel: 1, input: in, long: true}
}

// validateLong checks a gateway link's custom lifetime, which may pass
// 7 days: the gateway checks it against its own limit.
func (p *expiryPicker) validateLong(now time.Time) {
	d, err := lifetime.ParseLong(p.input.Value())
	if err != nil {
		p.err = err.Error()
		return
	}
	p.ends = "ends " + now.Add(d).UTC().Format("2006-01-02 15:04 UTC")
}

// gatewaySwitch swaps the expiry pickers when the method changes to or
// from one of the gateway's (a gateway link, an upload request).
func (p *sharePanel) gatewaySwitch(was presign.Method) {
	if byGateway(was) != byGateway(p.methodNow()) {
		p.expiry, p.gw.other = p.gw.other, p.expiry
	}
}

// byGateway reports whether links of method m are made by the gateway.
func byGateway(m presign.Method) bool { return m == methodGateway || m == methodUploadRequest }

// gatewayFields are the rows of a gateway link.
func (p *sharePanel) gatewayFields() []field {
	return []field{fieldDisposition, fieldFilename, fieldRespType, fieldCacheControl, fieldVersion, fieldMaxDownloads, fieldPassword}
}

// gatewayLabel names the gateway's rows.
func gatewayLabel(f field) string {
	switch f {
	case fieldMaxDownloads:
		return "Max downloads"
	case fieldPassword:
		return "Password"
	}
	return uploadLabel(f)
}

// gatewayNote explains the gateway kind.
func (p *sharePanel) gatewayNote() string {
	return "a short link of the share gateway " + p.gw.conf.URL + ": it can be revoked (H, d), limited to N downloads, protected by a password, and live past 7 days"
}

// maxDownloads reads the max downloads field: 0 for no limit.
func (p *sharePanel) maxDownloads() (int64, string) {
	v := strings.TrimSpace(p.inputs[fieldMaxDownloads].Value())
	if v == "" {
		return 0, ""
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, "a whole number of downloads, 1 or more (empty: no limit)"
	}
	return n, ""
}

// validateGateway checks the gateway's form as validate does the others'.
func (p *sharePanel) validateGateway() {
	if _, e := p.maxDownloads(); e != "" {
		p.errs[fieldMaxDownloads] = e
	}
	if p.gw.conf.Token == "" && p.gw.conf.Problem != "" {
		p.errs[fieldMethod] = p.gw.conf.Problem
	}
}

// gatewayRequest is the share the form asks for.
func (p *sharePanel) gatewayRequest() gatewayapi.CreateRequest {
	t := p.targets[0]
	n, _ := p.maxDownloads()
	return gatewayapi.CreateRequest{Bucket: t.Bucket, Key: t.Key, VersionID: p.value(fieldVersion),
		ExpiresIn: p.expiry.text(), MaxDownloads: n, Password: p.inputs[fieldPassword].Value(),
		Disposition: dispositions[p.disp], Filename: p.value(fieldFilename),
		ContentType: p.value(fieldRespType), CacheControl: p.value(fieldCacheControl)}
}

// submitGateway asks the gateway for the share, off the update loop.
func (p *sharePanel) submitGateway() tea.Cmd {
	return gatewayShareCmd(p.askingGateway(), p.id, *p.gw.conf, p.s.client.Store().Timeout, p.gatewayRequest(), p.s.ledgerPath)
}

// askingGateway puts the panel in the wait for the gateway, which esc
// cancels, and returns the bounded context of the call.
func (p *sharePanel) askingGateway() context.Context {
	p.formErr = ""
	p.stage = stageSigning
	ctx, cancel := context.WithTimeout(context.Background(), gatewayTimeout)
	p.cancel = cancel
	return ctx
}

// gatewayShareCmd creates the share and records it in the ledger at
// ledgerPath ("" for none). It captures values only.
func gatewayShareCmd(ctx context.Context, id int, gw config.StoreGateway, timeout time.Duration, req gatewayapi.CreateRequest, ledgerPath string) tea.Cmd {
	return func() tea.Msg {
		url, sh, err, lerr := askGateway(ctx, gw, timeout, ledgerPath, func(ctx context.Context, c *gatewayapi.Client) (gatewayapi.Share, error) {
			return c.Create(ctx, req)
		}, ledger.FromGateway)
		return gatewaySharedMsg{id: id, gateway: url, share: sh, err: err, ledgerErr: lerr}
	}
}

// askGateway makes something with one call of the gateway's admin API
// and records it in the ledger at ledgerPath ("" for none): it returns
// the gateway's URL, what was made, why not, and why it was not recorded.
func askGateway[T any](ctx context.Context, gw config.StoreGateway, timeout time.Duration, ledgerPath string,
	call func(context.Context, *gatewayapi.Client) (T, error), record func(string, T) ledger.Record) (string, T, error, error) {
	var made T
	c, err := gatewayClient(gw, timeout)
	if err != nil {
		return "", made, err, nil
	}
	if made, err = call(ctx, c); err != nil {
		return "", made, err, nil
	}
	var lerr error
	if ledgerPath != "" {
		l, err := ledger.Open(ledgerPath)
		if err == nil {
			err = l.Append(record(c.URL, made))
		}
		lerr = err
	}
	return c.URL, made, nil, lerr
}

// gatewayClient is the admin API client of gw, or why there is none.
func gatewayClient(gw config.StoreGateway, timeout time.Duration) (*gatewayapi.Client, error) {
	if timeout <= 0 {
		timeout = gatewayTimeout
	}
	if gw.Token == "" && gw.Problem != "" {
		return nil, errors.New(gw.Problem)
	}
	return gatewayapi.NewClient(gw.URL, gw.Token, min(timeout, gatewayTimeout))
}

// gatewayShared shows the share made as the panel shows links, or goes
// back to the form with the gateway's answer.
func (p *sharePanel) gatewayShared(msg gatewaySharedMsg) tea.Cmd {
	if p.cancel != nil {
		p.cancel() // the request is done: release its timer
	}
	if msg.err != nil {
		p.cancel = nil
		p.stage = stageForm
		p.formErr = "not made: " + msg.err.Error()
		return nil
	}
	p.inputs[fieldPassword].SetValue("") // sent once; not kept
	sh := msg.share
	res := presign.Result{URL: sh.URL, Method: presign.GET, Bucket: sh.Bucket, Key: sh.Key, SignedAt: sh.CreatedAt,
		ExpiresAt: sh.ExpiresAt, EffectiveExpiresAt: sh.ExpiresAt, Share: sh.ID}
	p.gw.made = &sh
	return p.signed(linksSignedMsg{id: p.id, results: []presign.Result{res}, ledgerErr: msg.ledgerErr})
}

// resultKind names the kind of link a result is: its method, or gateway.
func resultKind(r presign.Result) string {
	if r.Share != "" {
		return string(methodGateway)
	}
	return string(r.Method)
}

// gatewayLines say what the gateway share allows, under the expiry.
func (p *sharePanel) gatewayLines(w int) []string {
	sh := p.gw.made
	if sh == nil || len(p.results) != 1 || p.results[0].Share != sh.ID {
		return nil
	}
	s := "share " + safe(sh.ID) + " · "
	if sh.MaxDownloads > 0 {
		s += "at most " + plural(int(sh.MaxDownloads), "download", "downloads")
	} else {
		s += "no download limit"
	}
	if sh.Password {
		s += " · password required"
	}
	s += " · revoke it from the ledger (H, d)"
	return []string{cut(s, w)}
}

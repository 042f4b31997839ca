package ui

// Upload requests: for a store with a share gateway, s on a prefix (or on
// a place to upload to) offers an "upload request" next to GET, PUT and
// POST. The gateway makes a drop link, BASE/u/ID, a page where anyone
// with the link may send files under the prefix, within the rules of the
// form: lifetime, size per file, number of files, total, types, whether
// the bytes go through the gateway or straight to the store, and an
// optional password (masked, sent once, never shown, copied, logged or
// recorded). The result shows the link, its rules in words and, while it
// is open, the files as they arrive: the panel asks the gateway every
// second, off the update loop, and backs off when it does not answer.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
)

// methodUploadRequest is the share panel's upload request kind.
const methodUploadRequest presign.Method = "upload request"

// The upload request's own rows of the form (and fieldPassword).
const (
	fieldUpFileSize field = fieldPassword + 1 + iota
	fieldUpFiles
	fieldUpTotal
	fieldUpTypes
	fieldUpVia
)

// uploadFields are the rows of an upload request, after the expiry.
var uploadFields = []field{fieldUpFileSize, fieldUpFiles, fieldUpTotal, fieldUpTypes, fieldUpVia, fieldPassword}

// uploadVias are the ways an uploaded file reaches the store.
var uploadVias = []string{"gateway", "direct"}

// Polling the gateway for arrivals.
const (
	uploadPollEvery   = time.Second      // one look a second while the result is open
	uploadPollTimeout = 5 * time.Second  // bounds one look
	uploadPollMaxWait = 30 * time.Second // the longest back-off after failures
)

// uploadReq is what the share panel keeps for upload requests.
type uploadReq struct {
	via int // index into uploadVias
	// made is the request made, for the result; nil before.
	made    *gatewayapi.Upload
	gateway string // its gateway's URL
	// The arrivals, newest first, and the ids already seen.
	files []gatewayapi.ReceivedFile
	seen  map[string]bool
	bytes int64
	// The polling: gen numbers the chain, ctx ends when the panel
	// closes; fails counts the looks that failed in a row, err is the
	// last one's error (shown once, on a line of its own, until a look
	// works again), wait the back-off before the next.
	gen   int
	ctx   context.Context
	fails int
	err   error
	wait  time.Duration
	polls int
}

// uploadRequestInit adds the upload request kind and its fields.
func (p *sharePanel) uploadRequestInit() {
	p.methods = append(p.methods, methodUploadRequest)
	p.gw.other = newGatewayExpiry()
	for _, f := range []field{fieldUpFileSize, fieldUpFiles, fieldUpTotal} {
		in := newTextField(24)
		in.Placeholder = "no limit"
		p.inputs[f] = &in
	}
	p.inputs[fieldUpFileSize].Placeholder = "no limit (100MiB, 2GB)"
	types := newTextField(512)
	types.Placeholder = "any (.pdf .jpg image/*)"
	p.inputs[fieldUpTypes] = &types
	pw := newTextField(1024)
	pw.Placeholder = "none"
	pw.EchoMode = textinput.EchoPassword
	pw.EchoCharacter = '•'
	p.inputs[fieldPassword] = &pw
}

// isUploadText reports whether f is one of the upload request's text rows.
func isUploadText(f field) bool { return f >= fieldUpFileSize && f <= fieldUpTypes }

// uploadLabel names the upload request's rows.
func uploadLabel(f field) string {
	switch f {
	case fieldUpFileSize:
		return "Max file size"
	case fieldUpFiles:
		return "Max files"
	case fieldUpTotal:
		return "Max total"
	case fieldUpTypes:
		return "Allowed types"
	case fieldUpVia:
		return "Upload via"
	}
	return ""
}

// uploadRequestNote explains the upload request kind.
func (p *sharePanel) uploadRequestNote() string {
	return "a drop link of the share gateway " + p.gw.conf.URL + ": a page where anyone with it sends files under this prefix, within the rules below; you see them arrive here"
}

// uploadLimits reads the form's limits; problems go to p.errs.
func (p *sharePanel) uploadLimits() (fileSize, files, total int64) {
	size := func(f field) int64 {
		v := strings.TrimSpace(p.inputs[f].Value())
		if v == "" {
			return 0
		}
		n, err := presign.ParseSize(v)
		if err == nil && n < 1 {
			err = fmt.Errorf("at least 1 byte (empty: no limit)")
		}
		if err != nil {
			p.errs[f] = err.Error()
		}
		return n
	}
	fileSize, total = size(fieldUpFileSize), size(fieldUpTotal)
	if v := strings.TrimSpace(p.inputs[fieldUpFiles].Value()); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			p.errs[fieldUpFiles] = "a whole number of files (empty or 0: no limit)"
		}
		files = n
	}
	return fileSize, files, total
}

// uploadTypes reads the allowed types: extensions (.pdf, or pdf) and
// media types (image/png, image/*), separated by spaces or commas.
func (p *sharePanel) uploadTypes() []string {
	var out []string
	for _, t := range strings.FieldsFunc(p.inputs[fieldUpTypes].Value(), func(r rune) bool { return r == ',' || r == ' ' }) {
		t = strings.ToLower(t)
		if !strings.Contains(t, "/") && !strings.HasPrefix(t, ".") {
			t = "." + t
		}
		out = append(out, t)
	}
	return out
}

// validateUploadRequest checks the form as validate does the others'.
func (p *sharePanel) validateUploadRequest() {
	p.uploadLimits()
	if p.gw.conf.Token == "" && p.gw.conf.Problem != "" {
		p.errs[fieldMethod] = p.gw.conf.Problem
	}
}

// uploadRequest is the request the form asks for.
func (p *sharePanel) uploadRequest() gatewayapi.UploadRequest {
	t := p.targets[0]
	fileSize, files, total := p.uploadLimits()
	return gatewayapi.UploadRequest{Bucket: t.Bucket, Prefix: t.Key, MaxFileSize: fileSize, MaxFiles: files, MaxTotal: total,
		Types: p.uploadTypes(), ExpiresIn: p.expiry.text(), Password: p.inputs[fieldPassword].Value(), Via: uploadVias[p.up.via]}
}

// submitUploadRequest asks the gateway for the drop link, off the
// update loop.
func (p *sharePanel) submitUploadRequest() tea.Cmd {
	return uploadRequestCmd(p.askingGateway(), p.id, *p.gw.conf, p.s.client.Store().Timeout, p.uploadRequest(), p.s.ledgerPath)
}

// uploadRequestCmd creates the upload request and records it in the
// ledger at ledgerPath ("" for none). It captures values only.
func uploadRequestCmd(ctx context.Context, id int, gw config.StoreGateway, timeout time.Duration, req gatewayapi.UploadRequest, ledgerPath string) tea.Cmd {
	return func() tea.Msg {
		url, u, err, lerr := askGateway(ctx, gw, timeout, ledgerPath, func(ctx context.Context, c *gatewayapi.Client) (gatewayapi.Upload, error) {
			return c.CreateUpload(ctx, req)
		}, ledger.FromUpload)
		return uploadRequestMadeMsg{id: id, gateway: url, upload: u, err: err, ledgerErr: lerr}
	}
}

// uploadRequestMade shows the drop link, copies it and starts watching
// for arrivals; or goes back to the form with the gateway's answer.
func (p *sharePanel) uploadRequestMade(msg uploadRequestMadeMsg) tea.Cmd {
	if p.cancel != nil {
		p.cancel() // the request is done: release its timer
		p.cancel = nil
	}
	if msg.err != nil {
		p.stage = stageForm
		p.formErr = "not made: " + msg.err.Error()
		return nil
	}
	p.inputs[fieldPassword].SetValue("") // sent once; not kept
	u := msg.upload
	p.up.made, p.up.gateway = &u, msg.gateway
	p.up.seen = map[string]bool{}
	p.results = []presign.Result{{URL: u.URL, Method: ledger.MethodUpload, Bucket: u.Bucket, Key: u.Prefix, Prefix: true,
		SignedAt: u.CreatedAt, ExpiresAt: u.ExpiresAt, EffectiveExpiresAt: u.ExpiresAt}}
	p.ledgerErr = msg.ledgerErr
	p.stage = stageResult
	p.signedAt = p.s.now()
	p.offset = 0
	p.s.links = append(p.s.links, u.URL)
	p.arrived(u.Received) // none yet, unless the gateway is quick
	p.layoutResult()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel // esc ends the polling
	p.up.ctx = ctx
	p.up.gen++
	return tea.Batch(p.copy("drop link", []string{u.URL}), p.pollCmd())
}

// pollCmd asks the gateway once for the request's files, off the update
// loop, the look bounded in time.
func (p *sharePanel) pollCmd() tea.Cmd {
	id, gen, ctx, gw, timeout, upID := p.id, p.up.gen, p.up.ctx, *p.gw.conf, p.s.client.Store().Timeout, p.up.made.ID
	return func() tea.Msg {
		start := time.Now()
		c, err := gatewayClient(gw, min(timeout, uploadPollTimeout))
		if err != nil {
			return uploadPolledMsg{id: id, gen: gen, err: err}
		}
		ctx, cancel := context.WithTimeout(ctx, uploadPollTimeout)
		defer cancel()
		u, err := c.ShowUpload(ctx, upID)
		return uploadPolledMsg{id: id, gen: gen, upload: u, err: err, took: time.Since(start)}
	}
}

// uploadPolled takes a look's answer: the new arrivals, announced, and
// the next look a second after this one began, or later after failures.
func (p *sharePanel) uploadPolled(msg uploadPolledMsg) tea.Cmd {
	if p.up.made == nil || msg.gen != p.up.gen || p.up.ctx.Err() != nil {
		return nil
	}
	p.up.polls++
	var cmds []tea.Cmd
	if msg.err != nil {
		p.up.fails++
		p.up.err = msg.err
		p.up.wait = min(uploadPollMaxWait, uploadPollEvery<<min(p.up.fails, 5))
	} else {
		p.up.fails, p.up.err = 0, nil
		p.up.wait = max(0, uploadPollEvery-msg.took)
		p.up.made.State, p.up.made.ExpiresAt = msg.upload.State, msg.upload.ExpiresAt
		for _, f := range p.arrived(msg.upload.Received) {
			cmds = append(cmds, notify(p.s.prefs.Notify, "s3share: received "+f.Name+" ("+humanSize(f.Size)+") from "+f.Client))
		}
		if len(cmds) > 0 {
			p.layoutResult()
		}
	}
	if msg.err == nil && msg.upload.State != "active" {
		return tea.Batch(cmds...) // ended: nothing more arrives
	}
	id, gen := p.id, p.up.gen
	cmds = append(cmds, tea.Tick(p.up.wait, func(time.Time) tea.Msg { return uploadPollTickMsg{id: id, gen: gen} }))
	return tea.Batch(cmds...)
}

// uploadPollTick starts the next look, unless the panel moved on.
func (p *sharePanel) uploadPollTick(msg uploadPollTickMsg) tea.Cmd {
	if p.up.made == nil || msg.gen != p.up.gen || p.up.ctx.Err() != nil {
		return nil
	}
	return p.pollCmd()
}

// arrived adds the files not seen before, newest first, and returns them.
func (p *sharePanel) arrived(files []gatewayapi.ReceivedFile) []gatewayapi.ReceivedFile {
	var fresh []gatewayapi.ReceivedFile
	for _, f := range files {
		if !p.up.seen[f.ID] {
			p.up.seen[f.ID] = true
			fresh = append(fresh, f)
			p.up.bytes += f.Size
		}
	}
	for _, f := range fresh {
		p.up.files = append([]gatewayapi.ReceivedFile{f}, p.up.files...)
	}
	return fresh
}

// uploadKeyOK reports whether key msg does something for a drop link.
func (p *sharePanel) uploadKeyOK(msg tea.KeyMsg) bool {
	k := p.keys
	for _, b := range []key.Binding{k.Form.Submit, k.Share.QR, k.Share.Print, k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown, k.Nav.Top, k.Nav.Bottom} {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// uploadRules says a request's rules in words.
func uploadRules(u gatewayapi.Upload) string {
	var parts []string
	if u.MaxFileSize > 0 {
		parts = append(parts, "files up to "+humanize.IBytes(uint64(u.MaxFileSize)))
	} else {
		parts = append(parts, "any file size")
	}
	if u.MaxFiles > 0 {
		parts = append(parts, "at most "+plural(int(u.MaxFiles), "file", "files"))
	}
	if u.MaxTotal > 0 {
		parts = append(parts, humanize.IBytes(uint64(u.MaxTotal))+" in all")
	}
	if len(u.Types) > 0 {
		parts = append(parts, "only "+strings.Join(u.Types, " "))
	}
	if u.Via == "direct" {
		parts = append(parts, "straight to the store")
	} else {
		parts = append(parts, "through the gateway")
	}
	if u.Password {
		parts = append(parts, "password required")
	}
	return strings.Join(parts, " · ")
}

// uploadCompact reports whether the panel is too low for the drop
// link's details above the arrivals: they scroll with them instead.
func (p *sharePanel) uploadCompact() bool { return p.height < 12 }

// uploadHeader is the fixed part of a drop link's result.
func (p *sharePanel) uploadHeader(w int) []string {
	u := p.up.made
	out := []string{p.st.Title.Render(cut("drop link made · upload request · "+safe("s3://"+u.Bucket+"/"+u.Prefix), w))}
	if !p.uploadCompact() {
		out = append(out, p.uploadAbout(w)...)
	}
	if p.up.err != nil {
		out = append(out, p.st.Warn.Render(cut(fmt.Sprintf("! the gateway does not answer (%s): asking again in %s", safe(oneLine(p.up.err.Error())), presign.FormatDuration(p.up.wait)), w)))
	}
	return out
}

// uploadAbout says when the request ends, its rules and whether it was
// recorded.
func (p *sharePanel) uploadAbout(w int) []string {
	u := p.up.made
	out := []string{cut(expiryText(u.ExpiresAt, p.signedAt)+" · request "+safe(u.ID), w)}
	out = append(out, wrapStyled(p.st.Dim, safe(uploadRules(*u)), w, 2)...)
	if u.State != "" && u.State != "active" {
		out = append(out, p.st.Warn.Render(cut("! the gateway says this request is "+safe(u.State)+": it takes no more files", w)))
	}
	if p.ledgerErr != nil {
		out = append(out, p.st.Warn.Render(cut("! not recorded in the share ledger: "+safe(oneLine(p.ledgerErr.Error())), w)))
	}
	return out
}

// uploadLines are the scrolled part of a drop link's result: the link,
// wrapped, then the files received, newest first, two lines each (on a
// low panel, the request's details first).
func (p *sharePanel) uploadLines(w int) []string {
	u := p.up.made
	var lines []string
	if p.uploadCompact() {
		lines = p.uploadAbout(w)
	}
	// The link is the gateway's text: shown escaped, and linked only
	// as shown.
	link := safe(u.URL)
	for _, l := range wrapPlain(link, w) {
		lines = append(lines, p.s.hyperlink(link, l))
	}
	lines = append(lines, "")
	if len(p.up.files) == 0 {
		return append(lines, wrapStyled(p.st.Dim, "no files yet: each shows here when it arrives (Q shows the link's QR code)", w, 2)...)
	}
	lines = append(lines, p.st.Title.Render(cut("received "+plural(len(p.up.files), "file", "files")+" · "+humanSize(p.up.bytes)+" (newest first)", w)))
	for _, f := range p.up.files {
		lines = append(lines, arrivalLines(p.st, f, w)...)
	}
	return lines
}

// arrivalLines show one received file: when, its size and name as the
// uploader gave it (escaped, cut to the width), then who sent it and
// the key it was stored under.
func arrivalLines(st *Styles, f gatewayapi.ReceivedFile, w int) []string {
	lead := "  " + fit(f.At.UTC().Format("15:04:05"), 9) + fitRight(humanSize(f.Size), 9) + "  "
	name := safe(oneLine(f.Name))
	first := cut(lead+name, w)
	if ansi.StringWidth(lead+name) > w {
		first = ansi.Truncate(lead+name, max(0, w-1), "") + "…"
	}
	second := strings.Repeat(" ", min(11, w)) + "from " + safe(f.Client) + " · " + safe(f.Key)
	return []string{cut(first, w), st.Dim.Render(cut(second, w))}
}

// choiceRowFit is choiceRow in w cells: when the selected item would be
// cut off, the items before it give way ("…" says so).
func choiceRowFit(st *Styles, items []string, sel int, focused bool, w int) string {
	from, lead := 0, ""
	for from < sel && ansi.StringWidth(lead+choiceRow(st, items[from:sel+1], sel-from, focused)) > w {
		from, lead = from+1, "…"
	}
	return lead + choiceRow(st, items[from:], sel-from, focused)
}

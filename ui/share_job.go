package ui

// The share job: the form as a presign.Form, and what runs off the update
// loop once it is submitted — presign.Share (list a prefix, sign, record
// in the ledger) and presign.Export. The panel only builds the form and
// shows the linksSignedMsg and exportedMsg that come back.

import (
	"context"
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// form is the panel's fields for the current method, as the share
// pipeline takes them: the same Form the command line's flags make.
func (p *sharePanel) form() presign.Form {
	f := presign.Form{Method: string(p.methodNow()), Expires: p.expiry.text(), Rules: p.s.prefs.Rules}
	switch p.methodNow() {
	case presign.GET:
		f.Disposition = dispositions[p.disp]
		if p.kind == kindObject {
			f.Filename = p.value(fieldFilename)
			f.VersionID = p.value(fieldVersion)
		}
		f.ContentType = p.value(fieldRespType)
		f.CacheControl = p.value(fieldCacheControl)
		f.Recursive = p.kind == kindPrefix
	case presign.PUT:
		f.ContentType = p.value(fieldContentType)
		f.TypeFromKey = p.kind == kindBatch
	case presign.POST:
		f.MaxSize = p.value(fieldMaxSize)
	}
	return f
}

// shareTargets are what the links are made for: the targets the panel
// was opened on, or for PUT and POST of one the key typed.
func (p *sharePanel) shareTargets() []presign.Target {
	m := p.methodNow()
	if m == presign.POST || (m == presign.PUT && p.kind != kindBatch) {
		return []presign.Target{{Bucket: p.targets[0].Bucket, Key: p.value(fieldKey)}}
	}
	out := make([]presign.Target, len(p.targets))
	for i, t := range p.targets {
		out[i] = presign.Target{Bucket: t.Bucket, Key: t.Key}
	}
	return out
}

// shareCmd runs the share off the update loop. It captures values only.
func (p *sharePanel) shareCmd(ctx context.Context, plan presign.Plan) tea.Cmd {
	id, src, targets := p.id, p.s.client, p.shareTargets()
	opts := presign.ShareOptions{Now: p.s.now()}
	if p.s.ledgerPath != "" {
		st := src.Store()
		o := ledger.Origin{StoreName: st.Name, Identity: st.Creds.AccessKeyID}
		if st.Endpoint != nil {
			o.Host = st.Endpoint.Host
		}
		opts.Record = ledger.Recorder(p.s.ledgerPath, o)
	}
	record := opts.Record
	opts.Record = nil // recorded here, once the user agreed to a big batch
	return func() tea.Msg {
		sh, err := presign.Share(ctx, src, plan, targets, opts)
		if err != nil {
			return linksSignedMsg{id: id, err: err}
		}
		msg := linksSignedMsg{id: id, results: sh.Results, capped: sh.Capped}
		if record != nil && len(sh.Results) > 0 {
			results, options := sh.Results, plan.Options
			msg.record = func() error { return record(results, options) }
		}
		msg.short = cutShortOf(sh.Results)
		msg.ask = len(sh.Results) > askAbove
		if msg.ask || msg.short != nil {
			return msg
		}
		if msg.record != nil {
			msg.ledgerErr = msg.record()
		}
		return msg
	}
}

// askKey answers the question before a big batch: y records and shows
// the links (off the update loop), n goes back to the form.
func (p *sharePanel) askKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, batchYes):
		m := *p.asked
		m.ask = false
		return p.recordHeld(m)
	case key.Matches(msg, batchNo):
		p.dropHeld()
	}
	return nil
}

// recordHeld records the links held for a question (off the update loop)
// and then shows them.
func (p *sharePanel) recordHeld(m linksSignedMsg) tea.Cmd {
	p.asked, p.stage = nil, stageSigning
	return func() tea.Msg {
		if m.record != nil {
			m.ledgerErr = m.record()
		}
		return m
	}
}

// dropHeld forgets the links held for a question and goes back to the form.
func (p *sharePanel) dropHeld() {
	p.asked, p.stage = nil, stageForm
	p.formWarn = "not made: nothing was recorded or copied"
}

// exportLinks writes the links to a .json or .csv file (presign.Export).
// An existing file is only replaced when overwrite is set; otherwise the
// answer says it exists.
func exportLinks(id int, file string, results []presign.Result, overwrite bool) tea.Cmd {
	return func() tea.Msg {
		abs, err := presign.Export(file, results, overwrite)
		out := exportedMsg{id: id, n: len(results), path: abs}
		if errors.Is(err, presign.ErrExportExists) {
			out.exists = true
		} else {
			out.err = err
		}
		return out
	}
}

// headCheckedMsg says whether a PUT's key holds an object.
type headCheckedMsg struct {
	id          int
	bucket, key string
	exists      bool
	size        int64
	err         error // the HEAD failed otherwise than "no such key"
}

// headCmd looks up bucket/key off the update loop.
func headCmd(id int, src Store, bucket, key string) tea.Cmd {
	return func() tea.Msg {
		d, err := src.Stat(context.Background(), bucket, key, "")
		msg := headCheckedMsg{id: id, bucket: bucket, key: key}
		switch {
		case err == nil:
			msg.exists, msg.size = true, d.Size
		case isNotFound(err):
		default:
			msg.err = err
		}
		return msg
	}
}

// isNotFound reports whether err says there is no such key.
func isNotFound(err error) bool {
	if se, ok := s3model.AsStoreError(err); ok {
		return se.Code == "NoSuchKey" || se.Code == "NotFound" || se.Status == 404
	}
	return strings.Contains(err.Error(), "NoSuchKey")
}

// headChecked signs a PUT whose key is free, or goes back to the form
// with a warning that enter signs anyway.
func (p *sharePanel) headChecked(msg headCheckedMsg) tea.Cmd {
	p.stage = stageForm
	if t := p.shareTargets()[0]; t.Bucket != msg.bucket || t.Key != msg.key {
		p.checked = "" // the key changed meanwhile
		return nil
	}
	switch {
	case msg.exists:
		p.formWarn = "s3://" + msg.bucket + "/" + msg.key + " exists (" + humanSize(msg.size) + "): an upload replaces it — enter signs anyway"
		return nil
	case msg.err != nil:
		p.formWarn = "could not check the key (" + msg.err.Error() + ") — enter signs anyway"
		return nil
	}
	return p.submit()
}

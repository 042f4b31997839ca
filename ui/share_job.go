package ui

// The share job: the form as a presign.Form, and what runs off the update
// loop once it is submitted — presign.Share (list a prefix, sign, record
// in the ledger) and presign.Export. The panel only builds the form and
// shows the linksSignedMsg and exportedMsg that come back.

import (
	"context"
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

// form is the panel's fields for the current method, as the share
// pipeline takes them: the same Form the command line's flags make.
func (p *sharePanel) form() presign.Form {
	f := presign.Form{Method: string(p.methodNow()), Expires: p.expiry.text()}
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
	return func() tea.Msg {
		sh, err := presign.Share(ctx, src, plan, targets, opts)
		if err != nil {
			return linksSignedMsg{id: id, err: err}
		}
		return linksSignedMsg{id: id, results: sh.Results, capped: sh.Capped, ledgerErr: sh.RecordErr}
	}
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

package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// maxRecursive caps how many objects a recursive share of a prefix signs.
const maxRecursive = 100_000

// shareKind is what the share panel was opened on.
type shareKind int

const (
	kindObject shareKind = iota // one object, or one version of it
	kindPrefix                  // a prefix: GET signs every object under it
	kindBatch                   // several marked objects
)

// shareStage is where the share panel is.
type shareStage int

const (
	stageForm          shareStage = iota
	stageSigning                  // the sign command is running
	stageResult                   // the links are shown
	stageExportPath               // typing the export file's path
	stageExportConfirm            // the file exists: overwrite?
)

// field is one row of the share form.
type field int

const (
	fieldMethod field = iota
	fieldExpiry
	fieldCustom // the custom expiry's text, shown when custom… is picked
	fieldDisposition
	fieldFilename
	fieldRespType
	fieldCacheControl
	fieldVersion
	fieldKey
	fieldContentType
	fieldMaxSize
)

// textFields are the form rows that take typed text.
var textFields = []field{fieldFilename, fieldRespType, fieldCacheControl, fieldVersion, fieldKey, fieldContentType, fieldMaxSize}

// dispositions are the Content-Disposition kinds offered for GET links.
var dispositions = []string{presign.Inline, presign.Attachment}

// labelW is the width of the form's label column.
const labelW = 15

// Keys for the overwrite question of an export.
var (
	confirmYes = key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "overwrite"))
	confirmNo  = key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "keep the file"))
)

// sharePanel makes presigned links: a form (method, expiry, the method's
// options), then the links, copied to the clipboard and always shown as
// plain text, wrapped to the width, so they can be selected with the mouse.
type sharePanel struct {
	id      int
	env     *Options
	keys    keymap.KeyMap
	st      *Styles
	targets []ShareTarget
	kind    shareKind

	stage   shareStage
	methods []presign.Method // the methods the targets allow
	method  int              // index into methods
	focus   field
	expiry  expiryPicker
	disp    int // index into dispositions
	inputs  map[field]*textinput.Model
	errs    map[field]string // a field's problem, shown under it
	formErr string           // why signing was refused or failed
	cancel  context.CancelFunc

	results   []presign.Result
	capped    bool
	ledgerErr error
	signedAt  time.Time // the clock when the links arrived, for "in 23h59m"
	clipWhat  string
	clip      *clip.Result
	lines     []string // one link's scrolled part, wrapped to the width
	starts    []int    // a batch: result i's first line; the last entry is the total
	common    string   // a batch: the "dir/" all its keys start with
	offset    int
	export    textinput.Model
	exportAt  string // the absolute path waiting for an overwrite answer
	exportMsg string
	exportErr bool

	width, height int
}

// openShare opens the share panel for targets.
func openShare(env *Options, st *Styles, targets []ShareTarget) tea.Cmd {
	if len(targets) == 0 {
		return status("nothing to share", true)
	}
	if env.Client == nil {
		return status("sharing needs a store connection", true)
	}
	p := newSharePanel(env, st, targets)
	return func() tea.Msg { return openPanelMsg{panel: p} }
}

func newSharePanel(env *Options, st *Styles, targets []ShareTarget) *sharePanel {
	p := &sharePanel{
		id:      nextPanelID(),
		env:     env,
		keys:    env.Keys,
		st:      st,
		targets: targets,
		inputs:  map[field]*textinput.Model{},
		errs:    map[field]string{},
		expiry:  newExpiryPicker(env.Prefs, rememberedExpiry(env)),
	}
	t := targets[0]
	switch {
	case len(targets) > 1:
		p.kind = kindBatch
		p.methods = []presign.Method{presign.GET, presign.PUT}
	case t.IsPrefix:
		p.kind = kindPrefix
		p.methods = []presign.Method{presign.GET, presign.PUT, presign.POST}
	default:
		p.kind = kindObject
		p.methods = []presign.Method{presign.GET, presign.PUT, presign.POST}
	}
	if d := strings.ToLower(env.Prefs.DefaultDisposition); d == presign.Attachment {
		p.disp = 1
	}
	for _, f := range textFields {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 1024
		in.Cursor.SetMode(cursor.CursorStatic)
		p.inputs[f] = &in
	}
	// Prefills come from the store: sanitised, so the field shows (and
	// signs) only printable text.
	p.inputs[fieldFilename].SetValue(string(typeable([]rune(presign.SafeFilename(t.Key)))))
	p.inputs[fieldRespType].Placeholder = "as stored"
	p.inputs[fieldCacheControl].Placeholder = "as stored"
	p.inputs[fieldVersion].Placeholder = "latest"
	p.inputs[fieldVersion].SetValue(safe(t.VersionID))
	p.inputs[fieldKey].SetValue(safe(t.Key))
	p.inputs[fieldKey].Placeholder = "any key in the bucket"
	if p.kind == kindBatch {
		p.inputs[fieldContentType].Placeholder = "from each key's extension"
	} else {
		p.inputs[fieldContentType].Placeholder = "any (not signed)"
		if !t.IsPrefix {
			p.inputs[fieldContentType].SetValue(mime.TypeByExtension(path.Ext(t.Key)))
		}
	}
	p.inputs[fieldMaxSize].Placeholder = "5GiB"
	for _, in := range p.inputs {
		in.CursorEnd()
	}
	p.focus = fieldMethod
	p.validate(env.now())
	return p
}

func (p *sharePanel) methodNow() presign.Method { return p.methods[p.method] }

// fields are the form's rows for the current method.
func (p *sharePanel) fields() []field {
	f := []field{fieldMethod, fieldExpiry}
	if p.expiry.isCustom() {
		f = append(f, fieldCustom)
	}
	switch p.methodNow() {
	case presign.GET:
		f = append(f, fieldDisposition)
		if p.kind == kindObject {
			f = append(f, fieldFilename)
		}
		f = append(f, fieldRespType, fieldCacheControl)
		if p.kind == kindObject {
			f = append(f, fieldVersion)
		}
	case presign.PUT:
		if p.kind != kindBatch {
			f = append(f, fieldKey)
		}
		f = append(f, fieldContentType)
	case presign.POST:
		f = append(f, fieldKey, fieldMaxSize)
	}
	return f
}

func isText(f field) bool { return f == fieldCustom || (f >= fieldFilename && f <= fieldMaxSize) }

func (p *sharePanel) value(f field) string { return strings.TrimSpace(p.inputs[f].Value()) }

// typing reports whether a text field has the keyboard, where q is a
// letter rather than quit.
func (p *sharePanel) typing() bool {
	switch p.stage {
	case stageForm:
		return isText(p.focus)
	case stageExportPath, stageExportConfirm:
		return true
	}
	return false
}

// SetSize gives the panel its size.
func (p *sharePanel) SetSize(w, h int) {
	p.width, p.height = w, h
	for _, in := range p.inputs {
		in.Width = max(1, w-2-labelW-1)
	}
	p.expiry.input.Width = max(1, w-2-labelW-1)
	p.export.Width = max(1, w-len("export to: ")-1)
	if p.results != nil {
		p.layoutResult()
	}
}

func closePanel() tea.Msg { return closePanelMsg{} }

// Update handles keys and the panel's own messages.
func (p *sharePanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case linksSignedMsg:
		if msg.id == p.id {
			return p.signed(msg)
		}
	case clipboardResultMsg:
		if msg.id == p.id {
			p.clipWhat, p.clip = msg.what, &msg.res
		}
	case exportedMsg:
		if msg.id == p.id {
			p.exported(msg)
		}
	case tea.MouseMsg:
		if p.stage >= stageResult {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				p.scroll(-3)
			case tea.MouseButtonWheelDown:
				p.scroll(3)
			}
		}
	case tea.KeyMsg:
		switch p.stage {
		case stageForm:
			return p.formKey(msg)
		case stageSigning:
			if key.Matches(msg, p.keys.App.Close) {
				if p.cancel != nil {
					p.cancel()
				}
				return closePanel
			}
		case stageResult:
			return p.resultKey(msg)
		case stageExportPath:
			return p.exportKey(msg)
		case stageExportConfirm:
			return p.confirmKey(msg)
		}
	}
	return nil
}

// formKey handles a key in the form.
func (p *sharePanel) formKey(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.App.Close):
		return closePanel
	case key.Matches(msg, k.Form.Submit):
		return p.submit()
	case key.Matches(msg, k.Form.Next):
		p.moveFocus(1)
		return nil
	case key.Matches(msg, k.Form.Prev):
		p.moveFocus(-1)
		return nil
	}
	now := p.env.now()
	defer p.validate(now)
	switch p.focus {
	case fieldMethod:
		switch {
		case key.Matches(msg, k.Form.Left):
			p.method = max(0, p.method-1)
		case key.Matches(msg, k.Form.Right):
			p.method = min(len(p.methods)-1, p.method+1)
		}
		p.formErr = ""
	case fieldExpiry:
		switch {
		case key.Matches(msg, k.Form.Left):
			p.expiry.move(-1)
		case key.Matches(msg, k.Form.Right):
			p.expiry.move(1)
		case key.Matches(msg, pickKeys):
			p.expiry.pick(int(msg.Runes[0] - '0'))
		default:
			return nil
		}
		p.formErr = ""
		if p.expiry.isCustom() {
			p.setFocus(fieldCustom)
		}
	case fieldDisposition:
		switch {
		case key.Matches(msg, k.Form.Left):
			p.disp = 0
		case key.Matches(msg, k.Form.Right):
			p.disp = 1
		}
	case fieldCustom:
		p.formErr = ""
		return p.expiry.update(msg)
	default:
		if in, ok := p.inputs[p.focus]; ok {
			p.formErr = ""
			var cmd tea.Cmd
			*in, cmd = in.Update(msg)
			return cmd
		}
	}
	return nil
}

// moveFocus moves to the next or previous row, stopping at the ends.
func (p *sharePanel) moveFocus(d int) {
	fs := p.fields()
	i := 0
	for j, f := range fs {
		if f == p.focus {
			i = j
		}
	}
	p.setFocus(fs[max(0, min(len(fs)-1, i+d))])
}

func (p *sharePanel) setFocus(f field) {
	p.focus = f
	p.expiry.input.Blur()
	for _, in := range p.inputs {
		in.Blur()
	}
	switch {
	case f == fieldCustom:
		p.expiry.input.Focus()
	case isText(f):
		p.inputs[f].Focus()
	}
}

// validate refreshes the problems shown under the fields.
func (p *sharePanel) validate(now time.Time) {
	clear(p.errs)
	p.expiry.validate(now)
	if p.expiry.err != "" {
		p.errs[fieldCustom] = p.expiry.err
	}
	switch p.methodNow() {
	case presign.PUT:
		if p.kind == kindBatch {
			break
		}
		if k := p.value(fieldKey); k == "" || strings.HasSuffix(k, "/") {
			p.errs[fieldKey] = "name the key to upload to (a PUT link is for one key; POST takes a prefix)"
		}
	case presign.POST:
		if v := p.value(fieldMaxSize); v != "" {
			if n, err := presign.ParseSize(v); err != nil {
				p.errs[fieldMaxSize] = err.Error()
			} else if n == 0 {
				p.errs[fieldMaxSize] = "a max size of 0 allows no upload at all"
			} else if n > presign.MaxPOSTSize {
				p.errs[fieldMaxSize] = "S3 takes at most 5GiB in one POST upload"
			}
		}
	}
	// A field left focused but hidden by a change of method moves to the
	// method row.
	if !containsField(p.fields(), p.focus) {
		p.setFocus(fieldMethod)
	}
}

func containsField(fs []field, f field) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

// submit signs, unless a field is invalid.
func (p *sharePanel) submit() tea.Cmd {
	now := p.env.now()
	p.validate(now)
	for _, f := range p.fields() {
		if e := p.errs[f]; e != "" {
			p.formErr = "not signed: " + fieldLabel(f, p.methodNow()) + ": " + e
			p.setFocus(f)
			return nil
		}
	}
	job, err := p.job(now)
	if err != nil {
		p.formErr = "not signed: " + err.Error()
		return nil
	}
	rememberExpiry(p.env, p.expiry.choice())
	p.formErr = ""
	p.stage = stageSigning
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	return func() tea.Msg { return job.run(ctx) }
}

// signJob is everything the sign command needs, captured by value.
type signJob struct {
	id      int
	client  *s3model.Client
	targets []ShareTarget
	// recursive lists targets[0] (a prefix) and signs every object under it.
	recursive  bool
	tmpl       presign.Request
	dispKind   string // with perKeyName: the disposition kind
	perKeyName bool   // Content-Disposition names each key's base name
	perKeyType bool   // PUT Content-Type from each key's extension
	now        time.Time
	ledgerPath string
	store      string
	options    map[string]string
}

// job turns the form into a signJob.
func (p *sharePanel) job(now time.Time) (signJob, error) {
	m := p.methodNow()
	exp, err := p.expiry.value(now)
	if err != nil {
		return signJob{}, err
	}
	j := signJob{
		id:         p.id,
		client:     p.env.Client,
		targets:    p.targets,
		tmpl:       presign.Request{Method: m, Expires: exp},
		now:        now,
		ledgerPath: p.env.LedgerPath,
		options:    map[string]string{"expires": exp.String()},
	}
	if ep := p.env.Client.Store().Endpoint; ep != nil {
		j.store = ep.Host
	}
	set := func(name, v string) {
		if v != "" {
			j.options[name] = v
		}
	}
	switch m {
	case presign.GET:
		kind := dispositions[p.disp]
		j.options["disposition"] = kind
		if p.kind == kindObject {
			name := p.value(fieldFilename)
			if j.tmpl.ResponseContentDisposition, err = presign.ContentDisposition(kind, name); err != nil {
				return signJob{}, err
			}
			set("filename", name)
			j.tmpl.VersionID = p.value(fieldVersion)
			set("version-id", j.tmpl.VersionID)
		} else {
			j.dispKind, j.perKeyName = kind, true
		}
		j.recursive = p.kind == kindPrefix
		j.tmpl.ResponseContentType = p.value(fieldRespType)
		j.tmpl.ResponseCacheControl = p.value(fieldCacheControl)
		set("content-type", j.tmpl.ResponseContentType)
		set("cache-control", j.tmpl.ResponseCacheControl)
	case presign.PUT:
		j.tmpl.ContentType = p.value(fieldContentType)
		set("content-type", j.tmpl.ContentType)
		if p.kind == kindBatch {
			j.perKeyType = j.tmpl.ContentType == ""
		} else {
			j.targets = []ShareTarget{{Bucket: p.targets[0].Bucket, Key: p.value(fieldKey)}}
		}
	case presign.POST:
		k := p.value(fieldKey)
		j.targets = []ShareTarget{{Bucket: p.targets[0].Bucket, Key: k}}
		j.tmpl.KeyIsPrefix = k == "" || strings.HasSuffix(k, "/")
		j.tmpl.MaxSize = presign.MaxPOSTSize
		if v := p.value(fieldMaxSize); v != "" {
			if j.tmpl.MaxSize, err = presign.ParseSize(v); err != nil {
				return signJob{}, err
			}
		}
		j.options["max-size"] = fmt.Sprint(j.tmpl.MaxSize)
	}
	return j, nil
}

// run lists (for a recursive share), signs, and records the links. It
// makes no network call for a plain share of a store whose region is
// known.
func (j signJob) run(ctx context.Context) linksSignedMsg {
	out := linksSignedMsg{id: j.id}
	targets := j.targets
	if j.recursive {
		t := j.targets[0]
		var err error
		if targets, out.capped, err = listUnder(ctx, j.client, t.Bucket, t.Key, maxRecursive); err != nil {
			out.err = err
			return out
		}
		if len(targets) == 0 {
			out.err = fmt.Errorf("no objects under s3://%s/%s", t.Bucket, t.Key)
			return out
		}
	}
	signers := map[string]*presign.Signer{}
	out.results = make([]presign.Result, 0, len(targets))
	for _, t := range targets {
		if ctx.Err() != nil {
			out.err = errors.New("signing cancelled")
			return out
		}
		s, ok := signers[t.Bucket]
		if !ok {
			st, err := j.client.SigningStore(ctx, t.Bucket)
			if err == nil {
				s, err = presign.NewSigner(st)
			}
			if err != nil {
				out.err = err
				return out
			}
			signers[t.Bucket] = s
		}
		req := j.tmpl
		req.Bucket, req.Key = t.Bucket, t.Key
		if j.perKeyName {
			d, err := presign.ContentDisposition(j.dispKind, t.Key)
			if err != nil {
				out.err = err
				return out
			}
			req.ResponseContentDisposition = d
		}
		if j.perKeyType {
			req.ContentType = mime.TypeByExtension(path.Ext(t.Key))
		}
		r, err := s.SignAt(req, j.now)
		if err != nil {
			out.err = fmt.Errorf("s3://%s/%s: %w", t.Bucket, t.Key, err)
			return out
		}
		out.results = append(out.results, r)
	}
	if ctx.Err() != nil { // closed while signing: nothing is shown, so nothing is recorded
		out.err = errors.New("signing cancelled")
		return out
	}
	if j.ledgerPath != "" {
		out.ledgerErr = recordLinks(j.ledgerPath, j.store, j.options, out.results)
	}
	return out
}

// listUnder lists the objects under prefix (recursively), at most limit;
// capped says there were more.
func listUnder(ctx context.Context, c *s3model.Client, bucket, prefix string, limit int) (out []ShareTarget, capped bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when we stop early
	for obj := range c.Minio().ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, false, s3model.Explain("list s3://"+bucket+"/"+prefix, obj.Err)
		}
		if strings.HasSuffix(obj.Key, "/") {
			continue // a folder marker
		}
		if len(out) == limit {
			return out, true, nil
		}
		out = append(out, ShareTarget{Bucket: bucket, Key: obj.Key, Size: obj.Size})
	}
	if ctx.Err() != nil {
		return nil, false, errors.New("listing cancelled")
	}
	return out, false, nil
}

// recordLinks appends the links to the share ledger.
func recordLinks(path, store string, options map[string]string, results []presign.Result) error {
	l, err := ledger.Open(path)
	if err != nil {
		return err
	}
	recs := make([]ledger.Record, len(results))
	for i, r := range results {
		recs[i] = ledger.FromResult(r, store, options)
	}
	return l.Append(recs...)
}

// signed shows the links and copies them.
func (p *sharePanel) signed(msg linksSignedMsg) tea.Cmd {
	p.cancel = nil
	if msg.err != nil {
		p.stage = stageForm
		p.formErr = "not signed: " + msg.err.Error()
		return nil
	}
	p.stage = stageResult
	p.results, p.capped, p.ledgerErr = msg.results, msg.capped, msg.ledgerErr
	p.signedAt = p.env.now()
	p.offset = 0
	p.layoutResult()
	urls := make([]string, len(p.results))
	for i, r := range p.results {
		urls[i] = r.URL
	}
	if p.env.Printed != nil {
		*p.env.Printed = append(*p.env.Printed, urls...)
	}
	return p.copy(p.linkWord(), strings.Join(urls, "\n"))
}

// linkWord is "link" or "3 links".
func (p *sharePanel) linkWord() string {
	if len(p.results) == 1 {
		return "link"
	}
	return plural(len(p.results), "link", "links")
}

// copy puts text on the clipboard off the update loop.
func (p *sharePanel) copy(what, text string) tea.Cmd {
	p.clip = nil
	return copyToClipboard(p.env.Clipboard, p.id, what, text)
}

// copyToClipboard copies text and reports what happened; a nil clipboard
// is the clipboard turned off.
func copyToClipboard(c clip.Clipboard, id int, what, text string) tea.Cmd {
	return func() tea.Msg {
		if c == nil {
			return clipboardResultMsg{id: id, what: what, res: clip.Result{
				Methods: []clip.Method{clip.MethodNone}, Message: "clipboard off — link shown below"}}
		}
		return clipboardResultMsg{id: id, what: what, res: c.Copy(text)}
	}
}

// clipReport words a copy's result for the panel, and whether it failed.
func clipReport(what string, r clip.Result) (line string, failed bool) {
	if !r.Copied() {
		msg := r.Message
		if msg == "" {
			msg = "clipboard unavailable — link shown below"
		}
		if r.Err != nil {
			msg += " (" + r.Err.Error() + ")"
		}
		return msg, true
	}
	msg := r.Message
	if msg == "" {
		msg = "copied"
	}
	return what + " " + msg, false
}

// curlFile is the file name a curl line uses for r.
func curlFile(r presign.Result) string {
	if r.Method == presign.PUT {
		return presign.SafeFilename(r.Key)
	}
	return ""
}

// curlLines are the curl commands of the results, one per line.
func (p *sharePanel) curlLines() string {
	lines := make([]string, len(p.results))
	for i, r := range p.results {
		lines[i] = r.Curl(curlFile(r))
	}
	return strings.Join(lines, "\n")
}

// resultKey handles a key while the links are shown.
func (p *sharePanel) resultKey(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.App.Close):
		return closePanel
	case key.Matches(msg, k.Form.Submit):
		urls := make([]string, len(p.results))
		for i, r := range p.results {
			urls[i] = r.URL
		}
		return p.copy(p.linkWord(), strings.Join(urls, "\n"))
	case key.Matches(msg, k.Share.CopyCurl):
		what := "curl line"
		if len(p.results) > 1 {
			what = plural(len(p.results), "curl line", "curl lines")
		}
		return p.copy(what, p.curlLines())
	case key.Matches(msg, k.Share.Export):
		p.startExport()
	case key.Matches(msg, k.Nav.Up):
		p.scroll(-1)
	case key.Matches(msg, k.Nav.Down):
		p.scroll(1)
	case key.Matches(msg, k.Nav.PageUp):
		p.scroll(-max(1, p.scrollHeight()-1))
	case key.Matches(msg, k.Nav.PageDown):
		p.scroll(max(1, p.scrollHeight()-1))
	case key.Matches(msg, k.Nav.Top):
		p.offset = 0
	case key.Matches(msg, k.Nav.Bottom):
		p.scroll(p.totalLines())
	}
	return nil
}

func (p *sharePanel) scroll(d int) {
	p.offset = max(0, min(p.offset+d, p.totalLines()-p.scrollHeight()))
}

// layoutResult wraps one link (and its curl line) to the width, or for a
// batch counts the lines each link takes, so that View renders only the
// links on screen however many there are. It runs when the links arrive
// and when the size changes, not on every frame.
func (p *sharePanel) layoutResult() {
	w := max(1, p.width)
	p.lines, p.starts = nil, nil
	if len(p.results) == 1 {
		r := p.results[0]
		lines := wrapPlain(r.URL, w)
		if r.Method != presign.GET {
			lines = append(lines, "", p.st.Dim.Render(cut("curl (c copies it):", w)))
			lines = append(lines, wrapPlain(safe(r.Curl(curlFile(r))), w)...)
		}
		if r.Method == presign.POST {
			lines = append(lines, "", p.st.Dim.Render(cut("a POST upload needs the form fields as well as the URL: use the curl line", w)))
		}
		p.lines = lines
	} else {
		p.common = commonDir(p.results)
		p.starts = make([]int, len(p.results)+1)
		for i, r := range p.results {
			p.starts[i+1] = p.starts[i] + 1 + urlLines(r.URL, w)
		}
	}
	p.scroll(0)
}

// totalLines is the length of the scrolled part of the result.
func (p *sharePanel) totalLines() int {
	if p.starts != nil {
		return p.starts[len(p.starts)-1]
	}
	return len(p.lines)
}

// lineAt renders line j of the scrolled part: in a batch, each link is
// its key (dimmed) and then the URL, wrapped to the width.
func (p *sharePanel) lineAt(j int) string {
	if p.starts == nil {
		return p.lines[j]
	}
	w := max(1, p.width)
	i, _ := slices.BinarySearch(p.starts, j+1)
	i-- // starts[i] <= j < starts[i+1]
	r := p.results[i]
	if k := j - p.starts[i]; k > 0 {
		return urlLine(r.URL, w, k-1)
	}
	return p.st.Dim.Render(fit(safe(r.Key), w))
}

// urlLines is how many lines of w cells a URL takes.
func urlLines(u string, w int) int {
	if isASCII(u) {
		return max(1, (len(u)+w-1)/w)
	}
	return len(wrapPlain(u, w))
}

// urlLine is line k of a URL wrapped to w cells.
func urlLine(u string, w, k int) string {
	if isASCII(u) {
		return u[k*w : min(len(u), (k+1)*w)]
	}
	return wrapPlain(u, w)[k]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// wrapStyled word-wraps sanitised text to at most n lines of w cells
// (the last cut with "…"), each drawn in st.
func wrapStyled(st lipgloss.Style, s string, w, n int) []string {
	lines := strings.Split(ansi.Wrap(s, max(1, w), ""), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1], max(0, w-1), "") + "…"
	}
	for i, l := range lines {
		lines[i] = st.Render(cut(l, w))
	}
	return lines
}

// wrapPlain cuts plain text into lines of at most w cells.
func wrapPlain(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Hardwrap(s, w, true), "\n")
}

// header is the fixed part of the result, above the scrolled links.
func (p *sharePanel) header() []string {
	w := p.width
	r := p.results[0]
	var out []string
	title := p.linkWord() + " made · " + string(r.Method) + " · "
	if len(p.results) == 1 {
		title += safe("s3://" + r.Bucket + "/" + r.Key)
		if r.Prefix {
			title += "*"
		}
	} else {
		title += safe(p.where())
	}
	out = append(out, p.st.Title.Render(cut(title, w)))
	out = append(out, cut(expiryText(r.EffectiveExpiresAt, p.signedAt), w))
	if r.Warning != "" {
		out = append(out, wrapStyled(p.st.Warn, "! "+safe(oneLine(r.Warning)), w, 3)...)
	}
	if p.capped {
		out = append(out, p.st.Warn.Render(cut(fmt.Sprintf("! only the first %s objects under the prefix were signed", groupThousands(maxRecursive)), w)))
	}
	if p.ledgerErr != nil {
		out = append(out, p.st.Warn.Render(cut("! not recorded in the share ledger: "+safe(oneLine(p.ledgerErr.Error())), w)))
	}
	switch {
	case p.clip == nil:
		out = append(out, p.st.Dim.Render(cut("copying…", w)))
	default:
		line, failed := clipReport(p.clipWhat, *p.clip)
		if failed {
			out = append(out, wrapStyled(p.st.Error, safe(oneLine(line)), w, 3)...)
		} else {
			out = append(out, wrapStyled(p.st.Status, safe(oneLine(line)), w, 2)...)
			if p.clip.Warning != "" {
				out = append(out, wrapStyled(p.st.Warn, "! "+safe(oneLine(p.clip.Warning)), w, 3)...)
			}
		}
	}
	switch p.stage {
	case stageExportPath:
		out = append(out, cut(p.st.Title.Render("export to:")+" "+p.export.View(), w))
		if p.exportMsg != "" {
			out = append(out, p.st.Error.Render(cut(safe(oneLine(p.exportMsg)), w)))
		} else {
			out = append(out, p.st.Dim.Render(cut("a .json or .csv file; enter writes it, esc cancels", w)))
		}
	case stageExportConfirm:
		out = append(out, p.st.Warn.Render(cut(safe(p.exportAt)+" exists: overwrite it? y/n", w)))
	default:
		if p.exportMsg != "" {
			st := p.st.Status
			if p.exportErr {
				st = p.st.Error
			}
			out = append(out, st.Render(cut(safe(oneLine(p.exportMsg)), w)))
		}
	}
	return append(out, "")
}

// where names the batch: its bucket and the common prefix of its keys.
func (p *sharePanel) where() string {
	if p.kind == kindPrefix {
		return "s3://" + p.targets[0].Bucket + "/" + p.targets[0].Key
	}
	return "s3://" + p.targets[0].Bucket + "/" + p.common
}

// commonDir is the longest "dir/" every result's key starts with.
func commonDir(rs []presign.Result) string {
	if len(rs) == 0 {
		return ""
	}
	pre := rs[0].Key[:strings.LastIndex(rs[0].Key, "/")+1]
	for _, r := range rs[1:] {
		for !strings.HasPrefix(r.Key, pre) {
			pre = pre[:strings.LastIndex(strings.TrimSuffix(pre, "/"), "/")+1]
		}
	}
	return pre
}

// expiryText is "expires 2026-11-28 14:05 UTC (in 23h59m)".
func expiryText(end, now time.Time) string {
	s := "expires " + end.UTC().Format("2006-01-02 15:04 UTC")
	if d := end.Sub(now); d > 0 {
		left := presign.FormatDuration(d.Truncate(time.Minute))
		if d < time.Minute {
			left = presign.FormatDuration(d)
		}
		s += " (in " + left + ")"
	} else {
		s += " (expired)"
	}
	return s
}

// scrollHeight is how many link lines fit under the header.
func (p *sharePanel) scrollHeight() int {
	if p.results == nil {
		return p.height
	}
	return max(1, p.height-len(p.header()))
}

// startExport asks for the file to export to.
func (p *sharePanel) startExport() {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 4096
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Width = max(1, p.width-len("export to: ")-1)
	in.SetValue("./s3share-links-" + p.env.now().UTC().Format("20060102-150405") + ".json")
	in.CursorEnd()
	in.Focus()
	p.export = in
	p.exportMsg, p.exportErr = "", false
	p.stage = stageExportPath
}

func (p *sharePanel) exportKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, p.keys.App.Close):
		p.stage, p.exportMsg = stageResult, ""
		return nil
	case key.Matches(msg, p.keys.Form.Submit):
		p.exportMsg = ""
		return exportLinks(p.id, p.export.Value(), p.results, false)
	}
	var cmd tea.Cmd
	p.export, cmd = p.export.Update(msg)
	p.exportMsg = ""
	return cmd
}

func (p *sharePanel) confirmKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, confirmYes):
		p.stage = stageExportPath
		return exportLinks(p.id, p.exportAt, p.results, true)
	case key.Matches(msg, confirmNo):
		p.stage = stageExportPath
		p.exportMsg = "not overwritten: choose another name"
	}
	return nil
}

func (p *sharePanel) exported(msg exportedMsg) {
	switch {
	case msg.exists:
		p.exportAt = msg.path
		p.stage = stageExportConfirm
	case msg.err != nil:
		p.stage = stageExportPath
		p.exportMsg = msg.err.Error()
	default:
		p.stage = stageResult
		p.exportMsg, p.exportErr = "exported "+plural(msg.n, "link", "links")+" to "+msg.path, false
	}
}

// View draws the form, the signing notice or the result.
func (p *sharePanel) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	switch p.stage {
	case stageForm:
		return block(p.formLines(), p.width, p.height)
	case stageSigning:
		what := "signing…"
		if p.kind == kindPrefix && p.methodNow() == presign.GET {
			what = "listing " + safe("s3://"+p.targets[0].Bucket+"/"+p.targets[0].Key) + " and signing… (esc cancels)"
		}
		return block([]string{p.st.Title.Render(cut(p.title(), p.width)), "", p.st.Dim.Render(cut(what, p.width))}, p.width, p.height)
	}
	lines := p.header()
	h := max(0, p.height-len(lines))
	for j := p.offset; j < min(p.totalLines(), p.offset+h); j++ {
		lines = append(lines, p.lineAt(j))
	}
	return block(lines, p.width, p.height)
}

// title says what the panel shares.
func (p *sharePanel) title() string {
	t := p.targets[0]
	switch p.kind {
	case kindBatch:
		return "Share " + plural(len(p.targets), "marked object", "marked objects") + " in " + safe("s3://"+t.Bucket+"/"+t.Key[:strings.LastIndex(t.Key, "/")+1])
	case kindPrefix:
		return "Share " + safe("s3://"+t.Bucket+"/"+t.Key)
	}
	s := "Share " + safe("s3://"+t.Bucket+"/"+t.Key)
	if t.VersionID != "" {
		s += " · version " + safe(t.VersionID)
	}
	return s
}

// note explains what the chosen method makes.
func (p *sharePanel) note() string {
	switch p.methodNow() {
	case presign.GET:
		switch p.kind {
		case kindPrefix:
			return fmt.Sprintf("one download link per object under the prefix (recursive, at most %s); file names from each key", groupThousands(maxRecursive))
		case kindBatch:
			return "one download link per object, same options; file names from each key"
		}
		return "a download link"
	case presign.PUT:
		if p.kind == kindBatch {
			return "one upload link per object: whoever holds one can overwrite that key"
		}
		return "an upload link: whoever holds it can write this key until it expires"
	}
	return "a form upload (POST policy) for one key, or any key under a prefix/; max size default 5GiB"
}

// fieldLabel names a row.
func fieldLabel(f field, m presign.Method) string {
	switch f {
	case fieldMethod:
		return "Method"
	case fieldExpiry:
		return "Expires in"
	case fieldCustom:
		return "Custom expiry"
	case fieldDisposition:
		return "Disposition"
	case fieldFilename:
		return "File name"
	case fieldRespType:
		return "Content-Type"
	case fieldCacheControl:
		return "Cache-Control"
	case fieldVersion:
		return "Version"
	case fieldKey:
		if m == presign.POST {
			return "Key or prefix/"
		}
		return "Upload to key"
	case fieldContentType:
		return "Content-Type"
	case fieldMaxSize:
		return "Max size"
	}
	return ""
}

// formLines renders the form.
func (p *sharePanel) formLines() []string {
	w := p.width
	vw := max(1, w-2-labelW)
	lines := []string{
		p.st.Title.Render(cut(p.title(), w)),
		p.st.Dim.Render(cut(p.note(), w)),
		"",
	}
	m := p.methodNow()
	for _, f := range p.fields() {
		focused := f == p.focus
		lead := "  "
		label := fit(fieldLabel(f, m), labelW)
		if focused {
			lead = "> "
			label = p.st.Title.Render(label)
		}
		var v string
		switch f {
		case fieldMethod:
			names := make([]string, len(p.methods))
			for i, x := range p.methods {
				names[i] = string(x)
			}
			v = choiceRow(p.st, names, p.method, focused)
		case fieldExpiry:
			v = choiceRow(p.st, p.expiry.labels(), p.expiry.sel, focused)
		case fieldCustom:
			v = p.expiry.input.View()
		case fieldDisposition:
			v = choiceRow(p.st, dispositions, p.disp, focused)
		default:
			v = p.inputs[f].View()
		}
		lines = append(lines, cut(lead+label+cut(v, vw), w))
		if e := p.errs[f]; e != "" {
			wrapped := strings.Split(ansi.Wrap(safe(oneLine(e)), vw, ""), "\n")
			if len(wrapped) > 3 {
				wrapped = wrapped[:3]
			}
			for _, l := range wrapped {
				lines = append(lines, p.st.Error.Render(cut(strings.Repeat(" ", 2+labelW)+l, w)))
			}
		} else if f == fieldCustom && p.expiry.ends != "" {
			lines = append(lines, p.st.Dim.Render(cut(strings.Repeat(" ", 2+labelW)+p.expiry.ends, w)))
		}
	}
	lines = append(lines, "")
	if p.formErr != "" {
		lines = append(lines, p.st.Error.Render(cut(safe(oneLine(p.formErr)), w)))
	} else {
		lines = append(lines, p.st.Dim.Render(cut("enter signs and copies · esc closes without signing", w)))
	}
	return lines
}

// ShortHelp is the footer's help for the current stage.
func (p *sharePanel) ShortHelp() []key.Binding {
	k := p.keys
	switch p.stage {
	case stageForm:
		switch p.focus {
		case fieldExpiry:
			return []key.Binding{k.Form.Left, k.Form.Right, pickKeys, k.Form.Next, k.Form.Submit, k.App.Close}
		case fieldMethod, fieldDisposition:
			return []key.Binding{k.Form.Left, k.Form.Right, k.Form.Next, k.Form.Submit, k.App.Close}
		}
		return []key.Binding{k.Form.Next, k.Form.Prev, k.Form.Submit, k.App.Close}
	case stageSigning:
		return []key.Binding{k.App.Close}
	case stageExportPath:
		return []key.Binding{withHelp(k.Form.Submit, "export"), k.App.Close}
	case stageExportConfirm:
		return []key.Binding{confirmYes, confirmNo}
	}
	return []key.Binding{withHelp(k.Form.Submit, "copy again"), k.Share.CopyCurl, k.Share.Export, k.Nav.Down, k.App.Close}
}

// FullHelp is the help screen's columns.
func (p *sharePanel) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{
		{k.Form.Next, k.Form.Prev, k.Form.Left, k.Form.Right, pickKeys, k.Form.Submit, k.App.Close},
		{k.Share.CopyCurl, k.Share.Export, k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown},
	}
}

// withHelp is b with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// exportLinks writes the links to a .json or .csv file, mode 0600. An
// existing file is only replaced when overwrite is set; otherwise the
// answer says it exists.
func exportLinks(id int, file string, results []presign.Result, overwrite bool) tea.Cmd {
	return func() tea.Msg {
		out := exportedMsg{id: id, n: len(results)}
		abs, data, err := exportData(file, results)
		out.path = abs
		if err != nil {
			out.err = err
			return out
		}
		if !overwrite {
			f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				out.exists = true
				return out
			}
			if err != nil {
				out.err = fmt.Errorf("export: %w", err)
				return out
			}
			_, err = f.Write(data)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(abs)
				out.err = fmt.Errorf("export: %w", err)
			}
			return out
		}
		if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
			out.err = fmt.Errorf("export: %s is a directory", abs)
			return out
		}
		if err := replaceFile(abs, data); err != nil {
			out.err = fmt.Errorf("export: %w", err)
		}
		return out
	}
}

// exportData resolves the path (a leading ~/ is the home directory) and
// renders the links in the form its extension names.
func exportData(file string, results []presign.Result) (string, []byte, error) {
	file = strings.TrimSpace(file)
	if file == "" {
		return "", nil, errors.New("export: type a file name ending in .json or .csv")
	}
	if rest, ok := strings.CutPrefix(file, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", nil, fmt.Errorf("export: %w", err)
		}
		file = filepath.Join(home, rest)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", nil, fmt.Errorf("export: %w", err)
	}
	var data []byte
	switch strings.ToLower(filepath.Ext(abs)) {
	case ".json":
		data, err = linksJSON(results)
	case ".csv":
		data, err = linksCSV(results)
	default:
		return abs, nil, errors.New("export: name the file .json or .csv (that picks the format)")
	}
	if err != nil {
		return abs, nil, fmt.Errorf("export: %w", err)
	}
	return abs, data, nil
}

// linksJSON is the links as a JSON array, as `s3share presign -o json`
// prints them.
func linksJSON(results []presign.Result) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(results); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// linksCSV is the links as CSV with a header row. A key that a spreadsheet
// would run as a formula (starting with = + - @, tab or CR) gets a leading
// single quote, as OWASP advises for CSV meant to be opened in one.
func linksCSV(results []presign.Result) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"method", "bucket", "key", "url", "expires_at", "effective_expires_at", "headers"})
	for _, r := range results {
		names := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			names = append(names, k)
		}
		slices.Sort(names)
		hs := make([]string, len(names))
		for i, k := range names {
			hs[i] = k + ": " + r.Headers[k]
		}
		k := r.Key
		if k != "" && strings.ContainsRune("=+-@\t\r", rune(k[0])) {
			k = "'" + k
		}
		w.Write([]string{string(r.Method), r.Bucket, k, r.URL,
			r.ExpiresAt.UTC().Format(time.RFC3339), r.EffectiveExpiresAt.UTC().Format(time.RFC3339), strings.Join(hs, "; ")})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// replaceFile writes data to a temporary file (0600) beside path and
// renames it over path.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

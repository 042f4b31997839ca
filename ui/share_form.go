package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign"
)

// shareKind is what the share panel was opened on.
type shareKind int

const (
	kindObject shareKind = iota // one object, or one version of it
	kindPrefix                  // a prefix: GET signs every object under it
	kindBatch                   // several marked objects
	kindUpload                  // a bucket or prefix to upload into: PUT or POST
)

// shareStage is where the share panel is.
type shareStage int

const (
	stageForm          shareStage = iota
	stageChecking                 // a PUT's key is looked up (HEAD) before signing
	stageSigning                  // the sign command is running
	stageAskBatch                 // more than askAbove links were made: show and record them?
	stageAskShort                 // the signing credentials end before the expiry: shorten, keep or back?
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
	batchYes   = key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "make them"))
	batchNo    = key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "back to the form"))
)

// askAbove is the most links a share makes without asking first.
const askAbove = 1000

// sharePanel makes presigned links: a form (method, expiry, the method's
// options), then the links, copied to the clipboard and always shown as
// plain text, wrapped to the width, so they can be selected with the mouse.
type sharePanel struct {
	panelBase
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
	// prefilled holds, for fields prefilled from the store (the key, the
	// version id), the store's value and the field's text as set: the
	// field shows the value escaped, and while its text is unchanged the
	// value itself, not its escaped rendering, is what gets signed.
	prefilled map[field][2]string
	errs      map[field]string // a field's problem, shown under it
	formErr   string           // why signing was refused or failed
	// checked is the bucket/key a PUT was last checked for: enter signs
	// without a new HEAD while the key stays the same. formWarn says the
	// key exists (or could not be checked) and enter signs anyway.
	checked  string
	formWarn string
	// about says what is shared (size, type; count and total for a
	// batch), worked out once when the panel opens.
	about string
	// asked holds a big batch's links while the user is asked whether to
	// make them: nothing is shown, copied or recorded before y.
	asked  *linksSignedMsg
	cancel context.CancelFunc

	results   []presign.Result
	checks    linkChecks  // the GET links' check (share_check.go)
	watch     uploadWatch // the upload link's watch (share_watch.go)
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
	gw        gatewayForm // gateway links (share_gateway.go)
	up        uploadReq   // upload requests (share_uploadreq.go)

	width, height int
}

// openShare opens the share panel for targets.
func openShare(s *session, targets []ShareTarget) tea.Cmd {
	if len(targets) == 0 {
		return status("nothing to share", true)
	}
	if s.client == nil {
		return status("sharing needs a store connection", true)
	}
	return pushPanel(newSharePanel(s, targets), nil)
}

func newSharePanel(s *session, targets []ShareTarget) *sharePanel {
	p := &sharePanel{
		panelBase: panelBase{id: s.nextID(), s: s},
		keys:      s.keys,
		st:        s.styles,
		targets:   targets,
		inputs:    map[field]*textinput.Model{},
		prefilled: map[field][2]string{},
		errs:      map[field]string{},
		expiry:    newExpiryPicker(s.prefs, s.lastExpiry),
	}
	t := targets[0]
	switch {
	case t.Upload:
		p.kind = kindUpload
		p.methods = []presign.Method{presign.PUT, presign.POST}
	case t.VersionID != "":
		p.kind = kindObject // a version is only downloaded
		p.methods = []presign.Method{presign.GET}
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
	if d := strings.ToLower(s.prefs.DefaultDisposition); d == presign.Attachment {
		p.disp = 1
	}
	for _, f := range textFields {
		in := newTextField(1024)
		p.inputs[f] = &in
	}
	// Prefills come from the store. The file name is only a name, so it
	// is sanitised; the key and version show escaped (prefill) but sign
	// the store's own bytes unless typed over.
	p.inputs[fieldFilename].SetValue(string(typeable([]rune(presign.SafeFilename(t.Key)))))
	p.inputs[fieldRespType].Placeholder = "as stored"
	p.inputs[fieldCacheControl].Placeholder = "as stored"
	p.inputs[fieldVersion].Placeholder = "latest"
	p.prefill(fieldVersion, t.VersionID)
	p.prefill(fieldKey, t.Key)
	p.inputs[fieldKey].Placeholder = "any key in the bucket"
	if p.kind == kindUpload {
		p.inputs[fieldKey].Placeholder = "the key to upload to"
	}
	if p.kind == kindBatch {
		p.inputs[fieldContentType].Placeholder = "from each key's extension"
	} else {
		p.inputs[fieldContentType].Placeholder = "any (not signed)"
		if !t.IsPrefix || t.Upload {
			p.inputs[fieldContentType].SetValue(presign.TypeOf(t.Key))
		}
	}
	p.inputs[fieldMaxSize].Placeholder = "5GiB"
	for _, in := range p.inputs {
		in.CursorEnd()
	}
	p.about = aboutTargets(p.kind, targets)
	p.focus = fieldMethod
	p.gatewayInit(s)
	p.validate(s.now())
	return p
}

// aboutTargets sums up what a share panel is opened on: an object's size
// and type (from its name), a batch's total size.
func aboutTargets(kind shareKind, targets []ShareTarget) string {
	switch kind {
	case kindObject:
		t := targets[0]
		parts := []string{humanSize(t.Size)}
		if ty := presign.TypeOf(t.Key); ty != "" {
			parts = append(parts, ty)
		}
		return strings.Join(parts, " · ")
	case kindBatch:
		var total int64
		for _, t := range targets {
			total += t.Size
		}
		return humanSize(total) + " in all"
	}
	return ""
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
	case methodGateway:
		f = append(f, p.gatewayFields()...)
	case methodUploadRequest:
		f = append(f, uploadFields...)
	}
	return f
}

func isText(f field) bool {
	return f == fieldCustom || (f >= fieldFilename && f <= fieldMaxSize) || f == fieldMaxDownloads || f == fieldPassword || isUploadText(f)
}

// value is field f's value: the store's own bytes for a prefilled field
// left as it was, else the text typed, trimmed.
func (p *sharePanel) value(f field) string {
	v := p.inputs[f].Value()
	if pre, ok := p.prefilled[f]; ok && v == pre[1] {
		return pre[0]
	}
	return strings.TrimSpace(v)
}

// prefill shows the store's value v in field f, escaped, and keeps v to
// sign while the field is left unchanged. The field takes the whole
// escaped text, however long.
func (p *sharePanel) prefill(f field, v string) {
	in := p.inputs[f]
	shown := safe(v)
	in.CharLimit = max(in.CharLimit, len([]rune(shown)))
	in.SetValue(shown)
	p.prefilled[f] = [2]string{v, in.Value()}
}

// Typing reports whether a text field has the keyboard: the form's text
// fields, and the export's path and overwrite question.
func (p *sharePanel) Typing() bool {
	switch p.stage {
	case stageForm:
		return isText(p.focus)
	case stageExportPath, stageExportConfirm, stageAskBatch, stageAskShort:
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

// Update handles keys and the panel's own messages.
func (p *sharePanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case linksSignedMsg:
		if msg.id == p.id {
			return p.signed(msg)
		}
	case gatewaySharedMsg:
		if msg.id == p.id && p.stage == stageSigning {
			return p.gatewayShared(msg)
		}
	case uploadRequestMadeMsg:
		if msg.id == p.id && p.stage == stageSigning {
			return p.uploadRequestMade(msg)
		}
	case uploadPolledMsg:
		if msg.id == p.id {
			return p.uploadPolled(msg)
		}
	case uploadPollTickMsg:
		if msg.id == p.id {
			return p.uploadPollTick(msg)
		}
	case headCheckedMsg:
		if msg.id == p.id && p.stage == stageChecking {
			return p.headChecked(msg)
		}
	case clipboardResultMsg:
		if msg.id == p.id {
			p.clipWhat, p.clip = msg.what, &msg.res
		}
	case linksCheckedMsg:
		if msg.id == p.id {
			p.linksChecked(msg)
		}
	case uploadSeenMsg:
		if msg.id == p.id {
			return p.uploadSeen(msg)
		}
	case watchTickMsg:
		if msg.id == p.id {
			return p.watchTick(msg)
		}
	case exportedMsg:
		if msg.id == p.id {
			p.exported(msg)
		}
	case tea.MouseMsg:
		if p.stage >= stageResult {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				p.scroll(-wheelStep)
			case tea.MouseButtonWheelDown:
				p.scroll(wheelStep)
			}
		}
	case tea.KeyMsg:
		if p.stage == stageAskBatch {
			return p.askKey(msg)
		}
		if p.stage == stageAskShort {
			return p.shortKey(msg)
		}
		if p.stage == stageChecking {
			if key.Matches(msg, p.keys.App.Close) {
				p.stage, p.checked = stageForm, "" // back to the form
			}
			return nil
		}
		if p.stage <= stageResult && key.Matches(msg, p.keys.App.Close) {
			if p.cancel != nil {
				p.cancel() // closed while signing: nothing is recorded; or watching
			}
			if p.checks.cancel != nil {
				p.checks.cancel() // a check under way
			}
			return popPanel(p.id)
		}
		switch p.stage {
		case stageForm:
			return p.formKey(msg)
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
	case key.Matches(msg, k.Form.Submit):
		return p.submit()
	case key.Matches(msg, k.Form.Next):
		p.moveFocus(1)
		return nil
	case key.Matches(msg, k.Form.Prev):
		p.moveFocus(-1)
		return nil
	}
	now := p.s.now()
	defer p.validate(now)
	switch p.focus {
	case fieldMethod:
		was := p.methodNow()
		switch {
		case key.Matches(msg, k.Form.Left):
			p.method = max(0, p.method-1)
		case key.Matches(msg, k.Form.Right):
			p.method = min(len(p.methods)-1, p.method+1)
		}
		p.gatewaySwitch(was)
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
	case fieldUpVia:
		switch {
		case key.Matches(msg, k.Form.Left):
			p.up.via = 0
		case key.Matches(msg, k.Form.Right):
			p.up.via = 1
		}
	case fieldCustom:
		p.formErr = ""
		return p.expiry.update(msg)
	default:
		if in, ok := p.inputs[p.focus]; ok {
			p.formErr = ""
			old := p.value(fieldKey)
			var cmd tea.Cmd
			*in, cmd = in.Update(msg)
			if p.focus == fieldKey {
				p.keyEdited(old)
			}
			return cmd
		}
	}
	return nil
}

// keyEdited follows an edit of the key: the PUT Content-Type follows the
// key's extension unless the user typed another type, and the warning
// about an existing key goes with the key it was for.
func (p *sharePanel) keyEdited(old string) {
	now := p.value(fieldKey)
	if now == old {
		return
	}
	p.formWarn = ""
	ct := p.inputs[fieldContentType]
	if strings.TrimSpace(ct.Value()) == presign.TypeOf(old) {
		ct.SetValue(presign.TypeOf(now))
		ct.CursorEnd()
	}
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
	if p.methodNow() == methodGateway {
		p.validateGateway() // the gateway checks the rest
		return
	}
	if p.methodNow() == methodUploadRequest {
		p.validateUploadRequest()
		if !containsField(p.fields(), p.focus) {
			p.setFocus(fieldMethod)
		}
		return
	}
	// The share pipeline's own checks, in its words: the same input is
	// refused the same way by s3share presign.
	plan, err := p.form().Plan(now, presign.Defaults{})
	var fe *presign.FieldError
	switch {
	case errors.As(err, &fe):
		if f, ok := p.fieldOf(fe.Field); ok && f != fieldCustom {
			p.errs[f] = fe.Err.Error()
		}
	case err == nil && p.methodNow() != presign.GET && !(p.methodNow() == presign.PUT && p.kind == kindBatch):
		if err := plan.Check(p.shareTargets()[0]); err != nil {
			p.errs[fieldKey] = err.Error()
		}
	}
	// A field left focused but hidden by a change of method moves to the
	// method row.
	if !containsField(p.fields(), p.focus) {
		p.setFocus(fieldMethod)
	}
}

// fieldOf is the form row of a presign.Form field (FieldError.Field).
// The custom expiry shows the picker's own check of the same text.
func (p *sharePanel) fieldOf(name string) (field, bool) {
	switch name {
	case "expires":
		return fieldCustom, true
	case "disposition":
		return fieldDisposition, true
	case "filename":
		return fieldFilename, true
	case "content-type":
		if p.methodNow() == presign.GET {
			return fieldRespType, true
		}
		return fieldContentType, true
	case "cache-control":
		return fieldCacheControl, true
	case "version-id":
		return fieldVersion, true
	case "max-size":
		return fieldMaxSize, true
	}
	return 0, false
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
	now := p.s.now()
	p.validate(now)
	for _, f := range p.fields() {
		if e := p.errs[f]; e != "" {
			p.formErr = "not signed: " + fieldLabel(f, p.methodNow()) + ": " + e
			p.setFocus(f)
			return nil
		}
	}
	if p.methodNow() == methodGateway {
		return p.submitGateway()
	}
	if p.methodNow() == methodUploadRequest {
		return p.submitUploadRequest()
	}
	plan, err := p.form().Plan(now, presign.Defaults{})
	if err != nil {
		p.formErr = "not signed: " + err.Error()
		return nil
	}
	if p.methodNow() == presign.PUT && p.kind != kindBatch {
		// A PUT link replaces what is at its key: look first (HEAD),
		// and warn before signing over an object.
		t := p.shareTargets()[0]
		if at := t.Bucket + "/" + t.Key; p.checked != at {
			p.checked, p.formWarn, p.formErr = at, "", ""
			p.stage = stageChecking
			return headCmd(p.id, p.s.client, t.Bucket, t.Key)
		}
	}
	c := p.expiry.choice()
	p.s.lastExpiry = &c
	p.formErr = ""
	p.stage = stageSigning
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	return p.shareCmd(ctx, plan)
}

// View draws the form, the signing notice or the result.
func (p *sharePanel) View() string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	switch p.stage {
	case stageForm:
		return block(focusInView(p.formLines(), p.height), p.width, p.height)
	case stageAskShort:
		return block(p.shortLines(), p.width, p.height)
	case stageAskBatch:
		n := groupThousands(len(p.asked.results))
		return block([]string{p.st.Title.Render(cut(p.title(), p.width)), "",
			p.st.Warn.Render(cut("make "+n+" links? y makes them, n goes back to the form", p.width)),
			p.st.Dim.Render(cut("each is recorded in the share ledger; a link cannot be taken back", p.width))}, p.width, p.height)
	case stageChecking:
		t := p.shareTargets()[0]
		return block([]string{p.st.Title.Render(cut(p.title(), p.width)), "", p.st.Dim.Render(cut("checking whether "+safe("s3://"+t.Bucket+"/"+t.Key)+" exists…", p.width))}, p.width, p.height)
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
		return "Share " + plural(len(p.targets), "marked object", "marked objects") + " in " + safe("s3://"+t.Bucket+"/"+t.Key[:strings.LastIndex(t.Key, "/")+1]) + " · " + p.about
	case kindPrefix:
		return "Share " + safe("s3://"+t.Bucket+"/"+t.Key)
	case kindUpload:
		return "Upload link into " + safe("s3://"+t.Bucket+"/"+t.Key)
	}
	s := "Share " + safe("s3://"+t.Bucket+"/"+t.Key)
	if t.VersionID != "" {
		s += " · version " + safe(t.VersionID)
	}
	if p.about != "" {
		s += " · " + p.about
	}
	return s
}

// note explains what the chosen method makes.
func (p *sharePanel) note() string {
	switch p.methodNow() {
	case presign.GET:
		switch p.kind {
		case kindPrefix:
			return fmt.Sprintf("one download link per object under the prefix (recursive, at most %s); file names from each key", groupThousands(presign.MaxRecursive))
		case kindBatch:
			return "one download link per object, same options; file names from each key"
		}
		return "a download link"
	case presign.PUT:
		if p.kind == kindBatch {
			return "one upload link per object: whoever holds one can overwrite that key"
		}
		return "an upload link: whoever holds it can write this key until it expires"
	case methodGateway:
		return p.gatewayNote()
	case methodUploadRequest:
		return p.uploadRequestNote()
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
	return gatewayLabel(f)
}

// formLines renders the form.
func (p *sharePanel) formLines() []string {
	w := p.width
	vw := max(1, w-2-labelW)
	// The note takes a second line when it needs one and the panel has
	// room (the form scrolls to the focused field anyway).
	note := []string{p.st.Dim.Render(cut(p.note(), w))}
	if p.height >= 14 {
		note = wrapStyled(p.st.Dim, p.note(), w, 2)
	}
	lines := append([]string{p.st.Title.Render(cut(p.title(), w))}, note...)
	lines = append(lines, "")
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
			v = choiceRowFit(p.st, names, p.method, focused, vw)
		case fieldExpiry:
			v = choiceRow(p.st, p.expiry.labels(), p.expiry.sel, focused)
		case fieldCustom:
			v = p.expiry.input.View()
		case fieldDisposition:
			v = choiceRow(p.st, dispositions, p.disp, focused)
		case fieldUpVia:
			v = choiceRow(p.st, uploadVias, p.up.via, focused)
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
	lines = append(lines, p.ruleLines(w)...)
	lines = append(lines, "")
	if p.formWarn != "" {
		lines = append(lines, p.st.Warn.Render(cut(safe(oneLine(p.formWarn)), w)))
	}
	if p.formErr != "" {
		lines = append(lines, p.st.Error.Render(cut(safe(oneLine(p.formErr)), w)))
	} else if p.methodNow() == methodUploadRequest {
		lines = append(lines, p.st.Dim.Render(cut("enter makes the drop link and copies it · esc closes", w)))
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
		case fieldMethod, fieldDisposition, fieldUpVia:
			return []key.Binding{k.Form.Left, k.Form.Right, k.Form.Next, k.Form.Submit, k.App.Close}
		}
		return []key.Binding{k.Form.Next, k.Form.Prev, k.Form.Submit, k.App.Close}
	case stageSigning:
		return []key.Binding{k.App.Close}
	case stageAskBatch:
		return []key.Binding{batchYes, batchNo}
	case stageAskShort:
		return []key.Binding{shortenKey, keepKey, shortBack}
	case stageExportPath:
		return []key.Binding{withHelp(k.Form.Submit, "export"), k.App.Close}
	case stageExportConfirm:
		return []key.Binding{confirmYes, confirmNo}
	}
	if p.up.made != nil {
		return []key.Binding{withHelp(k.Form.Submit, "copy again"), k.Share.QR, k.Share.Print, k.Nav.Down, k.App.Close}
	}
	if len(p.results) > 0 && p.results[0].Method == presign.POST {
		return []key.Binding{withHelp(k.Form.Submit, "copy again"), k.Share.CopyCurl, k.Share.FormFile, k.Share.Print, k.Share.Export, k.App.Close}
	}
	return []key.Binding{withHelp(k.Form.Submit, "copy again"), k.Share.CopyCurl, k.Share.Print, k.Share.Export, k.App.Close}
}

// FullHelp is the help screen's columns.
func (p *sharePanel) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{
		{k.Form.Next, k.Form.Prev, k.Form.Left, k.Form.Right, pickKeys, k.Form.Submit, k.App.Close},
		{k.Share.CopyCurl, k.Share.Export, k.Share.FormFile, k.Share.Print, k.Share.QR, k.Share.Recheck, k.Share.Watch, k.Nav.Up, k.Nav.Down, k.Nav.PageUp, k.Nav.PageDown},
	}
}

// withHelp is b with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

package presign

import (
	"errors"

	"fmt"
	"github.com/s3share/s3share/config"
	"mime"
	"path"
	"strconv"
	"strings"
	"time"
)

// Form is a share's settings as a person gives them: the flags of
// `s3share presign` and the fields of the TUI's share form. Form.Plan
// checks them and makes the Plan, so the command line and the TUI accept
// and refuse the same input with the same words.
type Form struct {
	Method  string // GET (when empty), PUT or POST
	Expires string // a lifetime or an end time (ParseExpiry); "" for the default
	// GET: Content-Disposition kind (attachment or inline; "" for the
	// default, or attachment when Filename is given) and the file name
	// ("" names each key's base name).
	Disposition string
	Filename    string
	// ContentType is, for GET, the response Content-Type; for PUT the
	// Content-Type the uploader must send (signed); for POST the form's
	// Content-Type, or when it ends in "/" or "*" the prefix it must
	// start with.
	ContentType  string
	CacheControl string // GET: response Cache-Control
	VersionID    string // GET: a version of the object
	MaxSize      string // POST: largest upload (default MaxPOSTSize)
	MinSize      string // POST: smallest upload (default 0)
	BaseURL      string // links on this public base URL; "" for the store's
	Recursive    bool   // GET: every object under each prefix target
	// TypeFromKey signs, for PUT links with no ContentType, each key's
	// Content-Type from its extension.
	TypeFromKey bool
	// Rules set, key by key, the expiry and disposition of the GET links
	// of a batch or a recursive share (the config file's [[ui.rules]]).
	Rules []config.Rule
}

// Defaults are what a Form left empty falls back to: the config file's.
type Defaults struct {
	Expiry      time.Duration // 0 for DefaultExpiry
	Disposition string        // "" for none
}

// FieldError is a Form value that cannot be used. Field names it as the
// command line does (expires, max-size, disposition, …).
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Plan is what every link of one share has in common, checked: made by
// Form.Plan, used by Share.
type Plan struct {
	// Template is the request every link starts from: method, expiry,
	// response overrides, PUT and POST constraints.
	Template Request
	// DispositionKind, with NameFromKey, is the Content-Disposition
	// kind whose file name is each key's base name.
	DispositionKind string
	NameFromKey     bool
	TypeFromKey     bool // see Form.TypeFromKey
	Recursive       bool
	BaseURL         string // checked by ParseBaseURL; "" for the store's
	// Options are the settings as given, for the share ledger.
	Options map[string]string
	// Rules are the form's rules (see Form.Rules).
	Rules []config.Rule
}

// Method is the plan's link method.
func (p Plan) Method() Method { return p.Template.Method }

// Plan checks the form and makes the plan. now places an end time typed
// without a zone (its location) and must be the time of signing, give
// or take the moments between.
func (f Form) Plan(now time.Time, def Defaults) (Plan, error) {
	m := GET
	if strings.TrimSpace(f.Method) != "" {
		var err error
		if m, err = ParseMethod(f.Method); err != nil {
			return Plan{}, &FieldError{"method", err}
		}
	}
	if err := f.appliesTo(m); err != nil {
		return Plan{}, err
	}
	p := Plan{Template: Request{Method: m}, Recursive: f.Recursive, TypeFromKey: f.TypeFromKey && m == PUT, Options: map[string]string{}, Rules: f.Rules}

	exp := In(DefaultExpiry)
	if def.Expiry > 0 {
		exp = In(def.Expiry)
	}
	if strings.TrimSpace(f.Expires) != "" {
		var err error
		if exp, err = ParseExpiry(f.Expires, now); err != nil {
			return Plan{}, &FieldError{"expires", err}
		}
	}
	p.Template.Expires = exp
	p.Options["expires"] = exp.String()

	if f.BaseURL != "" {
		if _, err := ParseBaseURL(f.BaseURL); err != nil {
			return Plan{}, &FieldError{"base-url", err}
		}
		p.BaseURL = f.BaseURL
	}

	switch m {
	case GET:
		if err := p.getOptions(f, def); err != nil {
			return Plan{}, err
		}
	case PUT:
		p.Template.ContentType = strings.TrimSpace(f.ContentType)
	case POST:
		if err := p.postOptions(f); err != nil {
			return Plan{}, err
		}
	}
	for k, v := range map[string]string{"content-type": f.ContentType, "cache-control": f.CacheControl, "version-id": f.VersionID, "base-url": f.BaseURL} {
		if v = strings.TrimSpace(v); v != "" {
			p.Options[k] = v
		}
	}
	return p, nil
}

// appliesTo refuses options that the method m cannot use.
func (f Form) appliesTo(m Method) error {
	for _, o := range []struct {
		name, value string
		want        Method
	}{
		{"disposition", f.Disposition, GET},
		{"filename", f.Filename, GET},
		{"cache-control", f.CacheControl, GET},
		{"version-id", f.VersionID, GET},
		{"max-size", f.MaxSize, POST},
		{"min-size", f.MinSize, POST},
	} {
		if strings.TrimSpace(o.value) != "" && m != o.want {
			return &FieldError{o.name, fmt.Errorf("--%s applies to %s links, not %s", o.name, o.want, m)}
		}
	}
	if f.Recursive && m != GET {
		return &FieldError{"recursive", fmt.Errorf("--recursive applies to GET links, not %s", m)}
	}
	if f.Recursive && strings.TrimSpace(f.VersionID) != "" {
		return &FieldError{"version-id", errors.New("--version-id names one object's version; it cannot go with --recursive")}
	}
	return nil
}

func (p *Plan) getOptions(f Form, def Defaults) error {
	kind := strings.TrimSpace(f.Disposition)
	name := strings.TrimSpace(f.Filename)
	if kind == "" && name != "" {
		kind = Attachment
	}
	if kind == "" {
		kind = def.Disposition
	}
	if kind != "" {
		// Check the kind now, with the file name when one is given.
		d, err := ContentDisposition(kind, name)
		if err != nil {
			return &FieldError{"disposition", err}
		}
		kind = strings.ToLower(kind)
		p.Options["disposition"] = kind
		if name != "" {
			p.Template.ResponseContentDisposition = d
			p.Options["filename"] = name
		} else {
			p.DispositionKind, p.NameFromKey = kind, true
		}
	}
	p.Template.ResponseContentType = strings.TrimSpace(f.ContentType)
	p.Template.ResponseCacheControl = strings.TrimSpace(f.CacheControl)
	p.Template.VersionID = strings.TrimSpace(f.VersionID)
	return nil
}

func (p *Plan) postOptions(f Form) error {
	ct := strings.TrimSpace(f.ContentType)
	if strings.HasSuffix(ct, "*") || strings.HasSuffix(ct, "/") {
		p.Template.ContentType = strings.TrimSuffix(ct, "*")
		p.Template.ContentTypePrefix = true
	} else {
		p.Template.ContentType = ct
	}
	maxSize, err := CheckMaxSize(f.MaxSize)
	if err != nil {
		return &FieldError{"max-size", err}
	}
	var minSize int64
	if v := strings.TrimSpace(f.MinSize); v != "" {
		if minSize, err = ParseSize(v); err != nil {
			return &FieldError{"min-size", err}
		}
		if minSize > maxSize {
			return &FieldError{"min-size", fmt.Errorf("min size %s is larger than the max size (%d bytes)", v, maxSize)}
		}
	}
	p.Template.MaxSize, p.Template.MinSize = maxSize, minSize
	p.Options["max-size"] = strconv.FormatInt(maxSize, 10)
	if minSize > 0 {
		p.Options["min-size"] = strconv.FormatInt(minSize, 10)
	}
	return nil
}

// CheckMaxSize reads a POST policy's largest upload: "" is MaxPOSTSize;
// 0 and anything above MaxPOSTSize (the most S3 takes in one POST) are
// refused.
func CheckMaxSize(s string) (int64, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return MaxPOSTSize, nil
	}
	n, err := ParseSize(v)
	switch {
	case err != nil:
		return 0, err
	case n == 0:
		return 0, fmt.Errorf("max size %s allows no upload at all", v)
	case n > MaxPOSTSize:
		return 0, fmt.Errorf("max size %s is more than S3 takes in one POST upload (5GiB); use a PUT link or a multipart upload for larger files", v)
	}
	return n, nil
}

// Target is one thing to share: an object, or a prefix (a key ending in
// "/", or "" for the whole bucket).
type Target struct {
	Bucket string
	Key    string
}

// IsPrefix reports whether the target names a prefix rather than a key.
func (t Target) IsPrefix() bool { return t.Key == "" || strings.HasSuffix(t.Key, "/") }

func (t Target) String() string { return "s3://" + t.Bucket + "/" + t.Key }

// Request is the link request for one key (or, for POST, key or prefix)
// of the plan: the template with the key's own file name and type.
func (p Plan) Request(bucket, key string) (Request, error) {
	req := p.Template
	req.Bucket, req.Key = bucket, key
	if p.Method() == POST {
		req.KeyIsPrefix = key == "" || strings.HasSuffix(key, "/")
	}
	if p.NameFromKey {
		d, err := ContentDisposition(p.DispositionKind, key)
		if err != nil {
			return Request{}, err
		}
		req.ResponseContentDisposition = d
	}
	if p.TypeFromKey && req.ContentType == "" {
		req.ContentType = TypeOf(key)
	}
	return req, nil
}

// TypeOf is the media type a key's extension suggests, "" when none:
// without parameters ("text/plain", not "text/plain; charset=utf-8"), as
// an uploader would send it. The first call reads the system's MIME
// tables; call LoadTypes before a UI starts so that none of its updates
// waits on a file.
func TypeOf(key string) string {
	t := mime.TypeByExtension(path.Ext(key))
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return t
}

// LoadTypes reads the system's MIME tables now rather than on the first
// TypeOf.
func LoadTypes() { mime.TypeByExtension(".txt") }

package presign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/minio/minio-go/v7/pkg/signer"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/sanitize"
)

// Method is the HTTP method a link is made for.
type Method string

// The link kinds.
const (
	GET  Method = "GET"  // download, with optional response overrides
	PUT  Method = "PUT"  // upload one object, with signed headers
	POST Method = "POST" // browser/curl form upload under a policy
)

// ParseMethod accepts GET, PUT or POST in any case.
func ParseMethod(s string) (Method, error) {
	switch m := Method(strings.ToUpper(strings.TrimSpace(s))); m {
	case GET, PUT, POST:
		return m, nil
	}
	return "", fmt.Errorf("method %q: want GET, PUT or POST", sanitize.Bounded(s))
}

// Request describes one link to sign.
type Request struct {
	Method Method // GET when empty
	Bucket string
	// Key is the object key. For POST with KeyIsPrefix it is the prefix
	// every uploaded key must start with ("" allows any key).
	Key         string
	KeyIsPrefix bool   // POST only
	Expires     Expiry // DefaultExpiry when zero
	// Region overrides the store's region for this bucket (a bucket's
	// region resolved elsewhere and cached); "" uses the store's.
	Region string

	// GET: response header overrides and a version to fetch.
	ResponseContentDisposition string // see ContentDisposition
	ResponseContentType        string
	ResponseCacheControl       string
	VersionID                  string

	// ContentType is, for PUT, the Content-Type the uploader must send
	// (signed) and, for POST, the pinned Content-Type field, or with
	// ContentTypePrefix the prefix it must start with.
	ContentType       string
	ContentTypePrefix bool // POST only
	// Headers are further headers a PUT uploader must send exactly (they
	// are signed), or POST form fields pinned by the policy, e.g.
	// "x-amz-meta-owner" or "Cache-Control".
	Headers map[string]string

	// PUT: one part of a multipart upload (both set, or neither).
	PartNumber int    // 1 to 10,000
	UploadID   string // as CreateMultipartUpload gave it

	// POST: content-length-range. MaxSize 0 puts no size condition in the
	// policy; MinSize is the smallest accepted body.
	MinSize, MaxSize int64
}

// Target is "s3://bucket/key" of the link ("…/prefix/*" for a POST
// policy for keys under a prefix).
func (r Result) Target() string {
	t := "s3://" + r.Bucket + "/" + r.Key
	if r.Prefix {
		t += "*"
	}
	return t
}

// Field is one POST form field, in the order it must be sent.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Result is a signed link and what the recipient needs to use it.
type Result struct {
	URL    string
	Method Method
	Bucket string
	Key    string // the key, or the prefix for a POST prefix policy
	Prefix bool   // Key is a prefix (POST)
	// SignedAt is the signing time (whole seconds, UTC).
	SignedAt time.Time
	// ExpiresAt is the end the link was signed for; EffectiveExpiresAt is
	// when it really stops working: earlier when the credentials that
	// signed it expire first.
	ExpiresAt          time.Time
	EffectiveExpiresAt time.Time
	// Warning is set when the link ends earlier than asked.
	Warning string
	// Identity is the access key id that signed the link, and SignedWith
	// the store's sign_with it came from ("" for the store's own).
	Identity   string
	SignedWith string
	// Headers (PUT) must be sent exactly as given.
	Headers map[string]string
	// Fields (POST) are sent as multipart form fields in this order, then
	// the file as the last part, named "file".
	Fields []Field
	// Share is set for a share gateway's link (s3share serve): the
	// share's id. Such a link answers with a redirect.
	Share string
	// Options are the link's own settings where they differ from its
	// share's: a rule's ("rule", "expires", "disposition"); nil for none.
	Options map[string]string
}

// Signer signs links for one store. It never touches the network: the
// region comes from the store or the request, the time from the clock.
// It keeps the credential scope per day and region and the host and path
// prefix per bucket, so signing many keys costs little more than the
// hashing itself. A Signer is safe for concurrent use.
//
// Links for a store with a PublicBaseURL are emitted with the base URL's
// scheme, host and path prefix and signed for the public host, with the
// canonical path the origin sees (without the base URL's path prefix).
// Such a link verifies only where the public host is a proxy or CDN that
// forwards the original Host header and the query string unchanged to the
// S3 endpoint and strips its path prefix; see the package documentation.
type Signer struct {
	accessKey    string
	secret       string
	token        string
	tokenQuery   string // token encoded for the query string
	credsExpires time.Time
	region       string
	store        config.Store // for VirtualHost

	scheme     string // of emitted links
	host       string // endpoint or public host, default port removed
	pathPrefix string // public base URL path, no trailing '/'
	public     bool
	// viaMinio computes each GET/PUT signature with minio-go's
	// PostPresignSignatureV4 (which derives the signing key anew every
	// time) instead of the cached key; tests and benchmarks compare both.
	viaMinio bool

	mu      sync.Mutex
	day     string
	scopes  map[string]*scope
	targets map[string]*target
}

type scope struct {
	scope     string    // 20260102/us-east-1/s3/aws4_request
	cred      string    // AKID/scope
	credQuery string    // cred encoded for the query string
	macs      sync.Pool // of HMAC-SHA256 hashes keyed with the day's signing key
}

// newScope derives the SigV4 signing key for the day and region,
// HMAC("AWS4"+secret, date) → region → "s3" → "aws4_request", and keeps
// HMAC hashes keyed with it (crypto/hmac caches the padded key state, so
// each further URL costs one HMAC over the string to sign and nothing
// else). Tests hold every signature to minio-go's PostPresignSignatureV4.
func newScope(accessKey, secret, day, region string) *scope {
	sc := &scope{scope: day + "/" + region + "/s3/aws4_request"}
	sc.cred = accessKey + "/" + sc.scope
	sc.credQuery = queryEscape(sc.cred)
	key := []byte("AWS4" + secret)
	for _, part := range []string{day, region, "s3", "aws4_request"} {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(part))
		key = m.Sum(nil)
	}
	sc.macs.New = func() any { return hmac.New(sha256.New, key) }
	return sc
}

type target struct {
	host      string // signed Host header value
	urlPrefix string // scheme://host/public-prefix
	path      string // canonical path of the bucket: "/bucket" or ""
}

// NewSigner prepares a Signer for st. It needs credentials; the store's
// PublicBaseURL, when set, must be an http(s) URL without query.
func NewSigner(st config.Store) (*Signer, error) {
	if st.Creds.Anonymous() {
		return nil, errors.New("no credentials to sign with: an access key id and a secret key are needed")
	}
	if st.Endpoint == nil || st.Endpoint.Host == "" {
		return nil, errors.New("the store has no endpoint")
	}
	region := st.Region
	if region == "" {
		region = config.DefaultRegion
	}
	s := &Signer{
		accessKey:    st.Creds.AccessKeyID,
		secret:       st.Creds.SecretAccessKey,
		token:        st.Creds.SessionToken,
		credsExpires: st.Creds.Expires,
		region:       region,
		store:        st,
		scheme:       st.Endpoint.Scheme,
		host:         stripDefaultPort(st.Endpoint.Scheme, st.Endpoint.Host),
		scopes:       map[string]*scope{},
		targets:      map[string]*target{},
	}
	if s.token != "" {
		s.tokenQuery = queryEscape(s.token)
	}
	if st.PublicBaseURL != "" {
		u, err := ParseBaseURL(st.PublicBaseURL)
		if err != nil {
			return nil, err
		}
		s.public = true
		s.scheme = u.Scheme
		s.host = stripDefaultPort(u.Scheme, u.Host)
		s.pathPrefix = strings.TrimRight(u.EscapedPath(), "/")
	}
	return s, nil
}

// ParseBaseURL checks a public base URL: http or https, a host, an
// optional path prefix, and no query, fragment or credentials.
func ParseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("base URL %q: %v", sanitize.Bounded(s), err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("base URL %q: scheme must be http or https", sanitize.Bounded(s))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("base URL %q has no host", sanitize.Bounded(s))
	}
	if u.User != nil {
		return nil, fmt.Errorf("base URL %q must not carry credentials", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, fmt.Errorf("base URL %q must not have a query or fragment", sanitize.Bounded(s))
	}
	return u, nil
}

func stripDefaultPort(scheme, host string) string {
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if scheme == "http" && p == "80" || scheme == "https" && p == "443" {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}

// Sign signs req now.
func (s *Signer) Sign(req Request) (Result, error) { return s.SignAt(req, time.Now()) }

// SignAt signs req as of now (cut to whole seconds): X-Amz-Date is now and
// the link lives until now plus the expiry.
func (s *Signer) SignAt(req Request, now time.Time) (Result, error) {
	t := now.UTC().Truncate(time.Second)
	if req.Method == "" {
		req.Method = GET
	}
	if err := s.check(&req); err != nil {
		return Result{}, err
	}
	d, err := req.Expires.lifetime(t)
	if err != nil {
		return Result{}, err
	}
	res := Result{
		Method:     req.Method,
		Bucket:     req.Bucket,
		Key:        req.Key,
		Prefix:     req.KeyIsPrefix,
		SignedAt:   t,
		ExpiresAt:  t.Add(d),
		Identity:   s.accessKey,
		SignedWith: s.store.SignedWith,
	}
	res.EffectiveExpiresAt = res.ExpiresAt
	if !s.credsExpires.IsZero() {
		if !s.credsExpires.After(t) {
			return Result{}, fmt.Errorf("the credentials expired at %s: get fresh ones before signing", s.credsExpires.UTC().Format(time.RFC3339))
		}
		if s.credsExpires.Before(res.ExpiresAt) {
			res.EffectiveExpiresAt = s.credsExpires.UTC()
			res.Warning = fmt.Sprintf("the link stops working at %s, %s before the %s asked for, when the temporary credentials that signed it expire",
				res.EffectiveExpiresAt.Format(time.RFC3339), FormatDuration(res.ExpiresAt.Sub(res.EffectiveExpiresAt)), res.ExpiresAt.Format(time.RFC3339))
		}
	}
	region := s.region
	if req.Region != "" {
		region = req.Region
	}
	sc, tg, err := s.cached(t, region, req.Bucket)
	if err != nil {
		return Result{}, err
	}
	switch req.Method {
	case POST:
		err = s.signPOST(&res, &req, sc, tg, t, region)
	default:
		err = s.signQuery(&res, &req, sc, tg, t, region, d)
	}
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// check validates req and normalises its headers. It needs nothing of
// the signer: Plan.Check uses it before any signer exists.
func (s *Signer) check(req *Request) error { return checkRequest(req) }

func checkRequest(req *Request) error {
	if err := checkBucket(req.Bucket); err != nil {
		return err
	}
	if !utf8.ValidString(req.Key) {
		return fmt.Errorf("key %q is not valid UTF-8", req.Key)
	}
	if len(req.Key) > 1024 {
		return fmt.Errorf("key is %d bytes long; S3 allows 1024", len(req.Key))
	}
	m := req.Method
	if req.KeyIsPrefix && m != POST {
		return fmt.Errorf("a %s link needs one key, not a prefix", m)
	}
	if !req.KeyIsPrefix {
		if req.Key == "" {
			return errors.New("no object key")
		}
		// A POST key travels in the form, not in the URL.
		if seg := dotSegment(req.Key); seg != "" && m != POST {
			return fmt.Errorf("key %q has a %q path segment: browsers and curl rewrite such URLs, so no link for it would work", req.Key, seg)
		}
	}
	for _, o := range [...]struct{ name, v string }{
		{"response content disposition", req.ResponseContentDisposition},
		{"response content type", req.ResponseContentType},
		{"response cache control", req.ResponseCacheControl},
		{"version id", req.VersionID},
		{"content type", req.ContentType},
	} {
		if o.v == "" {
			continue
		}
		if err := checkValue(o.v); err != nil {
			return fmt.Errorf("%s: %v", o.name, err)
		}
	}
	if (req.PartNumber != 0 || req.UploadID != "") && (m != PUT || req.PartNumber < 1 || req.PartNumber > 10000 || req.UploadID == "") {
		return errors.New("a part of a multipart upload is a PUT with a part number from 1 to 10000 and an upload id")
	}
	if err := checkValue(req.UploadID); req.UploadID != "" && err != nil {
		return fmt.Errorf("upload id: %v", err)
	}
	if m != GET && (req.ResponseContentDisposition != "" || req.ResponseContentType != "" ||
		req.ResponseCacheControl != "" || req.VersionID != "") {
		return fmt.Errorf("response overrides and version ids apply to GET links, not %s", m)
	}
	if m == GET && (req.ContentType != "" || len(req.Headers) > 0) {
		return errors.New("a GET link signs no request headers: use the response overrides instead")
	}
	if req.ContentTypePrefix && m != POST {
		return errors.New("a Content-Type prefix applies to POST policies only")
	}
	if m != POST && (req.MaxSize != 0 || req.MinSize != 0) {
		return fmt.Errorf("size limits apply to POST policies only; a %s link cannot limit the size", m)
	}
	if req.MinSize < 0 || req.MaxSize < 0 || (req.MaxSize > 0 && req.MinSize > req.MaxSize) {
		return fmt.Errorf("size range %d..%d is not valid", req.MinSize, req.MaxSize)
	}
	if req.MaxSize == 0 && req.MinSize > 0 {
		return errors.New("a minimum size needs a maximum size")
	}
	if len(req.Headers) > 0 {
		h := make(map[string]string, len(req.Headers))
		for k, v := range req.Headers {
			name := strings.ToLower(strings.TrimSpace(k))
			if err := checkHeaderName(name); err != nil {
				return err
			}
			if err := checkValue(v); err != nil {
				return fmt.Errorf("header %s: %v", name, err)
			}
			if _, dup := h[name]; dup {
				return fmt.Errorf("header %s given twice", name)
			}
			h[name] = trimAll(v)
		}
		if ct, ok := h["content-type"]; ok {
			if req.ContentType != "" && req.ContentType != ct {
				return errors.New("two different Content-Types given")
			}
			req.ContentType = ct
			delete(h, "content-type")
		}
		req.Headers = h
	}
	req.ContentType = trimAll(req.ContentType)
	return nil
}

// dotSegment returns "." or ".." when key has such a path segment.
func dotSegment(key string) string {
	for key != "" {
		seg, rest, _ := strings.Cut(key, "/")
		if seg == "." || seg == ".." {
			return seg
		}
		key = rest
	}
	return ""
}

// checkBucket accepts the names S3-compatible stores use: letters,
// digits, '.', '-', '_' and ':'.
func checkBucket(b string) error {
	if b == "" {
		return errors.New("no bucket name")
	}
	if len(b) > 255 {
		return fmt.Errorf("bucket name %.40q… is too long", b)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !unreserved(c) && c != ':' || c == '~' {
			return fmt.Errorf("bucket name %q: only letters, digits, '.', '-', '_' and ':' are allowed", b)
		}
	}
	return nil
}

func checkHeaderName(name string) error {
	if name == "" {
		return errors.New("empty header name")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return fmt.Errorf("header name %q is not an HTTP token", name)
		}
	}
	switch name {
	case "host", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
		"x-amz-algorithm", "x-amz-credential", "x-amz-signature", "x-amz-signedheaders", "x-amz-expires",
		"key", "policy", "file", "bucket":
		return fmt.Errorf("header %s is set by the signer and cannot be given", name)
	}
	return nil
}

// checkValue refuses values that could split a header or a line.
func checkValue(v string) error {
	if !utf8.ValidString(v) {
		return errors.New("value is not valid UTF-8")
	}
	for _, r := range v {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return fmt.Errorf("value %q holds a control character", v)
		}
	}
	return nil
}

// trimAll trims v and collapses inner runs of white space, as SigV4 does
// to header values before signing.
func trimAll(v string) string { return strings.Join(strings.Fields(v), " ") }

// cached returns the scope for t's day and region and the target for
// bucket, computing them once.
func (s *Signer) cached(t time.Time, region, bucket string) (*scope, *target, error) {
	var day [8]byte
	appendYMD(day[:0], t)
	s.mu.Lock()
	defer s.mu.Unlock()
	if string(day[:]) != s.day {
		s.day = string(day[:])
		clear(s.scopes)
	}
	sc := s.scopes[region]
	if sc == nil {
		sc = newScope(s.accessKey, s.secret, s.day, region)
		s.scopes[region] = sc
	}
	tg := s.targets[bucket]
	if tg == nil {
		tg = &target{host: s.host, urlPrefix: s.scheme + "://" + s.host + s.pathPrefix}
		if s.store.VirtualHost(bucket) {
			if strings.ContainsAny(bucket, "_:") || strings.ToLower(bucket) != bucket {
				return nil, nil, fmt.Errorf("bucket name %q cannot be part of a host name: use path-style addressing", bucket)
			}
			if !s.public {
				tg.host = bucket + "." + s.host
				tg.urlPrefix = s.scheme + "://" + tg.host
			}
		} else {
			tg.path = string(appendPath([]byte{'/'}, bucket))
		}
		s.targets[bucket] = tg
	}
	return sc, tg, nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

type header struct{ name, value string }

// signQuery signs a GET or PUT link with SigV4 query authentication.
func (s *Signer) signQuery(res *Result, req *Request, sc *scope, tg *target, t time.Time, region string, d time.Duration) error {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	b := (*bp)[:0]

	// The headers the recipient must send, host included, sorted.
	var hdrs []header
	signed := "host"
	signedQuery := "host"
	if req.Method == PUT && (req.ContentType != "" || len(req.Headers) > 0) {
		hdrs = append(hdrs, header{"host", tg.host})
		res.Headers = map[string]string{}
		if req.ContentType != "" {
			hdrs = append(hdrs, header{"content-type", req.ContentType})
			res.Headers["Content-Type"] = req.ContentType
		}
		for k, v := range req.Headers {
			hdrs = append(hdrs, header{k, v})
			res.Headers[canonicalName(k)] = v
		}
		sort.Slice(hdrs, func(i, j int) bool { return hdrs[i].name < hdrs[j].name })
		names := make([]string, len(hdrs))
		for i, h := range hdrs {
			names[i] = h.name
		}
		signed = strings.Join(names, ";")
		signedQuery = queryEscape(signed)
	}

	// Canonical request.
	b = append(b, req.Method...)
	b = append(b, '\n')
	p0 := len(b)
	b = append(b, tg.path...)
	b = append(b, '/')
	b = appendPath(b, req.Key)
	p1 := len(b)
	b = append(b, '\n')
	q0 := len(b)
	b = append(b, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="...)
	b = append(b, sc.credQuery...)
	b = append(b, "&X-Amz-Date="...)
	b = appendAmzDate(b, t)
	b = append(b, "&X-Amz-Expires="...)
	b = strconv.AppendInt(b, int64(d/time.Second), 10)
	if s.tokenQuery != "" {
		b = append(b, "&X-Amz-Security-Token="...)
		b = append(b, s.tokenQuery...)
	}
	b = append(b, "&X-Amz-SignedHeaders="...)
	b = append(b, signedQuery...)
	// The remaining parameters in byte order, after "X-Amz-…".
	if req.PartNumber > 0 {
		b = append(b, "&partNumber="...)
		b = strconv.AppendInt(b, int64(req.PartNumber), 10)
	}
	if v := req.ResponseCacheControl; v != "" {
		b = append(b, "&response-cache-control="...)
		b = appendQuery(b, v)
	}
	if v := req.ResponseContentDisposition; v != "" {
		b = append(b, "&response-content-disposition="...)
		b = appendQuery(b, v)
	}
	if v := req.ResponseContentType; v != "" {
		b = append(b, "&response-content-type="...)
		b = appendQuery(b, v)
	}
	if v := req.UploadID; v != "" {
		b = append(b, "&uploadId="...)
		b = appendQuery(b, v)
	}
	if v := req.VersionID; v != "" {
		b = append(b, "&versionId="...)
		b = appendQuery(b, v)
	}
	q1 := len(b)
	b = append(b, '\n')
	if hdrs == nil {
		b = append(b, "host:"...)
		b = append(b, tg.host...)
		b = append(b, '\n')
	}
	for _, h := range hdrs {
		b = append(b, h.name...)
		b = append(b, ':')
		b = append(b, h.value...)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, signed...)
	b = append(b, "\nUNSIGNED-PAYLOAD"...)
	sum := sha256.Sum256(b)

	// String to sign, after the canonical request in the same buffer.
	s0 := len(b)
	b = append(b, "AWS4-HMAC-SHA256\n"...)
	b = appendAmzDate(b, t)
	b = append(b, '\n')
	b = append(b, sc.scope...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, sum[:])
	s1 := len(b)
	if s.viaMinio {
		b = append(b, signer.PostPresignSignatureV4(string(b[s0:]), t, s.secret, region)...)
	} else {
		h := sc.macs.Get().(hash.Hash)
		h.Reset()
		h.Write(b[s0:])
		b = h.Sum(b)
		sc.macs.Put(h)
		b = hex.AppendEncode(b, b[s1:])
		s1 += sha256.Size
	}
	sig := b[s1:]
	*bp = b

	var u strings.Builder
	u.Grow(len(tg.urlPrefix) + (p1 - p0) + (q1 - q0) + len("?&X-Amz-Signature=") + len(sig))
	u.WriteString(tg.urlPrefix)
	u.Write(b[p0:p1])
	u.WriteByte('?')
	u.Write(b[q0:q1])
	u.WriteString("&X-Amz-Signature=")
	u.Write(sig)
	res.URL = u.String()
	return nil
}

// canonicalName writes a lower-case header name the usual way for display:
// content-type → Content-Type, x-amz-meta-a → X-Amz-Meta-A.
func canonicalName(k string) string {
	b := []byte(k)
	up := true
	for i, c := range b {
		if up && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '-'
	}
	return string(b)
}

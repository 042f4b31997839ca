// Package linkcheck proves a presigned link before it is sent: it fetches
// the exact link, as its recipient will, with a one-byte ranged GET and
// reports either what the recipient gets (status, the object's size and
// type, the Content-Disposition) or why the link fails, named from the
// store's answer: a Host rewritten by a proxy or CDN, clock skew, an
// identity that may sign but not read, no such key, an expired or invalid
// session token, the wrong region (and the right one), TLS, DNS, a
// refused connection.
//
// Upload links (PUT, POST) are not fetched: that would write. For them it
// checks what can be checked without writing and says what was not.
//
// The TUI and `s3share presign --check` / `s3share shares --check` use
// this one implementation.
package linkcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/dustin/go-humanize"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// Cause is why a link fails.
type Cause string

// The causes a check can name.
const (
	OK            Cause = ""
	HostRewritten Cause = "host rewritten"
	BadSignature  Cause = "signature does not match"
	ClockSkew     Cause = "clock skew"
	NoPermission  Cause = "no permission"
	NoSuchKey     Cause = "no such key"
	NoSuchBucket  Cause = "no such bucket"
	LinkExpired   Cause = "link expired"
	TokenExpired  Cause = "token expired"
	TokenInvalid  Cause = "token invalid"
	WrongRegion   Cause = "wrong region"
	TLS           Cause = "TLS"
	DNS           Cause = "DNS"
	Refused       Cause = "connection refused"
	Timeout       Cause = "timeout"
	Unchecked     Cause = "not checked"
	Other         Cause = "refused"
)

// Report is the outcome of one check. Every string in it is safe to
// show: what the store said is sanitised.
type Report struct {
	OK    bool   `json:"ok"`
	Cause Cause  `json:"cause,omitempty"` // OK when OK
	Why   string `json:"why,omitempty"`   // one line: what failed and what to do; "" when OK
	// GET links that work: what the recipient gets.
	Status      int    `json:"status,omitempty"`
	Size        int64  `json:"size"` // the object's size; -1 when the answer did not say
	ContentType string `json:"content_type,omitempty"`
	Disposition string `json:"disposition,omitempty"`
	// Checked and NotChecked say, for upload links, what the check
	// covered and what it could not without writing.
	Checked    []string `json:"checked,omitempty"`
	NotChecked []string `json:"not_checked,omitempty"`
}

// Line is the report in one line: "✓ 206 · 12 KB · image/png · inline;
// filename=…" or "✗ no such key: …".
func (r Report) Line() string {
	if !r.OK {
		return "✗ " + r.Why
	}
	if r.Status == 0 { // an upload link: what was checked
		s := "✓ " + strings.Join(r.Checked, "; ")
		if len(r.NotChecked) > 0 {
			s += " · not checked: " + strings.Join(r.NotChecked, "; ")
		}
		return s
	}
	parts := []string{"✓ " + strconv.Itoa(r.Status)}
	if r.Size >= 0 {
		parts = append(parts, humanize.IBytes(uint64(r.Size)))
	}
	if r.ContentType != "" {
		parts = append(parts, r.ContentType)
	}
	if r.Disposition != "" {
		parts = append(parts, r.Disposition)
	}
	return strings.Join(parts, " · ")
}

// Source is what a check needs of the store besides the link: the store
// as the signer saw it (for the bucket check of an upload link).
// *s3model.Client is one.
type Source interface {
	SigningStore(ctx context.Context, bucket string) (config.Store, error)
}

// Checker checks links of one store.
type Checker struct {
	fetch *s3model.Fetcher
	src   Source
	store config.Store
}

// New makes a checker for links of st, which fetches them with st's TLS
// settings and timeout. src, which may be nil, lets it check an upload
// link's bucket with the signing identity.
func New(st config.Store, src Source) (*Checker, error) {
	f, err := s3model.NewFetcher(st)
	if err != nil {
		return nil, err
	}
	return &Checker{fetch: f, src: src, store: st}, nil
}

// Check checks one link. It never writes: a GET link is fetched with
// Range: bytes=0-0; a PUT or POST link is checked without being used.
func (c *Checker) Check(ctx context.Context, r presign.Result) Report {
	switch r.Method {
	case presign.PUT, presign.POST:
		return c.checkUpload(ctx, r)
	}
	a, err := c.fetch.Fetch(ctx, "GET", r.URL, map[string]string{"Range": "bytes=0-0"})
	if err != nil {
		return transportReport(err)
	}
	return Diagnose(r, a)
}

// CheckAll checks the links, workers at a time, and returns their
// reports in order.
func (c *Checker) CheckAll(ctx context.Context, links []presign.Result, workers int) []Report {
	reps := make([]Report, len(links))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(1, workers), len(links)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				reps[i] = c.Check(ctx, links[i])
			}
		}()
	}
	for i := range links {
		next <- i
	}
	close(next)
	wg.Wait()
	return reps
}

// Diagnose reads the answer a to a GET of the link r.
func Diagnose(r presign.Result, a s3model.Answer) Report {
	switch {
	case a.Status == 200 || a.Status == 206:
		return Report{OK: true, Status: a.Status, Size: size(a),
			ContentType: bounded(sanitize.Text(a.Header.Get("Content-Type")), 200),
			Disposition: bounded(sanitize.Text(a.Header.Get("Content-Disposition")), 300)}
	case a.Status == 416:
		// An empty object has no byte 0; the store checked the link
		// before it looked at the range.
		return Report{OK: true, Status: a.Status, Size: 0,
			ContentType: sanitize.Text(a.Header.Get("Content-Type")),
			Disposition: sanitize.Text(a.Header.Get("Content-Disposition"))}
	}
	e := parseError(a.Body)
	if e.Region == "" {
		e.Region = a.Header.Get("X-Amz-Bucket-Region")
	}
	return explain(r, a.Status, e)
}

// size is the object's size from Content-Range ("bytes 0-0/1234"), or
// from Content-Length when the store sent the whole object.
func size(a s3model.Answer) int64 {
	if cr := a.Header.Get("Content-Range"); cr != "" {
		if _, total, ok := strings.Cut(cr, "/"); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(total), 10, 64); err == nil {
				return n
			}
		}
		return -1
	}
	if n, err := strconv.ParseInt(a.Header.Get("Content-Length"), 10, 64); err == nil && a.Status == 200 {
		return n
	}
	return -1
}

// s3Error is an S3 error document.
type s3Error struct {
	Code             string
	Message          string
	Region           string
	CanonicalRequest string
	StringToSign     string
}

func parseError(body []byte) s3Error {
	var e s3Error
	_ = xml.Unmarshal(body, &e) // no document: an answer without a code
	return e
}

// expectingRegion finds the region AWS names in its message: "the region
// 'us-east-1' is wrong; expecting 'eu-west-1'".
var expectingRegion = regexp.MustCompile(`expecting '([a-z0-9-]{1,40})'`)

// explain names the cause of a refusal.
func explain(r presign.Result, status int, e s3Error) Report {
	store := bounded(sanitize.Text(oneLine(strings.TrimSpace(e.Code+": "+e.Message))), 200)
	if e.Code == "" {
		store = fmt.Sprintf("HTTP %d", status)
	}
	who := "the identity that signed it"
	if r.Identity != "" {
		who = "the access key " + sanitize.Text(config.Credentials{AccessKeyID: r.Identity}.MaskedKeyID()) + " that signed it"
	}
	rep := func(c Cause, why string) Report {
		return Report{Size: -1, Cause: c, Status: status, Why: why + " (the store said " + store + ")"}
	}
	msg := strings.ToLower(e.Message)
	switch e.Code {
	case "SignatureDoesNotMatch":
		linkHost := hostOf(r.URL)
		if seen := canonicalHost(e.CanonicalRequest); seen != "" && linkHost != "" && !strings.EqualFold(seen, linkHost) {
			return rep(HostRewritten, fmt.Sprintf("Host rewritten by a proxy or CDN: the link is signed for %s, the store saw %s — have the proxy forward the original Host (nginx: proxy_set_header Host $host), or make links without a base URL",
				sanitize.Text(linkHost), sanitize.Text(seen)))
		}
		return rep(BadSignature, "the store does not accept the signature — a proxy or CDN in front of it may rewrite the Host header or the query string, or the secret key is wrong")
	case "RequestTimeTooSkewed", "RequestNotReadyYet":
		return rep(ClockSkew, "clock skew: this machine's clock is more than 15 minutes off the store's — sync it and sign again")
	case "ExpiredToken", "TokenRefreshRequired":
		return rep(TokenExpired, "the session token that signed the link has expired — sign again with fresh credentials, or sign with a long-lived key (sign_with)")
	case "InvalidToken":
		return rep(TokenInvalid, "the session token that signed the link is not valid at this store — sign with fresh temporary credentials, or with permanent keys and no session token")
	case "NoSuchKey":
		return rep(NoSuchKey, "no such key: the object is not there (deleted or renamed since?)")
	case "NoSuchVersion":
		return rep(NoSuchKey, "no such version of the object")
	case "NoSuchBucket":
		return rep(NoSuchBucket, "no such bucket")
	case "AuthorizationQueryParametersError", "AuthorizationHeaderMalformed", "PermanentRedirect", "IllegalLocationConstraintException", "InvalidRegion":
		region := e.Region
		if region == "" {
			if m := expectingRegion.FindStringSubmatch(e.Message); m != nil {
				region = m[1]
			}
		}
		if region != "" || e.Code != "AuthorizationQueryParametersError" {
			return rep(WrongRegion, regionWhy(r, region))
		}
	case "AccessDenied":
		switch {
		case strings.Contains(msg, "request has expired"):
			return rep(LinkExpired, "the link has expired")
		case strings.Contains(msg, "not valid yet") || strings.Contains(msg, "not yet valid"):
			return rep(ClockSkew, "clock skew: the link is dated in the store's future — this machine's clock is ahead; sync it and sign again")
		}
		return rep(NoPermission, who+" may sign but not read this object: grant it s3:GetObject on the bucket (or sign with an identity that can read it, sign_with)")
	case "InvalidAccessKeyId":
		return rep(NoPermission, "the store does not know "+who+" — it was deleted or rotated, or the link went to another store")
	}
	if status == 301 {
		return rep(WrongRegion, regionWhy(r, e.Region))
	}
	return rep(Other, fmt.Sprintf("the store refused the link with HTTP %d", status))
}

func regionWhy(r presign.Result, right string) string {
	signed := signedRegion(r.URL)
	s := "wrong region: the link is signed for " + sanitize.Text(signed)
	if right != "" {
		right = sanitize.Text(right)
		return s + ", the bucket is in " + right + " — set region = " + right + " (or --region " + right + ") and sign again"
	}
	return s + ", the bucket is in another region — set the bucket's region and sign again"
}

// signedRegion is the region of a link's X-Amz-Credential.
func signedRegion(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "?"
	}
	parts := strings.Split(u.Query().Get("X-Amz-Credential"), "/")
	if len(parts) == 5 {
		return parts[2]
	}
	return "?"
}

// hostOf is the Host a client sends for link: its host, without a
// default port.
func hostOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	h := u.Host
	if hh, p, err := net.SplitHostPort(h); err == nil && (u.Scheme == "http" && p == "80" || u.Scheme == "https" && p == "443") {
		h = hh
	}
	return h
}

// canonicalHost is the host: line of a canonical request the store
// reports with SignatureDoesNotMatch (AWS, MinIO and versitygw do).
func canonicalHost(cr string) string {
	for _, line := range strings.Split(cr, "\n") {
		if v, ok := strings.CutPrefix(line, "host:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// transportReport names why no answer came.
func transportReport(err error) Report {
	why := sanitize.Text(oneLine(err.Error()))
	var dnsErr *net.DNSError
	var te *s3model.TimeoutError
	var netErr net.Error
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr):
		return Report{Size: -1, Cause: DNS, Why: "DNS: " + why}
	case errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &invalid), errors.As(err, &record),
		strings.Contains(err.Error(), "tls:"), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return Report{Size: -1, Cause: TLS, Why: why}
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &opErr) && strings.Contains(opErr.Err.Error(), "connection refused"):
		return Report{Size: -1, Cause: Refused, Why: why}
	case errors.As(err, &te), errors.As(err, &netErr) && netErr.Timeout():
		return Report{Size: -1, Cause: Timeout, Why: why}
	}
	return Report{Size: -1, Cause: Other, Why: why}
}

// bounded cuts s (sanitised text) to at most n bytes, on a rune
// boundary, marking the cut: a store's message can be long.
func bounded(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// oneLine folds line breaks into spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkUpload checks a PUT or POST link without writing: the link has
// not expired; a POST policy's conditions fit the bucket and key or
// prefix; the bucket exists and answers the signing identity (HEAD of the
// bucket, signed by it).
func (c *Checker) checkUpload(ctx context.Context, r presign.Result) Report {
	rep := Report{Size: -1}
	if !r.EffectiveExpiresAt.IsZero() && !r.EffectiveExpiresAt.After(time.Now()) {
		return Report{Size: -1, Cause: LinkExpired, Why: "the link has expired"}
	}
	rep.Checked = append(rep.Checked, "not expired")
	if r.Method == presign.POST {
		if len(r.Fields) == 0 {
			rep.NotChecked = append(rep.NotChecked, "the POST policy (its form fields are not kept)")
		} else if err := presign.CheckPolicy(r, time.Now()); err != nil {
			return Report{Size: -1, Cause: Other, Why: "the POST policy does not fit: " + sanitize.Text(err.Error())}
		} else {
			rep.Checked = append(rep.Checked, "the POST policy fits the bucket and "+map[bool]string{true: "prefix", false: "key"}[r.Prefix])
		}
	}
	if c.src == nil {
		rep.NotChecked = append(rep.NotChecked, "the bucket")
	} else if err := c.headBucket(ctx, r.Bucket); err != nil {
		if st, ok := s3model.AsStoreError(err); ok {
			switch st.Code {
			case "NoSuchBucket":
				return Report{Size: -1, Cause: NoSuchBucket, Why: "no such bucket: " + sanitize.Text(r.Bucket)}
			case "AccessDenied", "Forbidden", "":
				if st.Status == 403 {
					return Report{Size: -1, Cause: NoPermission, Why: "the identity that signed the link may not reach the bucket " + sanitize.Text(r.Bucket) + " (HEAD bucket answered 403)"}
				}
			}
			if st.Status == 404 {
				return Report{Size: -1, Cause: NoSuchBucket, Why: "no such bucket: " + sanitize.Text(r.Bucket)}
			}
		}
		rep := transportReport(err)
		return rep
	} else {
		rep.Checked = append(rep.Checked, "the bucket exists and answers the signing identity")
	}
	rep.NotChecked = append(rep.NotChecked, "write permission (only an upload proves it)")
	if h := hostOf(r.URL); h != "" && c.store.Endpoint != nil && !strings.EqualFold(h, hostOf(c.store.Endpoint.String())) && !strings.Contains(h, "."+c.store.Endpoint.Host) {
		rep.NotChecked = append(rep.NotChecked, "the proxy or CDN at "+sanitize.Text(h)+" the link goes through")
	}
	rep.OK = true
	return rep
}

// headBucket sends HEAD of the bucket signed by the link's identity.
func (c *Checker) headBucket(ctx context.Context, bucket string) error {
	st, err := c.src.SigningStore(ctx, bucket)
	if err != nil {
		return err
	}
	cl, err := s3model.New(st)
	if err != nil {
		return err
	}
	return cl.HeadBucket(ctx, bucket)
}

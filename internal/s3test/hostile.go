package s3test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// HostileBucket is the bucket of a Hostile store that lists and serves
// HostileKeys.
const HostileBucket = "hostile"

// HostileKeys are the keys of HostileBucket: terminal escapes, line
// breaks, carriage returns, tabs, C1 controls, bidi overrides, zero-width
// characters and invalid UTF-8, at the top and under a prefix whose own
// name is hostile. The first is the object whose versions are
// HostileVersions.
var HostileKeys = []string{
	"clear\x1b[2Jscreen.txt",
	"paste\nrm -rf ~\n.txt",
	"cr\rreturn.txt",
	"tab\tkey.txt",
	"osc\x1b]52;c;ZXZpbA==\x07clip.txt",
	"c1\u009b31mred.txt",
	"rtl\u202etxt.exe",
	"zero\u200bwidth.txt",
	"bad\xffutf8.txt",
	"dir\x1b[31m/inner\x07bell.txt",
}

// HostileVersions are the version ids of HostileKeys[0]: ones a terminal
// must not see raw (C1, bidi, zero-width) and one longer than 1,024
// characters. A GET of the object with one of them, byte for byte,
// answers 200; any other version id, 404.
var HostileVersions = []string{"v1\u009b31m", "v2\u202eexe", "v3\u200b", strings.Repeat("v", 1500)}

// HostileBuckets are the buckets ListBuckets returns: HostileBucket and
// names no real store allows.
var HostileBuckets = []string{HostileBucket, "c1\u009b31m", "rtl\u202ebucket"}

// HostileErrorKey is a key whose GET and HEAD answer 403 with an error
// message full of hostile text.
const HostileErrorKey = "denied.txt"

// hostileError is the message of HostileErrorKey's refusal.
const hostileError = "Access \u009b31mDenied\u202e: see\u2028this"

// Hostile is an S3 endpoint on 127.0.0.1 that says hostile things, for
// tests that show, copy, sign, write or print what a store says: names,
// prefixes, version ids, headers and error messages holding terminal
// escapes, line breaks, C1 and bidi characters and invalid UTF-8 (keys
// travel URL-encoded, as with encoding-type=url, so any byte can); and
// that can stall mid-headers or mid-body (SetStall). It checks no
// signature. Its HEAD answers carry C1 and bidi characters in
// Content-Type and metadata; control characters there would make Go's
// HTTP client refuse the whole answer, which is the Stall-free way to
// test that path (HostileBadHeaderKey).
type Hostile struct {
	Endpoint string // http://127.0.0.1:PORT
	Host     string // 127.0.0.1:PORT

	srv    *http.Server
	closed chan struct{}

	mu    sync.Mutex
	stall Fault // Pass, Hang or Stall
	held  int
}

// HostileBadHeaderKey is a key whose HEAD and GET answers carry an ESC
// in a header, which Go's HTTP client refuses as malformed.
const HostileBadHeaderKey = "bad-header.txt"

// StartHostile starts a Hostile store; t.Cleanup stops it.
func StartHostile(t testing.TB) *Hostile {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("s3test: hostile store: %v", err)
	}
	h := &Hostile{Host: l.Addr().String(), closed: make(chan struct{})}
	h.Endpoint = "http://" + h.Host
	h.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go h.srv.Serve(l)
	t.Cleanup(func() {
		close(h.closed)
		h.srv.Close()
	})
	return h
}

// SetStall makes every answer from now on Pass, Hang (no answer) or
// Stall (headers and half the body, then nothing).
func (h *Hostile) SetStall(f Fault) {
	h.mu.Lock()
	h.stall = f
	h.mu.Unlock()
}

// Held is how many requests are stalled now.
func (h *Hostile) Held() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held
}

// ServeHTTP answers path-style S3 requests.
func (h *Hostile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	stall := h.stall
	h.mu.Unlock()
	if stall.kind == kindHang {
		h.hold(r)
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	var status int
	var body []byte
	hdr := http.Header{}
	switch {
	case bucket == "":
		status, body = 200, h.listBuckets()
	case bucket != HostileBucket:
		status, body = 404, s3Error("NoSuchBucket", "no bucket "+bucket)
	case key == "" && q.Has("location"):
		status, body = 200, xmlDoc(struct {
			XMLName xml.Name `xml:"LocationConstraint"`
			V       string   `xml:",chardata"`
		}{V: "us-east-1"})
	case key == "" && q.Has("versions"):
		status, body = 200, h.listVersions(q.Get("prefix"))
	case key == "":
		status, body = 200, h.list(q)
	default:
		status, body, hdr = h.object(key, q.Get("versionId"))
	}
	for k, vs := range hdr {
		w.Header()[k] = vs
	}
	if r.Method == http.MethodHead {
		body = nil
	}
	if stall.kind == kindStall && len(body) > 1 {
		h.stallBody(w, status, body)
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// hold answers nothing until the client goes away or the store closes.
func (h *Hostile) hold(r *http.Request) {
	h.mu.Lock()
	h.held++
	h.mu.Unlock()
	select {
	case <-r.Context().Done():
	case <-h.closed:
	}
	h.mu.Lock()
	h.held--
	h.mu.Unlock()
}

// stallBody sends the status, the headers and half of body, then nothing
// until the client closes the connection or the store closes.
func (h *Hostile) stallBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	h.mu.Lock()
	h.held++
	h.mu.Unlock()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		gone := make(chan struct{})
		go func() { io.Copy(io.Discard, conn); close(gone) }()
		select {
		case <-gone:
		case <-h.closed:
		}
		conn.Close()
	}
	h.mu.Lock()
	h.held--
	h.mu.Unlock()
}

func (h *Hostile) listBuckets() []byte {
	type bucket struct {
		Name         string
		CreationDate string
	}
	doc := struct {
		XMLName xml.Name `xml:"ListAllMyBucketsResult"`
		Buckets []bucket `xml:"Buckets>Bucket"`
	}{}
	for _, b := range HostileBuckets {
		doc.Buckets = append(doc.Buckets, bucket{Name: b, CreationDate: "2026-01-01T00:00:00.000Z"})
	}
	return xmlDoc(doc)
}

// list answers ListObjectsV2 over HostileKeys, in one page, with keys
// URL-encoded (encoding-type=url, which s3share's client asks for).
func (h *Hostile) list(q url.Values) []byte {
	type object struct {
		Key          string
		LastModified string
		ETag         string
		Size         int
		StorageClass string
	}
	type prefix struct{ Prefix string }
	doc := struct {
		XMLName        xml.Name `xml:"ListBucketResult"`
		Name           string
		Prefix         string
		KeyCount       int
		MaxKeys        int
		IsTruncated    bool
		EncodingType   string
		Contents       []object
		CommonPrefixes []prefix
	}{Name: HostileBucket, Prefix: q.Get("prefix"), MaxKeys: 1000, EncodingType: "url"}
	pre, delim := q.Get("prefix"), q.Get("delimiter")
	keys := append(slices.Clone(HostileKeys), HostileErrorKey, HostileBadHeaderKey)
	slices.Sort(keys)
	seen := map[string]bool{}
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, pre)
		if !ok {
			continue
		}
		if i := strings.Index(rest, delim); delim != "" && i >= 0 {
			if p := pre + rest[:i+len(delim)]; !seen[p] {
				seen[p] = true
				doc.CommonPrefixes = append(doc.CommonPrefixes, prefix{Prefix: url.QueryEscape(p)})
			}
			continue
		}
		doc.Contents = append(doc.Contents, object{Key: url.QueryEscape(k), LastModified: "2026-01-01T00:00:00.000Z",
			ETag: `"0123456789abcdef0123456789abcdef"`, Size: len(k), StorageClass: "STANDARD"})
	}
	doc.KeyCount = len(doc.Contents) + len(doc.CommonPrefixes)
	return xmlDoc(doc)
}

// listVersions answers ListObjectVersions: HostileVersions for the first
// key, the newest first.
func (h *Hostile) listVersions(prefix string) []byte {
	type version struct {
		Key          string
		VersionId    string
		IsLatest     bool
		LastModified string
		ETag         string
		Size         int
		StorageClass string
	}
	doc := struct {
		XMLName      xml.Name `xml:"ListVersionsResult"`
		Name         string
		Prefix       string
		MaxKeys      int
		IsTruncated  bool
		EncodingType string
		Version      []version
	}{Name: HostileBucket, Prefix: prefix, MaxKeys: 1000, EncodingType: "url"}
	if strings.HasPrefix(HostileKeys[0], prefix) {
		for i, v := range HostileVersions {
			doc.Version = append(doc.Version, version{Key: url.QueryEscape(HostileKeys[0]), VersionId: v, IsLatest: i == 0,
				LastModified: fmt.Sprintf("2026-01-0%dT00:00:00.000Z", 9-i), ETag: `"0123456789abcdef0123456789abcdef"`, Size: i + 1, StorageClass: "STANDARD"})
		}
	}
	return xmlDoc(doc)
}

// object answers GET and HEAD of a key, with hostile headers.
func (h *Hostile) object(key, versionID string) (int, []byte, http.Header) {
	hdr := http.Header{
		"Content-Type":     {"text/plain\u009b31m"},
		"X-Amz-Meta-Owner": {"rtl\u202eexe \u200bzero"},
		"Etag":             {`"0123456789abcdef0123456789abcdef"`},
		"Last-Modified":    {"Thu, 01 Jan 2026 00:00:00 GMT"},
	}
	switch {
	case key == HostileErrorKey:
		return 403, s3Error("AccessDenied", hostileError), nil
	case key == HostileBadHeaderKey:
		hdr.Set("Content-Type", "text/plain\x1b[31m")
		return 200, []byte("bad header"), hdr
	case !slices.Contains(HostileKeys, key):
		return 404, s3Error("NoSuchKey", "no such key"), nil
	case versionID != "" && (key != HostileKeys[0] || !slices.Contains(HostileVersions, versionID)):
		return 404, s3Error("NoSuchVersion", "no such version"), nil
	}
	if versionID != "" {
		hdr.Set("X-Amz-Version-Id", versionID)
	}
	return 200, []byte("the object " + key + " " + versionID), hdr
}

func s3Error(code, message string) []byte {
	return xmlDoc(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string
		Message string
	}{Code: code, Message: message})
}

func xmlDoc(v any) []byte {
	b, err := xml.Marshal(v)
	if err != nil {
		panic(err)
	}
	return append([]byte(xml.Header), b...)
}

package demo

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// storedHeaders are the system headers PutObject keeps and GetObject returns.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"}

// responseOverrides maps GetObject's response-* parameters to the headers
// they replace. S3 honours them on signed requests only.
var responseOverrides = [][2]string{
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
	{"response-content-language", "Content-Language"},
	{"response-content-type", "Content-Type"},
	{"response-expires", "Expires"},
}

const maxUserMetadata = 2 << 10 // bytes, as on S3

func checkContentMD5(r *http.Request, body []byte) *s3Error {
	v := r.Header.Get("Content-Md5")
	if v == "" {
		return nil
	}
	want, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(want) != md5.Size {
		return newError(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified was invalid.", xmlField{"Content-MD5", v})
	}
	if got := md5.Sum(body); !bytes.Equal(got[:], want) {
		return newError(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.",
			xmlField{"ExpectedDigest", v}, xmlField{"CalculatedDigest", base64.StdEncoding.EncodeToString(got[:])})
	}
	return nil
}

func validBucketName(n string) bool {
	if len(n) < 3 || len(n) > 63 || strings.Contains(n, "..") {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		alnum := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !alnum && ((c != '-' && c != '.') || i == 0 || i == len(n)-1) {
			return false
		}
	}
	return true
}

func (s *Server) createBucket(w http.ResponseWriter, name string) *s3Error {
	if !validBucketName(name) {
		return newError(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.", xmlField{"BucketName", name})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; ok {
		return newError(http.StatusConflict, "BucketAlreadyOwnedByYou",
			"Your previous request to create the named bucket succeeded and you already own it.", xmlField{"BucketName", name})
	}
	s.buckets[name] = newBucket(name, s.now())
	w.Header().Set("Location", "/"+name)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) deleteBucket(w http.ResponseWriter, name string) *s3Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[name]
	if !ok {
		return errNoSuchBucket(name)
	}
	if len(b.keys) > 0 {
		return newError(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty", xmlField{"BucketName", name})
	}
	delete(s.buckets, name)
	s.dropUploadsLocked(name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) lookup(bucketName, key string) (*object, *s3Error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[bucketName]
	if !ok {
		return nil, errNoSuchBucket(bucketName)
	}
	o, ok := b.objs[key]
	if !ok {
		return nil, errNoSuchKey(key)
	}
	return o, nil
}

// getObject answers GET and HEAD: conditionals, a single byte range and
// the response-* overrides.
func (s *Server) getObject(w http.ResponseWriter, r *http.Request, q url.Values, bucketName, key string) *s3Error {
	o, e := s.lookup(bucketName, key)
	if e != nil {
		return e
	}
	h := w.Header()
	if e := checkConditions(r, o); e != nil {
		if e.status == http.StatusNotModified {
			h.Set("ETag", o.etag)
			h.Set("Last-Modified", o.modTime.Format(http.TimeFormat))
		}
		return e
	}
	size := int64(len(o.data))
	start, end, ranged, e := parseRange(r.Header.Get("Range"), size)
	if e != nil {
		return e
	}
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", o.modTime.Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", o.contentType)
	for _, k := range storedHeaders {
		if v, ok := o.headers[k]; ok {
			h.Set(k, v)
		}
	}
	for k, v := range o.meta {
		h.Set("X-Amz-Meta-"+k, v)
	}
	if q.Get("versionId") == "null" {
		h.Set("x-amz-version-id", "null")
	}
	for _, ov := range responseOverrides {
		if q.Has(ov[0]) {
			h.Set(ov[1], q.Get(ov[0]))
		}
	}
	status := http.StatusOK
	if ranged {
		status = http.StatusPartialContent
		h.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10)+"/"+strconv.FormatInt(size, 10))
	} else {
		start, end = 0, size-1
	}
	h.Set("Content-Length", strconv.FormatInt(end-start+1, 10))
	w.WriteHeader(status)
	if r.Method == http.MethodGet && end >= start {
		_, _ = w.Write(o.data[start : end+1])
	}
	return nil
}

// checkConditions applies If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since in S3's order of precedence.
func checkConditions(r *http.Request, o *object) *s3Error {
	failed := newError(http.StatusPreconditionFailed, "PreconditionFailed",
		"At least one of the pre-conditions you specified did not hold")
	notModified := newError(http.StatusNotModified, "NotModified", "Not Modified")
	ifMatch := r.Header.Get("If-Match")
	if ifMatch != "" && !etagMatches(ifMatch, o.etag) {
		return failed
	}
	if v := r.Header.Get("If-Unmodified-Since"); v != "" && ifMatch == "" {
		if t, err := http.ParseTime(v); err == nil && o.modTime.After(t) {
			return failed
		}
	}
	ifNone := r.Header.Get("If-None-Match")
	if ifNone != "" && etagMatches(ifNone, o.etag) {
		return notModified
	}
	if v := r.Header.Get("If-Modified-Since"); v != "" && ifNone == "" {
		if t, err := http.ParseTime(v); err == nil && !o.modTime.After(t) {
			return notModified
		}
	}
	return nil
}

func etagMatches(list, etag string) bool {
	for v := range strings.SplitSeq(list, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || v == etag || `"`+v+`"` == etag {
			return true
		}
	}
	return false
}

// parseRange handles one "bytes=" range as S3 does: a malformed or
// multi-range header is ignored (whole object), an unsatisfiable one is 416.
func parseRange(h string, size int64) (start, end int64, ok bool, e *s3Error) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, nil
	}
	unsatisfiable := &s3Error{
		status: http.StatusRequestedRangeNotSatisfiable, code: "InvalidRange",
		message: "The requested range is not satisfiable",
		extra:   []xmlField{{"RangeRequested", h}, {"ActualObjectSize", strconv.FormatInt(size, 10)}},
		header:  http.Header{"Content-Range": {"bytes */" + strconv.FormatInt(size, 10)}},
	}
	if first == "" { // suffix: last N bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, nil
		}
		if n == 0 || size == 0 {
			return 0, 0, false, unsatisfiable
		}
		return max(size-n, 0), size - 1, true, nil
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 {
		return 0, 0, false, nil
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return 0, 0, false, nil
		}
		b = min(b, size-1)
	}
	if a >= size {
		return 0, 0, false, unsatisfiable
	}
	return a, b, true, nil
}

// objectAttrs gathers what PutObject and CreateMultipartUpload keep with
// an object: user metadata (lower-case names without "x-amz-meta-") and
// the stored system headers.
func objectAttrs(r *http.Request) (meta, headers map[string]string, e *s3Error) {
	meta = make(map[string]string)
	metaSize := 0
	for k, vs := range r.Header {
		name, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-")
		if !ok || name == "" {
			continue
		}
		v := strings.Join(vs, ",")
		meta[name] = v
		metaSize += len(name) + len(v)
	}
	if metaSize > maxUserMetadata {
		return nil, nil, newError(http.StatusBadRequest, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.",
			xmlField{"Size", strconv.Itoa(metaSize)}, xmlField{"MaxSizeAllowed", strconv.Itoa(maxUserMetadata)})
	}
	headers = make(map[string]string)
	for _, k := range storedHeaders {
		if v := r.Header.Get(k); v != "" {
			headers[k] = v
		}
	}
	if ce, ok := headers["Content-Encoding"]; ok {
		// aws-chunked is the transfer framing, not the object's encoding.
		var kept []string
		for p := range strings.SplitSeq(ce, ",") {
			if p = strings.TrimSpace(p); p != "" && !strings.EqualFold(p, "aws-chunked") {
				kept = append(kept, p)
			}
		}
		if len(kept) == 0 {
			delete(headers, "Content-Encoding")
		} else {
			headers["Content-Encoding"] = strings.Join(kept, ",")
		}
	}
	return meta, headers, nil
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request, bucketName, key string, body []byte) *s3Error {
	meta, headers, e := objectAttrs(r)
	if e != nil {
		return e
	}
	o := newObject(key, body, r.Header.Get("Content-Type"), meta, headers, s.now())
	if e := s.store(bucketName, o); e != nil {
		return e
	}
	w.Header().Set("ETag", o.etag)
	w.WriteHeader(http.StatusOK)
	return nil
}

// store puts o in a bucket that exists.
func (s *Server) store(bucketName string, o *object) *s3Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucketName]
	if !ok {
		return errNoSuchBucket(bucketName)
	}
	b.put(o)
	return nil
}

func (s *Server) deleteObject(w http.ResponseWriter, bucketName, key string) *s3Error {
	s.mu.Lock()
	b, ok := s.buckets[bucketName]
	if ok {
		b.remove(key)
	}
	s.mu.Unlock()
	if !ok {
		return errNoSuchBucket(bucketName)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type deleteRequest struct {
	Quiet   bool `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName xml.Name `xml:"DeleteResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	Deleted []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId,omitempty"`
	} `xml:"Deleted"`
}

// deleteObjects is the multi-object delete (POST /bucket?delete).
func (s *Server) deleteObjects(w http.ResponseWriter, r *http.Request, bucketName string, body []byte) *s3Error {
	hasChecksum := r.Header.Get("Content-Md5") != ""
	for k := range r.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-checksum-") {
			hasChecksum = true
		}
	}
	if !hasChecksum {
		return newError(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: Content-MD5")
	}
	var req deleteRequest
	if err := xml.Unmarshal(body, &req); err != nil {
		return newError(http.StatusBadRequest, "MalformedXML",
			"The XML you provided was not well-formed or did not validate against our published schema")
	}
	if len(req.Objects) > 1000 {
		return newError(http.StatusBadRequest, "MalformedXML", "The request may contain at most 1000 keys")
	}
	res := deleteResult{Xmlns: s3Namespace}
	s.mu.Lock()
	b, ok := s.buckets[bucketName]
	if ok {
		for _, o := range req.Objects {
			b.remove(o.Key)
			if !req.Quiet {
				res.Deleted = append(res.Deleted, struct {
					Key       string `xml:"Key"`
					VersionID string `xml:"VersionId,omitempty"`
				}{o.Key, o.VersionID})
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return errNoSuchBucket(bucketName)
	}
	return writeXML(w, http.StatusOK, res)
}

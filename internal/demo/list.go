package demo

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	s3Namespace     = "http://s3.amazonaws.com/doc/2006-03-01/"
	xmlTimeFormat   = "2006-01-02T15:04:05.000Z"
	defaultMaxKeys  = 1000
	ownerID         = "5a3c0de75a3c0de75a3c0de75a3c0de75a3c0de75a3c0de75a3c0de75a3c0de7"
	ownerName       = "s3share-demo"
	storageStandard = "STANDARD"
)

func writeXML(w http.ResponseWriter, status int, v any) *s3Error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return newError(http.StatusInternalServerError, "InternalError", "encoding the response failed: "+err.Error())
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
	return nil
}

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

var demoOwner = &owner{ID: ownerID, DisplayName: ownerName}

type listAllMyBucketsResult struct {
	XMLName xml.Name     `xml:"ListAllMyBucketsResult"`
	Xmlns   string       `xml:"xmlns,attr"`
	Owner   *owner       `xml:"Owner"`
	Buckets []bucketInfo `xml:"Buckets>Bucket"`
}

type bucketInfo struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Xmlns   string   `xml:"xmlns,attr"`
	Value   string   `xml:",chardata"`
}

type versioningConfiguration struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Xmlns   string   `xml:"xmlns,attr"`
}

type contentEntry struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	Owner        *owner `xml:"Owner,omitempty"`
	StorageClass string `xml:"StorageClass"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listBucketResultV2 struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Xmlns                 string         `xml:"xmlns,attr"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	Contents              []contentEntry `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type listBucketResultV1 struct {
	XMLName        xml.Name       `xml:"ListBucketResult"`
	Xmlns          string         `xml:"xmlns,attr"`
	Name           string         `xml:"Name"`
	Prefix         string         `xml:"Prefix"`
	Marker         string         `xml:"Marker"`
	NextMarker     string         `xml:"NextMarker,omitempty"`
	MaxKeys        int            `xml:"MaxKeys"`
	Delimiter      string         `xml:"Delimiter,omitempty"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
	IsTruncated    bool           `xml:"IsTruncated"`
	Contents       []contentEntry `xml:"Contents"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
}

type versionEntry struct {
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	Owner        *owner `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
}

type listVersionsResult struct {
	XMLName             xml.Name       `xml:"ListVersionsResult"`
	Xmlns               string         `xml:"xmlns,attr"`
	Name                string         `xml:"Name"`
	Prefix              string         `xml:"Prefix"`
	KeyMarker           string         `xml:"KeyMarker"`
	VersionIDMarker     string         `xml:"VersionIdMarker"`
	NextKeyMarker       string         `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string         `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int            `xml:"MaxKeys"`
	Delimiter           string         `xml:"Delimiter,omitempty"`
	EncodingType        string         `xml:"EncodingType,omitempty"`
	IsTruncated         bool           `xml:"IsTruncated"`
	Versions            []versionEntry `xml:"Version"`
	CommonPrefixes      []commonPrefix `xml:"CommonPrefixes"`
}

func xmlTime(t time.Time) string { return t.UTC().Format(xmlTimeFormat) }

func (s *Server) listBuckets(w http.ResponseWriter) *s3Error {
	s.mu.RLock()
	res := listAllMyBucketsResult{Xmlns: s3Namespace, Owner: demoOwner}
	for _, name := range s.bucketNamesLocked() {
		res.Buckets = append(res.Buckets, bucketInfo{Name: name, CreationDate: xmlTime(s.buckets[name].created)})
	}
	s.mu.RUnlock()
	return writeXML(w, http.StatusOK, res)
}

func (s *Server) bucketNamesLocked() []string {
	names := make([]string, 0, len(s.buckets))
	for n := range s.buckets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// getBucketLocation answers as AWS does: an empty constraint means us-east-1.
func (s *Server) getBucketLocation(w http.ResponseWriter) *s3Error {
	loc := s.Region
	if loc == "us-east-1" {
		loc = ""
	}
	return writeXML(w, http.StatusOK, locationConstraint{Xmlns: s3Namespace, Value: loc})
}

// listArgs parses what all listings share: prefix, delimiter, max-keys and
// encoding-type.
type listArgs struct {
	prefix, delimiter, encoding string
	maxKeys                     int
}

func parseListArgs(q url.Values) (listArgs, *s3Error) {
	a := listArgs{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), maxKeys: defaultMaxKeys}
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return a, errInvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", v)
		}
		if n < 0 {
			return a, errInvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "max-keys", v)
		}
		a.maxKeys = int(min(n, defaultMaxKeys))
	}
	switch e := q.Get("encoding-type"); e {
	case "", "url":
		a.encoding = e
	default:
		return a, errInvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", e)
	}
	return a, nil
}

// enc applies encoding-type=url to a name the way S3 does (form encoding,
// '/' kept), so clients decode it with a query unescape.
func (a listArgs) enc(s string) string {
	if a.encoding != "url" {
		return s
	}
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}

func (a listArgs) query(marker string) listQuery {
	return listQuery{prefix: a.prefix, delimiter: a.delimiter, marker: marker, maxKeys: a.maxKeys}
}

func (s *Server) runList(r *http.Request, b *bucket, q listQuery) listPage {
	s.sleepPage(r.Context())
	s.mu.RLock()
	defer s.mu.RUnlock()
	return b.list(q)
}

func (a listArgs) contents(p listPage, withOwner bool) ([]contentEntry, []commonPrefix) {
	cs := make([]contentEntry, 0, len(p.objects))
	for _, o := range p.objects {
		e := contentEntry{Key: a.enc(o.key), LastModified: xmlTime(o.modTime), ETag: o.etag, Size: len(o.data), StorageClass: storageStandard}
		if withOwner {
			e.Owner = demoOwner
		}
		cs = append(cs, e)
	}
	ps := make([]commonPrefix, 0, len(p.prefixes))
	for _, cp := range p.prefixes {
		ps = append(ps, commonPrefix{Prefix: a.enc(cp)})
	}
	return cs, ps
}

// Continuation tokens are opaque to clients; here they wrap the last key or
// common prefix of the previous page.
func encodeToken(marker string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + marker))
}

func decodeToken(tok string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(string(b), "v1:")
}

func (s *Server) listObjectsV2(w http.ResponseWriter, r *http.Request, q url.Values, b *bucket) *s3Error {
	args, e := parseListArgs(q)
	if e != nil {
		return e
	}
	marker := q.Get("start-after")
	token := q.Get("continuation-token")
	if q.Has("continuation-token") {
		m, ok := decodeToken(token)
		if !ok || token == "" {
			return errInvalidArgument("The continuation token provided is incorrect", "continuation-token", token)
		}
		marker = m
	}
	p := s.runList(r, b, args.query(marker))
	res := listBucketResultV2{
		Xmlns:             s3Namespace,
		Name:              b.name,
		Prefix:            args.enc(args.prefix),
		Delimiter:         args.enc(args.delimiter),
		MaxKeys:           args.maxKeys,
		EncodingType:      args.encoding,
		KeyCount:          len(p.objects) + len(p.prefixes),
		IsTruncated:       p.truncated,
		ContinuationToken: token,
		StartAfter:        args.enc(q.Get("start-after")),
	}
	if p.truncated {
		res.NextContinuationToken = encodeToken(p.last)
	}
	res.Contents, res.CommonPrefixes = args.contents(p, q.Get("fetch-owner") == "true")
	return writeXML(w, http.StatusOK, res)
}

func (s *Server) listObjectsV1(w http.ResponseWriter, r *http.Request, q url.Values, b *bucket) *s3Error {
	args, e := parseListArgs(q)
	if e != nil {
		return e
	}
	marker := q.Get("marker")
	p := s.runList(r, b, args.query(marker))
	res := listBucketResultV1{
		Xmlns:        s3Namespace,
		Name:         b.name,
		Prefix:       args.enc(args.prefix),
		Marker:       args.enc(marker),
		MaxKeys:      args.maxKeys,
		Delimiter:    args.enc(args.delimiter),
		EncodingType: args.encoding,
		IsTruncated:  p.truncated,
	}
	// Like S3, NextMarker is sent only with a delimiter; without one the
	// client continues from the last key.
	if p.truncated && args.delimiter != "" {
		res.NextMarker = args.enc(p.last)
	}
	res.Contents, res.CommonPrefixes = args.contents(p, true)
	return writeXML(w, http.StatusOK, res)
}

// listObjectVersions lists an unversioned bucket: one "null" version per key.
func (s *Server) listObjectVersions(w http.ResponseWriter, r *http.Request, q url.Values, b *bucket) *s3Error {
	args, e := parseListArgs(q)
	if e != nil {
		return e
	}
	marker := q.Get("key-marker")
	if v := q.Get("version-id-marker"); v != "" {
		if marker == "" {
			return errInvalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", v)
		}
		if v != "null" {
			return errInvalidArgument("Invalid version id specified", "version-id-marker", v)
		}
	}
	p := s.runList(r, b, args.query(marker))
	res := listVersionsResult{
		Xmlns:           s3Namespace,
		Name:            b.name,
		Prefix:          args.enc(args.prefix),
		KeyMarker:       args.enc(marker),
		VersionIDMarker: q.Get("version-id-marker"),
		MaxKeys:         args.maxKeys,
		Delimiter:       args.enc(args.delimiter),
		EncodingType:    args.encoding,
		IsTruncated:     p.truncated,
	}
	if p.truncated {
		res.NextKeyMarker = args.enc(p.last)
		if len(p.objects) > 0 && p.objects[len(p.objects)-1].key == p.last {
			res.NextVersionIDMarker = "null"
		}
	}
	for _, o := range p.objects {
		res.Versions = append(res.Versions, versionEntry{
			Key: args.enc(o.key), VersionID: "null", IsLatest: true, LastModified: xmlTime(o.modTime),
			ETag: o.etag, Size: len(o.data), Owner: demoOwner, StorageClass: storageStandard,
		})
	}
	_, res.CommonPrefixes = args.contents(listPage{prefixes: p.prefixes}, false)
	return writeXML(w, http.StatusOK, res)
}

// Package demo runs an in-memory S3 endpoint on the loopback interface for
// `s3share demo`. It verifies SigV4 signatures (Authorization header,
// presigned query, aws-chunked uploads and browser POST policies) the way
// AWS does, so a link made in the demo works, and fails, as it would on S3.
//
// Only path-style addressing is served: http://127.0.0.1:PORT/bucket/key.
package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Default demo credentials. They guard nothing but a process-local store.
const (
	DefaultAccessKey = "s3share-demo"
	DefaultSecretKey = "s3share-demo-secret"
	DefaultRegion    = "us-east-1"
)

// Options configures Start. Zero values pick the defaults.
type Options struct {
	Addr         string // listen address; default "127.0.0.1:0" (random port)
	Region       string // default "us-east-1"
	AccessKey    string // default DefaultAccessKey
	SecretKey    string // default DefaultSecretKey
	SessionToken string // when set, every request must carry this X-Amz-Security-Token
	// ExtraKeys are more access keys (id → secret) the endpoint accepts,
	// long-lived ones: requests signed with them carry no session token.
	ExtraKeys map[string]string
	// MaxUploads is how many incomplete multipart uploads the endpoint
	// holds at once (DefaultMaxUploads when 0), and MaxUploadBytes how many
	// bytes of their parts (DefaultMaxUploadBytes when 0): uploads are
	// kept in memory, and abandoned ones must not grow without bound.
	MaxUploads     int
	MaxUploadBytes int64
	NoSeed         bool             // start with no buckets
	PageDelay      time.Duration    // artificial delay before each list page (shows streaming in the UI)
	Now            func() time.Time // server clock; default time.Now (tests shift it)

	maxObject int64 // the biggest object a multipart upload makes; MaxObjectSize when 0 (tests lower it)
}

// AllowOrigin lets browser pages of origin (scheme://host:port) send
// requests to the endpoint, as a bucket's CORS rule would: the demo's
// share gateway, whose drop links may send parts straight to the store.
func (s *Server) AllowOrigin(origin string) {
	s.origin.Store(&origin)
}

// cors answers a CORS preflight from the allowed origin, and marks the
// answers to its requests; true when it answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	o := s.origin.Load()
	if o == nil || r.Header.Get("Origin") != *o {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", *o)
	h.Set("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "ETag")
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, PUT, POST")
	if hs := r.Header.Get("Access-Control-Request-Headers"); hs != "" {
		h.Set("Access-Control-Allow-Headers", hs)
	}
	h.Set("Access-Control-Max-Age", "3000")
	w.WriteHeader(http.StatusOK)
	return true
}

// Server is a running demo endpoint. Its exported fields describe it and
// must not be changed after Start.
type Server struct {
	URL          string // http://127.0.0.1:PORT
	Region       string
	AccessKey    string
	SecretKey    string
	SessionToken string

	pageDelay time.Duration
	extraKeys map[string]string
	clock     func() time.Time

	mu      sync.RWMutex
	buckets map[string]*bucket
	// logsReady is closed once the logs bucket is filled (Start fills it
	// in the background); nil when it was filled before serving.
	logsReady chan struct{}

	// uploads are the incomplete multipart uploads by ID (multipart.go),
	// and uploadBytes the bytes of their parts. Take s.mu before upMu
	// when both are needed.
	upMu           sync.Mutex
	uploads        map[string]*mpUpload
	uploadBytes    int64
	uploadSeq      uint64
	maxUploads     int
	maxUploadBytes int64
	maxObject      int64

	// issued are the temporary credentials the STS handed out (sts.go).
	issuedMu sync.Mutex
	issued   map[string]issuedKey

	ln     net.Listener
	srv    *http.Server
	served chan struct{}
	reqID  atomic.Uint64
	origin atomic.Pointer[string] // the browser origin allowed (AllowOrigin); nil for none
}

// Start listens on opts.Addr, seeds the store (unless opts.NoSeed) and
// serves until Close.
func Start(opts Options) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo endpoint: listen on %s: %w", addr, err)
	}
	if !opts.NoSeed {
		s.seedInBackground()
	}
	s.ln = ln
	s.URL = "http://" + ln.Addr().String()
	// The demo runs under a full-screen terminal UI: net/http must not
	// write its own log lines to stderr.
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	s.served = make(chan struct{})
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

func newServer(opts Options) (*Server, error) {
	s := &Server{
		Region:         opts.Region,
		AccessKey:      opts.AccessKey,
		SecretKey:      opts.SecretKey,
		SessionToken:   opts.SessionToken,
		extraKeys:      opts.ExtraKeys,
		pageDelay:      opts.PageDelay,
		clock:          opts.Now,
		buckets:        make(map[string]*bucket),
		uploads:        make(map[string]*mpUpload),
		maxUploads:     cmp.Or(opts.MaxUploads, DefaultMaxUploads),
		maxUploadBytes: cmp.Or(opts.MaxUploadBytes, DefaultMaxUploadBytes),
		maxObject:      cmp.Or(opts.maxObject, MaxObjectSize),
	}
	if s.Region == "" {
		s.Region = DefaultRegion
	}
	if s.AccessKey == "" {
		s.AccessKey = DefaultAccessKey
	}
	if s.SecretKey == "" {
		s.SecretKey = DefaultSecretKey
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	switch {
	case strings.ContainsAny(s.Region, "/ \t\r\n"):
		return nil, fmt.Errorf("demo endpoint: region %q must not contain '/' or spaces", s.Region)
	case strings.ContainsAny(s.AccessKey, "/ \t\r\n,="):
		return nil, fmt.Errorf("demo endpoint: access key %q must not contain '/', ',', '=' or spaces", s.AccessKey)
	case opts.PageDelay < 0:
		return nil, errors.New("demo endpoint: PageDelay must not be negative")
	case opts.MaxUploads < 0 || opts.MaxUploadBytes < 0:
		return nil, errors.New("demo endpoint: MaxUploads and MaxUploadBytes must not be negative")
	}
	return s, nil
}

// Close stops the server and waits for its listener to finish.
func (s *Server) Close() error {
	if s == nil || s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	<-s.served
	return err
}

// Buckets returns the bucket names, sorted.
func (s *Server) Buckets() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.bucketNamesLocked()
}

// MakeBucket creates a bucket if it does not exist yet.
func (s *Server) MakeBucket(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; !ok {
		s.buckets[name] = newBucket(name, s.now())
	}
}

// PutObject stores an object directly (creating the bucket if needed).
// meta holds user metadata names without the "x-amz-meta-" prefix.
func (s *Server) PutObject(bucket, key string, data []byte, contentType string, meta map[string]string) {
	lower := make(map[string]string, len(meta))
	for k, v := range meta {
		lower[strings.ToLower(k)] = v
	}
	o := newObject(key, slices.Clone(data), contentType, lower, nil, s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucket]
	if !ok {
		b = newBucket(bucket, s.now())
		s.buckets[bucket] = b
	}
	b.put(o)
}

func (s *Server) now() time.Time { return s.clock() }

// ServeHTTP routes a path-style S3 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := s.reqID.Add(1)
	w.Header().Set("x-amz-request-id", fmt.Sprintf("%016X", id))
	w.Header().Set("x-amz-id-2", "s3share-demo/"+strconv.FormatUint(id, 10))
	w.Header().Set("Server", "s3share-demo")
	if s.cors(w, r) {
		return
	}
	if e := s.serve(w, r); e != nil {
		s.writeError(w, r, e)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) *s3Error {
	if !strings.HasPrefix(r.URL.Path, "/") {
		return newError(http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.")
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return newError(http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI: "+err.Error())
	}
	bucketName, key, _ := strings.Cut(r.URL.Path[1:], "/")
	if s.logsReady != nil && bucketName == LogsBucket {
		select {
		case <-s.logsReady:
		case <-r.Context().Done():
			return newError(http.StatusServiceUnavailable, "SlowDown", "The demo is still filling this bucket.")
		}
	}
	if bucketName == "" && key != "" {
		return newError(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.", xmlField{"BucketName", ""})
	}

	if isSTS(r, bucketName, key) {
		s.serveSTS(w, r)
		return nil
	}

	// Browser form uploads carry their own (policy) signature.
	if r.Method == http.MethodPost && bucketName != "" && key == "" && !q.Has("delete") && !q.Has("uploads") &&
		r.Header.Get("Authorization") == "" && !q.Has("X-Amz-Signature") {
		return s.postObject(w, r, bucketName)
	}

	globalOp := r.Method == http.MethodGet && (bucketName == "" || (key == "" && q.Has("location")))
	a, e := s.authenticate(r, q, globalOp)
	if e != nil {
		return e
	}
	body, e := s.readBody(r, a)
	if e != nil {
		return e
	}
	if e := checkContentMD5(r, body); e != nil {
		return e
	}

	switch {
	case bucketName == "":
		if r.Method != http.MethodGet {
			return errMethodNotAllowed(r.Method, "SERVICE")
		}
		return s.listBuckets(w)
	case key == "":
		return s.serveBucket(w, r, q, bucketName, body)
	default:
		if len(key) > 1024 {
			return newError(http.StatusBadRequest, "KeyTooLongError", "Your key is too long",
				xmlField{"Size", strconv.Itoa(len(key))}, xmlField{"MaxSizeAllowed", "1024"})
		}
		return s.serveObject(w, r, q, bucketName, key, body)
	}
}

func errMethodNotAllowed(method, resource string) *s3Error {
	return newError(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.",
		xmlField{"Method", method}, xmlField{"ResourceType", resource})
}

// bucketSubresources lists bucket configurations the demo does not keep,
// with the "not found" code S3 answers when one is not configured.
var bucketSubresources = map[string]string{
	"policy":            "NoSuchBucketPolicy",
	"cors":              "NoSuchCORSConfiguration",
	"lifecycle":         "NoSuchLifecycleConfiguration",
	"tagging":           "NoSuchTagSet",
	"website":           "NoSuchWebsiteConfiguration",
	"encryption":        "ServerSideEncryptionConfigurationNotFoundError",
	"object-lock":       "ObjectLockConfigurationNotFoundError",
	"replication":       "ReplicationConfigurationNotFoundError",
	"ownershipControls": "OwnershipControlsNotFoundError",
	"publicAccessBlock": "NoSuchPublicAccessBlockConfiguration",
}

var unsupportedSubresources = []string{
	"acl", "notification", "logging", "accelerate", "requestPayment", "analytics",
	"metrics", "inventory", "intelligent-tiering", "retention",
	"legal-hold", "attributes", "restore", "select", "torrent", "replication-metrics",
}

func (s *Server) serveBucket(w http.ResponseWriter, r *http.Request, q url.Values, name string, body []byte) *s3Error {
	switch r.Method {
	case http.MethodPut:
		if len(q) > 0 {
			return errNotImplemented("bucket configuration")
		}
		return s.createBucket(w, name)
	case http.MethodDelete:
		if len(q) > 0 {
			return errNotImplemented("bucket configuration")
		}
		return s.deleteBucket(w, name)
	case http.MethodPost:
		if q.Has("delete") {
			return s.deleteObjects(w, r, name, body)
		}
		return errNotImplemented("this bucket POST")
	case http.MethodHead:
		if _, e := s.bucket(name); e != nil {
			return e
		}
		w.Header().Set("x-amz-bucket-region", s.Region)
		w.WriteHeader(http.StatusOK)
		return nil
	case http.MethodGet:
	default:
		return errMethodNotAllowed(r.Method, "BUCKET")
	}
	b, e := s.bucket(name)
	if e != nil {
		return e
	}
	for sub, code := range bucketSubresources {
		if q.Has(sub) {
			return newError(http.StatusNotFound, code, "The "+sub+" configuration does not exist", xmlField{"BucketName", name})
		}
	}
	for _, sub := range unsupportedSubresources {
		if q.Has(sub) {
			return errNotImplemented("?" + sub)
		}
	}
	switch {
	case q.Has("location"):
		return s.getBucketLocation(w)
	case q.Has("uploads"):
		return s.listUploads(w, q, b)
	case q.Has("versioning"):
		return writeXML(w, http.StatusOK, versioningConfiguration{})
	case q.Has("versions"):
		return s.listObjectVersions(w, r, q, b)
	case q.Get("list-type") == "2":
		return s.listObjectsV2(w, r, q, b)
	case q.Has("list-type"):
		return errInvalidArgument("Invalid List Type specified in Request", "list-type", q.Get("list-type"))
	default:
		return s.listObjectsV1(w, r, q, b)
	}
}

func (s *Server) serveObject(w http.ResponseWriter, r *http.Request, q url.Values, bucketName, key string, body []byte) *s3Error {
	if q.Has("uploads") || q.Has("uploadId") {
		return s.serveMultipart(w, r, q, bucketName, key, body)
	}
	for _, sub := range append([]string{"tagging", "partNumber"}, unsupportedSubresources...) {
		if q.Has(sub) {
			return errNotImplemented("?" + sub + " on objects")
		}
	}
	if q.Has("versionId") && q.Get("versionId") != "null" {
		return errInvalidArgument("Invalid version id specified", "versionId", q.Get("versionId"))
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return s.getObject(w, r, q, bucketName, key)
	case http.MethodPut:
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return errNotImplemented("CopyObject")
		}
		return s.putObject(w, r, bucketName, key, body)
	case http.MethodDelete:
		return s.deleteObject(w, bucketName, key)
	default:
		return errMethodNotAllowed(r.Method, "OBJECT")
	}
}

// bucket looks a bucket up under the read lock.
func (s *Server) bucket(name string) (*bucket, *s3Error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[name]
	if !ok {
		return nil, errNoSuchBucket(name)
	}
	return b, nil
}

// sleepPage waits PageDelay, or less if the client goes away.
func (s *Server) sleepPage(ctx context.Context) {
	if s.pageDelay <= 0 {
		return
	}
	t := time.NewTimer(s.pageDelay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// testClock is a server clock the test can move.
type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

func startDemo(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func host(s *Server) string { return strings.TrimPrefix(s.URL, "http://") }

func newClient(t testing.TB, s *Server, secret string) *minio.Client {
	t.Helper()
	c, err := minio.New(host(s), &minio.Options{
		Creds:      credentials.NewStaticV4(s.AccessKey, secret, ""),
		Region:     s.Region,
		MaxRetries: 1,
	})
	if err != nil {
		t.Fatalf("minio.New: %v", err)
	}
	return c
}

// signedRequest builds a request signed with an Authorization header by
// minio-go's signer. path is the unescaped path ("/bucket/key").
func signedRequest(t testing.TB, s *Server, method, path string, q url.Values, body []byte) *http.Request {
	t.Helper()
	u := &url.URL{Scheme: "http", Host: host(s), Path: path, RawQuery: q.Encode()}
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	sum := sha256.Sum256(body)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	return signer.SignV4(*req, s.AccessKey, s.SecretKey, "", s.Region)
}

type errorDoc struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// do sends req and returns status, body and the parsed <Error>, if any.
func do(t testing.TB, req *http.Request) (int, []byte, errorDoc, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	var e errorDoc
	if resp.StatusCode >= 300 && len(body) > 0 {
		if err := xml.Unmarshal(body, &e); err != nil {
			t.Fatalf("status %d with a body that is not an S3 error: %q", resp.StatusCode, body)
		}
	}
	return resp.StatusCode, body, e, resp.Header
}

func get(t testing.TB, rawURL string) (int, []byte, errorDoc, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	return do(t, req)
}

func wantError(t testing.TB, status int, e errorDoc, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus || e.Code != wantCode {
		t.Fatalf("got %d %s (%s), want %d %s", status, e.Code, e.Message, wantStatus, wantCode)
	}
}

type listV2 struct {
	KeyCount              int    `xml:"KeyCount"`
	IsTruncated           bool   `xml:"IsTruncated"`
	NextContinuationToken string `xml:"NextContinuationToken"`
	EncodingType          string `xml:"EncodingType"`
	Contents              []struct {
		Key  string `xml:"Key"`
		Size int    `xml:"Size"`
	} `xml:"Contents"`
	CommonPrefixes []struct {
		Prefix string `xml:"Prefix"`
	} `xml:"CommonPrefixes"`
}

// signerPresign makes a presigned GET link with minio-go's signer, which
// (unlike the client) does not cap the expiry.
func signerPresign(s *Server, u *url.URL, expires int64) string {
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	return signer.PreSignV4(*req, s.AccessKey, s.SecretKey, "", s.Region, expires).URL.String()
}

// streamingSign turns req into an aws-chunked upload signed chunk by chunk.
func streamingSign(req *http.Request, s *Server, size int64) *http.Request {
	return signer.StreamingSignV4(req, s.AccessKey, s.SecretKey, "", s.Region, size, time.Now().UTC(), sha256Hasher{sha256.New()})
}

// unsignedTrailerSign signs req's headers and frames its body as unsigned
// aws-chunked data followed by the given trailer.
func unsignedTrailerSign(req *http.Request, s *Server, trailer http.Header) *http.Request {
	return signer.SignV4Trailer(*req, s.AccessKey, s.SecretKey, "", s.Region, trailer)
}

// sha256Hasher satisfies the hasher interface the streaming signer wants.
type sha256Hasher struct{ hash.Hash }

func (sha256Hasher) Close() {}

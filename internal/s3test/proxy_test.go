package s3test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// proxyClient is a minio client that goes through p and never retries,
// so that every call is one request.
func proxyClient(t *testing.T, p *Proxy, roots *x509.CertPool) *minio.Client {
	t.Helper()
	tr, err := minio.DefaultTransport(roots != nil || strings.HasPrefix(p.Endpoint, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	tr.Proxy = nil
	if roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	c, err := minio.New(p.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(AccessKey, SecretKey, ""),
		Secure:       strings.HasPrefix(p.Endpoint, "https://"),
		Region:       Region,
		BucketLookup: minio.BucketLookupPath,
		Transport:    tr,
		MaxRetries:   1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProxyPassesAndCounts(t *testing.T) {
	s := Start(t)
	bucket := s.NewBucket(t)
	p := StartProxy(t, s.Host)
	if p.Endpoint != "http://"+p.Host || !strings.HasPrefix(p.Host, "127.0.0.1:") || p.CAFile != "" {
		t.Fatalf("Endpoint %q, Host %q, CAFile %q", p.Endpoint, p.Host, p.CAFile)
	}
	c := proxyClient(t, p, nil)
	ctx := context.Background()
	body := bytes.Repeat([]byte("0123456789"), 1000)
	if _, err := c.PutObject(ctx, bucket, "k", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		t.Fatalf("PutObject through the proxy: %v", err)
	}
	got, err := readObject(ctx, c, bucket, "k")
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("GetObject through the proxy: %d bytes, %v", len(got), err)
	}
	if _, err := c.StatObject(ctx, bucket, "k", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("StatObject through the proxy: %v", err)
	}
	if got := p.Requests(); got != 3 {
		t.Errorf("Requests = %d after 3 calls", got)
	}
	if got := p.Faulted(); got != 0 {
		t.Errorf("Faulted = %d with no fault injected", got)
	}
}

func readObject(ctx context.Context, c *minio.Client, bucket, key string) ([]byte, error) {
	obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	return io.ReadAll(obj)
}

func TestProxyInjectsErrorsNTimes(t *testing.T) {
	s := Start(t)
	p := StartProxy(t, s.Host)
	c := proxyClient(t, p, nil)
	ctx := context.Background()

	p.Inject(SlowDown, 2)
	for i := 0; i < 2; i++ {
		_, err := c.ListBuckets(ctx)
		if r := minio.ToErrorResponse(err); r.Code != "SlowDown" || r.StatusCode != 503 {
			t.Fatalf("request %d: %v (code %q, status %d), want 503 SlowDown", i+1, err, r.Code, r.StatusCode)
		}
	}
	if _, err := c.ListBuckets(ctx); err != nil {
		t.Fatalf("third request: %v, want it passed through", err)
	}
	if p.Requests() != 3 || p.Faulted() != 2 {
		t.Fatalf("Requests %d, Faulted %d; want 3 and 2", p.Requests(), p.Faulted())
	}

	p.Inject(InternalError, 0)
	for i := 0; i < 3; i++ {
		if r := minio.ToErrorResponse(firstErr(c.ListBuckets(ctx))); r.Code != "InternalError" || r.StatusCode != 500 {
			t.Fatalf("with InternalError for every request, request %d got %+v", i+1, r)
		}
	}
	p.Inject(Pass, 0)
	if _, err := c.ListBuckets(ctx); err != nil {
		t.Fatalf("after Pass: %v", err)
	}
}

func firstErr[T any](_ T, err error) error { return err }

func TestProxyInjectIfListBuckets(t *testing.T) {
	s := Start(t)
	bucket := s.NewBucket(t)
	p := StartProxy(t, s.Host)
	p.InjectIf(AccessDenied, 0, ListBuckets)
	c := proxyClient(t, p, nil)
	ctx := context.Background()
	if r := minio.ToErrorResponse(firstErr(c.ListBuckets(ctx))); r.Code != "AccessDenied" || r.StatusCode != 403 {
		t.Fatalf("ListBuckets got %+v, want 403 AccessDenied", r)
	}
	if ok, err := c.BucketExists(ctx, bucket); !ok || err != nil {
		t.Fatalf("BucketExists through the proxy: %v, %v", ok, err)
	}
	for obj := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{}) {
		if obj.Err != nil {
			t.Fatalf("ListObjects through the proxy: %v", obj.Err)
		}
	}
	if p.Faulted() != 1 {
		t.Fatalf("Faulted = %d, want only ListBuckets refused", p.Faulted())
	}
}

func TestProxyHangHoldsUntilTheClientGivesUp(t *testing.T) {
	s := Start(t)
	p := StartProxy(t, s.Host)
	p.Inject(Hang, 0)
	c := proxyClient(t, p, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.ListBuckets(ctx)
		done <- err
	}()
	p.WaitHeld(t, 1)
	select {
	case err := <-done:
		t.Fatalf("ListBuckets returned while its request is held: %v", err)
	default:
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ListBuckets: %v", err)
	}
	if _, ok := p.wait(func() int { return boolInt(p.held == 0) }, 1); !ok {
		t.Fatalf("the proxy still holds %d requests after the client left", p.Held())
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestProxyCutSendsHalfTheBody(t *testing.T) {
	s := Start(t)
	bucket := s.NewBucket(t)
	body := bytes.Repeat([]byte("x"), 1000)
	s.Put(t, bucket, "k", body, "")
	p := StartProxy(t, s.Host)
	p.Inject(Cut, 1)
	got, err := readObject(context.Background(), proxyClient(t, p, nil), bucket, "k")
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(got) != 500 {
		t.Fatalf("cut GetObject: %d bytes, %v; want 500 bytes and an unexpected EOF", len(got), err)
	}
}

func TestProxySkewDrawsRequestTimeTooSkewed(t *testing.T) {
	s := Start(t)
	p := StartProxy(t, s.Host)
	c := proxyClient(t, p, nil)
	ctx := context.Background()
	for _, d := range []time.Duration{-time.Hour, 20 * time.Minute} {
		p.Inject(Skew(d), 1)
		if r := minio.ToErrorResponse(firstErr(c.ListBuckets(ctx))); r.Code != "RequestTimeTooSkewed" || r.StatusCode != 403 {
			t.Fatalf("clock %s off: %+v, want 403 RequestTimeTooSkewed", d, r)
		}
		if _, err := c.ListBuckets(ctx); err != nil {
			t.Fatalf("after the skewed request: %v, want it passed through", err)
		}
	}
}

func TestTLSProxy(t *testing.T) {
	s := Start(t)
	s.NewBucket(t)
	p := StartTLSProxy(t, s.Host)
	if !strings.HasPrefix(p.Endpoint, "https://127.0.0.1:") || p.CAFile == "" {
		t.Fatalf("Endpoint %q, CAFile %q", p.Endpoint, p.CAFile)
	}
	pemData, err := os.ReadFile(p.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemData) {
		t.Fatalf("CAFile %s holds no PEM certificate", p.CAFile)
	}
	bs, err := proxyClient(t, p, roots).ListBuckets(context.Background())
	if err != nil || len(bs) != 1 {
		t.Fatalf("ListBuckets over TLS with the CA: %v, %v", bs, err)
	}
	_, err = proxyClient(t, p, nil).ListBuckets(context.Background())
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("ListBuckets over TLS without the CA: %v, want an unknown authority error", err)
	}
}

func TestProxyCloseRefuses(t *testing.T) {
	s := Start(t)
	p := StartProxy(t, s.Host)
	before := p.Requests()
	p.Close()
	p.Close() // twice is fine
	// Once closed, the port is free and another test's server may take it,
	// so what answers there (if anything) is not the point: the proxy must
	// handle no request.
	c := &http.Client{Timeout: 5 * time.Second}
	if resp, err := c.Get(p.Endpoint + "/"); err == nil {
		resp.Body.Close()
	}
	if got := p.Requests() - before; got != 0 {
		t.Fatalf("a closed proxy handled %d request(s) on %s", got, p.Host)
	}
}

func TestRefusedAddrRefuses(t *testing.T) {
	addr := RefusedAddr(t)
	for i := 0; i < 3; i++ {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err == nil {
			conn.Close()
			t.Fatalf("%s accepted a connection", addr)
		}
		if !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("dial %s: %v, want connection refused", addr, err)
		}
	}
}

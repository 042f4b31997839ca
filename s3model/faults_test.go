package s3model_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

// These tests put a fault-injecting proxy (s3test.Proxy) between the
// client and a real versitygw server and check that each fault is
// survived or reported in one line with its own hint.

// storeAt is the test server's store, reached at endpoint.
func storeAt(t *testing.T, srv *s3test.Server, endpoint string, timeout time.Duration) config.Store {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return config.Store{
		Endpoint:   u,
		Region:     srv.Region,
		Addressing: config.AddressingPath,
		Timeout:    timeout,
		Creds:      config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	}
}

// clientAt builds a client for the test server reached at endpoint.
func clientAt(t *testing.T, srv *s3test.Server, endpoint string, timeout time.Duration) *s3model.Client {
	t.Helper()
	c, err := s3model.New(storeAt(t, srv, endpoint, timeout))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fill stores n one-byte objects named prefix00000… several at a time.
func fill(t *testing.T, srv *s3test.Server, bucket, prefix string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				_, err := srv.Client.PutObject(context.Background(), bucket, prefix+pad(i), strings.NewReader("x"), 1, minio.PutObjectOptions{})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// hintOf is the advice part of an explained error: what follows " — ".
func hintOf(err error) string {
	_, h, _ := strings.Cut(err.Error(), " — ")
	return h
}

// oneLineWithHint fails unless err is one line with a hint that
// contains want.
func oneLineWithHint(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("%s: error is not one line: %q", what, msg)
	}
	if !strings.Contains(hintOf(err), want) {
		t.Errorf("%s: error %q\nwant a hint with %q", what, msg, want)
	}
}

func TestFaultResponseCutMidListing(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	const n = s3model.PageSize + 50
	fill(t, srv, bucket, "cut/", n)
	p := s3test.StartProxy(t, srv.Host)
	c := clientAt(t, srv, p.Endpoint, 0)
	ctx := context.Background()

	first, err := c.ListPage(ctx, bucket, "cut/", "")
	if err != nil || first.Done || len(first.Entries) != s3model.PageSize {
		t.Fatalf("first page: %d entries, done %v, err %v", len(first.Entries), first.Done, err)
	}
	p.Inject(s3test.Cut, 1)
	before := p.Requests()
	_, err = c.ListPage(ctx, bucket, "cut/", first.Next)
	oneLineWithHint(t, "page cut off half way", err, "try again")
	if !strings.Contains(fmt.Sprint(err), "the connection broke before the answer was complete") {
		t.Errorf("cut page: %v, want it to say the connection broke", err)
	}
	if got := p.Faulted(); got != 1 {
		t.Fatalf("%d responses cut, want 1", got)
	}

	// Asked again from the same token, the listing completes with every
	// key exactly once.
	second, err := c.ListPage(ctx, bucket, "cut/", first.Next)
	if err != nil || !second.Done {
		t.Fatalf("second page after the cut: done %v, err %v", second.Done, err)
	}
	if got := p.Requests() - before; got != 2 {
		t.Errorf("%d requests for the cut page and its retry, want 2 (a cut body is not retried behind the caller's back)", got)
	}
	all := append(first.Entries, second.Entries...)
	if len(all) != n {
		t.Fatalf("%d entries after the retry, want %d", len(all), n)
	}
	for i, e := range all {
		if e.Name != pad(i) {
			t.Fatalf("entry %d is %q, want %q: a gap or a duplicate", i, e.Name, pad(i))
		}
	}
}

func TestFaultServerHangs(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	const timeout = 300 * time.Millisecond
	c := clientAt(t, srv, p.Endpoint, timeout)
	if c.Timeout() != timeout {
		t.Fatalf("client timeout %s, want %s", c.Timeout(), timeout)
	}
	p.Inject(s3test.Hang, 0)

	_, err := c.ListPage(context.Background(), bucket, "", "")
	oneLineWithHint(t, "ListPage on a hanging server", err, "--timeout")
	var te *s3model.TimeoutError
	if !errors.As(err, &te) || te.After != timeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ListPage error %v (%T) is not a TimeoutError after %s", err, errors.Unwrap(err), timeout)
	}
	if !strings.Contains(err.Error(), "list s3://"+bucket+"/: no answer within 300ms") {
		t.Errorf("ListPage error %q does not say what timed out", err)
	}

	_, err = c.ListBuckets(context.Background())
	oneLineWithHint(t, "ListBuckets on a hanging server", err, "--timeout")
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "list buckets: no answer within 300ms") {
		t.Fatalf("ListBuckets error %q is not a timeout", err)
	}

	// The caller giving up is not a timeout. (A proxy of its own: the
	// abandoned attempts above may still reach p.)
	p2 := s3test.StartProxy(t, srv.Host)
	p2.Inject(s3test.Hang, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	patient := clientAt(t, srv, p2.Endpoint, time.Hour)
	done := make(chan error, 1)
	go func() {
		_, err := patient.ListPage(ctx, bucket, "", "")
		done <- err
	}()
	p2.WaitHeld(t, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || errors.As(err, &te) {
		t.Fatalf("ListPage cancelled while the server hangs: %v, want context.Canceled", err)
	}

	// Once the server answers again, the same client works.
	p.Inject(s3test.Pass, 0)
	page, err := c.ListPage(context.Background(), bucket, "", "")
	if err != nil || describe(page.Entries) != "a.txt:1" {
		t.Fatalf("after the hang: %q, %v", describe(page.Entries), err)
	}
}

func TestFaultRetries(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	c := clientAt(t, srv, p.Endpoint, 0)

	tests := []struct {
		fault    s3test.Fault
		times    int // 0: every request
		requests int
		hint     string // "" when the listing must succeed
	}{
		{s3test.SlowDown, 1, 2, ""},
		{s3test.InternalError, 2, 3, ""},
		{s3test.SlowDown, s3model.MaxAttempts - 1, s3model.MaxAttempts, ""},
		{s3test.SlowDown, 0, s3model.MaxAttempts, "overloaded and asks to slow down; still so after 4 tries"},
		{s3test.InternalError, 0, s3model.MaxAttempts, "the server failed; still so after 4 tries"},
		{s3test.S3Error(http.StatusBadGateway, "BadGateway", "upstream went away"), 0, s3model.MaxAttempts, "the server failed"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s x%d", tt.fault, tt.times)
		t.Run(name, func(t *testing.T) {
			p.Inject(tt.fault, tt.times)
			before := p.Requests()
			page, err := c.ListPage(context.Background(), bucket, "", "")
			if got := p.Requests() - before; got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if tt.hint == "" {
				if err != nil || describe(page.Entries) != "a.txt:1" {
					t.Fatalf("listing after %s: %q, %v", name, describe(page.Entries), err)
				}
				return
			}
			oneLineWithHint(t, name, err, tt.hint)
		})
	}
}

func TestFaultListBucketsDenied(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	p.InjectIf(s3test.AccessDenied, 0, s3test.ListBuckets)
	c := clientAt(t, srv, p.Endpoint, 0)

	_, err := c.ListBuckets(context.Background())
	oneLineWithHint(t, "ListBuckets refused", err, "can be opened directly as s3://BUCKET/")
	if p.Faulted() != 1 {
		t.Errorf("ListBuckets was refused %d times, want 1 (403 is not retried)", p.Faulted())
	}
	// The bucket itself is readable.
	if err := c.HeadBucket(context.Background(), bucket); err != nil {
		t.Fatalf("HeadBucket: %v", err)
	}
	page, err := c.ListPage(context.Background(), bucket, "", "")
	if err != nil || describe(page.Entries) != "a.txt:1" {
		t.Fatalf("listing the bucket directly: %q, %v", describe(page.Entries), err)
	}
}

func TestFaultTLSWithoutCABundle(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	p := s3test.StartTLSProxy(t, srv.Host)

	c := clientAt(t, srv, p.Endpoint, 0)
	_, err := c.ListBuckets(context.Background())
	oneLineWithHint(t, "self-signed endpoint without a CA bundle", err, "pass --ca-bundle FILE")

	st := storeAt(t, srv, p.Endpoint, 0)
	st.CABundle = p.CAFile
	c, err = s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := c.ListBuckets(context.Background())
	if err != nil || len(bs) != 1 || bs[0].Name != bucket {
		t.Fatalf("with --ca-bundle: buckets %v, error %v", bs, err)
	}
}

// dnsFailure returns the error net/http gives for a host name that does
// not resolve. The resolver is made to fail without sending a query:
// tests send nothing but to 127.0.0.1, and this machine's DNS server is
// elsewhere.
func dnsFailure(t *testing.T) error {
	t.Helper()
	resolver := &net.Resolver{
		PreferGo: true,
		Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("no DNS server in tests")
		},
	}
	hc := &http.Client{Transport: &http.Transport{
		Proxy:       nil,
		DialContext: (&net.Dialer{Resolver: resolver}).DialContext,
	}}
	resp, err := hc.Get("http://s3.example.invalid/")
	if err == nil {
		resp.Body.Close()
		t.Fatal("a request to s3.example.invalid succeeded")
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Fatalf("request to s3.example.invalid failed with %v (%T), not a DNS error", err, err)
	}
	return err
}

// TestFaultHintsAreDistinct provokes every fault the client explains
// and checks that each gets its own one-line explanation and hint.
func TestFaultHintsAreDistinct(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	ctx := context.Background()
	hints := map[string]string{}
	check := func(name string, err error, want string) {
		t.Helper()
		oneLineWithHint(t, name, err, want)
		if err != nil {
			hints[name] = hintOf(err)
		}
	}

	// Connection refused: a proxy's address once it is closed.
	closed := s3test.StartProxy(t, srv.Host)
	closed.Close()
	_, err := clientAt(t, srv, closed.Endpoint, 0).ListBuckets(ctx)
	check("connection refused", err, "is the endpoint right and the server running?")

	check("DNS failure", s3model.Explain("list buckets", dnsFailure(t)), "check the endpoint's host name")

	tp := s3test.StartTLSProxy(t, srv.Host)
	_, err = clientAt(t, srv, tp.Endpoint, 0).ListBuckets(ctx)
	check("TLS, unknown authority", err, "pass --ca-bundle FILE")

	p := s3test.StartProxy(t, srv.Host)
	c := clientAt(t, srv, p.Endpoint, 0)

	// versitygw itself answers RequestTimeTooSkewed: the proxy moves the
	// request's date as a wrong clock would.
	p.Inject(s3test.Skew(time.Hour), 0)
	_, err = c.ListPage(ctx, bucket, "", "")
	check("clock skew", err, "this machine's clock is off")
	if err == nil || !strings.Contains(err.Error(), "RequestTimeTooSkewed") {
		t.Errorf("clock skew: %v, want the server's RequestTimeTooSkewed", err)
	}

	// versitygw has no expiring tokens; the proxy answers as AWS does.
	p.Inject(s3test.ExpiredToken, 0)
	_, err = c.ListPage(ctx, bucket, "", "")
	check("expired session token", err, "the session token has expired; get fresh credentials")

	// A session token with permanent keys: versitygw's own InvalidToken.
	st := storeAt(t, srv, srv.Endpoint, 0)
	st.Creds.SessionToken = "not-a-session-token"
	withToken, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	_, err = withToken.ListBuckets(ctx)
	check("invalid session token", err, "unset AWS_SESSION_TOKEN")

	p.Inject(s3test.Hang, 0)
	_, err = clientAt(t, srv, p.Endpoint, 200*time.Millisecond).ListPage(ctx, bucket, "", "")
	check("timeout", err, "allow it longer with --timeout")

	// A HEAD is bounded as a whole, retries included: a server that
	// never answers costs one attempt and --timeout, not MaxAttempts of
	// them.
	hp := s3test.StartProxy(t, srv.Host)
	hp.Inject(s3test.Hang, 0)
	_, err = clientAt(t, srv, hp.Endpoint, 200*time.Millisecond).Stat(ctx, bucket, "a.txt", "")
	var te *s3model.TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "details of s3://"+bucket+"/a.txt: no answer within 200ms") {
		t.Errorf("HEAD on a hanging server: %v", err)
	}
	if got := hp.Requests(); got > 2 {
		t.Errorf("HEAD on a hanging server: %d attempts within the timeout, want 1 (2 at most)", got)
	}

	p.Inject(s3test.SlowDown, 0)
	_, err = c.ListPage(ctx, bucket, "", "")
	check("503 SlowDown after retries", err, "slow down")

	p.Inject(s3test.InternalError, 0)
	_, err = c.ListPage(ctx, bucket, "", "")
	check("500 InternalError after retries", err, "the server failed")

	p.Inject(s3test.Cut, 0)
	_, err = c.ListPage(ctx, bucket, "", "")
	check("answer cut off", err, "check the network")

	p.InjectIf(s3test.AccessDenied, 0, s3test.ListBuckets)
	_, err = c.ListBuckets(ctx)
	check("403 on ListBuckets", err, "opened directly")

	seen := map[string]string{}
	for name, h := range hints {
		if other, dup := seen[h]; dup {
			t.Errorf("%s and %s share the hint %q", name, other, h)
		}
		seen[h] = name
	}
	if len(hints) != 11 {
		t.Errorf("%d faults explained, want 11", len(hints))
	}
	for name, h := range hints {
		t.Logf("%-32s — %s", name, h)
	}
}

// TestFaultStallMidBody: a store that sends half an answer and then
// nothing is given up on after --timeout, for every kind of read, and
// the connection is closed.
func TestFaultStallMidBody(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	fill(t, srv, bucket, "k", 50)
	const timeout = 300 * time.Millisecond
	ctx := context.Background()
	for _, op := range []struct {
		name string
		run  func(c *s3model.Client) error
	}{
		{"ListPage", func(c *s3model.Client) error { _, err := c.ListPage(ctx, bucket, "", ""); return err }},
		{"Walk", func(c *s3model.Client) error {
			return c.Walk(ctx, bucket, "", func(string, int64) error { return nil })
		}},
		{"ListVersions", func(c *s3model.Client) error { _, err := c.ListVersions(ctx, bucket, "k00001"); return err }},
		{"ListBuckets", func(c *s3model.Client) error { _, err := c.ListBuckets(ctx); return err }},
	} {
		t.Run(op.name, func(t *testing.T) {
			p := s3test.StartProxy(t, srv.Host)
			p.Inject(s3test.Stall, 0)
			c := clientAt(t, srv, p.Endpoint, timeout)
			done := make(chan error, 1)
			go func() { done <- op.run(c) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second): // generous: the bound is 300ms
				t.Fatalf("%s on a store stalled mid-body: no answer after 30s", op.name)
			}
			oneLineWithHint(t, op.name+" stalled mid-body", err, "--timeout")
			var te *s3model.TimeoutError
			if !errors.As(err, &te) {
				t.Errorf("%s stalled mid-body: %v is not a timeout", op.name, err)
			}
			// Walk lists key ranges side by side: the requests sent at
			// once may all stall, but none is sent after the first stall.
			most := 2
			if op.name == "Walk" {
				most = s3model.DefaultWorkers
			}
			if got := p.Faulted(); got > most {
				t.Errorf("%s: %d stalled requests, want at most %d (the first stall ends the operation)", op.name, got, most)
			}
			// Every stalled connection is closed by the client: the
			// proxy holds none of them for long.
			deadline := time.Now().Add(10 * time.Second)
			for p.Held() > 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if n := p.Held(); n > 0 {
				t.Errorf("%s: %d connections still open, stalled, after the error", op.name, n)
			}
		})
	}
}

package s3test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// proxyWait bounds how long Proxy.WaitHeld waits for requests to arrive.
const proxyWait = 30 * time.Second

// Proxy is an HTTP proxy on 127.0.0.1 in front of a test server that
// injects faults: it passes requests through, holds them unanswered,
// cuts responses off half way, answers S3 errors of its own, or shifts
// the request's clock. It counts every request it receives.
//
// Faults are set with Inject or InjectIf; until then, and after the
// requests a fault was set for have had it, requests pass through. The
// proxy forwards requests unchanged (Host header included), so requests
// signed for the proxy's address are valid at the server behind it.
type Proxy struct {
	Endpoint string // "http://127.0.0.1:PORT", or "https://…" for a TLS proxy
	Host     string // "127.0.0.1:PORT"
	// CAFile is a PEM file with the self-signed certificate of a TLS
	// proxy, to use as a CA bundle; "" for a plain HTTP proxy.
	CAFile string

	backend string
	srv     *http.Server
	tr      *http.Transport
	closed  chan struct{} // closed by Close: releases held requests

	mu       sync.Mutex
	fault    Fault
	left     int // requests the fault is still due for; <0: all
	match    func(*http.Request) bool
	requests int
	faulted  int
	held     int           // requests being held unanswered now
	changed  chan struct{} // closed and replaced on every change of the counts
	once     sync.Once
}

type faultKind int

const (
	kindPass faultKind = iota
	kindHang
	kindCut
	kindError
	kindSkew
	kindStall
)

// Fault is what the proxy does to a request.
type Fault struct {
	kind    faultKind
	status  int
	code    string
	message string
	skew    time.Duration
}

// The faults a Proxy can inject.
var (
	// Pass forwards the request and its answer.
	Pass = Fault{}
	// Hang reads the request and never answers it; the connection stays
	// open until the client gives up or the proxy is closed.
	Hang = Fault{kind: kindHang}
	// Cut forwards the request, then sends the answer's status line and
	// headers but only half its body, and closes the connection.
	Cut = Fault{kind: kindCut}
	// Stall forwards the request, then sends the answer's status line,
	// headers and half its body, and sends nothing more: the connection
	// stays open, mid-body, until the client closes it or the proxy is
	// closed.
	Stall = Fault{kind: kindStall}
	// SlowDown answers 503 SlowDown, as a throttling S3 server does.
	SlowDown = S3Error(http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	// InternalError answers 500 InternalError.
	InternalError = S3Error(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	// AccessDenied answers 403 AccessDenied.
	AccessDenied = S3Error(http.StatusForbidden, "AccessDenied", "Access Denied")
	// ExpiredToken answers 400 ExpiredToken, as AWS does for a request
	// signed with an expired session token.
	ExpiredToken = S3Error(http.StatusBadRequest, "ExpiredToken", "The provided token has expired.")
)

// S3Error is a fault that answers with an S3 error document of the
// given status and code, without asking the server.
func S3Error(status int, code, message string) Fault {
	return Fault{kind: kindError, status: status, code: code, message: message}
}

// Skew forwards the request with its X-Amz-Date moved by d, as if the
// client's clock were off by d. versitygw checks the date before the
// signature, so more than 15 minutes either way draws its own 403
// RequestTimeTooSkewed; less draws SignatureDoesNotMatch, since the date
// is signed.
func Skew(d time.Duration) Fault { return Fault{kind: kindSkew, skew: d} }

// String names the fault, for test messages.
func (f Fault) String() string {
	switch f.kind {
	case kindHang:
		return "hang"
	case kindCut:
		return "cut"
	case kindStall:
		return "stall mid-body"
	case kindError:
		return fmt.Sprintf("%d %s", f.status, f.code)
	case kindSkew:
		return "clock skew " + f.skew.String()
	}
	return "pass"
}

// ListBuckets matches the ListBuckets request (GET /), for InjectIf.
func ListBuckets(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/" && r.URL.RawQuery == ""
}

// StartProxy starts a plain HTTP proxy to backend ("127.0.0.1:PORT",
// typically a Server's Host). t.Cleanup closes it.
func StartProxy(t testing.TB, backend string) *Proxy {
	t.Helper()
	return startProxy(t, backend, false)
}

// StartTLSProxy starts a proxy that speaks HTTPS with a fresh
// self-signed certificate for 127.0.0.1 (written to CAFile) and forwards
// plain HTTP to backend. t.Cleanup closes it.
func StartTLSProxy(t testing.TB, backend string) *Proxy {
	t.Helper()
	return startProxy(t, backend, true)
}

func startProxy(t testing.TB, backend string, useTLS bool) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("s3test: proxy: listen on 127.0.0.1: %v", err)
	}
	p := &Proxy{
		Host:    ln.Addr().String(),
		backend: backend,
		closed:  make(chan struct{}),
		changed: make(chan struct{}),
		left:    -1,
		tr: &http.Transport{
			Proxy:               nil, // the backend is local; never go through a proxy
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			DisableCompression:  true,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     time.Minute,
		},
	}
	p.Endpoint = "http://" + p.Host
	if useTLS {
		cfg, caFile, err := selfSigned(t.TempDir())
		if err != nil {
			ln.Close()
			t.Fatalf("s3test: proxy: %v", err)
		}
		ln = tls.NewListener(ln, cfg)
		p.Endpoint = "https://" + p.Host
		p.CAFile = caFile
	}
	p.srv = &http.Server{
		Handler:           http.HandlerFunc(p.serve),
		ReadHeaderTimeout: 30 * time.Second,
		// Refused TLS handshakes are expected; keep them out of the test output.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = p.srv.Serve(ln) }()
	t.Cleanup(p.Close)
	return p
}

// Close stops the proxy and releases held requests. Its address then
// refuses connections. Closing twice does nothing.
func (p *Proxy) Close() {
	p.once.Do(func() {
		close(p.closed)
		_ = p.srv.Close()
		p.tr.CloseIdleConnections()
	})
}

// Inject makes the next times requests get f, and those after them pass
// through; times <= 0 means every request until the next Inject.
func (p *Proxy) Inject(f Fault, times int) { p.InjectIf(f, times, nil) }

// InjectIf is Inject for the requests match accepts; the others pass
// through and do not count towards times. A nil match accepts all.
func (p *Proxy) InjectIf(f Fault, times int, match func(*http.Request) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if times <= 0 {
		times = -1
	}
	p.fault, p.left, p.match = f, times, match
}

// Requests is the number of requests the proxy has received.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Faulted is the number of requests that got an injected fault.
func (p *Proxy) Faulted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faulted
}

// Held is the number of requests held unanswered (Hang) right now.
func (p *Proxy) Held() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

// WaitHeld waits until at least n requests are held unanswered. It
// fails the test if that does not happen within 30 seconds; call it from
// the test's goroutine.
func (p *Proxy) WaitHeld(t testing.TB, n int) {
	t.Helper()
	if got, ok := p.wait(func() int { return p.held }, n); !ok {
		t.Fatalf("s3test: proxy holds %d requests after %s, want %d", got, proxyWait, n)
	}
}

// WaitRequests waits until the proxy has received at least n requests.
// It fails the test if that does not happen within 30 seconds; call it
// from the test's goroutine.
func (p *Proxy) WaitRequests(t testing.TB, n int) {
	t.Helper()
	if got, ok := p.wait(func() int { return p.requests }, n); !ok {
		t.Fatalf("s3test: proxy received %d requests after %s, want %d", got, proxyWait, n)
	}
}

// wait waits until count() >= n, and returns the last count.
func (p *Proxy) wait(count func() int, n int) (int, bool) {
	deadline := time.After(proxyWait)
	for {
		p.mu.Lock()
		got, ch := count(), p.changed
		p.mu.Unlock()
		if got >= n {
			return got, true
		}
		select {
		case <-ch:
		case <-deadline:
			return got, false
		}
	}
}

// notify wakes WaitHeld; p.mu must be held.
func (p *Proxy) notify() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// pick counts r and returns the fault it gets.
func (p *Proxy) pick(r *http.Request) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	defer p.notify()
	if p.left == 0 || p.fault.kind == kindPass || (p.match != nil && !p.match(r)) {
		return Pass
	}
	if p.left > 0 {
		p.left--
	}
	p.faulted++
	return p.fault
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	f := p.pick(r)
	switch f.kind {
	case kindHang:
		p.hold(w, r)
	case kindError:
		_, _ = io.Copy(io.Discard, r.Body)
		writeS3Error(w, r, f)
	case kindSkew:
		if d := r.Header.Get("X-Amz-Date"); d != "" {
			if at, err := time.Parse("20060102T150405Z", d); err == nil {
				r.Header.Set("X-Amz-Date", at.Add(f.skew).Format("20060102T150405Z"))
			}
		}
		p.forward(w, r, false)
	case kindCut:
		p.forward(w, r, true)
	case kindStall:
		p.forwardStalled(w, r)
	default:
		p.forward(w, r, false)
	}
}

// hold keeps r unanswered until its client goes away or the proxy
// closes, and then closes the connection without an answer.
func (p *Proxy) hold(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.held++
	p.notify()
	p.mu.Unlock()
	select {
	case <-r.Context().Done():
	case <-p.closed:
	}
	p.mu.Lock()
	p.held--
	p.notify()
	p.mu.Unlock()
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
		}
	}
}

// hopHeaders are connection-level headers a proxy does not forward.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward sends r to the backend and its answer back; with cut, only
// half the answer's body is sent before the connection is closed.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, cut bool) {
	resp, err := p.roundTrip(r)
	if err != nil {
		http.Error(w, "s3test proxy: backend: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if cut {
		conn, ok := cutResponse(w, resp)
		if ok {
			conn.Close()
		}
		return
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	for _, h := range hopHeaders {
		w.Header().Del(h)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// forwardStalled sends half the backend's answer to r and then holds the
// connection open, counted among the held requests, until the client
// closes it or the proxy closes.
func (p *Proxy) forwardStalled(w http.ResponseWriter, r *http.Request) {
	resp, err := p.roundTrip(r)
	if err != nil {
		http.Error(w, "s3test proxy: backend: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	conn, ok := cutResponse(w, resp)
	if !ok {
		return
	}
	defer conn.Close()
	p.mu.Lock()
	p.held++
	p.notify()
	p.mu.Unlock()
	gone := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, conn) // returns when the client closes
		close(gone)
	}()
	select {
	case <-gone:
	case <-p.closed:
	}
	p.mu.Lock()
	p.held--
	p.notify()
	p.mu.Unlock()
}

// roundTrip sends r to the backend unchanged.
func (p *Proxy) roundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme = "http"
	out.URL.Host = p.backend
	out.Host = r.Host // the signature covers the Host header
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	if r.ContentLength == 0 {
		out.Body = nil
	}
	return p.tr.RoundTrip(out)
}

// cutResponse sends resp's status and headers and half its body on the
// hijacked connection, which it returns for the caller to close.
func cutResponse(w http.ResponseWriter, resp *http.Response) (net.Conn, bool) {
	body, _ := io.ReadAll(resp.Body)
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "s3test proxy: cannot cut this connection", http.StatusInternalServerError)
		return nil, false
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil, false
	}
	h := resp.Header.Clone()
	for _, k := range hopHeaders {
		h.Del(k)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	fmt.Fprintf(buf, "HTTP/1.1 %s\r\n", resp.Status)
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n")
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
	return conn, true
}

// writeS3Error answers r with f's S3 error document.
func writeS3Error(w http.ResponseWriter, r *http.Request, f Fault) {
	type s3Error struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string
		Message   string
		Resource  string
		RequestID string `xml:"RequestId"`
	}
	body, _ := xml.Marshal(s3Error{Code: f.code, Message: f.message, Resource: r.URL.Path, RequestID: "s3test-proxy"})
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", "s3test-proxy")
	if f.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(f.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(xml.Header))
		_, _ = w.Write(body)
	}
}

// SelfSigned writes a certificate for 127.0.0.1 that is its own
// authority to dir/ca.pem, and its key to dir/key.pem.
func SelfSigned(dir string) (certFile, keyFile string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "s3test proxy", Organization: []string{"s3share tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", fmt.Errorf("self-signed certificate: %v", err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

// selfSigned makes a certificate for 127.0.0.1 that is its own
// authority, writes it to dir/ca.pem and returns a server TLS config.
func selfSigned(dir string) (*tls.Config, string, error) {
	certFile, keyFile, err := SelfSigned(dir)
	if err != nil {
		return nil, "", err
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, "", err
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	}
	return cfg, certFile, nil
}

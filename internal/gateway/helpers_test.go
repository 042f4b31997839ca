package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/pgtest"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// backends are the databases every store test runs on: a new one for
// each call.
var backends = []struct {
	name string
	dsn  func(t testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "gateway.db") }},
	{"postgres", func(t testing.TB) string { return pgtest.Shared(t).NewDatabase(t) }},
}

// eachBackend runs f as a subtest on each database.
func eachBackend(t *testing.T, f func(t *testing.T, dsn string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.dsn(t)) })
	}
}

func openStore(t testing.TB, dsn string) Store {
	t.Helper()
	st, err := OpenStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testAdmin is the server's own admin token in the tests.
const testAdmin = "s3sg_test-admin-token-0123456789abcdefghijklmnop"

// logBuffer collects a gateway's log, safe for concurrent writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// env is a gateway in this process on a real S3 server and database.
type env struct {
	t      testing.TB
	s3     *s3test.Server
	bucket string
	store  Store
	gw     *Gateway
	url    string // the gateway's base URL
	log    *logBuffer
	client *http.Client // follows no redirect
	clock  *clock
	// before, when set, sees each request to the gateway before it is
	// served (a test holds some back with it).
	before atomic.Pointer[func(*http.Request)]
}

// clock is a settable time for the tests of expiry.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

func signingStore(srv *s3test.Server) config.Store {
	u, _ := url.Parse(srv.Endpoint)
	return config.Store{
		Name: "test", Endpoint: u, Region: srv.Region, RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	}
}

// newEnv starts a gateway on dsn over srv (a new S3 server when nil).
func newEnv(t testing.TB, srv *s3test.Server, dsn string, tune ...func(*Config)) *env {
	t.Helper()
	if srv == nil {
		srv = s3test.Start(t)
	}
	e := &env{t: t, s3: srv, log: &logBuffer{}, clock: &clock{}}
	e.bucket = srv.NewBucket(t)
	e.store = openStore(t, dsn)
	client, err := s3model.New(signingStore(srv))
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := e.before.Load(); f != nil {
			(*f)(r)
		}
		h.ServeHTTP(w, r)
	}))
	e.url = "http://" + ts.Listener.Addr().String()
	cfg := Config{
		Store: e.store, Signing: client, StoreName: "test", PublicURL: e.url, AdminToken: testAdmin,
		Logger: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    e.clock.now, CreatePerMinute: -1,
	}
	for _, f := range tune {
		f(&cfg)
	}
	e.gw, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h = e.gw.Handler()
	ts.Start()
	t.Cleanup(func() { ts.Close(); e.gw.Close() })
	e.client = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

// api calls the admin API with token and decodes the answer into out
// (when not nil); it returns the status.
func apiCall(t testing.TB, c *http.Client, base, token, method, path string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// create makes a share through the admin API.
func (e *env) create(req CreateRequest) ShareJSON {
	e.t.Helper()
	if req.Bucket == "" {
		req.Bucket = e.bucket
	}
	var sh ShareJSON
	if st := apiCall(e.t, e.client, e.url, testAdmin, "POST", "/api/v1/shares", req, &sh); st != http.StatusCreated {
		e.t.Fatalf("create: HTTP %d", st)
	}
	return sh
}

// visit GETs a share link.
func (e *env) visit(link string) *http.Response {
	e.t.Helper()
	resp, err := e.client.Get(link)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// unlock sends the password form.
func (e *env) unlock(link, password string) *http.Response {
	e.t.Helper()
	resp, err := e.client.PostForm(link, url.Values{"password": {password}})
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// fetch downloads a URL whole.
func fetch(t testing.TB, link string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// noSecrets fails when any of the secrets shows in text.
func noSecrets(t testing.TB, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s holds a secret (%.6s…)", where, s)
		}
	}
}

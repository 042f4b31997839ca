package ui

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// Fault tests: the UI in front of a fault-injecting proxy
// (s3test.Proxy) in front of versitygw. A server that stops mid-listing
// is TestStreamingListing's last case in browse_test.go.

// clientVia connects to the test server through endpoint (a proxy's),
// with the given request timeout (0: the default).
func clientVia(t *testing.T, srv *s3test.Server, endpoint string, timeout time.Duration) *s3model.Client {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s3model.New(config.Store{
		Endpoint: u, Region: srv.Region, Addressing: config.AddressingPath, Timeout: timeout,
		Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// stuckGuard bounds how long a single Update may take before the test
// calls it stuck. Update never waits for the network, so it returns at
// once; the guard only turns a blocked Update into a failure instead of
// a test that hangs.
const stuckGuard = 10 * time.Second

// updateNow delivers msg and fails if Update does not return.
func updateNow(t *testing.T, m tea.Model, msg tea.Msg) (tea.Model, tea.Cmd) {
	t.Helper()
	type result struct {
		m   tea.Model
		cmd tea.Cmd
	}
	ch := make(chan result, 1)
	go func() {
		m, cmd := m.Update(msg)
		ch <- result{m, cmd}
	}()
	select {
	case r := <-ch:
		return r.m, r.cmd
	case <-time.After(stuckGuard):
		t.Fatalf("Update(%v) did not return while a request hangs", msg)
		return nil, nil
	}
}

func TestFaultHangingServerKeepsTheUIResponsive(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	p.Inject(s3test.Hang, 0)
	// A timeout far longer than the test: only q can end the request.
	c := clientVia(t, srv, p.Endpoint, time.Hour)

	var m tea.Model = New(Options{Client: c, Start: Location{Bucket: bucket}, Keys: keymap.Default()})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	// Run the first load's commands as the runtime would, off the
	// update loop; the page request hangs at the proxy.
	replies := make(chan tea.Msg, 4)
	for _, cmd := range m.Init()().(tea.BatchMsg) {
		go func() { replies <- cmd() }()
	}
	p.WaitHeld(t, 1)
	if v := m.View(); !strings.Contains(v, "loading") {
		t.Fatalf("while the page request hangs:\n%s", v)
	}

	// Keys work while the request hangs.
	m, _ = updateNow(t, m, keyMsg("?"))
	if v := m.View(); !strings.Contains(v, "s3share — keys") {
		t.Fatalf("? during a hanging request shows no help:\n%s", v)
	}
	m, _ = updateNow(t, m, keyMsg("x")) // any key closes the help
	m, _ = updateNow(t, m, keyMsg("/"))
	for _, k := range "zz" {
		m, _ = updateNow(t, m, keyMsg(string(k)))
	}
	if v := m.View(); !strings.Contains(strings.SplitN(v, "\n", 2)[0], "zz") {
		t.Fatalf("typing a filter during a hanging request:\n%s", v)
	}
	m, _ = updateNow(t, m, tea.KeyMsg{Type: tea.KeyEsc})

	// q quits at once, and cancels the hanging request.
	_, cmd := updateNow(t, m, keyMsg("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit while a request hangs")
	}
	for {
		select {
		case msg := <-replies:
			pm, ok := msg.(pageMsg)
			if !ok {
				continue // the spinner's tick
			}
			if !errors.Is(pm.err, context.Canceled) {
				t.Fatalf("the hanging page request ended with %v, want it cancelled by q", pm.err)
			}
			return
		case <-time.After(stuckGuard):
			t.Fatal("the hanging page request was not cancelled by q")
		}
	}
}

func TestFaultHangingServerTimesOut(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	p.Inject(s3test.Hang, 0)
	c := clientVia(t, srv, p.Endpoint, 300*time.Millisecond)
	const w, h = 220, 24

	m := start(t, c, Location{Bucket: bucket}, w, h)
	v := m.View()
	checkFits(t, v, w, h)
	if !strings.Contains(v, "failed (r retries): list s3://"+bucket+"/: no answer within 300ms — ") || !strings.Contains(v, "--timeout") {
		t.Fatalf("after the page request timed out:\n%s", v)
	}

	p.Inject(s3test.Pass, 0)
	m = press(t, m, "r")
	if v := m.View(); !strings.Contains(v, "a.txt") || strings.Contains(v, "failed") {
		t.Fatalf("r once the server answers again:\n%s", v)
	}
}

func TestFaultSlowDownIsRetriedThenReported(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	c := clientVia(t, srv, p.Endpoint, 0)
	const w, h = 220, 24

	p.Inject(s3test.SlowDown, 0)
	m := start(t, c, Location{Bucket: bucket}, w, h)
	if v := m.View(); !strings.Contains(v, "failed (r retries): list s3://"+bucket+"/: SlowDown") || !strings.Contains(v, "slow down") {
		t.Fatalf("after a 503 storm:\n%s", v)
	}
	if got := p.Requests(); got != s3model.MaxAttempts {
		t.Errorf("%d requests for one page under 503s, want %d", got, s3model.MaxAttempts)
	}

	p.Inject(s3test.SlowDown, 1) // one more 503, then the server answers
	m = press(t, m, "r")
	if v := m.View(); !strings.Contains(v, "a.txt") || strings.Contains(v, "failed") {
		t.Fatalf("r after the 503s clear:\n%s", v)
	}
}

func TestFaultListBucketsDeniedOpenDirectly(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	p.InjectIf(s3test.AccessDenied, 0, s3test.ListBuckets)
	c := clientVia(t, srv, p.Endpoint, 0)
	const w, h = 120, 24

	m := start(t, c, Location{}, w, h)
	v := m.View()
	checkFits(t, v, w, h)
	for _, want := range []string{"Could not list buckets: list buckets: AccessDenied", "open one directly", "press : and type s3://BUCKET/"} {
		if !strings.Contains(v, want) {
			t.Fatalf("bucket list refused; view lacks %q:\n%s", want, v)
		}
	}

	m = press(t, m, ":")
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = press(t, m, "s3://"+bucket+"/", "enter")
	v = m.View()
	if !strings.Contains(strings.Split(v, "\n")[0], " s3://"+bucket+"/ ") || !strings.Contains(v, "a.txt") || strings.Contains(v, "failed") {
		t.Fatalf("opening the bucket directly:\n%s", v)
	}
	if got := p.Faulted(); got != 1 {
		t.Errorf("%d requests refused, want only the one ListBuckets", got)
	}
}

// TestFaultStalledStoreTimesOut: with --timeout 300ms, versions (v)
// against a store that stalls mid-body and details against one that
// never answers each fail with the --timeout hint, within one attempt
// for the details (the timeout bounds the whole operation), and leave
// no connection open.
func TestFaultStalledStoreTimesOut(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "")
	p := s3test.StartProxy(t, srv.Host)
	c := clientVia(t, srv, p.Endpoint, 300*time.Millisecond)
	const w, h = 220, 30
	m := start(t, c, Location{Bucket: bucket}, w, h)
	if !strings.Contains(m.View(), "a.txt") {
		t.Fatalf("listing:\n%s", m.View())
	}

	p.Inject(s3test.Stall, 0)
	m = press(t, m, "v")
	if v := m.View(); !strings.Contains(v, "versions of s3://"+bucket+"/a.txt: no answer within 300ms") || !strings.Contains(v, "--timeout") {
		t.Fatalf("v on a store stalled mid-body:\n%s", v)
	}

	p.Inject(s3test.Hang, 0)
	before := p.Requests()
	root := m.(Model)
	root.browser.details = map[string]detailState{}
	m = drain(t, root, root.browser.fetchDetails(root.browser.detailSeq))
	if v := m.View(); !strings.Contains(v, "no answer within 300ms") {
		t.Fatalf("details on a store that never answers:\n%s", v)
	}
	if n := p.Requests() - before; n > 2 {
		t.Errorf("details: %d attempts within the timeout, want 1 (2 at most): --timeout bounds the whole operation", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.Held() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := p.Held(); n > 0 {
		t.Errorf("%d connections still held open after the errors", n)
	}
}

package ui

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/gateway"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// syncBuffer is a log the gateway writes from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// gatewayEnv is a store on the test server with an in-process share
// gateway, and the UI on it.
type gatewayEnv struct {
	m      tea.Model
	clip   *recordingClipboard
	ledger string
	gw     *gateway.Local
	log    *syncBuffer
	bucket string
	data   []byte
}

func startGatewayEnv(t *testing.T) *gatewayEnv {
	t.Helper()
	srv := s3test.Start(t)
	e := &gatewayEnv{bucket: srv.NewBucket(t), data: bytes.Repeat([]byte("quarterly report\x00\xff\n"), 3000), log: &syncBuffer{}}
	srv.Put(t, e.bucket, "reports/q3.pdf", e.data, "application/pdf")
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	st := config.Store{Name: "work", Endpoint: u, Region: srv.Region, RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	signing, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	if e.gw, err = gateway.StartLocal(signing, "work", t.TempDir(), e.log); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.gw.Close() })
	st.Gateway = &config.StoreGateway{URL: e.gw.URL, Token: e.gw.Token}
	c, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	e.clip = nativeOK()
	e.ledger = filepath.Join(t.TempDir(), "shares.jsonl")
	opts := Options{Client: c, Start: Location{Bucket: e.bucket, Prefix: "reports/"}, Keys: keymap.Default(), Clipboard: e.clip, LedgerPath: e.ledger}
	e.m = tea.Model(New(opts))
	e.m = send(t, e.m, tea.WindowSizeMsg{Width: 120, Height: 40})
	e.m = drain(t, e.m, e.m.Init())
	return e
}

// visit fetches link as a browser would after typing password (none when
// ""), following the redirect to the store.
func visit(t *testing.T, link, password string) (int, []byte) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	var resp *http.Response
	var err error
	if password == "" {
		resp, err = c.Get(link)
	} else {
		resp, err = c.PostForm(link, url.Values{"password": {password}})
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestShareGatewayLink makes a gateway link with at most 2 downloads and
// a password from the share panel, downloads it, sees the download in
// the ledger view and revokes it there: the next visit is refused.
func TestShareGatewayLink(t *testing.T) {
	const password = "sharePWSECRETvalue00004343" // marked: .ci/test looks for it in all output
	e := startGatewayEnv(t)
	var screens []string
	var m tea.Model
	look := func() string {
		v := m.View()
		screens = append(screens, v)
		return v
	}
	m = drain(t, e.m, shareCmd(e.m, ShareTarget{Bucket: e.bucket, Key: "reports/q3.pdf", Size: int64(len(e.data))}))
	p := sharePanelOf(t, m)
	if got := p.methods[len(p.methods)-1]; got != methodGateway {
		t.Fatalf("the methods offered are %v, want gateway last", p.methods)
	}
	m = press(t, m, "right", "right", "right") // GET, PUT, POST, gateway
	v := flat(look())
	for _, want := range []string{"[gateway]", "share gateway " + e.gw.URL, "Max downloads", "Password", "[7d]", "30d"} {
		if !strings.Contains(v, want) {
			t.Errorf("the gateway form lacks %q:\n%s", want, v)
		}
	}
	// A lifetime past 7 days is taken.
	m = press(t, m, "tab", "right", "right")
	if v := flat(look()); !strings.Contains(v, "[custom…]") {
		t.Fatalf("custom expiry not picked:\n%s", v)
	}
	m = press(t, m, "1", "4", "d")
	if v := flat(look()); !strings.Contains(v, "ends "+time.Now().Add(14*24*time.Hour).UTC().Format("2006-01-02")) {
		t.Errorf("a 14d gateway lifetime is not taken:\n%s", v)
	}
	for sharePanelOf(t, m).focus != fieldMaxDownloads {
		m = press(t, m, "tab")
	}
	m = press(t, m, "2", "tab")
	for _, r := range password {
		m = press(t, m, string(r))
	}
	if v := look(); !strings.Contains(v, strings.Repeat("•", len(password))) {
		t.Errorf("the password is not masked:\n%s", v)
	}
	m = press(t, m, "enter")
	v = flat(look())
	link := e.clip.last(t)
	if !strings.HasPrefix(link, e.gw.URL+"/s/") {
		t.Fatalf("copied %q, want a link of the gateway %s\n%s", link, e.gw.URL, v)
	}
	for _, want := range []string{"link made · gateway · s3://" + e.bucket + "/reports/q3.pdf", "at most 2 downloads · password required", link,
		"not checked: a visit to a gateway link counts as one of its downloads"} {
		if !strings.Contains(v, want) {
			t.Errorf("the result lacks %q:\n%s", want, v)
		}
	}
	m = press(t, m, "c") // a gateway link redirects: its curl line follows
	if c := e.clip.last(t); !strings.HasPrefix(c, "curl -fL ") || !strings.HasSuffix(c, " '"+link+"'") {
		t.Errorf("copied the curl line %q", c)
	}
	recs := ledgerRecords(t, e.ledger)
	if len(recs) != 1 || recs[0].Share == "" || recs[0].URL != link || recs[0].Options["gateway"] != e.gw.URL ||
		recs[0].Options["max-downloads"] != "2" || recs[0].ExpiresAt.Sub(time.Now()) < 13*24*time.Hour {
		t.Errorf("ledger: %+v", recs)
	}

	// Without the password: the page asking for it, no download counted.
	if code, body := visit(t, link, ""); code != http.StatusOK || bytes.Equal(body, e.data) {
		t.Errorf("a visit without the password: %d", code)
	}
	if code, body := visit(t, link, password); code != http.StatusOK || !bytes.Equal(body, e.data) {
		t.Fatalf("download: %d, %d bytes (want %d, byte-exact)", code, len(body), len(e.data))
	}

	m = press(t, m, "esc", "H")
	lp := ledgerPanelOf(t, m)
	v = flat(look())
	if want := "gateway share " + recs[0].Share + " · 1 of 2 downloads used · last access "; !strings.Contains(v, want) {
		t.Errorf("the ledger view lacks %q:\n%s", want, v)
	}
	if !strings.Contains(v, "1 active") {
		t.Errorf("the ledger view does not count the share as active:\n%s", v)
	}
	// The second and last download uses the share up: no longer active.
	if code, body := visit(t, link, password); code != http.StatusOK || !bytes.Equal(body, e.data) {
		t.Fatalf("second download: %d, %d bytes", code, len(body))
	}
	m = press(t, m, "esc", "H")
	lp = ledgerPanelOf(t, m)
	if v := flat(look()); !strings.Contains(v, "used up") || !strings.Contains(v, "0 active") {
		t.Errorf("a used-up gateway share is still counted active:\n%s", v)
	}
	m = press(t, m, "d")
	if v := flat(look()); !strings.Contains(v, "r revokes it at its gateway and forgets it") {
		t.Errorf("d does not offer to revoke:\n%s", v)
	}
	m = press(t, m, "r")
	v = flat(look())
	if !strings.Contains(v, "revoked s3://"+e.bucket+"/reports/q3.pdf at its gateway (2 downloads used)") || lp.msgErr {
		t.Errorf("the revocation says:\n%s", v)
	}
	if code, _ := visit(t, link, password); code != http.StatusGone {
		t.Errorf("a visit after the revocation: %d, want 410", code)
	}
	if n := len(ledgerRecords(t, e.ledger)); n != 0 {
		t.Errorf("%d records left in the ledger after revoke and forget", n)
	}
	e.noSecret(t, password, screens)
}

// noSecret checks that secret shows in none of screens, the gateway's
// log and what was copied.
func (e *gatewayEnv) noSecret(t *testing.T, secret string, screens []string) {
	t.Helper()
	for i, s := range append(screens, e.log.String(), strings.Join(e.clip.all(), "\n")) {
		if strings.Contains(s, secret) {
			t.Errorf("the password shows in screen or log %d:\n%s", i, s)
		}
		credtest.Output(t, "the share panel, the ledger view and the gateway's log", s)
	}
}

// TestLedgerGatewayUnreachable: the ledger view of a gateway share whose
// gateway does not answer says so on the share, once, and forgetting it
// still works.
func TestLedgerGatewayUnreachable(t *testing.T) {
	e := startGatewayEnv(t)
	m := drain(t, e.m, shareCmd(e.m, ShareTarget{Bucket: e.bucket, Key: "reports/q3.pdf", Size: int64(len(e.data))}))
	m = press(t, m, "right", "right", "right", "enter", "esc")
	if n := len(ledgerRecords(t, e.ledger)); n != 1 {
		t.Fatalf("%d records in the ledger", n)
	}
	if err := e.gw.Close(); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "H")
	v := flat(m.View())
	if !strings.Contains(v, "gateway unreachable: gateway "+e.gw.URL) {
		t.Errorf("the ledger view does not say the gateway is unreachable:\n%s", v)
	}
	m = press(t, m, "d", "r")
	if v := flat(m.View()); !strings.Contains(v, "not revoked (kept in the ledger; the link still works): gateway "+e.gw.URL) {
		t.Errorf("revoking at an unreachable gateway says:\n%s", v)
	}
	if n := len(ledgerRecords(t, e.ledger)); n != 1 {
		t.Errorf("%d records in the ledger after a failed revocation, want 1", n)
	}
}

// TestQRTooBigOffersTheGateway: on a store with a share gateway, the QR
// code of a presigned link too big for the screen says that a gateway
// link's short code would fit.
func TestQRTooBigOffersTheGateway(t *testing.T) {
	e := startGatewayEnv(t)
	m := drain(t, e.m, shareCmd(e.m, ShareTarget{Bucket: e.bucket, Key: "reports/q3.pdf", Size: int64(len(e.data))}))
	m = press(t, m, "enter") // a GET link: about 400 characters, too big for 120×40
	m = press(t, m, "Q")
	v := flat(m.View())
	if !strings.Contains(v, "need ") || !strings.Contains(v, "make a gateway link of it") {
		t.Fatalf("the QR panel of a long link on a store with a gateway:\n%s", m.View())
	}
	q := m.(Model).stack[len(m.(Model).stack)-1].(*qrPanel)
	if !q.gateway {
		t.Fatal("the QR panel does not know of the store's gateway")
	}
}

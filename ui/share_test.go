package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// recordingClipboard is a clip.Clipboard that keeps what it was given
// and answers with a fixed Result.
type recordingClipboard struct {
	mu     sync.Mutex
	copied []string
	res    clip.Result
}

func (c *recordingClipboard) Copy(values ...string) clip.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	text, err := clip.Join(values) // the rule every clipboard keeps
	if err != nil {
		return clip.Result{Methods: []clip.Method{clip.MethodNone}, Message: "not copied — link shown below", Err: err}
	}
	c.copied = append(c.copied, text)
	return c.res
}

func (c *recordingClipboard) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.copied...)
}

func (c *recordingClipboard) last(t *testing.T) string {
	t.Helper()
	all := c.all()
	if len(all) == 0 {
		t.Fatal("nothing was copied")
	}
	return all[len(all)-1]
}

func nativeOK() *recordingClipboard {
	return &recordingClipboard{res: clip.Result{Methods: []clip.Method{clip.MethodNative}, Message: "copied (native)"}}
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The driver below is drive_test.go's, except that the ledger view's
// one-second countdown is not fed back (it would never settle).

// typeText types s one rune at a time.
func typeText(t *testing.T, m tea.Model, s string) tea.Model {
	t.Helper()
	for _, r := range s {
		m = send(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// shareEnv is what a share test sets up around the model.
type shareEnv struct {
	clip   *recordingClipboard
	ledger string
	s      *session
}

// printed is the links the UI would print on exit.
func (e shareEnv) printed() []string { return e.s.links }

// startShare builds the root model with a clipboard, a ledger and the
// printed-links list, and loads loc.
func startShare(t *testing.T, c *s3model.Client, loc Location, w, h int, opts Options) (tea.Model, shareEnv) {
	t.Helper()
	env := shareEnv{clip: nativeOK(), ledger: filepath.Join(t.TempDir(), "state", "shares.jsonl")}
	opts.Client, opts.Start, opts.Keys = c, loc, keymap.Default()
	if opts.Clipboard == nil {
		opts.Clipboard = env.clip
	}
	if opts.LedgerPath == "" {
		opts.LedgerPath = env.ledger
	}
	env.ledger = opts.LedgerPath
	root := New(opts)
	env.s = root.s
	m := tea.Model(root)
	m = send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return drain(t, m, m.Init()), env
}

func sharePanelOf(t *testing.T, m tea.Model) *sharePanel {
	t.Helper()
	p, ok := topPanel(m).(*sharePanel)
	if !ok {
		t.Fatalf("the share panel is not open; the screen is:\n%s", m.View())
	}
	return p
}

// flat joins the screen's lines without their padding, so that a link
// wrapped over several lines reads as one string.
func flat(view string) string {
	var b strings.Builder
	for _, l := range strings.Split(view, "\n") {
		l = unframe(ansi.Strip(l))
		b.WriteString(strings.TrimRight(l, " "))
	}
	return b.String()
}

func ledgerRecords(t *testing.T, path string) []ledger.Record {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, warns, err := l.Load()
	if err != nil || len(warns) > 0 {
		t.Fatalf("ledger: %v %v", err, warns)
	}
	return recs
}

func httpGet(t *testing.T, link string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

func TestShareGetOneDay(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "docs/report.txt", []byte("quarterly numbers"), "text/plain")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket, Prefix: "docs/"}, 100, 30, Options{})

	m = press(t, m, "s")
	v := m.View()
	checkFits(t, v, 100, 30)
	for _, want := range []string{"Share s3://" + bucket + "/docs/report.txt", "[GET]", "[1h]", "[inline]", "report.txt"} {
		if !strings.Contains(v, want) {
			t.Errorf("share panel lacks %q:\n%s", want, v)
		}
	}
	m = press(t, m, "down", "3") // the expiry row, third preset
	if v := m.View(); !strings.Contains(v, "[1d]") {
		t.Fatalf("1d not selected:\n%s", v)
	}
	m = press(t, m, "enter")
	v = m.View()
	checkFits(t, v, 100, 30)

	link := env.clip.last(t)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got := q.Get("X-Amz-Expires"); got != "86400" {
		t.Errorf("X-Amz-Expires = %q, want 86400", got)
	}
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	wantExp := "expires " + signed.Add(24*time.Hour).UTC().Format("2006-01-02 15:04") + " UTC (in "
	if !strings.Contains(v, wantExp) {
		t.Errorf("result lacks %q:\n%s", wantExp, v)
	}
	if !strings.Contains(flat(v), link) {
		t.Errorf("the link is not on screen as plain text:\n%s", v)
	}
	if !strings.Contains(v, "link copied · clipboard") {
		t.Errorf("clipboard report missing:\n%s", v)
	}
	if got := env.printed(); len(got) != 1 || got[0] != link {
		t.Errorf("printed links %q, want the link", got)
	}
	recs := ledgerRecords(t, env.ledger)
	if len(recs) != 1 || recs[0].URL != link || recs[0].Options["expires"] != "1d" || recs[0].Options["disposition"] != "inline" {
		t.Errorf("ledger holds %+v", recs)
	}

	code, body, h := httpGet(t, link)
	if code != 200 || body != "quarterly numbers" {
		t.Fatalf("GET link: %d %q", code, body)
	}
	if cd := h.Get("Content-Disposition"); cd != `inline; filename="report.txt"` {
		t.Errorf("Content-Disposition %q", cd)
	}

	// Enter copies again; esc closes.
	m = press(t, m, "enter")
	if n := len(env.clip.all()); n != 2 {
		t.Errorf("%d copies after enter on the result, want 2", n)
	}
	m = press(t, m, "esc")
	if topPanel(m) != nil {
		t.Fatal("esc did not close the result")
	}

	// The next panel starts on the expiry used last.
	m = press(t, m, "s")
	if v := m.View(); !strings.Contains(v, "[1d]") {
		t.Errorf("the last expiry was not remembered:\n%s", v)
	}
}

func TestShareAttachmentAndOverrides(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "data.bin", []byte("bytes"), "application/octet-stream")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 80, 24, Options{})
	m = press(t, m, "s", "down", "down", "right") // disposition: attachment
	m = press(t, m, "down", "ctrl+u")             // the file name
	m = typeText(t, m, "résumé ")
	m, cmd := m.Update(keyMsg("q")) // q types a letter; it does not quit
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q in a text field quits")
		}
	}
	m = typeText(t, m, ".bin")
	m = press(t, m, "down")
	m = typeText(t, m, "text/plain")
	m = press(t, m, "down")
	m = typeText(t, m, "no-store")
	m = press(t, m, "enter")
	code, body, h := httpGet(t, env.clip.last(t))
	if code != 200 || body != "bytes" {
		t.Fatalf("GET link: %d %q", code, body)
	}
	want, _ := presign.ContentDisposition("attachment", "résumé q.bin")
	if got := h.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if h.Get("Content-Type") != "text/plain" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("overrides not applied: %v", h)
	}
}

func TestSharePutSignsContentType(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "pic.png", []byte("old"), "image/png")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 120, 40, Options{})
	m = press(t, m, "s", "right") // PUT
	v := m.View()
	if !strings.Contains(v, "[PUT]") || !strings.Contains(v, "image/png") {
		t.Fatalf("PUT form without the prefilled Content-Type:\n%s", v)
	}
	// pic.png exists: enter looks (HEAD) and warns before signing.
	m = press(t, m, "enter")
	v = m.View()
	if !strings.Contains(v, "s3://"+bucket+"/pic.png exists (3 B): an upload replaces it — enter signs anyway") || len(env.clip.all()) != 0 {
		t.Fatalf("a PUT onto an existing key does not warn before signing:\n%s", v)
	}
	m = press(t, m, "enter")
	v = m.View()
	checkFits(t, v, 120, 40)
	link := env.clip.last(t)
	if !strings.Contains(flat(v), "curl -f -X PUT -H 'Content-Type: image/png' --upload-file pic.png '"+link+"'") {
		t.Errorf("curl line wrong or missing:\n%s", v)
	}
	m = press(t, m, "c")
	if got := env.clip.last(t); !strings.HasPrefix(got, "curl -f -X PUT -H 'Content-Type: image/png'") {
		t.Errorf("c copied %q, want the curl line", got)
	}
	if v := m.View(); !strings.Contains(v, "curl line copied · clipboard") {
		t.Errorf("curl copy not reported:\n%s", v)
	}

	put := func(ct string) int {
		req, _ := http.NewRequest(http.MethodPut, link, strings.NewReader("new picture"))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := put("text/plain"); code != http.StatusForbidden {
		t.Errorf("PUT with another Content-Type: %d, want 403 (the header is signed)", code)
	}
	if code := put("image/png"); code != 200 {
		t.Fatalf("PUT with the signed Content-Type: %d", code)
	}
	st, err := srv.Client.StatObject(t.Context(), bucket, "pic.png", minio.StatObjectOptions{})
	if err != nil || st.ContentType != "image/png" || st.Size != int64(len("new picture")) {
		t.Errorf("after the upload: %+v, %v", st, err)
	}
}

func TestSharePostPrefixPolicy(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "inbox/keep.txt", []byte("x"), "")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 100, 30, Options{})
	m = press(t, m, "s", "right", "right") // POST on the inbox/ prefix
	v := m.View()
	if !strings.Contains(v, "[POST]") || !strings.Contains(v, "inbox/") {
		t.Fatalf("POST form:\n%s", v)
	}
	m = press(t, m, "down", "down", "down") // expiry, key, max size
	m = typeText(t, m, "10x")
	if v := m.View(); !strings.Contains(v, `unknown unit "x"`) {
		t.Errorf("bad size not flagged:\n%s", v)
	}
	m = press(t, m, "enter")
	if len(env.clip.all()) != 0 {
		t.Fatal("signed with an invalid max size")
	}
	m = press(t, m, "backspace")
	m = typeText(t, m, "MiB")
	m = press(t, m, "enter")
	p := sharePanelOf(t, m)
	if len(p.results) != 1 {
		t.Fatalf("no POST result:\n%s", m.View())
	}
	r := p.results[0]
	var policy string
	for _, f := range r.Fields {
		if f.Name == "policy" {
			policy = f.Value
		}
	}
	doc, err := base64.StdEncoding.DecodeString(policy)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`["starts-with","$key","inbox/"]`, `["content-length-range",0,10485760]`} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("policy lacks %s: %s", want, doc)
		}
	}
	if v := flat(m.View()); !strings.Contains(v, "--form-string 'key=inbox/${filename}'") {
		t.Errorf("curl line missing:\n%s", m.View())
	}
	// What is copied is the ready curl command, not the bare URL.
	if got := env.clip.last(t); got != r.Curl(presign.CurlFile(r)) || !strings.HasPrefix(got, "curl -f --form-string") {
		t.Errorf("POST copied %q, want the curl command", got)
	}
	if v := m.View(); !strings.Contains(v, "curl command copied · clipboard") {
		t.Errorf("the copy is not reported:\n%s", v)
	}
}

func TestShareEscNeverSigns(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("x"), "")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 80, 24, Options{})
	for _, keys := range [][]string{
		{"s", "esc"},
		{"s", "right", "down", "3", "esc"},
		{"s", "down", "5", "9", "esc"}, // esc from the custom field
	} {
		m = press(t, m, keys...)
		if topPanel(m) != nil {
			t.Fatalf("%v: the panel is still open:\n%s", keys, m.View())
		}
	}
	if got := env.clip.all(); len(got) != 0 {
		t.Errorf("copied %q without signing", got)
	}
	if recs := ledgerRecords(t, env.ledger); len(recs) != 0 {
		t.Errorf("the ledger holds %d records", len(recs))
	}
	if len(env.printed()) != 0 {
		t.Errorf("printed %q", env.printed())
	}
	if v := m.View(); !strings.Contains(v, "a.txt") {
		t.Errorf("not back in the browser:\n%s", v)
	}
}

func TestShareCustomExpiry(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("x"), "")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 80, 24, Options{})
	m = press(t, m, "s", "down", "5") // custom…
	m = typeText(t, m, "90x")
	v := m.View()
	if !strings.Contains(v, "[custom…]") || !strings.Contains(v, `expiry "90x": unknown unit "x"`) {
		t.Fatalf("custom error not shown under the field:\n%s", v)
	}
	m = press(t, m, "enter")
	if len(env.clip.all()) != 0 || sharePanelOf(t, m).stage != stageForm {
		t.Fatal("enter signed with an invalid expiry")
	}
	if v := m.View(); !strings.Contains(v, "not signed: Custom expiry") {
		t.Errorf("refusal not explained:\n%s", v)
	}
	m = press(t, m, "backspace")
	m = typeText(t, m, "m")
	if v := m.View(); strings.Contains(v, "unknown unit") || !strings.Contains(v, "ends ") {
		t.Errorf("valid custom expiry still flagged:\n%s", v)
	}
	m = press(t, m, "enter")
	u, _ := url.Parse(env.clip.last(t))
	if got := u.Query().Get("X-Amz-Expires"); got != "5400" {
		t.Errorf("X-Amz-Expires = %q, want 5400", got)
	}
	m = press(t, m, "esc", "s")
	v = m.View()
	if !strings.Contains(v, "[custom…]") || !strings.Contains(v, "90m") {
		t.Errorf("the custom expiry was not remembered:\n%s", v)
	}

	// A date in the past is refused, and so is more than 7 days.
	m = press(t, m, "down", "down", "ctrl+u")
	m = typeText(t, m, "2020-01-01")
	if v := m.View(); !strings.Contains(v, "is not in the future") {
		t.Errorf("past date accepted:\n%s", v)
	}
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, "8d")
	if v := m.View(); !strings.Contains(v, "longer than 7 days") {
		t.Errorf("8d accepted:\n%s", v)
	}
}

func TestShareClipboardReports(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("x"), "")
	c := testClient(t, srv)

	t.Run("unavailable", func(t *testing.T) {
		fail := &recordingClipboard{res: clip.Result{Err: errors.New("no display")}}
		m, _ := startShare(t, c, Location{Bucket: bucket}, 80, 24, Options{Clipboard: fail})
		m = press(t, m, "s", "enter")
		v := m.View()
		link := fail.last(t)
		if !strings.Contains(v, "clipboard unavailable — link shown below (no display)") {
			t.Errorf("failure not reported:\n%s", v)
		}
		if strings.Contains(v, "copied") {
			t.Errorf("a failed copy is reported as copied:\n%s", v)
		}
		if !strings.Contains(flat(v), link) {
			t.Errorf("link not on screen after a failed copy:\n%s", v)
		}
	})

	t.Run("off", func(t *testing.T) {
		m, env := startShare(t, c, Location{Bucket: bucket}, 80, 24, Options{Clipboard: offClipboard{}})
		m = press(t, m, "s", "enter")
		v := m.View()
		if !strings.Contains(v, "clipboard off — link shown below") {
			t.Errorf("clipboard off not reported:\n%s", v)
		}
		recs := ledgerRecords(t, env.ledger)
		if len(recs) != 1 || !strings.Contains(flat(v), recs[0].URL) {
			t.Errorf("link not on screen:\n%s", v)
		}
	})

	// Over SSH with no display, the real clipboard chain sends OSC 52 to
	// the terminal and the panel says so.
	t.Run("ssh", func(t *testing.T) {
		var tty bytes.Buffer
		getenv := func(k string) string {
			if k == "SSH_TTY" {
				return "/dev/pts/3"
			}
			return ""
		}
		cb := clip.New(clip.ModeAuto, clip.Env{Getenv: getenv, TTY: &tty, GOOS: "linux"})
		m, env := startShare(t, c, Location{Bucket: bucket}, 120, 24, Options{Clipboard: cb})
		m = press(t, m, "s", "enter")
		v := m.View()
		if !strings.Contains(v, "link copied · OSC 52 (if the terminal allows it)") {
			t.Errorf("OSC 52 not reported:\n%s", v)
		}
		link := ledgerRecords(t, env.ledger)[0].URL
		if want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(link)) + "\x07"; tty.String() != want {
			t.Errorf("terminal got %q, want %q", tty.String(), want)
		}
	})
}

// offClipboard is the clipboard turned off in the config.
type offClipboard struct{}

func (offClipboard) Copy(...string) clip.Result { return clip.New(clip.ModeOff, clip.Env{}).Copy("x") }

func TestShareBatchThreeLinksAndExport(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for _, k := range []string{"a.txt", "b.txt", "c.txt", "d.txt"} {
		srv.Put(t, bucket, "set/"+k, []byte("body of "+k), "text/plain")
	}
	clock := &testClock{t: time.Now()}
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket, Prefix: "set/"}, 100, 30, Options{Now: clock.Now})
	m = press(t, m, "space", "space", "space")
	if v := m.View(); !strings.Contains(v, "3 marked") {
		t.Fatalf("marks not counted:\n%s", v)
	}
	m = press(t, m, "s")
	if v := m.View(); !strings.Contains(v, "Share 3 marked objects in s3://"+bucket+"/set/") {
		t.Fatalf("batch panel title:\n%s", m.View())
	}
	m = press(t, m, "enter")
	v := m.View()
	checkFits(t, v, 100, 30)
	lines := strings.Split(env.clip.last(t), "\n")
	if len(lines) != 3 {
		t.Fatalf("copied %d lines, want 3: %q", len(lines), lines)
	}
	if !strings.Contains(v, "3 links made") || !strings.Contains(v, "3 links copied · clipboard") {
		t.Errorf("batch result header:\n%s", v)
	}
	for i, link := range lines {
		k := string(rune('a'+i)) + ".txt"
		code, body, h := httpGet(t, link)
		if code != 200 || body != "body of "+k {
			t.Errorf("link %d: %d %q", i, code, body)
		}
		if cd := h.Get("Content-Disposition"); cd != `inline; filename="`+k+`"` {
			t.Errorf("link %d: Content-Disposition %q", i, cd)
		}
	}
	if recs := ledgerRecords(t, env.ledger); len(recs) != 3 {
		t.Errorf("ledger holds %d records, want 3", len(recs))
	}
	if len(env.printed()) != 3 {
		t.Errorf("printed %d links, want 3", len(env.printed()))
	}

	// Export: the default name is in the current directory.
	m = press(t, m, "e")
	def := "./s3share-links-" + clock.Now().UTC().Format("20060102-150405") + ".json"
	if v := m.View(); !strings.Contains(v, "export to: "+def) {
		t.Errorf("default export path not offered:\n%s", v)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "links.json")
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, out)
	m = press(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "exported 3 links to "+out) {
		t.Errorf("export not confirmed by name:\n%s", v)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		URL, Key string
	}
	if err := json.Unmarshal(data, &got); err != nil || len(got) != 3 || got[1].URL != lines[1] || got[1].Key != "set/b.txt" {
		t.Errorf("export file: %v %s", err, data)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("export mode %o, want 600", fi.Mode().Perm())
	}

	// The same name again: asked, and n keeps the file.
	m = press(t, m, "e", "ctrl+u")
	m = typeText(t, m, out)
	m = press(t, m, "enter")
	if v := flat(m.View()); !strings.Contains(v, out) || !strings.Contains(v, "overwrite it?") {
		t.Fatalf("no overwrite question:\n%s", v)
	}
	m = press(t, m, "n")
	if after, _ := os.ReadFile(out); !bytes.Equal(after, data) {
		t.Error("n changed the file")
	}
	if v := m.View(); !strings.Contains(v, "not overwritten") {
		t.Errorf("n not acknowledged:\n%s", v)
	}
	// A .txt name is refused; a CSV over an existing file is confirmed with y.
	csvOut := filepath.Join(dir, "links.csv")
	if err := os.WriteFile(csvOut, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, filepath.Join(dir, "links.txt"))
	m = press(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "name the file .json, .csv") {
		t.Errorf(".txt accepted:\n%s", v)
	}
	m = press(t, m, "ctrl+u")
	m = typeText(t, m, csvOut)
	m = press(t, m, "enter", "y")
	if v := m.View(); !strings.Contains(v, "exported 3 links to "+csvOut) {
		t.Errorf("overwrite not confirmed:\n%s", v)
	}
	rows, err := csv.NewReader(mustOpen(t, csvOut)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][3] != "url" || rows[3][3] != lines[2] {
		t.Errorf("CSV export: %v %q", err, rows)
	}
	if fi, _ := os.Stat(csvOut); fi.Mode().Perm() != 0o600 {
		t.Errorf("overwritten export mode %o, want 600", fi.Mode().Perm())
	}
}

func mustOpen(t *testing.T, path string) io.Reader {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(data)
}

func TestSharePrefixRecursive(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	keys := []string{"tree/one.txt", "tree/sub/two.txt", "tree/sub/deeper/three.txt"}
	for _, k := range keys {
		srv.Put(t, bucket, k, []byte("content "+k), "")
	}
	srv.Put(t, bucket, "other.txt", []byte("not under the prefix"), "")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 80, 18, Options{})
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "tree/") {
		t.Fatalf("cursor on %q", got)
	}
	m = press(t, m, "s")
	if v := m.View(); !strings.Contains(v, "one download link per object under the prefix (recursive") {
		t.Errorf("recursive share not explained:\n%s", v)
	}
	m = press(t, m, "enter")
	links := strings.Split(env.clip.last(t), "\n")
	if len(links) != 3 {
		t.Fatalf("%d links for 3 objects: %q", len(links), links)
	}
	seen := map[string]bool{}
	for _, link := range links {
		code, body, _ := httpGet(t, link)
		if code != 200 {
			t.Errorf("%s: %d", link, code)
		}
		seen[strings.TrimPrefix(body, "content ")] = true
	}
	for _, k := range keys {
		if !seen[k] {
			t.Errorf("no link for %s", k)
		}
	}
	v := m.View()
	checkFits(t, v, 80, 18)
	if !strings.Contains(v, "s3://"+bucket+"/tree/") {
		t.Errorf("result does not name the prefix:\n%s", v)
	}
	// Three links do not fit 80x18: the result scrolls.
	p := sharePanelOf(t, m)
	if p.totalLines() <= p.scrollHeight() {
		t.Fatalf("the result (%d lines) fits in %d lines; the test needs it to scroll", p.totalLines(), p.scrollHeight())
	}
	m = press(t, m, "G")
	if p.offset != p.totalLines()-p.scrollHeight() {
		t.Errorf("G scrolled to %d, want %d", p.offset, p.totalLines()-p.scrollHeight())
	}
	if v := flat(m.View()); !strings.Contains(v, links[2]) {
		t.Errorf("the last link is not on screen at the bottom:\n%s", m.View())
	}
	checkFits(t, m.View(), 80, 18)
}

// offlineClient is a client for a store that is never contacted: its
// region is known, so signing needs no network.
func offlineClient(t *testing.T) *s3model.Client {
	t.Helper()
	u, _ := url.Parse("http://127.0.0.1:9")
	c, err := s3model.New(config.Store{
		Name: "prod", Color: "red", Endpoint: u, Region: "eu-central-1", RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var goldenTime = time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)

// offlineShare opens the share panel on targets with no server behind
// it, at a fixed time, for goldens.
func offlineShare(t *testing.T, w, h int, prefs config.Prefs, targets ...ShareTarget) (tea.Model, *recordingClipboard) {
	t.Helper()
	cb := nativeOK()
	opts := Options{
		Client: offlineClient(t), Start: Location{Bucket: targets[0].Bucket}, Keys: keymap.Default(), Prefs: prefs,
		Clipboard: cb, LedgerPath: filepath.Join(t.TempDir(), "shares.jsonl"), Now: func() time.Time { return goldenTime },
	}
	var m tea.Model = New(opts)
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	// The browser's first (and only) listing: empty.
	m, _ = m.Update(pageMsg{reqID: 1, loc: opts.Start, page: s3model.Page{Done: true}})
	m = drain(t, m, shareCmd(m, targets...))
	sharePanelOf(t, m)
	return m, cb
}

var photo = ShareTarget{Bucket: "media", Key: "holiday/2026/photo of the beach.png", Size: 2_345_678}

func TestGoldenShareForm(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{}, photo)
		requireGolden(t, m, w, h)
	})
}

func TestGoldenShareFormPUT(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{}, photo)
		m = press(t, m, "right", "down")
		requireGolden(t, m, w, h)
	})
}

func TestGoldenSharePickerCustomError(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{ExpiryPresets: []time.Duration{5 * time.Minute, time.Hour, 48 * time.Hour}}, photo)
		m = press(t, m, "down", "4")
		m = typeText(t, m, "3w")
		requireGolden(t, m, w, h)
	})
}

func TestGoldenShareResultGET(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{DefaultDisposition: "attachment"}, photo)
		m = press(t, m, "down", "3", "enter")
		requireGolden(t, m, w, h)
	})
}

func TestGoldenShareResultPUT(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{}, photo)
		m = press(t, m, "right")
		m, _ = m.Update(keyMsg("enter")) // the HEAD, answered here: no such key
		m = send(t, m, headCheckedMsg{id: sharePanelOf(t, m).ID(), bucket: photo.Bucket, key: photo.Key})
		requireGolden(t, m, w, h)
	})
}

func TestGoldenShareBatchResult(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		var ts []ShareTarget
		for i := range 12 {
			ts = append(ts, ShareTarget{Bucket: "media", Key: fmt.Sprintf("holiday/2026/img_%04d.jpg", i), Size: 1000})
		}
		m, cb := offlineShare(t, w, h, config.Prefs{}, ts...)
		cb.res = clip.Result{Methods: []clip.Method{clip.MethodOSC52}, Message: "sent to the terminal via OSC 52 — your terminal must allow it",
			Warning: "4.0 KB of OSC 52 data: some terminals drop copies over 4.0 KB"}
		m = press(t, m, "enter", "down", "down")
		requireGolden(t, m, w, h)
	})
}

func TestShareHostileKeyNeverReachesTheTerminal(t *testing.T) {
	evil := ShareTarget{Bucket: "bkt", Key: "x/\x1b]52;c;ZXZpbA==\x07evil\x1b[2J.png"}
	for _, size := range [][2]int{{80, 24}, {40, 10}} {
		w, h := size[0], size[1]
		m, cb := offlineShare(t, w, h, config.Prefs{}, evil)
		for _, keys := range [][]string{nil, {"right"}, {"right"}, {"enter"}, {"c"}} {
			m = press(t, m, keys...)
			v := m.View()
			checkFits(t, v, w, h)
			if bad := rawControl(v); bad != "" {
				t.Fatalf("%dx%d after %v: control character %s in\n%s", w, h, keys, bad, v)
			}
		}
		// The link itself encodes the key; what is copied has no controls.
		for _, c := range cb.all() {
			if strings.ContainsAny(c, "\x1b\x07") {
				t.Errorf("copied text holds a control character: %q", c)
			}
		}
	}
}

func TestShareVersionAndSmallScreens(t *testing.T) {
	v1 := ShareTarget{Bucket: "bkt", Key: "k.txt", VersionID: "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"}
	m, cb := offlineShare(t, 80, 24, config.Prefs{}, v1)
	if v := m.View(); !strings.Contains(v, "version 3HL4kqtJlcpXroDTDmjVBH40Nrjfkd") {
		t.Errorf("version not shown:\n%s", v)
	}
	m = press(t, m, "enter")
	u, _ := url.Parse(cb.last(t))
	if got := u.Query().Get("versionId"); got != v1.VersionID {
		t.Errorf("versionId = %q", got)
	}
	for _, size := range [][2]int{{40, 10}, {20, 5}, {10, 3}} {
		w, h := size[0], size[1]
		for _, keys := range [][]string{nil, {"down", "5"}, {"enter"}, {"right", "enter", "e"}} {
			m, _ := offlineShare(t, w, h, config.Prefs{}, photo)
			m = press(t, m, keys...)
			checkFits(t, m.View(), w, h)
		}
	}
}

// batchPanel is a share panel showing n made-up links, at w×h.
func batchPanel(n, w, h int, host string) *sharePanel {
	s := newSession(Options{Keys: keymap.Default(), Now: func() time.Time { return goldenTime }})
	p := &sharePanel{panelBase: panelBase{id: s.nextID(), s: s}, keys: s.keys, st: s.styles, kind: kindBatch,
		targets: []ShareTarget{{Bucket: "b", Key: "k/0"}}, stage: stageResult}
	p.clip = &clip.Result{Methods: []clip.Method{clip.MethodNative}, Message: "copied (native)"}
	for i := range n {
		k := fmt.Sprintf("k/%07d.bin", i)
		p.results = append(p.results, presign.Result{Method: presign.GET, Bucket: "b", Key: k,
			URL:       "http://" + host + "/b/" + k + "?X-Amz-Signature=" + strings.Repeat("0123456789abcdef", 4+i%7),
			ExpiresAt: goldenTime.Add(time.Hour), EffectiveExpiresAt: goldenTime.Add(time.Hour)})
	}
	p.SetSize(w, h)
	return p
}

// TestBatchLinesMatchWrapping holds the batch result's windowed lines to
// wrapping every link in full.
func TestBatchLinesMatchWrapping(t *testing.T) {
	for _, host := range []string{"127.0.0.1:9000", "bücher.example:9000"} {
		for _, w := range []int{1, 7, 40, 80, 333} {
			p := batchPanel(9, w, 24, host)
			var want []string
			for _, r := range p.results {
				want = append(want, p.st.Dim.Render(fit(r.Key, w)))
				want = append(want, wrapPlain(r.URL, w)...)
			}
			if p.totalLines() != len(want) {
				t.Fatalf("%s w=%d: %d lines, want %d", host, w, p.totalLines(), len(want))
			}
			for j := range want {
				if got := p.lineAt(j); got != want[j] {
					t.Fatalf("%s w=%d line %d = %q, want %q", host, w, j, got, want[j])
				}
			}
		}
	}
}

// BenchmarkShareBatchView draws a result of 100 000 links scrolled to the
// middle: it must cost what the visible links cost.
func BenchmarkShareBatchView(b *testing.B) {
	p := batchPanel(100_000, 120, 40, "127.0.0.1:9000")
	p.scroll(p.totalLines() / 2)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.View()
	}
}

// BenchmarkShareBatchLayout is the work done once when 100 000 links
// arrive or the terminal is resized.
func BenchmarkShareBatchLayout(b *testing.B) {
	p := batchPanel(100_000, 120, 40, "127.0.0.1:9000")
	b.ReportAllocs()
	for b.Loop() {
		p.layoutResult()
	}
}

func TestSignJobCancelledRecordsNothing(t *testing.T) {
	m, _ := offlineShare(t, 80, 24, config.Prefs{}, photo)
	p := sharePanelOf(t, m)
	plan, err := p.form().Plan(goldenTime, presign.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if msg := p.shareCmd(ctx, plan)().(linksSignedMsg); msg.err == nil {
		t.Errorf("a cancelled job returned %d links, err %v", len(msg.results), msg.err)
	}
	if recs := ledgerRecords(t, p.s.ledgerPath); len(recs) != 0 {
		t.Errorf("a cancelled job recorded %d links", len(recs))
	}
}
func TestShareLedgerFailureIsReported(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cb := nativeOK()
	opts := Options{
		Client: offlineClient(t), Start: Location{Bucket: "media"}, Keys: keymap.Default(),
		Clipboard: cb, LedgerPath: filepath.Join(blocker, "shares.jsonl"), Now: func() time.Time { return goldenTime },
	}
	var m tea.Model = New(opts)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m = drain(t, m, shareCmd(m, photo))
	m = press(t, m, "enter")
	v := m.View()
	if !strings.Contains(v, "! not recorded in the share ledger:") {
		t.Errorf("ledger failure not reported:\n%s", v)
	}
	if !strings.Contains(flat(v), cb.last(t)) || !strings.Contains(v, "link copied · clipboard") {
		t.Errorf("the link is not shown and copied despite the ledger failure:\n%s", v)
	}
}

// TestShareSignsTheStoresBytes: a key holding a tab shows escaped in the
// PUT form's key field, yet the GET and PUT links are for the real key,
// and the store answers 200 for it; editing the field signs what was
// typed.
func TestShareSignsTheStoresBytes(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	key := "tab\tkey.txt"
	srv.Put(t, bucket, key, []byte("real"), "text/plain")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 120, 40, Options{})

	m = press(t, m, "s", "enter") // GET
	if code, body, _ := httpGet(t, env.clip.last(t)); code != 200 || body != "real" {
		t.Fatalf("GET link for %q: %d %q", key, code, body)
	}
	m = press(t, m, "esc", "s", "right") // PUT
	p := sharePanelOf(t, m)
	if shown := p.inputs[fieldKey].Value(); shown != `tab\x09key.txt` {
		t.Fatalf("key field shows %q, want the escaped key", shown)
	}
	ct := p.value(fieldContentType)
	m = press(t, m, "enter", "enter") // the key exists: the second enter signs
	req, _ := http.NewRequest(http.MethodPut, env.clip.last(t), strings.NewReader("replaced"))
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
	if st, err := srv.Client.StatObject(t.Context(), bucket, key, minio.StatObjectOptions{}); err != nil || st.Size != int64(len("replaced")) {
		t.Fatalf("the real key was not the one written: %+v %v", st, err)
	}
	if _, err := srv.Client.StatObject(t.Context(), bucket, `tab\x09key.txt`, minio.StatObjectOptions{}); err == nil {
		t.Fatal("the escaped text was signed as a key of its own")
	}

	// Typed over, the field signs what was typed.
	m = press(t, m, "esc", "s", "right", "tab", "tab")
	p = sharePanelOf(t, m)
	p.inputs[fieldKey].SetValue("")
	m = typeText(t, m, "new.txt")
	if got := p.shareTargets()[0].Key; got != "new.txt" {
		t.Errorf("typed key signs %q", got)
	}
}

// TestShareVersionIDRoundTrip: a version id the terminal cannot show raw
// (U+009B) or longer than a field usually takes is signed as the store
// gave it.
func TestShareVersionIDRoundTrip(t *testing.T) {
	for _, v := range []string{"v1\u009b31m", strings.Repeat("v", 1500)} {
		m, _ := offlineShare(t, 120, 40, config.Prefs{}, ShareTarget{Bucket: "media", Key: "a.txt", VersionID: v})
		p := sharePanelOf(t, m)
		plan, err := p.form().Plan(goldenTime, presign.Defaults{})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Template.VersionID != v {
			t.Errorf("version %.20q… signed as %.20q… (%d bytes)", v, plan.Template.VersionID, len(plan.Template.VersionID))
		}
	}
}

// TestHugeBatchIsNotCopied: a batch too big for a clipboard is not
// copied (nor pushed through OSC 52); the panel says so and points at
// the export.
func TestHugeBatchIsNotCopied(t *testing.T) {
	p := batchPanel(2000, 120, 40, "127.0.0.1:9000")
	cb := nativeOK()
	p.s.clipboard = cb
	msg := p.copy("2,000 links", []string{strings.Repeat("u", maxCopyBytes)})().(clipboardResultMsg)
	if msg.res.Copied() || len(cb.all()) != 0 || !strings.Contains(msg.res.Message, "e exports them") {
		t.Fatalf("a huge batch: %+v, %d copies", msg.res, len(cb.all()))
	}
	small := p.copy("link", []string{"http://h/b/k"})().(clipboardResultMsg)
	if !small.res.Copied() || cb.last(t) != "http://h/b/k" {
		t.Fatalf("one link: %+v", small.res)
	}
}

// FuzzKeyFieldRoundTrip: whatever bytes a store gives as a key or a
// version id, the share form shows them escaped and signs them as they
// are while the field is left alone.
func FuzzKeyFieldRoundTrip(f *testing.F) {
	f.Add("tab\tkey.txt", "v1\u009b31m")
	f.Add("paste\nrm -rf ~\n.txt", "")
	f.Add("evil\u202etxt.exe", strings.Repeat("v", 1500))
	f.Add("bad\xffutf8", "\x1b[2J")
	s := newSession(Options{Keys: keymap.Default(), Now: func() time.Time { return goldenTime }})
	f.Fuzz(func(t *testing.T, key, version string) {
		if key == "" || strings.HasSuffix(key, "/") {
			return // a prefix: the share form takes no key then
		}
		p := newSharePanel(s, []ShareTarget{{Bucket: "b", Key: key}})
		if shown := p.inputs[fieldKey].Value(); shown != safe(key) {
			t.Fatalf("the key field shows %q, want %q", shown, safe(key))
		}
		p.method = 1 // PUT
		if got := p.shareTargets()[0].Key; got != key {
			t.Fatalf("PUT signs key %q, want %q", got, key)
		}
		p = newSharePanel(s, []ShareTarget{{Bucket: "b", Key: key, VersionID: version}})
		if version != "" && len(p.methods) != 1 {
			t.Fatalf("a version offers %v, want GET only", p.methods)
		}
		if got := p.form().VersionID; got != version {
			t.Fatalf("GET signs version %q, want %q", got, version)
		}
	})
}

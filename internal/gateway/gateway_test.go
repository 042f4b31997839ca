package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestVisitRedirectsToTheObject: create → visit → redirect → download
// byte-exact with the share's Content-Disposition; a preview fetcher
// and HEAD use no download; the limit holds; the audit trail says so.
func TestVisitRedirectsToTheObject(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, nil, dsn)
		body := make([]byte, 300<<10)
		rand.Read(body)
		e.s3.Put(t, e.bucket, "reports/q3 résumé.pdf", body, "application/pdf")
		sh := e.create(CreateRequest{Key: "reports/q3 résumé.pdf", MaxDownloads: 2, ExpiresIn: "20d", CacheControl: "private"})
		if !strings.HasPrefix(sh.URL, e.url+"/s/") || len(sh.ID) < 22 || sh.MaxDownloads != 2 || sh.State != "active" {
			t.Fatalf("created %+v", sh)
		}
		if d := time.Until(sh.ExpiresAt); d < 19*24*time.Hour {
			t.Errorf("expires in %s, want 20 days", d)
		}

		// Previews first: no count.
		req, _ := http.NewRequest("GET", sh.URL, nil)
		req.Header.Set("User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(page, []byte("Open this link in a browser")) {
			t.Errorf("preview: %d %s", resp.StatusCode, page)
		}
		if resp, err := e.client.Head(sh.URL); err != nil || resp.StatusCode != 200 {
			t.Errorf("HEAD: %v %v", resp, err)
		}

		for i := 0; i < 2; i++ {
			resp := e.visit(sh.URL)
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("visit %d: %d", i, resp.StatusCode)
			}
			loc := resp.Header.Get("Location")
			if !strings.HasPrefix(loc, e.s3.Endpoint) || !strings.Contains(loc, "X-Amz-Expires=30&") {
				t.Errorf("redirect to %s", loc)
			}
			got, data := fetch(t, loc)
			if got.StatusCode != 200 || !bytes.Equal(data, body) {
				t.Fatalf("download: %d, %d bytes, equal %v", got.StatusCode, len(data), bytes.Equal(data, body))
			}
			if cd := got.Header.Get("Content-Disposition"); cd != `attachment; filename="q3 resume.pdf"; filename*=UTF-8''q3%20r%C3%A9sum%C3%A9.pdf` {
				t.Errorf("Content-Disposition %q", cd)
			}
			if cc := got.Header.Get("Cache-Control"); cc != "private" {
				t.Errorf("Cache-Control %q", cc)
			}
		}
		if resp := e.visit(sh.URL); resp.StatusCode != http.StatusGone {
			t.Errorf("third visit of a max-2 share: %d", resp.StatusCode)
		}
		var shown ShareJSON
		apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/shares/"+sh.ID, nil, &shown)
		if shown.Downloads != 2 || shown.LastAccess == nil || shown.State != "used up" {
			t.Errorf("shown %+v", shown)
		}
		var events []Event
		apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/shares/"+sh.ID+"/audit", nil, &events)
		var outcomes []string
		for _, ev := range events {
			outcomes = append(outcomes, string(ev.Outcome))
			if ev.Client != "127.0.0.1" {
				t.Errorf("client %q", ev.Client)
			}
		}
		if got := strings.Join(outcomes, ","); got != "preview,preview,redirected,redirected,limit reached" {
			t.Errorf("audit outcomes %s", got)
		}
		if resp := e.visit(e.url + "/s/" + NewID()); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown share: %d", resp.StatusCode)
		}
	})
}

// TestConcurrentVisitsTakeExactlyTheLimit: 50 visits at once on a max-5
// share give exactly 5 redirects; on PostgreSQL through two gateways on
// one database.
func TestConcurrentVisitsTakeExactlyTheLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, nil, dsn)
		e.s3.Put(t, e.bucket, "f.bin", []byte("x"), "")
		urls := []string{e.url}
		if strings.HasPrefix(dsn, "postgres") {
			e2 := newEnv(t, e.s3, dsn)
			urls = append(urls, e2.url)
		}
		sh := e.create(CreateRequest{Key: "f.bin", MaxDownloads: 5})
		var redirected, gone atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := e.client.Get(urls[i%len(urls)] + "/s/" + sh.ID)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusFound:
					redirected.Add(1)
				case http.StatusGone:
					gone.Add(1)
				default:
					t.Errorf("status %d", resp.StatusCode)
				}
			}()
		}
		wg.Wait()
		if redirected.Load() != 5 || gone.Load() != 45 {
			t.Errorf("%d redirects and %d refusals, want 5 and 45", redirected.Load(), gone.Load())
		}
	})
}

// TestRevokeRefusesTheNextVisit, and extend brings an expired share back.
func TestRevokeAndExpiry(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t), func(c *Config) { c.MaxLifetime = 40 * 24 * time.Hour })
	e.s3.Put(t, e.bucket, "a.txt", []byte("hello"), "text/plain")
	sh := e.create(CreateRequest{Key: "a.txt", ExpiresIn: "1h"})
	if resp := e.visit(sh.URL); resp.StatusCode != http.StatusFound {
		t.Fatalf("visit: %d", resp.StatusCode)
	}
	// Expired → 410; extended → works again.
	e.clock.advance(2 * time.Hour)
	if resp := e.visit(sh.URL); resp.StatusCode != http.StatusGone {
		t.Errorf("expired: %d, want 410", resp.StatusCode)
	}
	var ext ShareJSON
	if st := apiCall(t, e.client, e.url, testAdmin, "POST", "/api/v1/shares/"+sh.ID+"/extend", ExtendRequest{ExpiresIn: "35d"}, &ext); st != 200 || ext.State != "active" {
		t.Fatalf("extend: %d %+v", st, ext)
	}
	if st := apiCall(t, e.client, e.url, testAdmin, "POST", "/api/v1/shares/"+sh.ID+"/extend", ExtendRequest{ExpiresIn: "41d"}, nil); st != 400 {
		t.Errorf("extend past max_share_lifetime: %d, want 400", st)
	}
	if resp := e.visit(sh.URL); resp.StatusCode != http.StatusFound {
		t.Errorf("after extend: %d", resp.StatusCode)
	}
	var rev ShareJSON
	if st := apiCall(t, e.client, e.url, testAdmin, "POST", "/api/v1/shares/"+sh.ID+"/revoke", nil, &rev); st != 200 || rev.State != "revoked" || rev.RevokedAt == nil {
		t.Fatalf("revoke: %d %+v", st, rev)
	}
	resp, err := e.client.Get(sh.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone || !bytes.Contains(page, []byte("revoked")) {
		t.Errorf("after revoke: %d %s", resp.StatusCode, page)
	}
	if st := apiCall(t, e.client, e.url, testAdmin, "POST", "/api/v1/shares", CreateRequest{Bucket: e.bucket, Key: "a.txt", ExpiresIn: "41d"}, nil); st != 400 {
		t.Errorf("create past max_share_lifetime: %d, want 400", st)
	}
}

// TestPasswords: the page, wrong ×10 → 429 with Retry-After (per share
// and per client), the right one downloads; nothing secret shows.
func TestPasswords(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t), func(c *Config) {
		p, _ := ParseProxies([]string{"127.0.0.0/8"})
		c.TrustedProxies = p
	})
	e.s3.Put(t, e.bucket, "secret.txt", []byte("the goods"), "text/plain")
	const password = "correct horse battery staple"
	sh := e.create(CreateRequest{Key: "secret.txt", Password: password, MaxDownloads: 3})
	if !sh.Password {
		t.Fatal("the share says it has no password")
	}
	resp, err := e.client.Get(sh.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(page, []byte(`type="password"`)) || bytes.Contains(page, []byte("<script")) {
		t.Fatalf("password page: %d %s", resp.StatusCode, page)
	}
	// The right password from one address works.
	post := func(pw, forwardedFor string) *http.Response {
		req, _ := http.NewRequest("POST", sh.URL, strings.NewReader("password="+strings.ReplaceAll(pw, " ", "+")))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := post(password, "198.51.100.7"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password: %d", resp.StatusCode)
	} else if _, data := fetch(t, resp.Header.Get("Location")); string(data) != "the goods" {
		t.Errorf("download %q", data)
	}
	// Ten wrong ones from another: the sixth on is refused with 429.
	var statuses []int
	var retry string
	for i := 0; i < 10; i++ {
		resp := post("guess"+strconv.Itoa(i), "203.0.113.9")
		statuses = append(statuses, resp.StatusCode)
		retry = resp.Header.Get("Retry-After")
	}
	if statuses[0] != http.StatusUnauthorized || statuses[9] != http.StatusTooManyRequests {
		t.Errorf("statuses %v", statuses)
	}
	if n, err := strconv.Atoi(retry); err != nil || n <= 0 || n > int(DefaultPasswordWindow/time.Second)+1 {
		t.Errorf("Retry-After %q", retry)
	}
	// The share is locked for everyone now, even with the right password.
	if resp := post(password, "198.51.100.7"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("locked share with the right password: %d", resp.StatusCode)
	}
	var events []Event
	apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/shares/"+sh.ID+"/audit", nil, &events)
	clients := map[string]bool{}
	for _, ev := range events {
		clients[ev.Client] = true
	}
	if !clients["198.51.100.7"] || !clients["203.0.113.9"] || clients["127.0.0.1"] && len(clients) > 3 {
		t.Errorf("audit clients %v: X-Forwarded-For from a trusted proxy should be believed", clients)
	}
	// Nothing secret in the log, the API answers or the audit rows.
	var list []ShareJSON
	apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/shares", nil, &list)
	stored, _ := e.store.Share(context.Background(), sh.ID)
	var all strings.Builder
	all.WriteString(e.log.String())
	for _, s := range list {
		all.WriteString(s.ID + s.URL + s.Disposition)
	}
	for _, ev := range events {
		all.WriteString(ev.Client + ev.UserAgent + string(ev.Outcome))
	}
	noSecrets(t, "the log, the API and the audit trail", all.String(), password, testAdmin, stored.PasswordHash, HashToken(testAdmin))
}

// TestTokensAreScopedAndRateLimited: a scoped token sees and shares only
// under its prefix; a token creates at most so many a minute; no token,
// no API.
func TestTokensAreScopedAndRateLimited(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t), func(c *Config) { c.CreatePerMinute = 3 })
	e.s3.Put(t, e.bucket, "team/a.txt", []byte("a"), "")
	e.s3.Put(t, e.bucket, "other/b.txt", []byte("b"), "")
	token, tok := NewToken(Scope{Bucket: e.bucket, Prefix: "team/"})
	tok.CreatedAt = time.Now()
	if err := e.store.CreateToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	other := e.create(CreateRequest{Key: "other/b.txt"})
	if st := apiCall(t, e.client, e.url, token, "POST", "/api/v1/shares", CreateRequest{Bucket: e.bucket, Key: "other/b.txt"}, nil); st != http.StatusForbidden {
		t.Errorf("out of scope create: %d", st)
	}
	if st := apiCall(t, e.client, e.url, token, "POST", "/api/v1/shares/"+other.ID+"/revoke", nil, nil); st != http.StatusNotFound {
		t.Errorf("out of scope revoke: %d", st)
	}
	var statuses []int
	for i := 0; i < 4; i++ {
		statuses = append(statuses, apiCall(t, e.client, e.url, token, "POST", "/api/v1/shares", CreateRequest{Bucket: e.bucket, Key: "team/a.txt"}, nil))
	}
	if statuses[0] != 201 || statuses[2] != 201 || statuses[3] != http.StatusTooManyRequests {
		t.Errorf("creates: %v, want three then 429", statuses)
	}
	var list []ShareJSON
	apiCall(t, e.client, e.url, token, "GET", "/api/v1/shares", nil, &list)
	if len(list) != 3 {
		t.Errorf("the scoped token lists %d shares, want its 3", len(list))
	}
	for _, tk := range []string{"", "s3sg_wrong", testAdmin + "x"} {
		if st := apiCall(t, e.client, e.url, tk, "GET", "/api/v1/shares", nil, nil); st != http.StatusUnauthorized {
			t.Errorf("token %.8q: %d", tk, st)
		}
	}
}

// TestStreamModeCountsAndRevocationCuts: a stream share sends the bytes
// itself with the share's headers, Range works, and revoking it cuts a
// running download.
func TestStreamModeCountsAndRevocationCuts(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t))
	body := make([]byte, 8<<20)
	rand.Read(body)
	e.s3.Put(t, e.bucket, "big.bin", body, "application/octet-stream")
	sh := e.create(CreateRequest{Key: "big.bin", Mode: "stream", Filename: "data.bin"})
	resp, data := fetch(t, sh.URL)
	if resp.StatusCode != 200 || !bytes.Equal(data, body) || resp.Header.Get("Content-Disposition") != `attachment; filename="data.bin"` {
		t.Fatalf("stream: %d, %d bytes, %q", resp.StatusCode, len(data), resp.Header.Get("Content-Disposition"))
	}
	req, _ := http.NewRequest("GET", sh.URL, nil)
	req.Header.Set("Range", "bytes=10-19")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(part, body[10:20]) {
		t.Errorf("range: %d %d bytes", resp.StatusCode, len(part))
	}

	// A slow reader (a small receive buffer, so that the object cannot
	// sit whole in the sockets): revoke while it reads.
	slow := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) })
	}}).DialContext}}
	resp, err = slow.Get(sh.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	if st := apiCall(t, e.client, e.url, testAdmin, "POST", "/api/v1/shares/"+sh.ID+"/revoke", nil, nil); st != 200 {
		t.Fatal(st)
	}
	time.Sleep(2 * streamCheckEvery)
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil {
		t.Errorf("the download ran to the end (%d more bytes) after the share was revoked", n)
	}
	if resp := e.visit(sh.URL); resp.StatusCode != http.StatusGone {
		t.Errorf("after revoke: %d", resp.StatusCode)
	}
}

func TestClientAddr(t *testing.T) {
	trusted, err := ParseProxies([]string{"10.0.0.0/8", "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		remote, xff, want string
	}{
		{"198.51.100.1:5000", "1.2.3.4", "198.51.100.1"},            // not a proxy: XFF ignored
		{"10.1.1.1:5000", "1.2.3.4", "1.2.3.4"},                     // a proxy: believed
		{"10.1.1.1:5000", "6.6.6.6, 1.2.3.4, 192.0.2.1", "1.2.3.4"}, // through two proxies
		{"10.1.1.1:5000", "", "10.1.1.1"},
		{"10.1.1.1:5000", "garbage", "10.1.1.1"},
		{"[::ffff:10.1.1.1]:5000", "2001:db8::1", "2001:db8::1"},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientAddr(r, trusted); got != tc.want {
			t.Errorf("clientAddr(%s, %q) = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
	_ = netip.Addr{}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "pw$") {
		t.Errorf("hash %s", h)
	}
	if !CheckPassword(h, "pw") || CheckPassword(h, "pW") || CheckPassword(h, "") || CheckPassword("garbage", "pw") {
		t.Error("CheckPassword gets it wrong")
	}
	if h2, _ := HashPassword("pw"); h2 == h {
		t.Error("two hashes of one password are the same: no salt")
	}
}

func TestMetricsAndHealth(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t))
	e.s3.Put(t, e.bucket, "a", []byte("a"), "")
	sh := e.create(CreateRequest{Key: "a"})
	e.visit(sh.URL)
	if resp, data := fetch(t, e.url+"/healthz"); resp.StatusCode != 200 || string(data) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, data)
	}
	_, data := fetch(t, e.url+"/metrics")
	for _, want := range []string{`s3share_gateway_visits_total{outcome="redirected"} 1`, "s3share_gateway_shares_created_total 1", `s3share_gateway_visit_seconds_bucket{le="+Inf"} 1`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("metrics lack %q:\n%s", want, data)
		}
	}
}

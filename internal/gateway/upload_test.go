package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

func TestSafeName(t *testing.T) {
	emoji := strings.Repeat("😀", 100) + ".png"
	for _, tc := range []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "____etc_passwd"},
		{`..\..\boot.ini`, "____boot.ini"},
		{"a\x00b\x1b[31mc\r\n.txt", "a_b_[31mc__.txt"},
		{"invoice\u202Efdp.exe", "invoice_fdp.exe"},
		{"zero\u200Bwidth\uFEFF.txt", "zero_width_.txt"},
		{"...", "_"}, {"name.", "name"},
		{".hidden", "hidden"},
		{"", "file"},
		{"bad\xffutf8.doc", "bad_utf8.doc"},
		{"Grüße März.txt", "Grüße März.txt"},
	} {
		if got := SafeName(tc.in, 1000); got != tc.want {
			t.Errorf("SafeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	got := SafeName(emoji, 1000)
	if !strings.HasSuffix(got, ".png") || len(got) > maxNameBytes || !utf8.ValidString(got) {
		t.Errorf("100 emoji: %q (%d bytes)", got, len(got))
	}
	if got := SafeName(emoji, 40); len(got) > 40 || !strings.HasSuffix(got, ".png") || !utf8.ValidString(got) {
		t.Errorf("100 emoji in 40 bytes: %q", got)
	}
	// A whole key stays within S3's limit, whatever the prefix and name.
	prefix := strings.Repeat("p", maxPrefixBytes-1) + "/"
	for _, name := range []string{emoji, strings.Repeat("x", 5000) + ".pdf", "../../etc/passwd"} {
		k := fileKey(prefix, name, time.Now())
		if len(k) > MaxKeyBytes || !utf8.ValidString(k) || strings.Contains(k, "..") || strings.Count(k, "/") != 2 {
			t.Errorf("key of %.20q: %d bytes, %q", name, len(k), k)
		}
	}
}

func TestUploadRules(t *testing.T) {
	now := time.Now()
	u := Upload{MaxFileSize: 1000, Types: []string{".pdf", "image/*", "text/plain"}, ExpiresAt: now.Add(time.Hour)}
	for _, tc := range []struct {
		name  string
		size  int64
		mt    string
		refus int
	}{
		{"a.pdf", 10, "application/pdf", 0},
		{"A.PDF", 10, "application/octet-stream", 0},
		{"photo.jpg", 1000, "image/jpeg", 0},
		{"notes", 1, "text/plain", 0},
		{"a.exe", 10, "application/x-msdownload", http.StatusUnsupportedMediaType},
		{"a.pdf", 1001, "application/pdf", http.StatusRequestEntityTooLarge},
		{"a.pdf", -1, "application/pdf", http.StatusBadRequest},
		{" ", 1, "application/pdf", http.StatusBadRequest},
	} {
		err := u.check(tc.name, tc.size, tc.mt, now)
		var rf *Refusal
		if got := 0; err != nil {
			if !asRefusal(err, &rf) {
				t.Fatalf("%s: %v is not a refusal", tc.name, err)
			}
			got = rf.Status
			if got != tc.refus {
				t.Errorf("check(%q, %d, %q) = %d %q, want %d", tc.name, tc.size, tc.mt, got, rf.Msg, tc.refus)
			}
		} else if tc.refus != 0 {
			t.Errorf("check(%q, %d, %q) passed, want %d", tc.name, tc.size, tc.mt, tc.refus)
		}
	}
	// The type stored follows the extension: a page cannot pass an HTML
	// file as a PNG, or store a .pdf as HTML.
	png := Upload{Types: []string{"image/png"}, ExpiresAt: now.Add(time.Hour)}
	if err := png.check("evil.html", 1, mediaType("evil.html", "image/png"), now); err == nil {
		t.Error("evil.html sent as image/png passed a rule of image/png")
	}
	if err := u.check("a.pdf", 1, "application/pdf", now.Add(2*time.Hour)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("an expired link: %v", err)
	}
	for _, tc := range [][3]string{
		{"a.png", "", "image/png"}, {"a.png", "image/png; charset=x", "image/png"}, {"x", "nonsense", "application/octet-stream"},
		{"a.txt", "", "text/plain"}, {"x.pdf", "text/html", "application/pdf"}, {"evil.html", "image/png", "text/html"},
		{"notes", "text/plain", "text/plain"},
	} {
		if got := mediaType(tc[0], tc[1]); got != tc[2] {
			t.Errorf("mediaType(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

func asRefusal(err error, rf **Refusal) bool {
	r, ok := err.(*Refusal)
	*rf = r
	return ok
}

func TestStoreUploads(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := openStore(t, dsn)
		now := time.Now().UTC().Truncate(time.Millisecond)
		u := Upload{ID: NewID(), Store: "s", Bucket: "b", Prefix: "in/", MaxFiles: 3, MaxTotal: 100, Types: []string{".pdf", "image/*"},
			Via: ViaGateway, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateUpload(ctx, &u); err != nil {
			t.Fatal(err)
		}
		got, err := st.Upload(ctx, u.ID)
		if err != nil || got.Prefix != u.Prefix || len(got.Types) != 2 || got.Via != ViaGateway || !got.ExpiresAt.Equal(u.ExpiresAt) {
			t.Fatalf("Upload = %+v, %v", got, err)
		}
		file := func(size int64) *UploadFile {
			return &UploadFile{ID: NewID(), RequestID: u.ID, Key: "in/k-" + NewID(), Name: "n.pdf", Size: size, ContentType: "application/pdf", CreatedAt: now}
		}
		var first *UploadFile
		for i, tc := range []struct {
			size int64
			ok   bool
		}{{60, true}, {41, false}, {40, true}, {0, true}, {0, false}} {
			f := file(tc.size)
			ok, err := st.ReserveFile(ctx, f, now)
			if err != nil || ok != tc.ok {
				t.Errorf("reserve %d (%d bytes) = %v, %v; want %v", i, tc.size, ok, err, tc.ok)
			}
			if first == nil {
				first = f
			}
		}
		if ok, _ := st.ReserveFile(ctx, file(1), now.Add(2*time.Hour)); ok {
			t.Error("a reservation after the expiry passed")
		}
		if got, _ := st.Upload(ctx, u.ID); got.Files != 3 || got.Bytes != 100 {
			t.Errorf("counted %d files, %d bytes", got.Files, got.Bytes)
		}
		if list, err := st.UploadFiles(ctx, u.ID, 0); err != nil || len(list) != 0 {
			t.Errorf("received before done: %v, %v", list, err)
		}
		if err := st.FileDone(ctx, u.ID, first.ID, now, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if err := st.FileDone(ctx, u.ID, first.ID, now, "192.0.2.1"); err == nil {
			t.Error("a file was marked done twice")
		}
		list, err := st.UploadFiles(ctx, u.ID, 0)
		if err != nil || len(list) != 1 || list[0].Key != first.Key || list[0].Client != "192.0.2.1" || list[0].Size != 60 {
			t.Errorf("received = %+v, %v", list, err)
		}
		if _, err := st.UploadFile(ctx, "other", first.ID); err == nil {
			t.Error("a file was found under another request")
		}
	})
}

// createUpload makes an upload request through the admin API.
func (e *env) createUpload(req UploadRequest) gatewayapi.Upload {
	e.t.Helper()
	if req.Bucket == "" {
		req.Bucket = e.bucket
	}
	var u gatewayapi.Upload
	if st := apiCall(e.t, e.client, e.url, testAdmin, "POST", "/api/v1/uploads", req, &u); st != http.StatusCreated {
		e.t.Fatalf("create upload: HTTP %d", st)
	}
	return u
}

// postJSON posts in as JSON and decodes the answer into out.
func postJSON(t testing.TB, url string, in, out any) int {
	t.Helper()
	b, _ := json.Marshal(in)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("POST %s: %v\n%s", url, err, data)
	}
	return resp.StatusCode
}

// sendFile goes through the page's steps with Go's HTTP client.
func sendFile(t *testing.T, link, name, ctype string, body []byte) (gatewayapi.FileTicket, gatewayapi.ReceivedFile) {
	t.Helper()
	var tk gatewayapi.FileTicket
	if st := postJSON(t, link+"/files", gatewayapi.FileRequest{Name: name, Size: int64(len(body)), Type: ctype}, &tk); st != http.StatusCreated {
		t.Fatalf("ask for %s: HTTP %d", name, st)
	}
	got, err := gatewayapi.Send(context.Background(), tk, bytes.NewReader(body), gatewayapi.SendOptions{})
	if err != nil {
		t.Fatalf("send %s: %v", name, err)
	}
	return tk, got
}

// storeHas returns the keys under prefix and checks key holds body.
func storeHas(t *testing.T, e *env, prefix, key string, body []byte) []string {
	t.Helper()
	c, err := s3model.New(signingStore(e.s3))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var keys []string
	if err := c.Walk(ctx, e.bucket, prefix, func(k string, _ int64) error { keys = append(keys, k); return nil }); err != nil {
		t.Fatal(err)
	}
	if key == "" {
		return keys
	}
	h, err := c.ReadHead(ctx, e.bucket, key, int64(len(body))+1)
	if err != nil || !bytes.Equal(h.Data, body) {
		t.Errorf("%s holds %d bytes (%v), want the %d sent", key, len(h.Data), err, len(body))
	}
	return keys
}

// TestUploadRequestFlow: files sent through an upload request, streamed
// through the gateway and straight to the store, arrive byte-exact under
// {prefix}{date}/{uuid}-{name}; a refused type and an oversize file never
// reach the store.
func TestUploadRequestFlow(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t))
	body := bytes.Repeat([]byte("0123456789abcdef"), 64) // 1 KiB
	keyPattern := regexp.MustCompile(`^drop/` + time.Now().UTC().Format("2006-01-02") + `/[0-9a-f-]{36}-report\.pdf$`)
	for _, via := range []string{"gateway", "direct"} {
		t.Run(via, func(t *testing.T) {
			prefix := "drop/" + via + "/"
			u := e.createUpload(UploadRequest{Prefix: prefix, MaxFileSize: 4096, MaxFiles: 5, Types: []string{".pdf", "image/*"}, Via: via, ExpiresIn: "2d"})
			if u.Via != via || !strings.HasPrefix(u.URL, e.url+"/u/") {
				t.Fatalf("created %+v", u)
			}
			tk, got := sendFile(t, u.URL, "report.pdf", "application/pdf", body)
			if !keyPattern.MatchString(strings.Replace(tk.Key, prefix, "drop/", 1)) || got.Key != tk.Key || got.Size != 1024 {
				t.Errorf("key %q, received %+v", tk.Key, got)
			}
			if tk.Parts != 1 || tk.PartSize != DefaultUploadPartSize {
				t.Errorf("a small file's ticket: %+v", tk)
			}
			for _, tc := range []struct {
				name, ctype string
				size        int64
				status      int
				says        string
			}{
				{"tool.exe", "application/x-msdownload", 10, http.StatusUnsupportedMediaType, "not allowed"},
				{"big.pdf", "application/pdf", 4097, http.StatusRequestEntityTooLarge, "too big"},
			} {
				var eb gatewayapi.ErrorBody
				if st := postJSON(t, u.URL+"/files", gatewayapi.FileRequest{Name: tc.name, Size: tc.size, Type: tc.ctype}, &eb); st != tc.status || !strings.Contains(eb.Error, tc.says) {
					t.Errorf("%s: HTTP %d %q, want %d saying %q", tc.name, st, eb.Error, tc.status, tc.says)
				}
			}
			keys := storeHas(t, e, prefix, tk.Key, body)
			if len(keys) != 1 || keys[0] != tk.Key {
				t.Errorf("the store holds %q under %s", keys, prefix)
			}
			var shown gatewayapi.Upload
			apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/uploads/"+u.ID, nil, &shown)
			if len(shown.Received) != 1 || shown.Received[0].Name != "report.pdf" || shown.Received[0].Client == "" || shown.Files != 1 {
				t.Errorf("the admin API shows %+v", shown)
			}
		})
	}

	// Direct, a part goes to the store with its size signed: the store
	// takes no other, and the page is not told to set Content-Length.
	d := e.createUpload(UploadRequest{Prefix: "lie/", Via: "direct"})
	dt := ticket(t, d.URL, "a.bin", 10)
	var pt gatewayapi.PartTicket
	postJSON(t, dt.PartsURL+"/1", struct{}{}, &pt)
	if _, ok := pt.Headers["Content-Length"]; ok || !strings.HasPrefix(pt.URL, e.s3.Endpoint) || pt.Size != 10 {
		t.Errorf("a direct part's ticket: %+v", pt)
	}
	for _, n := range []int{20, 9} {
		lie, _ := http.NewRequest("PUT", pt.URL, bytes.NewReader(make([]byte, n)))
		if resp, err := http.DefaultClient.Do(lie); err != nil || resp.StatusCode == http.StatusOK {
			t.Errorf("%d bytes sent straight to the store for 10 announced: %v %v", n, resp.Status, err)
		} else {
			resp.Body.Close()
		}
	}
	var eb gatewayapi.ErrorBody
	if st := postJSON(t, dt.DoneURL, struct{}{}, &eb); st != http.StatusConflict || !strings.Contains(eb.Error, "part 1 of 1 has not arrived") {
		t.Errorf("done with the part refused: HTTP %d %q", st, eb.Error)
	}
	if keys := storeHas(t, e, "lie/", "", nil); len(keys) != 0 {
		t.Errorf("the store holds %q", keys)
	}

	// A password: asked for each file, wrong ones refused.
	p := e.createUpload(UploadRequest{Prefix: "pw/", Password: "drop it here"})
	if st := postJSON(t, p.URL+"/files", gatewayapi.FileRequest{Name: "a.txt", Size: 1, Password: "nope"}, &eb); st != http.StatusUnauthorized {
		t.Errorf("a wrong password: HTTP %d %q", st, eb.Error)
	}
	var pwt gatewayapi.FileTicket
	if st := postJSON(t, p.URL+"/files", gatewayapi.FileRequest{Name: "a.txt", Size: 1, Password: "drop it here"}, &pwt); st != http.StatusCreated {
		t.Errorf("the right password: HTTP %d", st)
	}
	if !p.Password || strings.Contains(e.log.String(), "drop it here") {
		t.Errorf("the password: %+v, or it shows in the log", p)
	}
	if st := postJSON(t, p.URL+"/files", gatewayapi.FileRequest{Name: "a.txt", Size: 1}, &eb); st != http.StatusUnauthorized || !strings.Contains(eb.Error, "needs a password") {
		t.Errorf("no password: HTTP %d %q", st, eb.Error)
	}
	// Too many wrong ones: 429, with Retry-After.
	var resp *http.Response
	for range DefaultPasswordAttempts + 1 {
		b, _ := json.Marshal(gatewayapi.FileRequest{Name: "a.txt", Size: 1, Password: "guess"})
		r, err := http.Post(p.URL+"/files", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		resp = r
	}
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("after %d wrong passwords: HTTP %d, Retry-After %q", DefaultPasswordAttempts+1, resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	var nb gatewayapi.ErrorBody
	if st := apiCall(t, e.client, e.url, testAdmin, "GET", "/api/v1/uploads/nope", nil, &nb); st != http.StatusNotFound {
		t.Errorf("an unknown upload request: HTTP %d", st)
	}
	admin, _ := gatewayapi.NewClient(e.url, testAdmin, 30*time.Second)
	if _, err := admin.CreateUpload(context.Background(), UploadRequest{Bucket: "no-such-bucket-here", Prefix: "in/"}); err == nil || !strings.Contains(err.Error(), "NoSuchBucket (HTTP 400)") {
		t.Errorf("a request for a bucket that is not there: %v", err)
	}

	// Once expired, the page and the API say so.
	x := e.createUpload(UploadRequest{Prefix: "late/", ExpiresIn: "1h"})
	e.clock.advance(2 * time.Hour)
	if resp := e.visit(x.URL); resp.StatusCode != http.StatusGone {
		t.Errorf("an expired drop link: HTTP %d", resp.StatusCode)
	}
	if st := postJSON(t, x.URL+"/files", gatewayapi.FileRequest{Name: "a.txt", Size: 1}, &eb); st != http.StatusGone || !strings.Contains(eb.Error, "expired") {
		t.Errorf("a file for an expired link: HTTP %d %q", st, eb.Error)
	}
	e.clock.advance(-2 * time.Hour)

	// A streamed part is cut at the size announced, and a file not sent
	// is not confirmed.
	u := e.createUpload(UploadRequest{Prefix: "cut/"})
	tk := ticket(t, u.URL, "a.bin", 10)
	if st := postJSON(t, tk.DoneURL, struct{}{}, &eb); st != http.StatusConflict {
		t.Errorf("done before sending: HTTP %d %q", st, eb.Error)
	}
	req, _ := http.NewRequest("PUT", tk.PartsURL+"/1", bytes.NewReader(make([]byte, 20)))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("20 bytes for 10 announced: %v %v", resp.Status, err)
	} else {
		resp.Body.Close()
	}
	if keys := storeHas(t, e, "cut/", "", nil); len(keys) != 0 {
		t.Errorf("the store holds %q", keys)
	}
}

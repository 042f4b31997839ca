package presign

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/minio/minio-go/v7/pkg/s3utils"
	"github.com/minio/minio-go/v7/pkg/signer"

	"github.com/s3share/s3share/config"
)

func testStore(t testing.TB, endpoint string, addressing config.Addressing, token string) config.Store {
	t.Helper()
	u, err := config.ParseEndpoint(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return config.Store{
		Name:       "test",
		Endpoint:   u,
		Region:     "eu-west-3",
		Addressing: addressing,
		Creds: config.Credentials{
			AccessKeyID:     "AKIDEXAMPLE",
			SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
			SessionToken:    token,
		},
	}
}

func newTestSigner(t testing.TB, st config.Store) *Signer {
	t.Helper()
	s, err := NewSigner(st)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

// minioURL signs the same request with minio-go's PreSignV4 and returns
// the URL. base is the URL without signature (path already encoded) and
// extra the response overrides.
func minioURL(t *testing.T, st config.Store, method, base string, extra url.Values, hdr http.Header, expires int64) string {
	t.Helper()
	target := base
	if len(extra) > 0 {
		target += "?" + extra.Encode()
	}
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatalf("NewRequest(%q): %v", target, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	c := st.Creds
	return signer.PreSignV4(*req, c.AccessKeyID, c.SecretAccessKey, c.SessionToken, st.Region, expires).URL.String()
}

func TestURLMatchesMinioPreSignV4(t *testing.T) {
	keys := []string{
		"plain.txt",
		"dir/sub dir/name.pdf",
		"unicodé/日本語.txt",
		"a+b=c&d.txt",
		"100%/x#y?z.bin",
		"~tilde!*'().txt",
		"trailing/",
	}
	cases := []struct {
		name       string
		endpoint   string
		addressing config.Addressing
		token      string
		method     Method
		contentTyp string
		headers    map[string]string
		overrides  url.Values
	}{
		{name: "GET path-style", endpoint: "http://127.0.0.1:9000", addressing: config.AddressingPath, method: GET},
		{name: "GET virtual-host", endpoint: "https://s3.eu-west-3.amazonaws.com", addressing: config.AddressingVirtual, method: GET},
		{name: "GET overrides", endpoint: "http://127.0.0.1:9000", addressing: config.AddressingPath, method: GET,
			overrides: url.Values{
				"response-content-disposition": {`attachment; filename="na me.pdf"; filename*=UTF-8''na%20me.pdf`},
				"response-content-type":        {"application/pdf; charset=utf-8"},
				"response-cache-control":       {"no-cache, max-age=0"},
				"versionId":                    {"3/L4kqtJl40Nr8X8gdRQBpUMLUo+="},
			}},
		{name: "GET overrides token virtual", endpoint: "https://s3.eu-west-3.amazonaws.com", addressing: config.AddressingVirtual, method: GET,
			token: "FwoGZXIvYXdzE/+token==with spaces&amp",
			overrides: url.Values{
				"response-content-disposition": {"inline"},
				"versionId":                    {"null"},
			}},
		{name: "GET token", endpoint: "http://localhost:9000", addressing: config.AddressingPath, method: GET, token: "IQoJb3JpZ2luX2VjE/tok+en="},
		{name: "GET default port stripped", endpoint: "https://minio.example.com:443", addressing: config.AddressingPath, method: GET},
		{name: "PUT content type", endpoint: "http://127.0.0.1:9000", addressing: config.AddressingPath, method: PUT, contentTyp: "image/jpeg"},
		{name: "PUT headers token virtual", endpoint: "https://s3.amazonaws.com", addressing: config.AddressingVirtual, method: PUT,
			token: "sessiontoken/+=", contentTyp: "text/plain; charset=utf-8",
			headers: map[string]string{"x-amz-meta-owner": "Zoë  Smith", "Cache-Control": "max-age=60"}},
		{name: "PUT bare", endpoint: "http://127.0.0.1:9000", addressing: config.AddressingPath, method: PUT},
	}
	for _, c := range cases {
		for _, viaMinio := range []bool{false, true} {
			name := c.name
			if viaMinio {
				name += " via minio signer"
			}
			t.Run(name, func(t *testing.T) {
				st := testStore(t, c.endpoint, c.addressing, c.token)
				s := newTestSigner(t, st)
				s.viaMinio = viaMinio
				for _, key := range keys {
					req := Request{Method: c.method, Bucket: "my-bucket", Key: key, Expires: In(90 * time.Minute),
						ContentType: c.contentTyp, Headers: c.headers}
					if c.overrides != nil {
						req.ResponseContentDisposition = c.overrides.Get("response-content-disposition")
						req.ResponseContentType = c.overrides.Get("response-content-type")
						req.ResponseCacheControl = c.overrides.Get("response-cache-control")
						req.VersionID = c.overrides.Get("versionId")
					}
					hdr := http.Header{}
					if c.contentTyp != "" {
						hdr.Set("Content-Type", c.contentTyp)
					}
					for k, v := range c.headers {
						hdr.Set(k, strings.Join(strings.Fields(v), " "))
					}
					host := strings.TrimSuffix(st.Endpoint.Host, ":443")
					base := st.Endpoint.Scheme + "://" + host + "/my-bucket/" + s3utils.EncodePath(key)
					if c.addressing == config.AddressingVirtual {
						base = st.Endpoint.Scheme + "://my-bucket." + host + "/" + s3utils.EncodePath(key)
					}
					var got, want string
					for attempt := 0; ; attempt++ {
						res, err := s.Sign(req)
						if err != nil {
							t.Fatalf("Sign(%q): %v", key, err)
						}
						want = minioURL(t, st, string(c.method), base, c.overrides, hdr, 5400)
						got = res.URL
						if amzDate(t, got) == amzDate(t, want) || attempt == 5 {
							break
						}
					}
					if got != want {
						t.Errorf("key %q:\n got  %s\n want %s", key, got, want)
					}
				}
			})
		}
	}
}

func amzDate(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("parse %q: %v", link, err)
	}
	return u.Query().Get("X-Amz-Date")
}

func TestSignFixedTime(t *testing.T) {
	st := testStore(t, "http://127.0.0.1:9000", config.AddressingPath, "")
	s := newTestSigner(t, st)
	at := time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("X", 3600))
	res, err := s.SignAt(Request{Bucket: "b", Key: "k.txt", Expires: In(2 * time.Hour)}, at)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "http://127.0.0.1:9000/b/k.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260304%2Feu-west-3%2Fs3%2Faws4_request&X-Amz-Date=20260304T040607Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature="
	if !strings.HasPrefix(res.URL, prefix) || len(res.URL) != len(prefix)+64 {
		t.Errorf("URL = %s\nwant %s<64 hex>", res.URL, prefix)
	}
	if want := time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC); !res.SignedAt.Equal(want) {
		t.Errorf("SignedAt = %v, want %v", res.SignedAt, want)
	}
	if want := time.Date(2026, 3, 4, 6, 6, 7, 0, time.UTC); !res.ExpiresAt.Equal(want) || !res.EffectiveExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, Effective = %v, want both %v", res.ExpiresAt, res.EffectiveExpiresAt, want)
	}
	// Same inputs, same link; the day rolls the scope over.
	again, _ := s.SignAt(Request{Bucket: "b", Key: "k.txt", Expires: In(2 * time.Hour)}, at)
	if again.URL != res.URL {
		t.Errorf("signing twice differs:\n%s\n%s", res.URL, again.URL)
	}
	next, _ := s.SignAt(Request{Bucket: "b", Key: "k.txt", Expires: In(2 * time.Hour)}, at.Add(24*time.Hour))
	if !strings.Contains(next.URL, "%2F20260305%2F") {
		t.Errorf("next day's link has the old scope: %s", next.URL)
	}
	other, _ := s.SignAt(Request{Bucket: "b", Key: "k.txt", Region: "ap-south-1"}, at)
	if !strings.Contains(other.URL, "%2Fap-south-1%2Fs3%2F") || !strings.Contains(other.URL, "X-Amz-Expires=3600&") {
		t.Errorf("region override or default expiry missing: %s", other.URL)
	}
}

func TestAbsoluteExpiry(t *testing.T) {
	s := newTestSigner(t, testStore(t, "http://127.0.0.1:9000", config.AddressingPath, ""))
	now := time.Date(2026, 1, 1, 12, 0, 0, 500e6, time.UTC)
	end := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	res, err := s.SignAt(Request{Bucket: "b", Key: "k", Expires: Until(end)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.URL, "X-Amz-Expires=86400&") || !res.ExpiresAt.Equal(end) {
		t.Errorf("absolute expiry: %s, ExpiresAt %v", res.URL, res.ExpiresAt)
	}
	if _, err := s.SignAt(Request{Bucket: "b", Key: "k", Expires: Until(now.Add(-time.Minute))}, now); err == nil || !strings.Contains(err.Error(), "not in the future") {
		t.Errorf("past expiry: err = %v", err)
	}
	_, err = s.SignAt(Request{Bucket: "b", Key: "k", Expires: In(MaxExpiry + time.Second)}, now)
	if err == nil || !strings.Contains(err.Error(), "7 days") {
		t.Errorf("8-day expiry: err = %v, want the 7-day limit named", err)
	}
	if _, err := s.SignAt(Request{Bucket: "b", Key: "k", Expires: In(MaxExpiry)}, now); err != nil {
		t.Errorf("exactly 7 days: %v", err)
	}
}

func TestEffectiveExpiryFollowsCredentials(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	st := testStore(t, "http://127.0.0.1:9000", config.AddressingPath, "token")
	st.Creds.Expires = now.Add(20 * time.Minute)
	s := newTestSigner(t, st)

	res, err := s.SignAt(Request{Bucket: "b", Key: "k", Expires: In(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !res.ExpiresAt.Equal(now.Add(time.Hour)) || !res.EffectiveExpiresAt.Equal(now.Add(20*time.Minute)) {
		t.Errorf("ExpiresAt %v, EffectiveExpiresAt %v", res.ExpiresAt, res.EffectiveExpiresAt)
	}
	if !strings.Contains(res.Warning, "40m") || !strings.Contains(res.Warning, "temporary credentials") {
		t.Errorf("warning = %q", res.Warning)
	}

	short, _ := s.SignAt(Request{Bucket: "b", Key: "k", Expires: In(10 * time.Minute)}, now)
	if short.Warning != "" || !short.EffectiveExpiresAt.Equal(short.ExpiresAt) {
		t.Errorf("a link within the credentials' life: %+v", short)
	}

	if _, err := s.SignAt(Request{Bucket: "b", Key: "k"}, now.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired credentials: err = %v", err)
	}
}

func TestSignRejectsBadRequests(t *testing.T) {
	s := newTestSigner(t, testStore(t, "http://127.0.0.1:9000", config.AddressingPath, ""))
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"no bucket", Request{Key: "k"}, "no bucket"},
		{"bucket with slash", Request{Bucket: "a/b", Key: "k"}, "bucket name"},
		{"no key", Request{Bucket: "b"}, "no object key"},
		{"bad utf8", Request{Bucket: "b", Key: "a\xffb"}, "UTF-8"},
		{"dot dot", Request{Bucket: "b", Key: "a/../b"}, `".." path segment`},
		{"long key", Request{Bucket: "b", Key: strings.Repeat("k", 1025)}, "1024"},
		{"CRLF override", Request{Bucket: "b", Key: "k", ResponseContentType: "text/plain\r\nX-Evil: 1"}, "control character"},
		{"override on PUT", Request{Method: PUT, Bucket: "b", Key: "k", ResponseCacheControl: "no-cache"}, "GET links"},
		{"content type on GET", Request{Bucket: "b", Key: "k", ContentType: "a/b"}, "response overrides"},
		{"prefix on GET", Request{Bucket: "b", Key: "p/", KeyIsPrefix: true}, "not a prefix"},
		{"size on PUT", Request{Method: PUT, Bucket: "b", Key: "k", MaxSize: 10}, "POST policies only"},
		{"min above max", Request{Method: POST, Bucket: "b", Key: "k", MinSize: 11, MaxSize: 10}, "not valid"},
		{"host header", Request{Method: PUT, Bucket: "b", Key: "k", Headers: map[string]string{"Host": "evil"}}, "set by the signer"},
		{"bad header name", Request{Method: PUT, Bucket: "b", Key: "k", Headers: map[string]string{"a b": "x"}}, "not an HTTP token"},
		{"header CRLF", Request{Method: PUT, Bucket: "b", Key: "k", Headers: map[string]string{"x-amz-meta-a": "x\ny"}}, "control character"},
		{"two content types", Request{Method: PUT, Bucket: "b", Key: "k", ContentType: "a/b", Headers: map[string]string{"content-type": "c/d"}}, "two different"},
	}
	for _, c := range cases {
		_, err := s.Sign(c.req)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
	if _, err := NewSigner(config.Store{Endpoint: &url.URL{Scheme: "http", Host: "h"}}); err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("anonymous store: err = %v", err)
	}
	forced := testStore(t, "http://127.0.0.1:9000", config.AddressingVirtual, "")
	if _, err := newTestSigner(t, forced).Sign(Request{Bucket: "Under_Score", Key: "k"}); err == nil || !strings.Contains(err.Error(), "path-style") {
		t.Errorf("virtual host with a non-DNS bucket: err = %v", err)
	}
}

func TestPublicBaseURL(t *testing.T) {
	st := testStore(t, "http://10.0.0.5:9000", config.AddressingPath, "")
	st.PublicBaseURL = "https://cdn.example.com:443/files/"
	s := newTestSigner(t, st)
	now := time.Date(2026, 2, 2, 2, 2, 2, 0, time.UTC)
	res, err := s.SignAt(Request{Bucket: "media", Key: "a b.png"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.URL, "https://cdn.example.com/files/media/a%20b.png?X-Amz-") {
		t.Errorf("URL = %s", res.URL)
	}
	// The signature covers the public host and the path the origin sees.
	direct := testStore(t, "https://cdn.example.com", config.AddressingPath, "")
	d, _ := newTestSigner(t, direct).SignAt(Request{Bucket: "media", Key: "a b.png"}, now)
	if sig(res.URL) != sig(d.URL) {
		t.Errorf("signature differs from one made for https://cdn.example.com/media/a%%20b.png:\n%s\n%s", res.URL, d.URL)
	}

	virt := testStore(t, "https://s3.amazonaws.com", config.AddressingVirtual, "")
	virt.PublicBaseURL = "https://media.example.com"
	v, _ := newTestSigner(t, virt).SignAt(Request{Bucket: "media.example.com", Key: "x.png"}, now)
	if !strings.HasPrefix(v.URL, "https://media.example.com/x.png?") {
		t.Errorf("virtual-host public URL = %s", v.URL)
	}

	for _, bad := range []string{"ftp://x", "https://", "https://u:p@h", "https://h/?q=1", "https://h/#f"} {
		st.PublicBaseURL = bad
		if _, err := NewSigner(st); err == nil {
			t.Errorf("base URL %q accepted", bad)
		}
	}
}

func sig(link string) string {
	_, s, _ := strings.Cut(link, "X-Amz-Signature=")
	return s
}

// TestSignsOffline points the store at a closed port: signing must not
// need it.
func TestSignsOffline(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatalf("port %s is open; the test needs a closed one", addr)
	}
	s := newTestSigner(t, testStore(t, "http://"+addr, config.AddressingAuto, ""))
	for _, m := range []Method{GET, PUT, POST} {
		req := Request{Method: m, Bucket: "b", Key: "k.txt"}
		if m == POST {
			req.MaxSize = 10
		}
		res, err := s.Sign(req)
		if err != nil {
			t.Fatalf("%s with the endpoint down: %v", m, err)
		}
		if !strings.HasPrefix(res.URL, "http://"+addr+"/b") {
			t.Errorf("%s URL = %s", m, res.URL)
		}
	}
}

func TestPOSTPolicy(t *testing.T) {
	st := testStore(t, "http://127.0.0.1:9000", config.AddressingPath, "tok/en")
	s := newTestSigner(t, st)
	now := time.Date(2026, 7, 8, 9, 10, 11, 0, time.UTC)
	res, err := s.SignAt(Request{Method: POST, Bucket: "up", Key: "inbox/", KeyIsPrefix: true,
		MinSize: 1, MaxSize: 10 << 20, ContentType: "image/", ContentTypePrefix: true,
		Headers: map[string]string{"x-amz-meta-from": "form"}, Expires: In(30 * time.Minute)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "http://127.0.0.1:9000/up" {
		t.Errorf("URL = %s", res.URL)
	}
	var names []string
	fields := map[string]string{}
	for _, f := range res.Fields {
		names = append(names, f.Name)
		fields[f.Name] = f.Value
	}
	want := "key Content-Type x-amz-meta-from x-amz-algorithm x-amz-credential x-amz-date x-amz-security-token policy x-amz-signature"
	if strings.Join(names, " ") != want {
		t.Errorf("fields %v\nwant %s", names, want)
	}
	if fields["key"] != "inbox/${filename}" || fields["x-amz-credential"] != "AKIDEXAMPLE/20260708/eu-west-3/s3/aws4_request" ||
		fields["x-amz-date"] != "20260708T091011Z" || fields["x-amz-security-token"] != "tok/en" {
		t.Errorf("fields = %v", fields)
	}
	raw, err := base64.StdEncoding.DecodeString(fields["policy"])
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatalf("policy %s: %v", raw, err)
	}
	if policy.Expiration != "2026-07-08T09:40:11.000Z" {
		t.Errorf("expiration = %s", policy.Expiration)
	}
	conds, _ := json.Marshal(policy.Conditions)
	wantConds := `[{"bucket":"up"},["starts-with","$key","inbox/"],["content-length-range",1,10485760],["starts-with","$Content-Type","image/"],["eq","$x-amz-meta-from","form"],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"AKIDEXAMPLE/20260708/eu-west-3/s3/aws4_request"},{"x-amz-date":"20260708T091011Z"},{"x-amz-security-token":"tok/en"}]`
	if string(conds) != wantConds {
		t.Errorf("conditions\n got  %s\n want %s", conds, wantConds)
	}
	wantSig := signer.PostPresignSignatureV4(fields["policy"], now, st.Creds.SecretAccessKey, "eu-west-3")
	if fields["x-amz-signature"] != wantSig {
		t.Errorf("signature %s, want %s", fields["x-amz-signature"], wantSig)
	}

	// A hostile key cannot break out of its JSON string.
	one, err := s.SignAt(Request{Method: POST, Bucket: "up", Key: `a"],["eq","$x","y`, MaxSize: 5}, now)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = base64.StdEncoding.DecodeString(one.Fields[len(one.Fields)-2].Value)
	if err := json.Unmarshal(raw, &policy); err != nil || len(policy.Conditions) != 7 {
		t.Errorf("policy for a hostile key: %s (%v)", raw, err)
	}
}

func TestResultJSONAndCurl(t *testing.T) {
	s := newTestSigner(t, testStore(t, "http://127.0.0.1:9000", config.AddressingPath, ""))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	get, _ := s.SignAt(Request{Bucket: "b", Key: "dir/it's.txt"}, now)
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false) // as the command line prints it
	if err := e.Encode(get); err != nil {
		t.Fatal(err)
	}
	raw := enc.Bytes()
	if bytes.Contains(raw, []byte(`\u0026`)) || !bytes.Contains(raw, []byte("&X-Amz-Date=")) {
		t.Errorf("JSON escapes the URL: %s", raw)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 9 || m["identity"] == "" || m["url"] != get.URL || m["method"] != "GET" || m["key"] != "dir/it's.txt" ||
		m["expires_at"] != "2026-01-01T01:00:00Z" || m["effective_expires_at"] != "2026-01-01T01:00:00Z" {
		t.Errorf("JSON = %s", raw)
	}
	if h, ok := m["headers"].(map[string]any); !ok || len(h) != 0 {
		t.Errorf("headers = %v, want {}", m["headers"])
	}
	if f, ok := m["fields"].([]any); !ok || len(f) != 0 {
		t.Errorf("fields = %v, want []", m["fields"])
	}
	if got, want := get.Curl(""), `curl -f -o 'it'\''s.txt' '`+get.URL+`'`; got != want {
		t.Errorf("GET curl:\n got  %s\n want %s", got, want)
	}

	put, _ := s.SignAt(Request{Method: PUT, Bucket: "b", Key: "p.jpg", ContentType: "image/jpeg"}, now)
	if got, want := put.Curl(""), `curl -f -X PUT -H 'Content-Type: image/jpeg' --upload-file FILE '`+put.URL+`'`; got != want {
		t.Errorf("PUT curl:\n got  %s\n want %s", got, want)
	}
	if put.Headers["Content-Type"] != "image/jpeg" || !strings.Contains(put.URL, "X-Amz-SignedHeaders=content-type%3Bhost&") {
		t.Errorf("PUT: headers %v, URL %s", put.Headers, put.URL)
	}

	post, _ := s.SignAt(Request{Method: POST, Bucket: "b", Key: "up/", KeyIsPrefix: true, MaxSize: 10}, now)
	c := post.Curl("my file;1.txt")
	if !strings.HasPrefix(c, `curl -f --form-string 'key=up/${filename}' --form-string 'x-amz-algorithm=AWS4-HMAC-SHA256'`) ||
		!strings.HasSuffix(c, ` -F 'file=@"my file;1.txt"' 'http://127.0.0.1:9000/b'`) {
		t.Errorf("POST curl = %s", c)
	}
}

func TestShellQuote(t *testing.T) {
	cases := map[string]string{
		"FILE":              "FILE",
		"a b":               "'a b'",
		"it's":              `'it'\''s'`,
		"":                  "''",
		"$(rm -rf ~)":       "'$(rm -rf ~)'",
		"http://h/?a=1&b=2": "'http://h/?a=1&b=2'",
	}
	for in, want := range cases {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzEncodePath(f *testing.F) {
	for _, s := range []string{"plain.txt", "dir/sub dir/name.pdf", "unicodé/日本語.txt", "a+b=c&d.txt", "100%/x#y?z.bin", "~tilde!*'().txt", "\x00\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || s == "" {
			return
		}
		if got, want := string(appendPath(nil, s)), s3utils.EncodePath(s); got != want {
			t.Fatalf("appendPath(%q) = %q, s3utils.EncodePath = %q", s, got, want)
		}
	})
}

// FuzzSignatureMatchesMinio holds the cached-key signature to minio-go's
// PostPresignSignatureV4 for any string to sign, day, region and secret.
func FuzzSignatureMatchesMinio(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/s3/aws4_request\nabc", int64(1767225600), "us-east-1", "secret")
	f.Add("", int64(0), "", "")
	f.Fuzz(func(t *testing.T, sts string, unix int64, region, secret string) {
		at := time.Unix(unix%(1<<34), 0).UTC()
		var day [8]byte
		sc := newScope("AKID", secret, string(appendYMD(day[:0], at)), region)
		h := sc.macs.Get().(hash.Hash)
		h.Reset()
		h.Write([]byte(sts))
		got := hex.EncodeToString(h.Sum(nil))
		if want := signer.PostPresignSignatureV4(sts, at, secret, region); got != want {
			t.Fatalf("signature %s, minio-go %s", got, want)
		}
	})
}

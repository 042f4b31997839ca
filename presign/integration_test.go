package presign

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
)

// The keys every GET test signs: spaces, non-ASCII, and the characters
// that URL encoders disagree about.
var hardKeys = []string{
	"plain.txt",
	"dir/sub dir/name.pdf",
	"unicodé/日本語.txt",
	"a+b=c&d.txt",
	"100%/x#y?z.bin",
	"~tilde!*'().txt",
}

func serverStore(t *testing.T, srv *s3test.Server) config.Store {
	t.Helper()
	u, err := config.ParseEndpoint(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return config.Store{
		Name:       "versitygw",
		Endpoint:   u,
		Region:     srv.Region,
		Addressing: config.AddressingPath,
		Creds:      config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	}
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// fetch does one request and returns the status, headers and body.
func fetch(t *testing.T, method, link string, body io.Reader, hdr map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, link, body)
	if err != nil {
		t.Fatalf("request %s %s: %v", method, link, err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, link, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", method, link, err)
	}
	return resp.StatusCode, resp.Header, b
}

// tamper changes one character of the signature.
func tamper(link string) string {
	last := link[len(link)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return link[:len(link)-1] + string(repl)
}

func TestGETLinksWorkAndFailOnVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	s := newTestSigner(t, serverStore(t, srv))
	bodies := map[string][]byte{}
	for i, k := range hardKeys {
		bodies[k] = []byte(strings.Repeat(k+"\n", i+1))
		srv.Put(t, bucket, k, bodies[k], "application/octet-stream")
	}

	short := map[string]string{}
	for _, k := range hardKeys {
		res, err := s.Sign(Request{Bucket: bucket, Key: k, Expires: In(10 * time.Minute)})
		if err != nil {
			t.Fatalf("sign %q: %v", k, err)
		}
		code, _, body := fetch(t, "GET", res.URL, nil, nil)
		if code != http.StatusOK || !bytes.Equal(body, bodies[k]) {
			t.Errorf("GET %q: %d %q, want 200 %q\nlink %s", k, code, body, bodies[k], res.URL)
		}
		if code, _, body := fetch(t, "GET", tamper(res.URL), nil, nil); code != http.StatusForbidden {
			t.Errorf("GET %q with a changed signature: %d %s, want 403", k, code, body)
		}
		one, err := s.Sign(Request{Bucket: bucket, Key: k, Expires: In(time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		short[k] = one.URL
	}
	// The 1-second links are at least 2 seconds old once this returns.
	time.Sleep(2 * time.Second)
	for k, link := range short {
		if code, _, body := fetch(t, "GET", link, nil, nil); code != http.StatusForbidden {
			t.Errorf("GET %q with an expired 1-second link: %d %s, want 403", k, code, body)
		}
	}
}

func TestGETResponseOverridesOnVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "docs/report.bin", []byte("%PDF-1.7"), "application/octet-stream")
	s := newTestSigner(t, serverStore(t, srv))

	disp, err := ContentDisposition(Attachment, "Rapport d'été «final» 日本.pdf")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Sign(Request{Bucket: bucket, Key: "docs/report.bin",
		ResponseContentDisposition: disp,
		ResponseContentType:        "application/pdf",
		ResponseCacheControl:       "private, max-age=60",
	})
	if err != nil {
		t.Fatal(err)
	}
	code, hdr, body := fetch(t, "GET", res.URL, nil, nil)
	if code != http.StatusOK || string(body) != "%PDF-1.7" {
		t.Fatalf("GET: %d %q", code, body)
	}
	if got := hdr.Get("Content-Disposition"); got != disp {
		t.Errorf("Content-Disposition\n got  %q\n want %q", got, disp)
	}
	if got := hdr.Get("Content-Type"); got != "application/pdf" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := hdr.Get("Cache-Control"); got != "private, max-age=60" {
		t.Errorf("Cache-Control = %q", got)
	}
}

func TestPUTLinkOnVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	s := newTestSigner(t, serverStore(t, srv))
	res, err := s.Sign(Request{Method: PUT, Bucket: bucket, Key: "photos/cat 1.jpg", ContentType: "image/jpeg",
		Headers: map[string]string{"x-amz-meta-origin": "share link"}})
	if err != nil {
		t.Fatal(err)
	}
	jpeg := []byte("\xff\xd8\xff\xe0 not really a jpeg")

	if code, _, body := fetch(t, "PUT", res.URL, bytes.NewReader(jpeg), map[string]string{"Content-Type": "text/plain", "X-Amz-Meta-Origin": "share link"}); code != http.StatusForbidden {
		t.Errorf("PUT with the wrong Content-Type: %d %s, want 403", code, body)
	}
	if code, _, body := fetch(t, "PUT", res.URL, bytes.NewReader(jpeg), res.Headers); code != http.StatusOK {
		t.Fatalf("PUT with the signed headers %v: %d %s", res.Headers, code, body)
	}
	ctx := context.Background()
	info, err := srv.Client.StatObject(ctx, bucket, "photos/cat 1.jpg", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "image/jpeg" || info.Size != int64(len(jpeg)) || info.UserMetadata["Origin"] != "share link" {
		t.Errorf("stored object: type %q, size %d, metadata %v", info.ContentType, info.Size, info.UserMetadata)
	}
}

// postForm sends the fields in order, then the file, as a browser does.
func postForm(t *testing.T, link string, fields []Field, override map[string]string, data []byte) (int, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		v := f.Value
		if o, ok := override[f.Name]; ok {
			v = o
		}
		if err := w.WriteField(f.Name, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "upload.bin")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	code, _, body := fetch(t, "POST", link, &buf, map[string]string{"Content-Type": w.FormDataContentType()})
	return code, body
}

func TestPOSTPolicyOnVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	s := newTestSigner(t, serverStore(t, srv))
	res, err := s.Sign(Request{Method: POST, Bucket: bucket, Key: "inbox/", KeyIsPrefix: true, MaxSize: 10,
		ContentType: "text/", ContentTypePrefix: true})
	if err != nil {
		t.Fatal(err)
	}
	// versitygw does not expand ${filename}; the form names the key.
	ok := map[string]string{"key": "inbox/five.txt", "Content-Type": "text/plain"}
	if code, body := postForm(t, res.URL, res.Fields, ok, []byte("12345")); code != http.StatusNoContent && code != http.StatusOK {
		t.Fatalf("POST 5 bytes: %d %s", code, body)
	}
	got, err := srv.Client.GetObject(context.Background(), bucket, "inbox/five.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(got)
	if err != nil || string(data) != "12345" {
		t.Errorf("stored object: %q, %v", data, err)
	}

	code, body := postForm(t, res.URL, res.Fields, map[string]string{"key": "inbox/eleven.txt", "Content-Type": "text/plain"}, []byte("12345678901"))
	if code != http.StatusBadRequest || !bytes.Contains(body, []byte("EntityTooLarge")) {
		t.Errorf("POST 11 bytes: %d %s, want 400 EntityTooLarge", code, body)
	}
	code, body = postForm(t, res.URL, res.Fields, map[string]string{"key": "elsewhere/x.txt", "Content-Type": "text/plain"}, []byte("123"))
	if code != http.StatusForbidden {
		t.Errorf("POST outside the prefix: %d %s, want 403", code, body)
	}
	code, body = postForm(t, res.URL, res.Fields, map[string]string{"key": "inbox/x.exe", "Content-Type": "application/x-msdownload"}, []byte("123"))
	if code != http.StatusForbidden {
		t.Errorf("POST with a Content-Type outside text/: %d %s, want 403", code, body)
	}

	one, err := s.Sign(Request{Method: POST, Bucket: bucket, Key: "exact key.txt", MaxSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := postForm(t, one.URL, one.Fields, nil, []byte("abc")); code != http.StatusNoContent && code != http.StatusOK {
		t.Errorf("POST to one key: %d %s", code, body)
	}
	if code, body := postForm(t, one.URL, one.Fields, map[string]string{"key": "other key.txt"}, []byte("abc")); code != http.StatusForbidden {
		t.Errorf("POST to one key, other key: %d %s, want 403", code, body)
	}
}

// TestPublicBaseURLBehindProxy puts a reverse proxy in front of the
// store. One forwards the original Host header and strips its path
// prefix: links on its base URL work. The other rewrites Host to the
// origin's, as most CDNs do by default: the same links fail.
func TestPublicBaseURLBehindProxy(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "dir/sub dir/name.pdf", []byte("via proxy"), "application/pdf")
	origin, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := func(keepHost bool) string {
		rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(origin)
			r.Out.URL.Path = strings.TrimPrefix(r.In.URL.Path, "/cdn")
			r.Out.URL.RawPath = strings.TrimPrefix(r.In.URL.RawPath, "/cdn")
			if keepHost {
				r.Out.Host = r.In.Host
			}
		}}
		return startHTTP(t, rp)
	}

	for _, c := range []struct {
		keepHost bool
		want     int
	}{{true, http.StatusOK}, {false, http.StatusForbidden}} {
		st := serverStore(t, srv)
		st.PublicBaseURL = proxy(c.keepHost) + "/cdn/"
		res, err := newTestSigner(t, st).Sign(Request{Bucket: bucket, Key: "dir/sub dir/name.pdf"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(res.URL, st.PublicBaseURL+bucket+"/dir/sub%20dir/name.pdf?") {
			t.Errorf("link %s is not on the base URL %s", res.URL, st.PublicBaseURL)
		}
		code, _, body := fetch(t, "GET", res.URL, nil, nil)
		if code != c.want || (c.want == http.StatusOK && string(body) != "via proxy") {
			t.Errorf("proxy keeping Host=%v: %d %s, want %d", c.keepHost, code, body, c.want)
		}
	}
}

// startHTTP serves h on a free 127.0.0.1 port until the test ends and
// returns its base URL.
func startHTTP(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close() })
	return "http://" + l.Addr().String()
}

func TestPartLinksOnVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	s := newTestSigner(t, serverStore(t, srv))
	ctx := context.Background()
	core := minio.Core{Client: srv.Client}
	const key = "big/report 1.bin"
	id, err := core.NewMultipartUpload(ctx, bucket, key, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		t.Fatal(err)
	}
	part1 := bytes.Repeat([]byte("a"), 5<<20)
	part2 := []byte("the end")
	var parts []minio.CompletePart
	for i, data := range [][]byte{part1, part2} {
		res, err := s.Sign(Request{Method: PUT, Bucket: bucket, Key: key, PartNumber: i + 1, UploadID: id,
			Headers: map[string]string{"Content-Length": fmt.Sprint(len(data))}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.URL, fmt.Sprintf("partNumber=%d", i+1)) || !strings.Contains(res.URL, "uploadId=") {
			t.Fatalf("part link %s", res.URL)
		}
		// Tamper with the small part only: a refused 5 MiB body may be
		// cut off while it is sent.
		if len(data) < 1<<10 {
			if code, _, body := fetch(t, "PUT", tamper(res.URL), bytes.NewReader(data), res.Headers); code != http.StatusForbidden {
				t.Errorf("tampered part link: %d %s", code, body)
			}
		}
		code, hdr, body := fetch(t, "PUT", res.URL, bytes.NewReader(data), res.Headers)
		if code != http.StatusOK {
			t.Fatalf("PUT part %d: %d %s", i+1, code, body)
		}
		parts = append(parts, minio.CompletePart{PartNumber: i + 1, ETag: hdr.Get("ETag")})
	}
	if _, err := core.CompleteMultipartUpload(ctx, bucket, key, id, parts, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	info, err := srv.Client.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
	if err != nil || info.Size != int64(len(part1)+len(part2)) {
		t.Fatalf("stored: %d bytes, %v", info.Size, err)
	}

	for _, bad := range []Request{
		{Method: PUT, Bucket: bucket, Key: key, PartNumber: 1},
		{Method: PUT, Bucket: bucket, Key: key, UploadID: id},
		{Method: PUT, Bucket: bucket, Key: key, PartNumber: 10001, UploadID: id},
		{Method: GET, Bucket: bucket, Key: key, PartNumber: 1, UploadID: id},
	} {
		if _, err := s.Sign(bad); err == nil {
			t.Errorf("signed %+v", bad)
		}
	}
}

package demo

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func TestSeededBuckets(t *testing.T) {
	s := startDemo(t, Options{})
	want := []string{DocsBucket, LogsBucket, MediaBucket, UploadsBucket}
	if got := s.Buckets(); !slices.Equal(got, want) {
		t.Fatalf("Buckets() = %v, want %v", got, want)
	}
	c := newClient(t, s, s.SecretKey)
	obj, err := c.GetObject(context.Background(), MediaBucket, "images/gradient.png", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	img, err := png.Decode(obj)
	if err != nil {
		t.Fatalf("seeded PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 64 {
		t.Fatalf("PNG is %v, want 64x64", b)
	}
}

func TestStartNoSeedAndHelpers(t *testing.T) {
	s := startDemo(t, Options{NoSeed: true, AccessKey: "ak", SecretKey: "sk", Region: "eu-west-3"})
	if len(s.Buckets()) != 0 {
		t.Fatalf("NoSeed server has buckets %v", s.Buckets())
	}
	s.MakeBucket("bkt-one")
	s.PutObject("bkt-two", "k", []byte("v"), "text/plain", map[string]string{"Color": "blue"})
	if got := s.Buckets(); !slices.Equal(got, []string{"bkt-one", "bkt-two"}) {
		t.Fatalf("Buckets() = %v", got)
	}
	// A client that does not know the region asks for it (signing that
	// request for us-east-1, which S3 accepts) and then signs for eu-west-3.
	c, err := minio.New(host(s), &minio.Options{Creds: credentials.NewStaticV4("ak", "sk", ""), MaxRetries: 1})
	mustNil(t, err)
	ctx := context.Background()
	loc, err := c.GetBucketLocation(ctx, "bkt-two")
	if err != nil || loc != "eu-west-3" {
		t.Fatalf("GetBucketLocation = %q, %v; want eu-west-3", loc, err)
	}
	st, err := c.StatObject(ctx, "bkt-two", "k", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.ContentType != "text/plain" || st.UserMetadata["Color"] != "blue" {
		t.Fatalf("StatObject = %q %v", st.ContentType, st.UserMetadata)
	}
	if _, err := Start(Options{Region: "bad region"}); err == nil {
		t.Fatal("Start accepted a region with a space")
	}
}

func TestMinioClient(t *testing.T) {
	s := startDemo(t, Options{})
	c := newClient(t, s, s.SecretKey)
	ctx := context.Background()

	buckets, err := c.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range buckets {
		names = append(names, b.Name)
		if b.CreationDate.IsZero() {
			t.Errorf("bucket %s has no CreationDate", b.Name)
		}
	}
	if !slices.Equal(names, s.Buckets()) {
		t.Fatalf("ListBuckets = %v, want %v", names, s.Buckets())
	}
	if ok, err := c.BucketExists(ctx, DocsBucket); err != nil || !ok {
		t.Fatalf("BucketExists(%s) = %v, %v", DocsBucket, ok, err)
	}
	if ok, err := c.BucketExists(ctx, "no-such-bucket"); err != nil || ok {
		t.Fatalf("BucketExists(no-such-bucket) = %v, %v", ok, err)
	}

	list := func(prefix string, recursive bool) []string {
		var keys []string
		for o := range c.ListObjects(ctx, DocsBucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: recursive}) {
			if o.Err != nil {
				t.Fatalf("ListObjects(%q): %v", prefix, o.Err)
			}
			keys = append(keys, o.Key)
		}
		return keys
	}
	top := []string{"README.md", "a/", "config/", "empty-folder/", "html/", "notes/", "odd/", "reports/", "unicodé/", "with space/"}
	if got := list("", false); !slices.Equal(got, top) {
		t.Fatalf("delimited listing = %q\nwant %q", got, top)
	}
	odd := []string{"odd/100%/x#y?z.bin", "odd/a+b=c&d.txt", "odd/double//slash.txt", "odd/esc-\x1b[31m-red.txt",
		"odd/quote'\"<tag>.txt", "odd/semi;colon,comma.txt", "odd/trailing-space .txt"}
	if got := list("odd/", true); !slices.Equal(got, odd) {
		t.Fatalf("recursive listing = %q\nwant %q", got, odd)
	}
	if got := list("odd/", false); !slices.Equal(sorted(got), []string{"odd/100%/", "odd/a+b=c&d.txt", "odd/double/", "odd/esc-\x1b[31m-red.txt",
		"odd/quote'\"<tag>.txt", "odd/semi;colon,comma.txt", "odd/trailing-space .txt"}) {
		t.Fatalf("delimited listing of odd/ = %q", got)
	}

	for _, key := range append(odd, "unicodé/日本語.txt", "empty-folder/") {
		obj, err := c.GetObject(ctx, DocsBucket, key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(obj)
		obj.Close()
		if err != nil {
			t.Fatalf("GetObject(%q): %v", key, err)
		}
		if key == "unicodé/日本語.txt" && string(data) != "こんにちは、世界\n" {
			t.Fatalf("GetObject(%q) = %q", key, data)
		}
		if key == "empty-folder/" && len(data) != 0 {
			t.Fatalf("folder marker has %d bytes", len(data))
		}
	}
	st, err := c.StatObject(ctx, DocsBucket, "README.md", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.UserMetadata["Author"] != "s3share" || st.UserMetadata["Purpose"] != "demo" {
		t.Fatalf("README.md metadata = %v", st.UserMetadata)
	}
	if !strings.HasPrefix(st.ContentType, "text/markdown") || st.Size == 0 || st.ETag == "" || st.LastModified.IsZero() {
		t.Fatalf("README.md stat = %+v", st)
	}

	// PutObject over plain http uses aws-chunked streaming signatures; a body
	// of several 64 KiB chunks exercises the chained chunk signatures.
	for _, size := range []int{0, 5, 200_000} {
		data := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		key := "put/" + strings.Repeat("x", size%7) + "ü file+.bin"
		_, err := c.PutObject(ctx, UploadsBucket, key, bytes.NewReader(data), int64(size), minio.PutObjectOptions{
			ContentType:  "application/x-test",
			UserMetadata: map[string]string{"origin": "test"},
			CacheControl: "no-store",
		})
		if err != nil {
			t.Fatalf("PutObject(%d bytes): %v", size, err)
		}
		obj, err := c.GetObject(ctx, UploadsBucket, key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		obj.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("GetObject after PutObject(%d bytes): %d bytes, %v", size, len(got), err)
		}
		st, err := c.StatObject(ctx, UploadsBucket, key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if st.ContentType != "application/x-test" || st.UserMetadata["Origin"] != "test" || st.Metadata.Get("Cache-Control") != "no-store" {
			t.Fatalf("stat after put = %q %v %v", st.ContentType, st.UserMetadata, st.Metadata)
		}
	}

	if err := c.RemoveObject(ctx, UploadsBucket, "put/ü file+.bin", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.StatObject(ctx, UploadsBucket, "put/ü file+.bin", minio.StatObjectOptions{})
	if code := minio.ToErrorResponse(err).Code; code != "NoSuchKey" {
		t.Fatalf("StatObject after RemoveObject: %v (code %q), want NoSuchKey", err, code)
	}
	objs := make(chan minio.ObjectInfo, 2)
	objs <- minio.ObjectInfo{Key: "put/xxxü file+.bin"}
	objs <- minio.ObjectInfo{Key: "put/xxxxxü file+.bin"}
	close(objs)
	for e := range c.RemoveObjects(ctx, UploadsBucket, objs, minio.RemoveObjectsOptions{}) {
		t.Fatalf("RemoveObjects: %v", e.Err)
	}
	var left []string
	for o := range c.ListObjects(ctx, UploadsBucket, minio.ListObjectsOptions{Recursive: true}) {
		left = append(left, o.Key)
	}
	if len(left) != 0 {
		t.Fatalf("objects left after removals: %q", left)
	}

	// Versions of an unversioned bucket: one "null" version per key.
	n := 0
	for o := range c.ListObjects(ctx, DocsBucket, minio.ListObjectsOptions{Prefix: "reports/", Recursive: true, WithVersions: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if o.VersionID != "null" || !o.IsLatest {
			t.Fatalf("version entry %q: VersionID %q IsLatest %v", o.Key, o.VersionID, o.IsLatest)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("ListObjectVersions(reports/) returned %d entries, want 5", n)
	}
}

func TestPresignedGet(t *testing.T) {
	clock := &testClock{}
	s := startDemo(t, Options{Now: clock.Now})
	c := newClient(t, s, s.SecretKey)
	ctx := context.Background()

	disposition := `attachment; filename="q1 report.csv"; filename*=UTF-8''q1%20report.csv`
	u, err := c.PresignedGetObject(ctx, DocsBucket, "reports/2025/q1.csv", 5*time.Minute,
		url.Values{"response-content-disposition": {disposition}})
	if err != nil {
		t.Fatal(err)
	}
	link := u.String()
	status, body, e, h := get(t, link)
	if status != http.StatusOK {
		t.Fatalf("presigned GET: %d %s %s", status, e.Code, e.Message)
	}
	if !strings.HasPrefix(string(body), "region,product,units,revenue_eur\n") {
		t.Fatalf("presigned GET body = %q", body)
	}
	if got := h.Get("Content-Disposition"); got != disposition {
		t.Fatalf("Content-Disposition = %q, want %q", got, disposition)
	}

	// Odd keys survive the canonical URI.
	for _, key := range []string{"odd/100%/x#y?z.bin", "odd/a+b=c&d.txt", "unicodé/日本語.txt", "with space/hello world.txt", "odd/double//slash.txt"} {
		u, err := c.PresignedGetObject(ctx, DocsBucket, key, time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		if status, _, e, _ := get(t, u.String()); status != http.StatusOK {
			t.Fatalf("presigned GET of %q: %d %s", key, status, e.Code)
		}
	}

	// One signature character changed.
	i := strings.Index(link, "X-Amz-Signature=") + len("X-Amz-Signature=")
	flipped := byte('0')
	if link[i] == '0' {
		flipped = '1'
	}
	tampered := link[:i] + string(flipped) + link[i+1:]
	status, _, e, _ = get(t, tampered)
	wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")

	// A changed override is a changed signature too.
	status, _, e, _ = get(t, strings.Replace(link, "attachment", "inline", 1))
	wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")

	// The host is signed.
	req, _ := http.NewRequest(http.MethodGet, link, nil)
	req.Host = "example.com"
	status, _, e, _ = do(t, req)
	wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")

	// Past its expiry the link is refused, as on S3.
	clock.Advance(6 * time.Minute)
	status, _, e, _ = get(t, link)
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")
	if e.Message != "Request has expired" {
		t.Fatalf("expired link message = %q", e.Message)
	}
}

func TestAuthFailures(t *testing.T) {
	clock := &testClock{}
	s := startDemo(t, Options{Now: clock.Now})
	ctx := context.Background()

	bad := newClient(t, s, "not-the-secret")
	_, err := bad.ListBuckets(ctx)
	if code := minio.ToErrorResponse(err).Code; code != "SignatureDoesNotMatch" {
		t.Fatalf("wrong secret on ListBuckets: %v (code %q), want SignatureDoesNotMatch", err, code)
	}
	for o := range bad.ListObjects(ctx, DocsBucket, minio.ListObjectsOptions{}) {
		if code := minio.ToErrorResponse(o.Err).Code; code != "SignatureDoesNotMatch" {
			t.Fatalf("wrong secret on ListObjects: %v (code %q), want SignatureDoesNotMatch", o.Err, code)
		}
	}

	status, _, e, _ := get(t, s.URL+"/"+DocsBucket+"/README.md")
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")
	status, _, e, _ = get(t, s.URL+"/")
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")

	// Unknown access key.
	req := signedRequest(t, s, http.MethodGet, "/", nil, nil)
	req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), s.AccessKey+"/", "nobody/", 1))
	status, _, e, _ = do(t, req)
	wantError(t, status, e, http.StatusForbidden, "InvalidAccessKeyId")

	// Signed for another region.
	req = signedRequest(t, s, http.MethodGet, "/"+DocsBucket, url.Values{"list-type": {"2"}}, nil)
	req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), "/us-east-1/", "/eu-north-1/", 1))
	status, _, e, _ = do(t, req)
	wantError(t, status, e, http.StatusBadRequest, "AuthorizationHeaderMalformed")

	// Payload hash that does not match the body.
	req = signedRequest(t, s, http.MethodPut, "/"+UploadsBucket+"/sha.txt", nil, []byte("hello"))
	req.Body = io.NopCloser(strings.NewReader("HELLO"))
	status, _, e, _ = do(t, req)
	wantError(t, status, e, http.StatusBadRequest, "XAmzContentSHA256Mismatch")

	// An x-amz-* header that was not signed.
	req = signedRequest(t, s, http.MethodGet, "/", nil, nil)
	req.Header.Set("X-Amz-Meta-Sneaky", "1")
	status, _, e, _ = do(t, req)
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")

	// X-Amz-Expires beyond a week (minio-go refuses to make one, so sign directly).
	u, _ := url.Parse(s.URL + "/" + DocsBucket + "/README.md")
	long := signerPresign(s, u, 604801)
	status, _, e, _ = get(t, long)
	wantError(t, status, e, http.StatusBadRequest, "AuthorizationQueryParametersError")
	if status, _, e, _ = get(t, signerPresign(s, u, 604800)); status != http.StatusOK {
		t.Fatalf("a one-week link: %d %s", status, e.Code)
	}

	// Header-signed requests must be within 15 minutes of the server clock.
	good := newClient(t, s, s.SecretKey)
	clock.Advance(16 * time.Minute)
	_, err = good.ListBuckets(ctx)
	if code := minio.ToErrorResponse(err).Code; code != "RequestTimeTooSkewed" {
		t.Fatalf("skewed clock: %v (code %q), want RequestTimeTooSkewed", err, code)
	}
	clock.Advance(-16 * time.Minute)
	if _, err := good.ListBuckets(ctx); err != nil {
		t.Fatalf("ListBuckets with the right clock: %v", err)
	}
}

func TestPresignedPut(t *testing.T) {
	s := startDemo(t, Options{})
	c := newClient(t, s, s.SecretKey)
	ctx := context.Background()
	u, err := c.PresignHeader(ctx, http.MethodPut, UploadsBucket, "shared/note.txt", 10*time.Minute, nil,
		http.Header{"Content-Type": {"text/plain"}})
	if err != nil {
		t.Fatal(err)
	}
	put := func(contentType, body string) (int, errorDoc) {
		req, _ := http.NewRequest(http.MethodPut, u.String(), strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		status, _, e, _ := do(t, req)
		return status, e
	}
	if status, e := put("text/plain", "shared via link"); status != http.StatusOK {
		t.Fatalf("presigned PUT with the signed Content-Type: %d %s %s", status, e.Code, e.Message)
	}
	st, err := c.StatObject(ctx, UploadsBucket, "shared/note.txt", minio.StatObjectOptions{})
	if err != nil || st.ContentType != "text/plain" || st.Size != int64(len("shared via link")) {
		t.Fatalf("after presigned PUT: %+v, %v", st, err)
	}
	status, e := put("application/json", "{}")
	wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")
}

func TestPostPolicy(t *testing.T) {
	clock := &testClock{}
	s := startDemo(t, Options{Now: clock.Now})
	c := newClient(t, s, s.SecretKey)
	ctx := context.Background()

	p := minio.NewPostPolicy()
	mustNil(t, p.SetBucket(UploadsBucket))
	mustNil(t, p.SetKey("forms/five.txt"))
	mustNil(t, p.SetExpires(time.Now().UTC().Add(10*time.Minute)))
	mustNil(t, p.SetContentLengthRange(1, 10))
	u, form, err := c.PresignedPostPolicy(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	post := func(form map[string]string, filename, content string) (int, []byte, errorDoc) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		names := make([]string, 0, len(form))
		for k := range form {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			mustNil(t, mw.WriteField(k, form[k]))
		}
		fw, err := mw.CreateFormFile("file", filename)
		mustNil(t, err)
		_, _ = fw.Write([]byte(content))
		mustNil(t, mw.Close())
		req, _ := http.NewRequest(http.MethodPost, u.String(), &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		status, body, e, _ := do(t, req)
		return status, body, e
	}
	with := func(k, v string) map[string]string {
		f := make(map[string]string, len(form)+1)
		for a, b := range form {
			f[a] = b
		}
		f[k] = v
		return f
	}

	if status, _, e := post(form, "five.txt", "12345"); status != http.StatusNoContent {
		t.Fatalf("POST 5 bytes: %d %s %s", status, e.Code, e.Message)
	}
	st, err := c.StatObject(ctx, UploadsBucket, "forms/five.txt", minio.StatObjectOptions{})
	if err != nil || st.Size != 5 {
		t.Fatalf("after POST: %+v, %v", st, err)
	}
	status, _, e := post(form, "big.txt", "12345678901")
	wantError(t, status, e, http.StatusBadRequest, "EntityTooLarge")
	status, _, e = post(form, "empty.txt", "")
	wantError(t, status, e, http.StatusBadRequest, "EntityTooSmall")
	status, _, e = post(with("key", "forms/other.txt"), "five.txt", "12345")
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")
	status, _, e = post(with("x-amz-meta-extra", "1"), "five.txt", "12345")
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")
	if !strings.Contains(e.Message, "Extra input fields") {
		t.Fatalf("extra field message = %q", e.Message)
	}
	sig := form["x-amz-signature"]
	status, _, e = post(with("x-amz-signature", strings.Repeat("0", len(sig))), "five.txt", "12345")
	wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")

	// ${filename} and success_action_status=201.
	p2 := minio.NewPostPolicy()
	mustNil(t, p2.SetBucket(UploadsBucket))
	mustNil(t, p2.SetKeyStartsWith("drop/"))
	mustNil(t, p2.SetExpires(time.Now().UTC().Add(10*time.Minute)))
	mustNil(t, p2.SetSuccessStatusAction("201"))
	mustNil(t, p2.SetContentType("text/plain"))
	_, form2, err := c.PresignedPostPolicy(ctx, p2)
	if err != nil {
		t.Fatal(err)
	}
	form2["key"] = "drop/${filename}"
	status, body, e := post(form2, "from browser.txt", "hi")
	if status != http.StatusCreated || !strings.Contains(string(body), "<Key>drop/from browser.txt</Key>") {
		t.Fatalf("POST with ${filename}: %d %s %s", status, e.Code, body)
	}
	st, err = c.StatObject(ctx, UploadsBucket, "drop/from browser.txt", minio.StatObjectOptions{})
	if err != nil || st.ContentType != "text/plain" {
		t.Fatalf("after POST with ${filename}: %+v, %v", st, err)
	}

	// After the policy's expiration the form is refused.
	clock.Advance(11 * time.Minute)
	status, _, e = post(form, "five.txt", "12345")
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")
	if !strings.Contains(e.Message, "Policy expired") {
		t.Fatalf("expired policy message = %q", e.Message)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func mustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestListV2PagingBigPrefix(t *testing.T) {
	s := startDemo(t, Options{})
	var keys []string
	token := ""
	pages := 0
	for {
		q := url.Values{"list-type": {"2"}, "prefix": {BigPrefix}, "max-keys": {"1000"}, "encoding-type": {"url"}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		status, body, e, _ := do(t, signedRequest(t, s, http.MethodGet, "/"+LogsBucket, q, nil))
		if status != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, status, e.Code)
		}
		var res listV2
		mustNil(t, xml.Unmarshal(body, &res))
		pages++
		if res.KeyCount != len(res.Contents) || res.KeyCount > 1000 {
			t.Fatalf("page %d: KeyCount %d, %d entries", pages, res.KeyCount, len(res.Contents))
		}
		for _, c := range res.Contents {
			k, err := url.QueryUnescape(c.Key)
			mustNil(t, err)
			keys = append(keys, k)
		}
		if !res.IsTruncated {
			if res.NextContinuationToken != "" {
				t.Fatal("last page has a NextContinuationToken")
			}
			break
		}
		token = res.NextContinuationToken
		if token == "" {
			t.Fatalf("page %d truncated without NextContinuationToken", pages)
		}
	}
	if len(keys) != BigPrefixCount {
		t.Fatalf("listed %d keys, want %d", len(keys), BigPrefixCount)
	}
	if !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) {
		t.Fatal("keys are not strictly increasing: a key was repeated or out of order")
	}
	if want := (BigPrefixCount + 999) / 1000; pages != want {
		t.Fatalf("%d pages, want %d", pages, want)
	}

	// minio-go's own paging sees the same keys.
	c := newClient(t, s, s.SecretKey)
	var viaClient []string
	for o := range c.ListObjects(context.Background(), LogsBucket, minio.ListObjectsOptions{Prefix: BigPrefix, Recursive: true}) {
		mustNil(t, o.Err)
		viaClient = append(viaClient, o.Key)
	}
	if !slices.Equal(viaClient, keys) {
		t.Fatalf("minio-go listed %d keys, raw paging %d", len(viaClient), len(keys))
	}
}

// Small pages over a delimited listing must neither repeat nor skip a
// common prefix, whichever kind of entry ends a page.
func TestListPagingWithDelimiter(t *testing.T) {
	s := startDemo(t, Options{})
	all := func(maxKeys, version string) []string {
		var out []string
		marker := ""
		for range 100 {
			q := url.Values{"prefix": {""}, "delimiter": {"/"}, "max-keys": {maxKeys}}
			if version == "2" {
				q.Set("list-type", "2")
				if marker != "" {
					q.Set("continuation-token", marker)
				}
			} else if marker != "" {
				q.Set("marker", marker)
			}
			status, body, e, _ := do(t, signedRequest(t, s, http.MethodGet, "/"+DocsBucket, q, nil))
			if status != http.StatusOK {
				t.Fatalf("%d %s", status, e.Code)
			}
			var res struct {
				listV2
				NextMarker string `xml:"NextMarker"`
			}
			mustNil(t, xml.Unmarshal(body, &res))
			for _, c := range res.Contents {
				out = append(out, c.Key)
			}
			for _, p := range res.CommonPrefixes {
				out = append(out, p.Prefix)
			}
			if !res.IsTruncated {
				return out
			}
			marker = res.NextContinuationToken
			if version != "2" {
				marker = res.NextMarker
			}
		}
		t.Fatal("listing did not end")
		return nil
	}
	full := all("1000", "2")
	slices.Sort(full)
	for _, v := range []string{"1", "2"} {
		for _, mk := range []string{"1", "2", "3"} {
			got := all(mk, v)
			slices.Sort(got)
			if !slices.Equal(got, full) {
				t.Fatalf("V%s max-keys=%s: %q\nwant %q", v, mk, got, full)
			}
		}
	}

	// An empty delimiter means no delimiter.
	q := url.Values{"list-type": {"2"}, "prefix": {"a/"}, "delimiter": {""}}
	_, body, _, _ := do(t, signedRequest(t, s, http.MethodGet, "/"+DocsBucket, q, nil))
	var res listV2
	mustNil(t, xml.Unmarshal(body, &res))
	if len(res.CommonPrefixes) != 0 || len(res.Contents) != 5 {
		t.Fatalf("delimiter= listing: %d keys, %d prefixes", len(res.Contents), len(res.CommonPrefixes))
	}

	// encoding-type=url encodes keys so that a query unescape restores them.
	q = url.Values{"list-type": {"2"}, "prefix": {"odd/"}, "encoding-type": {"url"}}
	_, body, _, _ = do(t, signedRequest(t, s, http.MethodGet, "/"+DocsBucket, q, nil))
	res = listV2{}
	mustNil(t, xml.Unmarshal(body, &res))
	if res.EncodingType != "url" || len(res.Contents) != 7 {
		t.Fatalf("encoded listing: %+v", res)
	}
	for _, c := range res.Contents {
		k, err := url.QueryUnescape(c.Key)
		mustNil(t, err)
		if _, e := s.lookup(DocsBucket, k); e != nil {
			t.Fatalf("encoded key %q decodes to %q, which does not exist", c.Key, k)
		}
	}
}

func TestRangeAndConditions(t *testing.T) {
	s := startDemo(t, Options{})
	c := newClient(t, s, s.SecretKey)
	ctx := context.Background()
	opts := minio.GetObjectOptions{}
	mustNil(t, opts.SetRange(2, 5))
	obj, err := c.GetObject(ctx, DocsBucket, "notes/todo.txt", opts)
	mustNil(t, err)
	data, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || string(data) != "shar" {
		t.Fatalf("range 2-5 = %q, %v", data, err)
	}

	req := signedRequest(t, s, http.MethodGet, "/"+DocsBucket+"/notes/todo.txt", nil, nil)
	req.Header.Set("Range", "bytes=10000-")
	status, _, e, h := do(t, req)
	wantError(t, status, e, http.StatusRequestedRangeNotSatisfiable, "InvalidRange")
	if !strings.HasPrefix(h.Get("Content-Range"), "bytes */") {
		t.Fatalf("416 Content-Range = %q", h.Get("Content-Range"))
	}
	st, err := c.StatObject(ctx, DocsBucket, "notes/todo.txt", minio.StatObjectOptions{})
	mustNil(t, err)
	req = signedRequest(t, s, http.MethodGet, "/"+DocsBucket+"/notes/todo.txt", nil, nil)
	req.Header.Set("If-None-Match", `"`+st.ETag+`"`)
	if status, _, _, _ := do(t, req); status != http.StatusNotModified {
		t.Fatalf("If-None-Match with the ETag: %d, want 304", status)
	}
	req = signedRequest(t, s, http.MethodGet, "/"+DocsBucket+"/notes/todo.txt", nil, nil)
	req.Header.Set("If-Match", `"nope"`)
	status, _, e, _ = do(t, req)
	wantError(t, status, e, http.StatusPreconditionFailed, "PreconditionFailed")
}

func TestStreamingChunkSignatures(t *testing.T) {
	s := startDemo(t, Options{})
	data := bytes.Repeat([]byte("chunky "), 20000) // 140,000 bytes: three chunks and the final one
	build := func() (*http.Request, []byte) {
		u := &url.URL{Scheme: "http", Host: host(s), Path: "/" + UploadsBucket + "/stream.bin"}
		req, _ := http.NewRequest(http.MethodPut, u.String(), bytes.NewReader(data))
		req = streamingSign(req, s, int64(len(data)))
		encoded, err := io.ReadAll(req.Body)
		mustNil(t, err)
		return req, encoded
	}
	send := func(req *http.Request, body []byte) (int, errorDoc) {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		status, _, e, _ := do(t, req)
		return status, e
	}
	req, encoded := build()
	if status, e := send(req, encoded); status != http.StatusOK {
		t.Fatalf("streaming PUT: %d %s %s", status, e.Code, e.Message)
	}
	o, lerr := s.lookup(UploadsBucket, "stream.bin")
	if lerr != nil || !bytes.Equal(o.data, data) {
		t.Fatal("streamed object differs from what was sent")
	}

	req, encoded = build()
	i := bytes.Index(encoded, []byte("chunky chunky"))
	encoded[i] = 'C' // same length, different data
	status, e := send(req, encoded)
	wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")
}

func TestErrorsForUnknownThings(t *testing.T) {
	s := startDemo(t, Options{})
	c := newClient(t, s, s.SecretKey)
	ctx := context.Background()
	seen := 0
	for o := range c.ListObjects(ctx, "no-such-bucket", minio.ListObjectsOptions{}) {
		seen++
		if code := minio.ToErrorResponse(o.Err).Code; code != "NoSuchBucket" {
			t.Fatalf("ListObjects on a missing bucket: %v (%q)", o.Err, code)
		}
	}
	if seen != 1 {
		t.Fatalf("ListObjects on a missing bucket yielded %d entries, want one error", seen)
	}
	obj, err := c.GetObject(ctx, DocsBucket, "missing.txt", minio.GetObjectOptions{})
	mustNil(t, err) // minio-go sends the request on first use
	_, err = obj.Read(make([]byte, 1))
	obj.Close()
	if code := minio.ToErrorResponse(err).Code; code != "NoSuchKey" {
		t.Fatalf("GetObject of a missing key: %v (%q)", err, code)
	}
	status, _, e, _ := do(t, signedRequest(t, s, http.MethodGet, "/"+DocsBucket, url.Values{"list-type": {"2"}, "max-keys": {"x"}}, nil))
	wantError(t, status, e, http.StatusBadRequest, "InvalidArgument")
	status, _, e, _ = do(t, signedRequest(t, s, http.MethodGet, "/"+DocsBucket, url.Values{"list-type": {"2"}, "continuation-token": {"!!"}}, nil))
	wantError(t, status, e, http.StatusBadRequest, "InvalidArgument")
	status, _, e, _ = do(t, signedRequest(t, s, http.MethodPut, "/"+DocsBucket+"/k", url.Values{"acl": {""}}, nil))
	wantError(t, status, e, http.StatusNotImplemented, "NotImplemented")
	if err := c.MakeBucket(ctx, "Bad_Name", minio.MakeBucketOptions{}); err == nil {
		t.Fatal("MakeBucket accepted an invalid name")
	}
	if err := c.MakeBucket(ctx, "fresh-bucket", minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("MakeBucket: %v", err)
	}
	err = c.RemoveBucket(ctx, DocsBucket)
	if code := minio.ToErrorResponse(err).Code; code != "BucketNotEmpty" {
		t.Fatalf("RemoveBucket of a full bucket: %v (%q)", err, code)
	}
	mustNil(t, c.RemoveBucket(ctx, "fresh-bucket"))
}

func TestSessionToken(t *testing.T) {
	s := startDemo(t, Options{SessionToken: "demo-session-token", PageDelay: time.Millisecond})
	ctx := context.Background()
	withToken := func(token string) *minio.Client {
		c, err := minio.New(host(s), &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, token), Region: s.Region, MaxRetries: 1})
		mustNil(t, err)
		return c
	}
	good := withToken("demo-session-token")
	n := 0
	for o := range good.ListObjects(ctx, DocsBucket, minio.ListObjectsOptions{Prefix: "reports/", Recursive: true}) {
		mustNil(t, o.Err)
		n++
	}
	if n != 5 {
		t.Fatalf("listed %d objects with the session token, want 5", n)
	}
	u, err := good.PresignedGetObject(ctx, DocsBucket, "README.md", time.Minute, nil)
	mustNil(t, err)
	if !strings.Contains(u.RawQuery, "X-Amz-Security-Token=") {
		t.Fatalf("presigned link lacks the token: %s", u.RawQuery)
	}
	if status, _, e, _ := get(t, u.String()); status != http.StatusOK {
		t.Fatalf("presigned GET with a token: %d %s", status, e.Code)
	}
	_, err = withToken("").ListBuckets(ctx)
	if code := minio.ToErrorResponse(err).Code; code != "InvalidAccessKeyId" {
		t.Fatalf("no token: %v (%q), want InvalidAccessKeyId", err, code)
	}
	_, err = withToken("other-token").ListBuckets(ctx)
	if code := minio.ToErrorResponse(err).Code; code != "InvalidToken" {
		t.Fatalf("wrong token: %v (%q), want InvalidToken", err, code)
	}
}

// With trailing checksums minio-go sends aws-chunked bodies that end in
// trailers: signed chunks and a signed trailer, or (without payload
// signing) plain chunks and a trailer.
func TestStreamingTrailers(t *testing.T) {
	s := startDemo(t, Options{})
	c, err := minio.New(host(s), &minio.Options{
		Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), Region: s.Region, MaxRetries: 1, TrailingHeaders: true,
	})
	mustNil(t, err)
	ctx := context.Background()
	data := bytes.Repeat([]byte("trailer "), 10000)
	if _, err := c.PutObject(ctx, UploadsBucket, "trailers/signed", bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{Checksum: minio.ChecksumCRC32C}); err != nil {
		t.Fatalf("PutObject with a signed trailer: %v", err)
	}
	if o, e := s.lookup(UploadsBucket, "trailers/signed"); e != nil || !bytes.Equal(o.data, data) {
		t.Fatal("signed-trailer upload stored something else")
	}

	u := &url.URL{Scheme: "http", Host: host(s), Path: "/" + UploadsBucket + "/trailers/unsigned"}
	req, _ := http.NewRequest(http.MethodPut, u.String(), bytes.NewReader(data))
	req.Header.Set("X-Amz-Content-Sha256", streamingUnsignedTrailer)
	req = unsignedTrailerSign(req, s, http.Header{"X-Amz-Checksum-Crc32c": {"AAAAAA=="}})
	body, err := io.ReadAll(req.Body)
	mustNil(t, err)
	req.Body, req.ContentLength, req.Trailer = io.NopCloser(bytes.NewReader(body)), int64(len(body)), nil
	if status, _, e, _ := do(t, req); status != http.StatusOK {
		t.Fatalf("PUT with an unsigned trailer: %d %s %s", status, e.Code, e.Message)
	}
	if o, e := s.lookup(UploadsBucket, "trailers/unsigned"); e != nil || !bytes.Equal(o.data, data) {
		t.Fatal("unsigned-trailer upload stored something else")
	}
}

// TestAllowOrigin: the origin allowed gets its CORS preflight answered
// and its answers marked; another origin gets neither, and a preflight
// signs nothing: the request itself still needs its signature.
func TestAllowOrigin(t *testing.T) {
	s := startDemo(t, Options{})
	const gw = "http://127.0.0.1:9"
	s.AllowOrigin(gw)
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, s.URL+"/"+UploadsBucket+"/in/a.bin?partNumber=1&uploadId=x", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "PUT")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	r := preflight(gw)
	if r.StatusCode != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != gw ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "PUT") || r.Header.Get("Access-Control-Allow-Headers") != "content-type" {
		t.Errorf("the allowed origin's preflight: %d %v", r.StatusCode, r.Header)
	}
	if r := preflight("http://evil.example"); r.StatusCode == http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin's preflight: %d %v", r.StatusCode, r.Header)
	}
	req, _ := http.NewRequest(http.MethodPut, s.URL+"/"+UploadsBucket+"/in/a.bin", strings.NewReader("x"))
	req.Header.Set("Origin", gw)
	status, _, e, hdr := do(t, req)
	if hdr.Get("Access-Control-Allow-Origin") != gw {
		t.Errorf("the allowed origin's request is not marked: %v", hdr)
	}
	wantError(t, status, e, http.StatusForbidden, "AccessDenied")
}

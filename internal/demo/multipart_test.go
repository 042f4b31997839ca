package demo

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/presign"
)

const mpBucket = "multi"

// startMultipartDemo starts an empty demo with one bucket and a Core
// client on it.
func startMultipartDemo(t *testing.T, opts Options) (*Server, minio.Core) {
	t.Helper()
	opts.NoSeed = true
	s := startDemo(t, opts)
	s.MakeBucket(mpBucket)
	return s, minio.Core{Client: newClient(t, s, s.SecretKey)}
}

// pattern is n bytes that differ with seed and position.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i>>11) ^ seed
	}
	return b
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// multipartETag is S3's ETag of an object made of parts: the MD5 of the
// parts' MD5s, "-", their count.
func multipartETag(parts ...[]byte) string {
	var sums []byte
	for _, p := range parts {
		sum := md5.Sum(p)
		sums = append(sums, sum[:]...)
	}
	return md5Hex(sums) + "-" + strconv.Itoa(len(parts))
}

// held returns how many incomplete uploads the server holds, and how many
// bytes of parts.
func held(s *Server) (int, int64) {
	s.upMu.Lock()
	defer s.upMu.Unlock()
	return len(s.uploads), s.uploadBytes
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func errCode(err error) string { return minio.ToErrorResponse(err).Code }

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := errCode(err); got != code {
		t.Fatalf("%s: %v (code %q), want %s", what, err, got, code)
	}
}

func readObject(t *testing.T, c minio.Core, key string) ([]byte, minio.ObjectInfo) {
	t.Helper()
	ctx := context.Background()
	obj, err := c.Client.GetObject(ctx, mpBucket, key, minio.GetObjectOptions{})
	mustNil(t, err)
	defer obj.Close()
	data, err := io.ReadAll(obj)
	mustNil(t, err)
	st, err := c.Client.StatObject(ctx, mpBucket, key, minio.StatObjectOptions{})
	mustNil(t, err)
	return data, st
}

// Every multipart call through minio-go's Core: parts sent in parallel,
// each signed another way (aws-chunked, unsigned payload, payload hash),
// listed in pages, completed into a byte-exact object with S3's ETag.
func TestMultipartUploadWithCore(t *testing.T) {
	s, c := startMultipartDemo(t, Options{})
	ctx := context.Background()
	const key = "mp/report ü+1.bin"
	id, err := c.NewMultipartUpload(ctx, mpBucket, key, minio.PutObjectOptions{
		ContentType: "application/x-report", UserMetadata: map[string]string{"origin": "core"}, CacheControl: "no-store",
	})
	mustNil(t, err)

	ups, err := c.ListMultipartUploads(ctx, mpBucket, "mp/", "", "", "", 1000)
	mustNil(t, err)
	if len(ups.Uploads) != 1 || ups.Uploads[0].Key != key || ups.Uploads[0].UploadID != id || time.Since(ups.Uploads[0].Initiated) > time.Minute {
		t.Fatalf("ListMultipartUploads = %+v", ups.Uploads)
	}

	parts := [][]byte{pattern(5<<20, 1), pattern(5<<20+3, 2), pattern(1000, 3)}
	opts := []minio.PutObjectPartOptions{
		{}, // aws-chunked over plain http
		{DisableContentSha256: true},
		{Sha256Hex: sha256Hex(parts[2])},
	}
	etags := make([]string, len(parts))
	var wg sync.WaitGroup
	errs := make([]error, len(parts))
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.PutObjectPart(ctx, mpBucket, key, id, i+1, bytes.NewReader(parts[i]), int64(len(parts[i])), opts[i])
			etags[i], errs[i] = p.ETag, err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("PutObjectPart %d: %v", i+1, err)
		}
		if strings.Trim(etags[i], `"`) != md5Hex(parts[i]) {
			t.Fatalf("part %d ETag %s, want the MD5 %s", i+1, etags[i], md5Hex(parts[i]))
		}
	}

	page, err := c.ListObjectParts(ctx, mpBucket, key, id, 0, 2)
	mustNil(t, err)
	if !page.IsTruncated || page.NextPartNumberMarker != 2 || len(page.ObjectParts) != 2 || page.MaxParts != 2 {
		t.Fatalf("first page of parts: %+v", page)
	}
	rest, err := c.ListObjectParts(ctx, mpBucket, key, id, page.NextPartNumberMarker, 2)
	mustNil(t, err)
	if rest.IsTruncated || len(rest.ObjectParts) != 1 {
		t.Fatalf("second page of parts: %+v", rest)
	}
	var complete []minio.CompletePart
	for i, p := range append(page.ObjectParts, rest.ObjectParts...) {
		if p.PartNumber != i+1 || p.Size != int64(len(parts[i])) || strings.Trim(p.ETag, `"`) != md5Hex(parts[i]) || p.LastModified.IsZero() {
			t.Fatalf("listed part %d: %+v", i+1, p)
		}
		complete = append(complete, minio.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
	}

	info, err := c.CompleteMultipartUpload(ctx, mpBucket, key, id, complete, minio.PutObjectOptions{})
	mustNil(t, err)
	want := multipartETag(parts...)
	if info.ETag != want || info.Key != key {
		t.Fatalf("CompleteMultipartUpload = %+v, want ETag %s", info, want)
	}
	data, st := readObject(t, c, key)
	if !bytes.Equal(data, slices.Concat(parts...)) {
		t.Fatal("the object differs from its parts")
	}
	if st.ETag != want || st.ContentType != "application/x-report" || st.UserMetadata["Origin"] != "core" || st.Metadata.Get("Cache-Control") != "no-store" {
		t.Fatalf("StatObject = %s %q %v %v", st.ETag, st.ContentType, st.UserMetadata, st.Metadata)
	}

	ups, err = c.ListMultipartUploads(ctx, mpBucket, "", "", "", "", 1000)
	mustNil(t, err)
	if len(ups.Uploads) != 0 {
		t.Fatalf("uploads left after completion: %+v", ups.Uploads)
	}
	_, err = c.ListObjectParts(ctx, mpBucket, key, id, 0, 1000)
	wantCode(t, "ListObjectParts after completion", err, "NoSuchUpload")
	if n, b := held(s); n != 0 || b != 0 {
		t.Fatalf("after completion: %d uploads, %d bytes of parts", n, b)
	}
}

// A single part completes whatever its size, even empty, as on S3; so do
// an aws-chunked part sent by hand and a part sent again.
func TestMultipartSmallAndReplacedParts(t *testing.T) {
	srv, c := startMultipartDemo(t, Options{})
	ctx := context.Background()
	for _, size := range []int{0, 1, 1000} {
		key := fmt.Sprintf("single/%d", size)
		id, err := c.NewMultipartUpload(ctx, mpBucket, key, minio.PutObjectOptions{})
		mustNil(t, err)
		data := pattern(size, 9)
		p, err := c.PutObjectPart(ctx, mpBucket, key, id, 1, bytes.NewReader(data), int64(size), minio.PutObjectPartOptions{})
		mustNil(t, err)
		info, err := c.CompleteMultipartUpload(ctx, mpBucket, key, id, []minio.CompletePart{{PartNumber: 1, ETag: p.ETag}}, minio.PutObjectOptions{})
		if err != nil {
			t.Fatalf("complete a single part of %d bytes: %v", size, err)
		}
		got, st := readObject(t, c, key)
		if !bytes.Equal(got, data) || info.ETag != multipartETag(data) || st.ContentType != "binary/octet-stream" && st.ContentType != "application/octet-stream" {
			t.Fatalf("single part of %d bytes: %d bytes, ETag %s, type %q", size, len(got), info.ETag, st.ContentType)
		}
	}

	// Part 2 sent twice: the second one counts. Part 3 is aws-chunked,
	// signed chunk by chunk, built by hand; part 4 is never listed and goes.
	key := "replaced.bin"
	id, err := c.NewMultipartUpload(ctx, mpBucket, key, minio.PutObjectOptions{})
	mustNil(t, err)
	first := pattern(5<<20, 4)
	p1, err := c.PutObjectPart(ctx, mpBucket, key, id, 1, bytes.NewReader(first), int64(len(first)), minio.PutObjectPartOptions{})
	mustNil(t, err)
	_, err = c.PutObjectPart(ctx, mpBucket, key, id, 2, strings.NewReader("old"), 3, minio.PutObjectPartOptions{})
	mustNil(t, err)
	second := pattern(5<<20, 5)
	p2, err := c.PutObjectPart(ctx, mpBucket, key, id, 2, bytes.NewReader(second), int64(len(second)), minio.PutObjectPartOptions{})
	mustNil(t, err)
	third := bytes.Repeat([]byte("chunky "), 20000)
	_, err = c.PutObjectPart(ctx, mpBucket, key, id, 4, strings.NewReader("dropped"), 7, minio.PutObjectPartOptions{})
	mustNil(t, err)
	u := &url.URL{Scheme: "http", Host: host(srv), Path: "/" + mpBucket + "/" + key,
		RawQuery: url.Values{"partNumber": {"3"}, "uploadId": {id}}.Encode()}
	req, _ := http.NewRequest(http.MethodPut, u.String(), bytes.NewReader(third))
	status, _, e, hdr := do(t, streamingSign(req, srv, int64(len(third))))
	if status != http.StatusOK || strings.Trim(hdr.Get("ETag"), `"`) != md5Hex(third) {
		t.Fatalf("aws-chunked part: %d %s %s, ETag %s", status, e.Code, e.Message, hdr.Get("ETag"))
	}
	_, err = c.CompleteMultipartUpload(ctx, mpBucket, key, id, []minio.CompletePart{
		{PartNumber: 1, ETag: p1.ETag}, {PartNumber: 2, ETag: p2.ETag}, {PartNumber: 3, ETag: hdr.Get("ETag")},
	}, minio.PutObjectOptions{})
	mustNil(t, err)
	if got, _ := readObject(t, c, key); !bytes.Equal(got, slices.Concat(first, second, third)) {
		t.Fatal("the object is not parts 1, 2 (sent again) and 3")
	}
	if _, b := held(srv); b != 0 {
		t.Fatalf("%d bytes held after completion: the unlisted part was kept", b)
	}
}

// The errors S3 gives, and that a refused completion keeps the upload.
func TestMultipartErrors(t *testing.T) {
	s, c := startMultipartDemo(t, Options{})
	ctx := context.Background()
	const key = "errors.bin"
	id, err := c.NewMultipartUpload(ctx, mpBucket, key, minio.PutObjectOptions{})
	mustNil(t, err)
	big, small := pattern(5<<20, 6), []byte("tail")
	p1, err := c.PutObjectPart(ctx, mpBucket, key, id, 1, bytes.NewReader(small), int64(len(small)), minio.PutObjectPartOptions{})
	mustNil(t, err)
	p2, err := c.PutObjectPart(ctx, mpBucket, key, id, 2, bytes.NewReader(big), int64(len(big)), minio.PutObjectPartOptions{})
	mustNil(t, err)
	complete := func(parts ...minio.CompletePart) error {
		_, err := c.CompleteMultipartUpload(ctx, mpBucket, key, id, parts, minio.PutObjectOptions{})
		return err
	}
	wantCode(t, "parts out of order", complete(minio.CompletePart{PartNumber: 2, ETag: p2.ETag}, minio.CompletePart{PartNumber: 1, ETag: p1.ETag}), "InvalidPartOrder")
	wantCode(t, "a part twice", complete(minio.CompletePart{PartNumber: 2, ETag: p2.ETag}, minio.CompletePart{PartNumber: 2, ETag: p2.ETag}), "InvalidPartOrder")
	wantCode(t, "a wrong ETag", complete(minio.CompletePart{PartNumber: 2, ETag: p1.ETag}), "InvalidPart")
	wantCode(t, "a missing part", complete(minio.CompletePart{PartNumber: 2, ETag: p2.ETag}, minio.CompletePart{PartNumber: 3, ETag: p2.ETag}), "InvalidPart")
	wantCode(t, "a small part before the last", complete(minio.CompletePart{PartNumber: 1, ETag: p1.ETag}, minio.CompletePart{PartNumber: 2, ETag: p2.ETag}), "EntityTooSmall")

	q := url.Values{"uploadId": {id}}
	status, _, e, _ := do(t, signedRequest(t, s, http.MethodPost, "/"+mpBucket+"/"+key, q, []byte("<CompleteMultipartUpload></CompleteMultipartUpload>")))
	wantError(t, status, e, http.StatusBadRequest, "MalformedXML")
	for _, n := range []string{"0", "10001", "x"} {
		status, _, e, _ = do(t, signedRequest(t, s, http.MethodPut, "/"+mpBucket+"/"+key, url.Values{"uploadId": {id}, "partNumber": {n}}, []byte("x")))
		wantError(t, status, e, http.StatusBadRequest, "InvalidArgument")
	}
	status, _, e, _ = do(t, signedRequest(t, s, http.MethodPut, "/"+mpBucket+"/"+key, url.Values{"uploads": {""}}, nil))
	wantError(t, status, e, http.StatusMethodNotAllowed, "MethodNotAllowed")
	_, err = c.NewMultipartUpload(ctx, "no-such-bucket", key, minio.PutObjectOptions{})
	wantCode(t, "create in a missing bucket", err, "NoSuchBucket")

	// Unknown upload IDs, or a known one under another key.
	for _, k := range []struct{ key, id string }{{key, "nope"}, {"other.bin", id}} {
		_, err = c.PutObjectPart(ctx, mpBucket, k.key, k.id, 1, strings.NewReader("x"), 1, minio.PutObjectPartOptions{})
		wantCode(t, "PutObjectPart of an unknown upload", err, "NoSuchUpload")
		_, err = c.ListObjectParts(ctx, mpBucket, k.key, k.id, 0, 1000)
		wantCode(t, "ListObjectParts of an unknown upload", err, "NoSuchUpload")
		_, err = c.CompleteMultipartUpload(ctx, mpBucket, k.key, k.id, []minio.CompletePart{{PartNumber: 1, ETag: p1.ETag}}, minio.PutObjectOptions{})
		wantCode(t, "CompleteMultipartUpload of an unknown upload", err, "NoSuchUpload")
		wantCode(t, "AbortMultipartUpload of an unknown upload", c.AbortMultipartUpload(ctx, mpBucket, k.key, k.id), "NoSuchUpload")
	}

	// None of that spent the upload: it completes, with the ETag unquoted.
	mustNil(t, complete(minio.CompletePart{PartNumber: 2, ETag: strings.Trim(p2.ETag, `"`)}))
	if got, _ := readObject(t, c, key); !bytes.Equal(got, big) {
		t.Fatal("the object is not part 2")
	}

	// Abort answers 204 and the upload is gone.
	id, err = c.NewMultipartUpload(ctx, mpBucket, key, minio.PutObjectOptions{})
	mustNil(t, err)
	_, err = c.PutObjectPart(ctx, mpBucket, key, id, 1, strings.NewReader("gone"), 4, minio.PutObjectPartOptions{})
	mustNil(t, err)
	status, _, e, _ = do(t, signedRequest(t, s, http.MethodDelete, "/"+mpBucket+"/"+key, url.Values{"uploadId": {id}}, nil))
	if status != http.StatusNoContent {
		t.Fatalf("abort: %d %s", status, e.Code)
	}
	_, err = c.ListObjectParts(ctx, mpBucket, key, id, 0, 1000)
	wantCode(t, "ListObjectParts after abort", err, "NoSuchUpload")
	if n, b := held(s); n != 0 || b != 0 {
		t.Fatalf("after abort: %d uploads, %d bytes", n, b)
	}
}

// An upload's parts stay within the object size limit, and the server
// within its limits on incomplete uploads.
func TestMultipartLimits(t *testing.T) {
	if s, err := newServer(Options{}); err != nil || s.maxObject != MaxObjectSize || s.maxUploads != DefaultMaxUploads || s.maxUploadBytes != DefaultMaxUploadBytes {
		t.Fatalf("default limits: %v", err)
	}
	const limit = 1 << 20
	s, c := startMultipartDemo(t, Options{MaxUploads: 2, MaxUploadBytes: 3 * limit / 2, maxObject: limit})
	ctx := context.Background()
	part := func(key, id string, n, size int) error {
		_, err := c.PutObjectPart(ctx, mpBucket, key, id, n, bytes.NewReader(pattern(size, byte(n))), int64(size), minio.PutObjectPartOptions{})
		return err
	}
	a, err := c.NewMultipartUpload(ctx, mpBucket, "a", minio.PutObjectOptions{})
	mustNil(t, err)
	mustNil(t, part("a", a, 1, 600<<10))
	wantCode(t, "parts past the object limit", part("a", a, 2, 600<<10), "EntityTooLarge")
	mustNil(t, part("a", a, 1, 100<<10)) // part 1 sent again, smaller: part 2 fits
	mustNil(t, part("a", a, 2, 600<<10))

	b, err := c.NewMultipartUpload(ctx, mpBucket, "b", minio.PutObjectOptions{})
	mustNil(t, err)
	_, err = c.NewMultipartUpload(ctx, mpBucket, "c", minio.PutObjectOptions{})
	wantCode(t, "a third upload", err, "TooManyUploads")
	mustNil(t, part("b", b, 1, 500<<10))
	wantCode(t, "parts past the server's limit", part("b", b, 2, 500<<10), "TooManyUploads")

	mustNil(t, c.AbortMultipartUpload(ctx, mpBucket, "a", a))
	mustNil(t, part("b", b, 2, 500<<10))
	if _, err = c.NewMultipartUpload(ctx, mpBucket, "c", minio.PutObjectOptions{}); err != nil {
		t.Fatalf("create after an abort: %v", err)
	}
	// Deleting the bucket drops its uploads (it holds no objects).
	mustNil(t, c.Client.RemoveBucket(ctx, mpBucket))
	if n, b := held(s); n != 0 || b != 0 {
		t.Fatalf("after the bucket went: %d uploads, %d bytes", n, b)
	}
}

// ListMultipartUploads: by key then creation, prefix, delimiter, paging
// with key and upload ID markers, URL encoding of odd keys.
func TestListMultipartUploads(t *testing.T) {
	_, c := startMultipartDemo(t, Options{})
	ctx := context.Background()
	keys := []string{"b/2", "a/1", "b/1", "b/1", "c", "odd/x&y z.txt"}
	var ids []string
	for _, k := range keys {
		id, err := c.NewMultipartUpload(ctx, mpBucket, k, minio.PutObjectOptions{})
		mustNil(t, err)
		ids = append(ids, id)
	}
	type entry struct{ key, id string }
	want := []entry{{"a/1", ids[1]}, {"b/1", ids[2]}, {"b/1", ids[3]}, {"b/2", ids[0]}, {"c", ids[4]}, {"odd/x&y z.txt", ids[5]}}

	var got []entry
	keyMarker, idMarker := "", ""
	for pages := 0; ; pages++ {
		res, err := c.ListMultipartUploads(ctx, mpBucket, "", keyMarker, idMarker, "", 2)
		mustNil(t, err)
		for _, u := range res.Uploads {
			got = append(got, entry{u.Key, u.UploadID})
		}
		if !res.IsTruncated {
			break
		}
		if pages > len(keys) {
			t.Fatal("paging does not end")
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged uploads %v\nwant %v", got, want)
	}

	res, err := c.ListMultipartUploads(ctx, mpBucket, "b/", "", "", "", 1000)
	mustNil(t, err)
	if len(res.Uploads) != 3 || res.Uploads[0].Key != "b/1" || res.Uploads[2].Key != "b/2" {
		t.Fatalf("prefix b/: %+v", res.Uploads)
	}
	res, err = c.ListMultipartUploads(ctx, mpBucket, "", "", "", "/", 1000)
	mustNil(t, err)
	var prefixes []string
	for _, p := range res.CommonPrefixes {
		prefixes = append(prefixes, p.Prefix)
	}
	if len(res.Uploads) != 1 || res.Uploads[0].Key != "c" || !slices.Equal(prefixes, []string{"a/", "b/", "odd/"}) {
		t.Fatalf("delimited: uploads %+v, prefixes %v", res.Uploads, prefixes)
	}
	res, err = c.ListMultipartUploads(ctx, mpBucket, "", "a/", "", "/", 1)
	mustNil(t, err)
	if len(res.CommonPrefixes) != 1 || res.CommonPrefixes[0].Prefix != "b/" || !res.IsTruncated || res.NextKeyMarker != "b/" {
		t.Fatalf("delimited after a/: %+v", res)
	}
}

// A presigned part link, as the share gateway gives a browser: it works
// with the signed Content-Length, and a tampered one gets 403.
func TestMultipartPresignedPart(t *testing.T) {
	s, c := startMultipartDemo(t, Options{})
	ctx := context.Background()
	ep, err := config.ParseEndpoint(s.URL)
	mustNil(t, err)
	signer, err := presign.NewSigner(config.Store{Name: "demo", Endpoint: ep, Region: s.Region, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}})
	mustNil(t, err)
	const key = "drop/from a browser.bin"
	id, err := c.NewMultipartUpload(ctx, mpBucket, key, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	mustNil(t, err)
	parts := [][]byte{pattern(5<<20, 7), []byte("the end")}
	var complete []minio.CompletePart
	for i, data := range parts {
		res, err := signer.Sign(presign.Request{Method: presign.PUT, Bucket: mpBucket, Key: key, PartNumber: i + 1, UploadID: id,
			Headers: map[string]string{"Content-Length": strconv.Itoa(len(data))}, Expires: presign.In(10 * time.Minute)})
		mustNil(t, err)
		put := func(link string, body []byte) (int, errorDoc, http.Header) {
			req, _ := http.NewRequest(http.MethodPut, link, bytes.NewReader(body))
			for k, v := range res.Headers {
				req.Header.Set(k, v)
			}
			status, _, e, hdr := do(t, req)
			return status, e, hdr
		}
		if i == 1 {
			tampered := res.URL[:len(res.URL)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(res.URL, "0")]
			status, e, _ := put(tampered, data)
			wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")
			// The signed length is checked: another body size is refused.
			req, _ := http.NewRequest(http.MethodPut, res.URL, bytes.NewReader(append(data, '!')))
			status, _, e, _ = do(t, req)
			wantError(t, status, e, http.StatusForbidden, "SignatureDoesNotMatch")
		}
		status, e, hdr := put(res.URL, data)
		if status != http.StatusOK || strings.Trim(hdr.Get("ETag"), `"`) != md5Hex(data) {
			t.Fatalf("PUT part %d by link: %d %s %s", i+1, status, e.Code, e.Message)
		}
		complete = append(complete, minio.CompletePart{PartNumber: i + 1, ETag: hdr.Get("ETag")})
	}
	lp, err := c.ListObjectParts(ctx, mpBucket, key, id, 0, 1000)
	mustNil(t, err)
	if len(lp.ObjectParts) != 2 || lp.ObjectParts[1].Size != int64(len(parts[1])) {
		t.Fatalf("parts after the links: %+v", lp.ObjectParts)
	}
	_, err = c.CompleteMultipartUpload(ctx, mpBucket, key, id, complete, minio.PutObjectOptions{})
	mustNil(t, err)
	if got, _ := readObject(t, c, key); !bytes.Equal(got, slices.Concat(parts...)) {
		t.Fatal("the object differs from the parts sent by link")
	}
}

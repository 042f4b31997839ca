package s3test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func listKeys(t *testing.T, s *Server, bucket, prefix string, recursive bool) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var keys []string
	for obj := range s.Client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: recursive}) {
		if obj.Err != nil {
			t.Fatalf("ListObjects %s prefix %q: %v\nserver output:\n%s", bucket, prefix, obj.Err, s.LogTail())
		}
		keys = append(keys, obj.Key)
	}
	// minio-go sends each page's objects before its common prefixes.
	slices.Sort(keys)
	return keys
}

func getObject(ctx context.Context, s *Server, bucket, key string) ([]byte, minio.ObjectInfo, error) {
	obj, err := s.Client.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, minio.ObjectInfo{}, err
	}
	defer obj.Close()
	body, err := io.ReadAll(obj)
	if err != nil {
		return nil, minio.ObjectInfo{}, err
	}
	info, err := obj.Stat()
	return body, info, err
}

func TestStartServesS3(t *testing.T) {
	start := time.Now()
	s := Start(t)
	t.Logf("versitygw ready at %s after %s (backend %s, sidecar metadata: %v)", s.Endpoint, time.Since(start).Round(time.Millisecond), s.Dir, s.metaDir != "")

	if s.Endpoint != "http://"+s.Host || !strings.HasPrefix(s.Host, "127.0.0.1:") {
		t.Fatalf("Endpoint %q, Host %q: want http://127.0.0.1:PORT", s.Endpoint, s.Host)
	}
	if s.AccessKey != AccessKey || s.SecretKey != SecretKey || s.Region != Region {
		t.Fatalf("credentials/region = %q/%q/%q, want the package constants", s.AccessKey, s.SecretKey, s.Region)
	}

	bucket := s.NewBucket(t)
	if fi, err := os.Stat(filepath.Join(s.Dir, bucket)); err != nil || !fi.IsDir() {
		t.Fatalf("bucket %s has no directory under %s: %v", bucket, s.Dir, err)
	}
	s.MakeBucket(t, "named-bucket")

	ctx := context.Background()
	buckets, err := s.Client.ListBuckets(ctx)
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	var names []string
	for _, b := range buckets {
		names = append(names, b.Name)
	}
	slices.Sort(names)
	want := []string{"named-bucket", bucket}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("ListBuckets = %v, want %v", names, want)
	}

	s.Put(t, bucket, "top.txt", []byte("top"), "text/plain")
	s.Put(t, bucket, "docs/", nil, "")
	s.Put(t, bucket, "docs/readme.md", []byte("# readme"), "text/markdown")
	s.Put(t, bucket, "docs/img/logo.png", []byte("\x89PNG fake"), "image/png")
	s.Put(t, bucket, "docs/img/a b+c%.txt", []byte("odd name"), "")

	if got, want := listKeys(t, s, bucket, "", false), []string{"docs/", "top.txt"}; !slices.Equal(got, want) {
		t.Errorf("top-level listing = %q, want %q", got, want)
	}
	if got, want := listKeys(t, s, bucket, "docs/", false), []string{"docs/", "docs/img/", "docs/readme.md"}; !slices.Equal(got, want) {
		t.Errorf("docs/ listing = %q, want %q", got, want)
	}
	if got, want := listKeys(t, s, bucket, "docs/img/", false), []string{"docs/img/a b+c%.txt", "docs/img/logo.png"}; !slices.Equal(got, want) {
		t.Errorf("docs/img/ listing = %q, want %q", got, want)
	}
	if got, want := listKeys(t, s, bucket, "", true), []string{"docs/", "docs/img/a b+c%.txt", "docs/img/logo.png", "docs/readme.md", "top.txt"}; !slices.Equal(got, want) {
		t.Errorf("recursive listing = %q, want %q", got, want)
	}

	body, info, err := getObject(ctx, s, bucket, "docs/readme.md")
	if err != nil {
		t.Fatalf("GetObject docs/readme.md: %v", err)
	}
	if string(body) != "# readme" || info.ContentType != "text/markdown" {
		t.Errorf("docs/readme.md = %q (%s), want %q (text/markdown)", body, info.ContentType, "# readme")
	}
}

func TestSidecarMetadataWithoutXattrs(t *testing.T) {
	saved := probeXattrs
	probeXattrs = func(string) (bool, error) { return false, nil }
	s := Start(t)
	probeXattrs = saved
	if s.metaDir == "" || !strings.Contains(s.commandLine(), "--sidecar "+s.metaDir) {
		t.Fatalf("server without xattrs runs as %s, want --sidecar", s.commandLine())
	}
	bucket := s.NewBucket(t)
	s.Put(t, bucket, "x/y.json", []byte("{}"), "application/json")
	s.Restart(t)
	_, info, err := getObject(context.Background(), s, bucket, "x/y.json")
	if err != nil {
		t.Fatalf("GetObject: %v\nserver output:\n%s", err, s.LogTail())
	}
	if info.ContentType != "application/json" {
		t.Fatalf("Content-Type with sidecar metadata = %q, want application/json", info.ContentType)
	}
	entries, err := os.ReadDir(s.metaDir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("sidecar directory %s is empty (%v): metadata went elsewhere", s.metaDir, err)
	}
	if strings.Contains(s.commandLine(), SecretKey) {
		t.Fatalf("command line for messages shows the secret key: %s", s.commandLine())
	}
}

func TestAccessLogRecordsRequests(t *testing.T) {
	s := Start(t)
	bucket := s.NewBucket(t)
	s.Put(t, bucket, "a/b.txt", []byte("b"), "text/plain")

	before := len(s.AccessLog())
	listKeys(t, s, bucket, "a/", false)
	after := s.AccessLog()[before:]
	lines := strings.Split(strings.TrimSpace(after), "\n")
	if len(lines) != 1 {
		t.Fatalf("one listing logged %d lines:\n%s", len(lines), after)
	}
	f := strings.Fields(lines[0])
	if len(f) < 10 || f[1] != bucket || f[7] != "s3_ListObjectsV2" || !strings.Contains(f[9], "prefix=a%2F") {
		t.Fatalf("access log line %q: want bucket %s, operation s3_ListObjectsV2 and prefix=a%%2F in the URI", lines[0], bucket)
	}
	if f[5] != AccessKey {
		t.Errorf("access log requester = %q, want %q", f[5], AccessKey)
	}
	if strings.Contains(s.AccessLog(), SecretKey) {
		t.Errorf("access log contains the secret key")
	}
}

func TestStopAndRestartKeepData(t *testing.T) {
	s := Start(t)
	bucket := s.NewBucket(t)
	s.Put(t, bucket, "keep/me.txt", []byte("still here"), "text/plain")
	host := s.Host

	s.Stop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Client.ListBuckets(ctx); err == nil {
		t.Fatalf("ListBuckets succeeded on a stopped server")
	}
	s.Stop(t) // stopping twice is harmless

	start := time.Now()
	s.Restart(t)
	t.Logf("versitygw restarted after %s", time.Since(start).Round(time.Millisecond))
	if s.Host != host {
		t.Fatalf("Restart moved the server from %s to %s", host, s.Host)
	}
	body, info, err := getObject(ctx, s, bucket, "keep/me.txt")
	if err != nil {
		t.Fatalf("GetObject after restart: %v\nserver output:\n%s", err, s.LogTail())
	}
	if string(body) != "still here" || info.ContentType != "text/plain" {
		t.Fatalf("after restart keep/me.txt = %q (%s), want %q (text/plain)", body, info.ContentType, "still here")
	}
	if got := strings.Count(s.AccessLog(), "log starts"); got != 2 {
		t.Errorf("access log has %d start lines after one restart, want 2", got)
	}
	if !strings.Contains(s.LogTail(), "versitygw stopped") {
		t.Errorf("LogTail does not mention the stop:\n%s", s.LogTail())
	}

	s.Restart(t) // restarting a running server stops it first
	if _, err := s.Client.ListBuckets(ctx); err != nil {
		t.Fatalf("ListBuckets after restarting a running server: %v", err)
	}
}

func TestServersAreIndependent(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Host == b.Host || a.Dir == b.Dir {
		t.Fatalf("two servers share host %s / dir %s", a.Host, a.Dir)
	}
	a.MakeBucket(t, "only-on-a")
	buckets, err := b.Client.ListBuckets(context.Background())
	if err != nil {
		t.Fatalf("ListBuckets on b: %v", err)
	}
	if len(buckets) != 0 {
		t.Fatalf("server b sees buckets %v created on a", buckets)
	}
}

func TestWrongSecretIsRejected(t *testing.T) {
	s := Start(t)
	bad, err := minio.New(s.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(s.AccessKey, "not-the-secret", ""),
		Region:       s.Region,
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   1,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.ListBuckets(context.Background())
	if code := minio.ToErrorResponse(err).Code; code != "SignatureDoesNotMatch" {
		t.Fatalf("ListBuckets with a wrong secret: %v (code %q), want SignatureDoesNotMatch", err, code)
	}
}

func TestEnsureBinaryRejectsBadOverride(t *testing.T) {
	t.Setenv(EnvBinary, filepath.Join(t.TempDir(), "missing-versitygw"))
	binaryMu.Lock()
	saved := binaryPath
	binaryPath = ""
	binaryMu.Unlock()
	t.Cleanup(func() {
		binaryMu.Lock()
		binaryPath = saved
		binaryMu.Unlock()
	})

	_, err := EnsureBinary(nil)
	if err == nil {
		t.Fatalf("EnsureBinary accepted a missing %s binary", EnvBinary)
	}
	if msg := err.Error(); !strings.Contains(msg, EnvBinary) || !strings.Contains(msg, "go install "+VersitygwPackage+"@"+VersitygwVersion) {
		t.Fatalf("error %q should name %s and the go install command", msg, EnvBinary)
	}
}

func TestEnsureBinaryCachedVersion(t *testing.T) {
	bin, err := EnsureBinary(t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv(EnvBinary) == "" {
		if v := moduleVersion(bin); v != VersitygwVersion {
			t.Fatalf("cached %s is versitygw %q, want %s", bin, v, VersitygwVersion)
		}
	}
}

func TestPutRefusesDataUnderFolderKey(t *testing.T) {
	s := Start(t)
	bucket := s.NewBucket(t)
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() { _ = recover() }()
		s.Put(ft, bucket, "dir/", []byte("data"), "")
	}()
	if !strings.Contains(ft.msg, "cannot hold 4 bytes") {
		t.Fatalf("Put with data under a folder key: got %q, want a clear refusal", ft.msg)
	}
	// The refusal mirrors the server, which rejects such a write itself.
	_, err := s.Client.PutObject(context.Background(), bucket, "dir/", bytes.NewReader([]byte("data")), 4, minio.PutObjectOptions{})
	if err == nil {
		t.Fatalf("versitygw stored data under a key ending in /")
	}
	t.Logf("versitygw refuses data under dir/: %v", err)
}

// fatalRecorder captures a Fatalf message instead of failing the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

func TestRingBufferKeepsTail(t *testing.T) {
	r := &ringBuffer{max: 8}
	for _, s := range []string{"abc", "defgh", "ijk"} {
		if _, err := r.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.String(); got != "defghijk" {
		t.Fatalf("ring buffer = %q, want %q", got, "defghijk")
	}
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		s := Start(b)
		s.Stop(b)
	}
}

func BenchmarkRestart(b *testing.B) {
	s := Start(b)
	for b.Loop() {
		s.Restart(b)
	}
}

package s3model_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func objectBytes(t *testing.T, srv *s3test.Server, bucket, key string) ([]byte, minio.ObjectInfo) {
	t.Helper()
	o, err := srv.Client.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	data, err := io.ReadAll(o)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := o.Stat()
	return data, info
}

func TestUploadSmallAndMultipart(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	c := clientFor(t, srv)
	ctx := context.Background()

	small := randomBytes(t, 1024)
	up, err := c.Upload(ctx, bucket, "dir/small.json", bytes.NewReader(small), int64(len(small)), s3model.UploadOptions{ContentType: "application/json"})
	if err != nil {
		t.Fatal(err)
	}
	if up.Parts != 0 {
		t.Errorf("a 1 KiB file went in %d parts", up.Parts)
	}
	got, info := objectBytes(t, srv, bucket, "dir/small.json")
	if !bytes.Equal(got, small) || info.ContentType != "application/json" {
		t.Errorf("small object: %d bytes, type %q", len(got), info.ContentType)
	}

	// 3 full parts and a short one, 2 at a time.
	big := randomBytes(t, 3*s3model.MinPartSize+12345)
	var last atomic.Int64
	calls := 0
	up, err = c.Upload(ctx, bucket, "dir/big.bin", bytes.NewReader(big), int64(len(big)), s3model.UploadOptions{
		PartSize: s3model.MinPartSize, Parallel: 2,
		Progress: func(done int64) { calls++; last.Store(done) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.Parts != 4 {
		t.Errorf("parts = %d, want 4", up.Parts)
	}
	if last.Load() != int64(len(big)) || calls < 4 {
		t.Errorf("progress ended at %d after %d calls, want %d", last.Load(), calls, len(big))
	}
	got, info = objectBytes(t, srv, bucket, "dir/big.bin")
	if !bytes.Equal(got, big) {
		t.Errorf("big object differs: %d bytes, want %d", len(got), len(big))
	}
	if info.ContentType != "application/octet-stream" {
		t.Errorf("type %q", info.ContentType)
	}
	if keys, err := c.Incomplete(ctx, bucket, ""); err != nil || len(keys) != 0 {
		t.Errorf("incomplete uploads %v, %v", keys, err)
	}
}

// slowReader cancels the upload once enough bytes were read.
type cancelAt struct {
	r      io.ReaderAt
	n      atomic.Int64
	at     int64
	cancel func()
}

func (c *cancelAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if c.n.Add(int64(n)) >= c.at {
		c.cancel()
	}
	return n, err
}

func TestUploadCancelledAbortsMultipart(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	c := clientFor(t, srv)
	big := randomBytes(t, 4*s3model.MinPartSize)
	ctx, cancel := context.WithCancel(context.Background())
	src := &cancelAt{r: bytes.NewReader(big), at: int64(len(big) / 2), cancel: cancel}
	_, err := c.Upload(ctx, bucket, "half.bin", src, int64(len(big)), s3model.UploadOptions{PartSize: s3model.MinPartSize, Parallel: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a cancellation", err)
	}
	if keys, err := c.Incomplete(context.Background(), bucket, ""); err != nil || len(keys) != 0 {
		t.Errorf("incomplete uploads left: %v, %v", keys, err)
	}
	if _, err := srv.Client.StatObject(context.Background(), bucket, "half.bin", minio.StatObjectOptions{}); err == nil {
		t.Error("a cancelled upload made an object")
	}
}

func TestDownloadRefusesOverwrite(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	body := randomBytes(t, 100_000)
	srv.Put(t, bucket, "a/b.bin", body, "")
	c := clientFor(t, srv)
	ctx := context.Background()
	dir := t.TempDir()
	dest := filepath.Join(dir, "b.bin")

	var done, total int64
	n, err := c.Download(ctx, bucket, "a/b.bin", dest, s3model.DownloadOptions{Progress: func(d, tot int64) { done, total = d, tot }})
	if err != nil || n != int64(len(body)) {
		t.Fatalf("download: %d, %v", n, err)
	}
	if done != total || total != int64(len(body)) {
		t.Errorf("progress %d/%d", done, total)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
		t.Error("downloaded bytes differ")
	}

	os.WriteFile(dest, []byte("mine"), 0o644)
	_, err = c.Download(ctx, bucket, "a/b.bin", dest, s3model.DownloadOptions{})
	var ee *s3model.ExistsError
	if !errors.As(err, &ee) {
		t.Fatalf("overwrite without force: %v", err)
	}
	if got, _ := os.ReadFile(dest); string(got) != "mine" {
		t.Error("the existing file was changed")
	}
	if _, err := c.Download(ctx, bucket, "a/b.bin", dest, s3model.DownloadOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
		t.Error("forced download differs")
	}
	if _, err := c.Download(ctx, bucket, "missing", filepath.Join(dir, "m"), s3model.DownloadOptions{}); err == nil {
		t.Error("a missing key downloaded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the directory: %v", entries)
	}
}

func TestReadHead(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	body := []byte(strings.Repeat("0123456789", 10_000))
	srv.Put(t, bucket, "long.txt", body, "text/plain")
	srv.Put(t, bucket, "empty", nil, "")
	c := clientFor(t, srv)
	h, err := c.ReadHead(context.Background(), bucket, "long.txt", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Data) != s3model.PreviewSize || h.Size != int64(len(body)) || !bytes.Equal(h.Data, body[:len(h.Data)]) {
		t.Errorf("head: %d bytes of %d", len(h.Data), h.Size)
	}
	h, err = c.ReadHead(context.Background(), bucket, "empty", 0)
	if err != nil || len(h.Data) != 0 || h.Size != 0 {
		t.Errorf("empty: %+v, %v", h, err)
	}
}

// A part the store never answers fails the upload after the timeout (and
// its retries), and the upload is aborted; a part held once is retried.
func TestUploadStalledPart(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	proxy := s3test.StartProxy(t, srv.Host)
	c := clientAt(t, srv, proxy.Endpoint, 500*time.Millisecond)
	big := randomBytes(t, 2*s3model.MinPartSize)
	isPart := func(r *http.Request) bool { return r.URL.Query().Get("partNumber") == "2" }

	proxy.InjectIf(s3test.Hang, 1, isPart)
	if _, err := c.Upload(context.Background(), bucket, "once.bin", bytes.NewReader(big), int64(len(big)), s3model.UploadOptions{PartSize: s3model.MinPartSize}); err != nil {
		t.Fatalf("a part held once: %v", err)
	}
	got, _ := objectBytes(t, srv, bucket, "once.bin")
	if !bytes.Equal(got, big) {
		t.Error("the object differs")
	}

	proxy.InjectIf(s3test.Hang, -1, isPart)
	_, err := c.Upload(context.Background(), bucket, "never.bin", bytes.NewReader(big), int64(len(big)), s3model.UploadOptions{PartSize: s3model.MinPartSize})
	var te *s3model.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("a part never answered: %v", err)
	}
	if keys, err := c.Incomplete(context.Background(), bucket, ""); err != nil || len(keys) != 0 {
		t.Errorf("incomplete uploads left: %v, %v", keys, err)
	}
}

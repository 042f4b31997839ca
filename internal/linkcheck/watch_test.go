package linkcheck

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// curlUpload runs the link's curl line on a file after delay and
// returns when the upload was done.
func curlUpload(t *testing.T, r presign.Result, delay time.Duration) <-chan time.Time {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("this test uploads with curl: install curl (apt-get install curl), or run .ci/test, which does")
	}
	file := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(file, []byte("0123456789abcdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan time.Time, 1)
	go func() {
		time.Sleep(delay)
		out, err := exec.Command("sh", "-c", r.Curl(file)+" -sS").CombinedOutput()
		if err != nil {
			t.Errorf("curl: %v: %s", err, out)
		}
		done <- time.Now()
	}()
	return done
}

func TestWatchSeesTheUpload(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	st := serverStore(t, srv.Endpoint, srv.AccessKey, srv.SecretKey, "")
	client, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	s, err := presign.NewSigner(st)
	if err != nil {
		t.Fatal(err)
	}
	// An object already under the prefix is not the upload.
	srv.Put(t, bucket, "in/old.txt", []byte("old"), "text/plain")
	time.Sleep(time.Second) // so that the old object is a second older than the link

	for _, c := range []struct {
		name string
		req  presign.Request
		key  string
	}{
		{"PUT", presign.Request{Method: presign.PUT, Bucket: bucket, Key: "up/photo.jpg", ContentType: "image/jpeg"}, "up/photo.jpg"},
		{"POST", presign.Request{Method: presign.POST, Bucket: bucket, Key: "in/", KeyIsPrefix: true, MaxSize: 1 << 20}, "in/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := s.Sign(c.req)
			if err != nil {
				t.Fatal(err)
			}
			uploaded := curlUpload(t, r, 2*time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			up, err := Watch(ctx, client, r, WatchOptions{})
			seen := time.Now()
			if err != nil {
				t.Fatalf("watch: %v", err)
			}
			done := <-uploaded
			if lag := seen.Sub(done); lag > 2*time.Second {
				t.Errorf("the upload was seen %s after curl finished, want within 2s", lag)
			}
			if !strings.HasPrefix(up.Key, c.key) || up.Key == "in/old.txt" || up.Size != 16 || up.ETag == "" {
				t.Errorf("watch found %+v", up)
			}
			if c.name == "PUT" && up.ContentType != "image/jpeg" {
				t.Errorf("type %q, want image/jpeg", up.ContentType)
			}
			if l := up.Line(bucket); !strings.Contains(l, "16 B") || !strings.Contains(l, "ETag ") {
				t.Errorf("line %q", l)
			}
		})
	}

	t.Run("expires", func(t *testing.T) {
		r, err := s.Sign(presign.Request{Method: presign.PUT, Bucket: bucket, Key: "never.txt", Expires: presign.In(3 * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = Watch(context.Background(), client, r, WatchOptions{Grace: time.Millisecond})
		if !errors.Is(err, ErrExpired) {
			t.Fatalf("watch of a link nobody uses: %v, want ErrExpired", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("the watch ended %s after a 3s link was made", d)
		}
	})
}

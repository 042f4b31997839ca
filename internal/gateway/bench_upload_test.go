package gateway

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3share/s3share/presign"
)

// BenchmarkUploadPage measures a big upload through a drop link in a real
// headless Chromium, straight to the store (direct) and streamed through
// the gateway, against curl's PUT of the same file to a presigned URL of
// the same store on the same machine. The parts are the gateway's
// default (32 MiB; S3SHARE_BENCH_PART_MIB sets another). MB/s is the
// figure to compare.
//
//	go test -run '^$' -bench BenchmarkUploadPage -benchtime 5x ./internal/gateway
func BenchmarkUploadPage(b *testing.B) {
	bin := chromiumPath(b)
	e := newEnv(b, nil, backends[0].dsn(b), func(c *Config) {
		c.UploadPartSize = int64(mibFromEnv("S3SHARE_BENCH_PART_MIB", DefaultUploadPartSize>>20))
	})
	e.s3.SetCORS(b, e.bucket, e.url)
	dir := b.TempDir()
	size := mibFromEnv("S3SHARE_BENCH_MIB", 200)
	path := filepath.Join(dir, "upload.bin")
	if err := os.WriteFile(path, pattern(size), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("curl", func(b *testing.B) {
		s, err := e.gw.signer(context.Background(), e.bucket, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(size))
		for i := 0; b.Loop(); i++ {
			res, err := s.Sign(presign.Request{Method: presign.PUT, Bucket: e.bucket, Key: "curl/" + strconv.Itoa(i), ContentType: "application/octet-stream"})
			if err != nil {
				b.Fatal(err)
			}
			out, err := exec.Command("curl", "-sS", "--fail", "-o", "/dev/null", "-T", path, "-H", "Content-Type: application/octet-stream", res.URL).CombinedOutput()
			if err != nil {
				b.Fatalf("curl: %v %s", err, out)
			}
		}
	})
	bctx := startChromium(b, bin, dir)
	if err := chromedp.Do(bctx, chromedp.Navigate(e.url+"/healthz")); err != nil {
		b.Fatal(err)
	}
	for _, via := range []string{"direct", "gateway"} {
		b.Run(via, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				b.StopTimer()
				u := e.createUpload(UploadRequest{Prefix: via + "/", Via: via})
				if err := chromedp.Do(bctx, chromedp.Navigate(u.URL), chromedp.WaitVisible(chromedp.CSS("#drop"))); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{path}), waitRows(1)); err != nil {
					b.Fatal(err)
				}
				if rows := pageRows(b, bctx); len(rows) != 1 || rows[0] != "done: received" {
					b.Fatalf("the page shows %q", rows)
				}
			}
		})
	}
}

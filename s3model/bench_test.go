package s3model_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/s3model"
)

// The listing benchmarks list one big prefix of the demo endpoint, which
// waits PageDelay before each listing answer (the round trip of a remote
// store), complete, in the same run:
//
//	minio-paginator  minio-go's Core.ListObjectsV2, page after page (what
//	                 s3share did before: fetch-owner, encoding/xml)
//	workers=1        a Lister with one worker: lean requests and decoder,
//	                 the next page asked while the last is handed out
//	workers=8        a Lister listing key ranges side by side
//
// S3SHARE_BENCH_KEYS sets the prefix's size (default 100,000) and
// S3SHARE_BENCH_DELAY the one delay to run (default 0, 25ms and 50ms);
// for example:
//
//	S3SHARE_BENCH_KEYS=1000000 S3SHARE_BENCH_DELAY=50ms go test -run XXX -bench 'Listing$' -benchtime 1x ./s3model/
func BenchmarkListing(b *testing.B) {
	n := 100000
	if v := os.Getenv("S3SHARE_BENCH_KEYS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("S3SHARE_BENCH_KEYS=%q: want a number of keys", v)
		}
	}
	delays := []time.Duration{0, 25 * time.Millisecond, 50 * time.Millisecond}
	if v := os.Getenv("S3SHARE_BENCH_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("S3SHARE_BENCH_DELAY=%q: want a duration", v)
		}
		delays = []time.Duration{d}
	}
	for _, delay := range delays {
		d, c, mc := benchDemo(b, n, delay)
		b.Run(fmt.Sprintf("keys=%d/delay=%s/minio-paginator", n, delay), func(b *testing.B) {
			for b.Loop() {
				if got := minioPaginate(b, mc); got != n {
					b.Fatalf("%d keys, want %d", got, n)
				}
			}
		})
		for _, w := range []int{1, 8} {
			b.Run(fmt.Sprintf("keys=%d/delay=%s/workers=%d", n, delay, w), func(b *testing.B) {
				var st s3model.ListStats
				for b.Loop() {
					l := c.List(context.Background(), "bench", "logs/", s3model.ListOptions{Workers: w})
					got := 0
					if err := l.All(func(p s3model.Page) error { got += len(p.Entries); return nil }); err != nil {
						b.Fatal(err)
					}
					if got != n {
						b.Fatalf("%d keys, want %d", got, n)
					}
					st = l.Stats()
				}
				b.ReportMetric(float64(st.Pages), "pages")
				b.ReportMetric(float64(st.Probes), "probes")
				b.ReportMetric(float64(st.Dropped), "dropped")
			})
		}
		d.Close()
	}
}

var benchOnce sync.Mutex

// benchDemo starts a demo endpoint holding n keys under logs/, in key
// order (so each insert is an append).
func benchDemo(b *testing.B, n int, delay time.Duration) (*demo.Server, *s3model.Client, *minio.Client) {
	b.Helper()
	benchOnce.Lock()
	defer benchOnce.Unlock()
	d, c, mc := startDemo(b, delay)
	d.MakeBucket("bench")
	keys := make([]string, n)
	for i := range n {
		// Hosts and days, like a log bucket: shared prefixes, dense runs.
		keys[i] = fmt.Sprintf("logs/2026-11-%02d/host-%03d/%09d.log", 1+i/(n/28+1), (i/97)%1000, i)
	}
	slices.Sort(keys) // each insert an append
	for _, k := range keys {
		d.PutObject("bench", k, nil, "text/plain", nil)
	}
	return d, c, mc
}

// minioPaginate lists logs/ recursively page after page with minio-go.
func minioPaginate(b *testing.B, mc *minio.Client) int {
	core := minio.Core{Client: mc}
	token, n := "", 0
	for {
		res, err := core.ListObjectsV2("bench", "logs/", "", token, "", 1000)
		if err != nil {
			b.Fatal(err)
		}
		n += len(res.Contents)
		if !res.IsTruncated {
			return n
		}
		token = res.NextContinuationToken
	}
}

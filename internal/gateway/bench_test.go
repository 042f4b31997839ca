package gateway

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/s3model"
)

// BenchmarkVisits measures share link visits end to end over loopback
// HTTP: the conditional UPDATE … RETURNING that counts the download, a
// presign, and the 302; the audit trail written in batches beside. The
// load generator shares the machine's cores with the gateway and the
// database. It reports visits/s and the p99 latency.
//
//	go test -run '^$' -bench BenchmarkVisits -benchtime 20000x ./internal/gateway
func BenchmarkVisits(b *testing.B) {
	for _, be := range backends {
		for _, conc := range []int{8, 32} {
			b.Run(fmt.Sprintf("%s/clients=%d", be.name, conc), func(b *testing.B) {
				benchVisits(b, be.dsn(b), conc)
			})
		}
	}
}

func benchVisits(b *testing.B, dsn string, conc int) {
	st := openStore(b, dsn)
	// Signing needs no S3 server: the region is known, so no request.
	u, _ := url.Parse("http://127.0.0.1:9")
	client, err := s3model.New(config.Store{Name: "bench", Endpoint: u, Region: "us-east-1", RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: "AKIDBENCH", SecretAccessKey: "bench-secret"}})
	if err != nil {
		b.Fatal(err)
	}
	var h http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	base := "http://" + ts.Listener.Addr().String()
	g, err := New(Config{Store: st, Signing: client, StoreName: "bench", PublicURL: base, AdminToken: testAdmin, CreatePerMinute: -1})
	if err != nil {
		b.Fatal(err)
	}
	h = g.Handler()
	ts.Start()
	defer ts.Close()
	defer g.Close()

	// Visits spread over many shares, as real traffic is.
	ids := make([]string, 1000)
	ctx := context.Background()
	for i := range ids {
		sh := newShare("bench-bucket", fmt.Sprintf("file-%d.bin", i), 0, time.Now().Add(24*time.Hour))
		sh.Disposition = `attachment; filename="file.bin"`
		if err := st.CreateShare(ctx, sh); err != nil {
			b.Fatal(err)
		}
		ids[i] = sh.ID
	}
	hc := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				resp, err := hc.Get(base + "/s/" + ids[i%len(ids)])
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode != http.StatusFound {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "visits/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}

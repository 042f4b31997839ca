package ledger

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ledgerRecords is how many records the ledger benchmarks write:
// S3SHARE_BENCH_LEDGER_RECORDS, default 200,000.
func ledgerRecords() int {
	if n, err := strconv.Atoi(os.Getenv("S3SHARE_BENCH_LEDGER_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// writeBigLedger writes n records, one in ten still active at now,
// with URLs as long as a session token makes them.
func writeBigLedger(tb testing.TB, n int, now time.Time) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), FileName)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	start := now.Add(-30 * 24 * time.Hour)
	for i := range n {
		t := start.Add(time.Duration(i) * (30 * 24 * time.Hour) / time.Duration(n))
		exp := t.Add(time.Hour)
		if i%10 == 0 {
			exp = now.Add(24 * time.Hour)
		}
		r := Record{Time: t, Store: "s3.eu-west-1.amazonaws.com", Method: "GET", Bucket: "reports",
			Key:       fmt.Sprintf("2026/logs/app-%07d.log.gz", i),
			Options:   map[string]string{"expires": "1h", "disposition": "attachment"},
			ExpiresAt: exp, EffectiveExpiresAt: exp,
			URL: fmt.Sprintf("https://reports.s3.eu-west-1.amazonaws.com/2026/logs/app-%07d.log.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%%2F20261129%%2Feu-west-1%%2Fs3%%2Faws4_request&X-Amz-Date=20261129T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&response-content-disposition=attachment%%3B%%20filename%%3D%%22app.log.gz%%22&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", i)}
		b, _ := r.MarshalJSONLine()
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

func BenchmarkLoad(b *testing.B) {
	now := time.Now()
	path := writeBigLedger(b, ledgerRecords(), now)
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	l := &Ledger{path: path}
	b.ResetTimer()
	for range b.N {
		recs, _, err := l.Load()
		if err != nil || len(recs) != ledgerRecords() {
			b.Fatal(len(recs), err)
		}
	}
}

// BenchmarkActive is `s3share shares` on a long ledger: the active
// records, one in ten here, decoded; the rest skipped undecoded.
func BenchmarkActive(b *testing.B) {
	now := time.Now()
	n := ledgerRecords()
	path := writeBigLedger(b, n, now)
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	l := &Ledger{path: path}
	b.ResetTimer()
	for range b.N {
		got := 0
		_, err := l.Scan(func(ends time.Time) bool { return ends.After(now) }, func(Record) error {
			got++
			return nil
		})
		if err != nil || got != (n+9)/10 {
			b.Fatal(got, err)
		}
	}
}

// TestScanSkipsExpiredUndecoded: with keep, expired lines are skipped
// by their end alone, active ones decoded; a long line and a version 1
// record (no effective end) read as well.
func TestScanSkipsExpiredUndecoded(t *testing.T) {
	now := time.Now()
	path := writeBigLedger(t, 100, now)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	// A version 1 record, active, with no effective end and a 300 KiB key.
	long := strings.Repeat("k", 300<<10)
	fmt.Fprintf(f, `{"time":%q,"store":"h","method":"GET","bucket":"b","key":%q,"expires_at":%q,"url":"http://h/b/k"}`+"\n",
		now.Format(time.RFC3339), long, now.Add(time.Hour).Format(time.RFC3339))
	// An expired record whose key holds the field name as text.
	fmt.Fprintf(f, `{"time":%q,"store":"h","method":"GET","bucket":"b","key":"\"effective_expires_at\":\"2999-01-01T00:00:00Z\"","expires_at":%q,"effective_expires_at":%q,"url":"http://h/b/k"}`+"\n",
		now.Format(time.RFC3339), now.Add(-time.Hour).Format(time.RFC3339), now.Add(-time.Hour).Format(time.RFC3339))
	f.Close()
	l := &Ledger{path: path}
	var keys []string
	warns, err := l.Scan(func(ends time.Time) bool { return ends.After(now) }, func(r Record) error {
		if !r.Active(now) {
			t.Errorf("expired record decoded: %.60s", r.Key)
		}
		keys = append(keys, r.Key)
		return nil
	})
	if err != nil || len(warns) != 0 {
		t.Fatal(err, warns)
	}
	if len(keys) != 11 || keys[10] != long {
		t.Fatalf("%d active records, want 11 (10 written active, and the version 1 one)", len(keys))
	}
	all, _, err := l.Load()
	if err != nil || len(all) != 102 {
		t.Fatalf("Load: %d records, %v", len(all), err)
	}
}

package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

// A share of 5,000 links lists as one row with its count; -o json still
// lists every link, each with the batch's id. --sort made lists the
// newest first.
func TestSharesFoldsABatch(t *testing.T) {
	path := presignEnv(t, "KEY", "secret-secret")
	now := time.Now()
	record := func(made time.Time, keys ...string) {
		t.Helper()
		var rs []presign.Result
		for _, k := range keys {
			rs = append(rs, presign.Result{SignedAt: made, Method: presign.GET, Bucket: "logs", Key: k,
				ExpiresAt: made.Add(3 * time.Hour), EffectiveExpiresAt: made.Add(3 * time.Hour), URL: "http://h/logs/" + k + "?X-Amz-Signature=0"})
		}
		if err := ledger.Recorder(path, ledger.Origin{Host: "h", StoreName: "demo"})(rs, nil); err != nil {
			t.Fatal(err)
		}
	}
	var big []string
	for i := range 5000 {
		big = append(big, fmt.Sprintf("2026/11/%05d.log", i))
	}
	record(now.Add(-2*time.Hour), big...)        // ends in 1h, made first
	record(now.Add(-time.Hour), "single.txt")    // ends in 2h
	record(now.Add(-30*time.Minute), "late.txt") // ends in 2h30m, made last

	code, out, errs := runCLI(t, "shares")
	if code != 0 {
		t.Fatalf("shares: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "s3://logs/2026/11/ (batch of 5 000 links)") ||
		!strings.Contains(lines[2], "single.txt") || !strings.Contains(lines[3], "late.txt") {
		t.Errorf("shares, soonest to expire first, the batch folded:\n%s", out)
	}
	code, out, _ = runCLI(t, "shares", "--sort", "made")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.Contains(lines[1], "late.txt") || !strings.Contains(lines[3], "batch of 5 000 links") {
		t.Errorf("shares --sort made, newest first:\n%s", out)
	}
	code, out, _ = runCLI(t, "shares", "-o", "json")
	var listed []ledger.Record
	if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 5002 {
		t.Fatalf("shares -o json lists %d links", len(listed))
	}
	for _, r := range listed[:5000] {
		if r.Batch == "" || r.Batch != listed[0].Batch {
			t.Fatalf("%s: batch %q, want %q", r.Key, r.Batch, listed[0].Batch)
		}
	}
	if code, _, errs := runCLI(t, "shares", "--sort", "size"); code != exitUsage || !strings.Contains(errs, `sort "size": want expires or made`) {
		t.Errorf("shares --sort size: %d %s", code, errs)
	}
}

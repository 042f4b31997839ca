package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/presign/ledger"
)

// The share ledger is written by every s3share process the user runs at
// the same time (a TUI in one terminal, presign in another). These tests
// run real processes against one file.

const (
	ledgerWriterEnv = "S3SHARE_TEST_LEDGER_WRITER" // "path,writer,count" in a child
	ledgerWriters   = 2
	ledgerRecords   = 400 // per writer
)

// ledgerTestRecord is record i of writer w. Its options make the line far
// longer than the 4 KiB a pipe or a small write keeps whole, so records
// written without the lock would tear.
func ledgerTestRecord(w, i int) ledger.Record {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return ledger.Record{
		Time: t0, Store: "127.0.0.1:9000", Method: "GET", Bucket: "b",
		Key:       fmt.Sprintf("writer-%d/%05d", w, i),
		Options:   map[string]string{"pad": strings.Repeat(strconv.Itoa(w), 9000)},
		ExpiresAt: t0.Add(time.Hour),
		URL:       fmt.Sprintf("http://127.0.0.1:9000/b/writer-%d/%05d?X-Amz-Signature=%064d", w, i, i),
	}
}

// TestLedgerConcurrentWriters runs two processes that each append their
// records one at a time to the same ledger; every record must be there
// once and whole.
func TestLedgerConcurrentWriters(t *testing.T) {
	if spec := os.Getenv(ledgerWriterEnv); spec != "" {
		ledgerWriterChild(t, spec)
		return
	}
	path := filepath.Join(t.TempDir(), "state", "s3share", ledger.FileName)
	if _, err := ledger.Open(path); err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	for w := 0; w < ledgerWriters; w++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerConcurrentWriters$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%d", ledgerWriterEnv, path, w, ledgerRecords))
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("writer %d said:\n%s", w, out)
			}
		})
	}
	for w, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}

	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, warns, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Errorf("%d torn or corrupt lines, first: %v", len(warns), warns[0])
	}
	if want := ledgerWriters * ledgerRecords; len(recs) != want {
		t.Fatalf("%d records after %d writers appended %d each, want %d", len(recs), ledgerWriters, ledgerRecords, want)
	}
	seen := map[string]bool{}
	next := make([]int, ledgerWriters)
	for _, r := range recs {
		if seen[r.Key] {
			t.Fatalf("%s recorded twice", r.Key)
		}
		seen[r.Key] = true
		var w, i int
		if _, err := fmt.Sscanf(r.Key, "writer-%d/%05d", &w, &i); err != nil || w < 0 || w >= ledgerWriters {
			t.Fatalf("unexpected record %q", r.Key)
		}
		want := ledgerTestRecord(w, i)
		if r.URL != want.URL || r.Options["pad"] != want.Options["pad"] || !r.ExpiresAt.Equal(want.ExpiresAt) {
			t.Fatalf("record %s came back changed", r.Key)
		}
		// Each writer's records keep their order.
		if i != next[w] {
			t.Fatalf("writer %d: record %d follows %d", w, i, next[w]-1)
		}
		next[w]++
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the ledger's mode is %04o, want 0600", fi.Mode().Perm())
	}
}

// ledgerWriterChild appends one writer's records, each in its own Append.
func ledgerWriterChild(t *testing.T, spec string) {
	parts := strings.Split(spec, ",")
	if len(parts) != 3 {
		t.Fatalf("bad %s=%q", ledgerWriterEnv, spec)
	}
	w, err1 := strconv.Atoi(parts[1])
	n, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		t.Fatalf("bad %s=%q", ledgerWriterEnv, spec)
	}
	l, err := ledger.Open(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := l.Append(ledgerTestRecord(w, i)); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
}

// TestLedgerTornLastLine is a writer that died mid-line: the torn line is
// skipped with a warning, the records before it are kept, and the next
// Append starts on a line of its own.
func TestLedgerTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), ledger.FileName)
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := l.Append(ledgerTestRecord(0, i)); err != nil {
			t.Fatal(err)
		}
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(whole), "\n")
	// The crash: half of a fourth record, no newline.
	torn := lines[0][:len(lines[0])/2]
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(torn); err != nil {
		t.Fatal(err)
	}
	f.Close()

	recs, warns, err := l.Load()
	if err != nil {
		t.Fatalf("Load after a torn write: %v", err)
	}
	if len(recs) != 3 || len(warns) != 1 || warns[0].Line != 4 || !strings.Contains(warns[0].String(), "torn") {
		t.Fatalf("after a torn write: %d records, warnings %v; want 3 and one for line 4", len(recs), warns)
	}

	if err := l.Append(ledgerTestRecord(1, 0)); err != nil {
		t.Fatal(err)
	}
	recs, warns, err = l.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[3].Key != "writer-1/00000" || len(warns) != 1 || warns[0].Line != 4 {
		t.Fatalf("after appending past the torn line: %d records (last %q), warnings %v", len(recs), recs[len(recs)-1].Key, warns)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), string(whole)+torn+"\n{") {
		t.Fatalf("the appended record does not start a line of its own after the torn one")
	}
}

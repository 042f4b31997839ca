package ledger

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRemoveKeepsOtherLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := l.Append(rec("a", now.Add(time.Hour)), rec("b", now.Add(time.Hour)), rec("c", now.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	// An unreadable line and a torn last line: Remove must leave both.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{not json}\n")
	f.WriteString(`{"time":"2026-06-01T11:00:00Z","sto`)
	f.Close()

	target := rec("b", now.Add(time.Hour)).URL
	n, err := l.Remove(func(r Record) bool { return r.URL == target })
	if err != nil || n != 1 {
		t.Fatalf("Remove = %d, %v; want 1", n, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "{not json}\n") || !strings.HasSuffix(string(data), `"sto`) {
		t.Errorf("unreadable lines were not kept as they were:\n%s", data)
	}
	recs, warns, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recs {
		keys = append(keys, r.Key)
	}
	if strings.Join(keys, ",") != "a,c" || len(warns) != 2 {
		t.Errorf("after Remove: keys %v, warnings %v; want a,c and 2 warnings", keys, warns)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode after Remove %o, want 600", m)
	}

	// Nothing matches: the file is not rewritten.
	before, _ := os.Stat(path)
	if n, err := l.Remove(func(Record) bool { return false }); err != nil || n != 0 {
		t.Errorf("Remove of nothing = %d, %v", n, err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Error("Remove with no match replaced the file")
	}
	// An append after the torn line still lands whole.
	if err := l.Append(rec("d", now.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if recs, _, _ := l.Load(); len(recs) != 3 || recs[2].Key != "d" {
		t.Errorf("append after Remove: %v", recs)
	}
	noTempFiles(t, filepath.Dir(path))
}

func TestRemoveMissingFile(t *testing.T) {
	l := &Ledger{path: filepath.Join(t.TempDir(), FileName)}
	if n, err := l.Remove(func(Record) bool { return true }); err != nil || n != 0 {
		t.Errorf("Remove on a missing ledger = %d, %v", n, err)
	}
}

// TestRemoveWhileAppending removes records while other writers append:
// no appended record may be lost.
func TestRemoveWhileAppending(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if _, err := Open(path); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	const writers, each = 4, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	for w := range writers {
		wg.Go(func() {
			l, err := Open(path)
			if err != nil {
				errs <- err
				return
			}
			for i := range each {
				k := string(rune('a'+w)) + strings.Repeat("x", i)
				if err := l.Append(rec(k, now.Add(time.Hour)), rec("gone", now.Add(time.Hour))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	removerDone := make(chan struct{})
	go func() {
		defer close(removerDone)
		l, _ := Open(path)
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := l.Remove(func(r Record) bool { return r.Key == "gone" }); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	<-removerDone
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	l, _ := Open(path)
	recs, warns, err := l.Load()
	if err != nil || len(warns) != 0 {
		t.Fatalf("Load: %v, warnings %v", err, warns)
	}
	kept := 0
	for _, r := range recs {
		if r.Key != "gone" {
			kept++
		}
	}
	if kept != writers*each {
		t.Errorf("%d records kept, want %d", kept, writers*each)
	}
}

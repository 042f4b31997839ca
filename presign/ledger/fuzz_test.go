package ledger

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad feeds the ledger reader arbitrary bytes around a whole record:
// Load never fails on content, never panics, keeps the whole record, and
// reports every other non-blank line it cannot read as a warning. An
// Append after that adds exactly one record and leaves the rest as it was.
func FuzzLoad(f *testing.F) {
	good := Record{Time: time.Unix(1767225600, 0).UTC(), Store: "127.0.0.1", Method: "GET", Bucket: "b", Key: "k",
		ExpiresAt: time.Unix(1767229200, 0).UTC(), URL: "http://127.0.0.1/b/k?X-Amz-Signature=00"}
	line := []byte(`{"time":"2026-01-01T00:00:00Z","store":"s","method":"GET","bucket":"x","key":"y","expires_at":"2026-01-02T00:00:00Z","url":"http://h/x/y"}`)
	seeds := [][2][]byte{
		{nil, nil},
		{line, line},
		{line[:40], nil},          // a torn line first
		{nil, line[:len(line)-3]}, // a torn last line
		{[]byte("\n\n  \r\n"), []byte("{}")},
		{[]byte(`{"bucket":1}`), []byte("null\n[1,2]\n\"s\"\n")},
		{[]byte("\xff\xfe\x00"), []byte(`{"time":"x"}`)},
		{bytes.Repeat([]byte("a"), 70000), line},
		{[]byte(`{"bucket":"b","url":"u","expires_at":"2026-01-01T00:00:00Z","options":{"a":"\u001b[2J"}}`), nil},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, before, after []byte) {
		path := filepath.Join(t.TempDir(), FileName)
		var data bytes.Buffer
		data.Write(before)
		data.WriteByte('\n')
		goodLine, err := jsonLine(good)
		if err != nil {
			t.Fatal(err)
		}
		data.Write(goodLine)
		data.Write(after)
		if err := os.WriteFile(path, data.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		recs, warns, err := l.Load()
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		lines := 0
		for _, ln := range bytes.Split(data.Bytes(), []byte("\n")) {
			if len(bytes.TrimSpace(ln)) > 0 {
				lines++
			}
		}
		if len(recs)+len(warns) != lines {
			t.Fatalf("%d records and %d warnings for %d non-blank lines", len(recs), len(warns), lines)
		}
		if !holds(recs, good) {
			t.Fatalf("the whole record was lost; records: %+v, warnings: %v", recs, warns)
		}
		for _, r := range recs {
			if r.Bucket == "" || r.URL == "" || r.ExpiresAt.IsZero() {
				t.Fatalf("Load returned an incomplete record %+v", r)
			}
		}
		for _, w := range warns {
			if w.Line < 1 || w.Line > bytes.Count(data.Bytes(), []byte("\n"))+1 {
				t.Fatalf("warning on line %d of a file of %d lines", w.Line, lines)
			}
		}

		next := good
		next.Key = "appended"
		if err := l.Append(next); err != nil {
			t.Fatal(err)
		}
		recs2, warns2, err := l.Load()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs2) != len(recs)+1 || len(warns2) != len(warns) || !holds(recs2, next) || !holds(recs2, good) {
			t.Fatalf("after Append: %d records (want %d), %d warnings (want %d)", len(recs2), len(recs)+1, len(warns2), len(warns))
		}
	})
}

// jsonLine is a record as Append writes it.
func jsonLine(r Record) ([]byte, error) {
	dir, err := os.MkdirTemp("", "ledger-line")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	l := &Ledger{path: filepath.Join(dir, FileName)}
	if err := l.Append(r); err != nil {
		return nil, err
	}
	return os.ReadFile(l.path)
}

func holds(recs []Record, want Record) bool {
	for _, r := range recs {
		if r.Key == want.Key && r.Bucket == want.Bucket && r.URL == want.URL && r.ExpiresAt.Equal(want.ExpiresAt) {
			return true
		}
	}
	return false
}

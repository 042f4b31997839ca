package ledger

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultPath(t *testing.T) {
	cases := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/u"}, "/x/state/s3share/shares.jsonl"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/u"}, "/home/u/.local/state/s3share/shares.jsonl"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.local/state/s3share/shares.jsonl"},
	}
	for _, c := range cases {
		got, err := DefaultPath(env(c.vars))
		if err != nil || got != c.want {
			t.Errorf("DefaultPath(%v) = %q, %v; want %q", c.vars, got, err, c.want)
		}
	}
	if _, err := DefaultPath(env(nil)); err == nil {
		t.Error("DefaultPath with no HOME: no error")
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestOpenSetsModes(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "state", "s3share", FileName)
	if _, err := Open(path); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, filepath.Dir(path)); m != 0o700 {
		t.Errorf("directory mode %o, want 700", m)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("file mode %o, want 600", m)
	}

	// Found wider: narrowed.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("file mode after reopen %o, want 600", m)
	}
	if m := mode(t, filepath.Dir(path)); m != 0o700 {
		t.Errorf("directory mode after reopen %o, want 700", m)
	}
}

func rec(key string, ends time.Time) Record {
	return Record{
		Time: ends.Add(-time.Hour), Store: "127.0.0.1:9000", Method: "GET", Bucket: "b", Key: key,
		Options:   map[string]string{"expires": "1h"},
		ExpiresAt: ends, EffectiveExpiresAt: ends,
		URL: "http://127.0.0.1:9000/b/" + key + "?X-Amz-Signature=00",
	}
}

func TestAppendLoadPrune(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := l.Append(rec("old", now.Add(-time.Minute)), rec("live", now.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	// A corrupt line in the middle, then a torn line at the end.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{not json}\n\n")
	f.WriteString(`{"time":"2026-06-01T11:00:00Z","store":"h","meth`)
	f.Close()
	if err := l.Append(rec("after-torn", now.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}

	recs, warns, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recs {
		keys = append(keys, r.Key)
	}
	if strings.Join(keys, ",") != "old,live,after-torn" {
		t.Errorf("loaded keys %v", keys)
	}
	if len(warns) != 2 || warns[0].Line != 3 || warns[1].Line != 5 {
		t.Errorf("warnings %v, want lines 3 and 5", warns)
	}
	if recs[1].Options["expires"] != "1h" || !recs[1].EffectiveExpiresAt.Equal(now.Add(time.Minute)) {
		t.Errorf("record did not round-trip: %+v", recs[1])
	}

	removed, warns, err := l.Prune(now)
	if err != nil || removed != 1 || len(warns) != 2 {
		t.Fatalf("Prune = %d, %v, %v", removed, warns, err)
	}
	recs, warns, err = l.Load()
	if err != nil || len(warns) != 0 || len(recs) != 2 || recs[0].Key != "live" || recs[1].Key != "after-torn" {
		t.Errorf("after prune: %v, %v, %v", recs, warns, err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode after prune %o, want 600", m)
	}
	if removed, _, err := l.Prune(now); err != nil || removed != 0 {
		t.Errorf("second prune = %d, %v", removed, err)
	}
	noTempFiles(t, filepath.Dir(path))
}

func TestLoadMissingFile(t *testing.T) {
	l := &Ledger{path: filepath.Join(t.TempDir(), FileName)}
	recs, warns, err := l.Load()
	if err != nil || recs != nil || warns != nil {
		t.Errorf("Load of a missing ledger = %v, %v, %v", recs, warns, err)
	}
}

// TestConcurrentAppendsAndPrunes appends from many writers, each with its
// own Ledger (its own file descriptors), while another prunes: every
// record must survive whole.
func TestConcurrentAppendsAndPrunes(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if _, err := Open(path); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	const writers, each = 8, 50
	long := strings.Repeat("k", 3000) // lines longer than a pipe buffer
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
				// An expired record each time gives Prune work: it rewrites
				// and renames the file while the others append.
				if err := l.Append(rec(fmt.Sprintf("%d/%d/%s", w, i, long), now.Add(time.Hour))); err != nil {
					errs <- err
					return
				}
				if err := l.Append(rec("expired", now.Add(-time.Hour))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() {
		defer close(errs)
		l, _ := Open(path)
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, _, err := l.Prune(now); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	for err := range errs {
		t.Fatal(err)
	}
	l, _ := Open(path)
	recs, warns, err := l.Load()
	if err != nil || len(warns) != 0 {
		t.Fatalf("Load: %v, warnings %v", err, warns)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if r.Active(now) {
			seen[r.Key] = true
		}
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct records, want %d", len(seen), writers*each)
	}
}

// noTempFiles fails if a rewrite left its temporary file in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+FileName) {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestRecordJSONEscapesControls: a record's key reaches the ledger file
// (and `shares -o json`) with no raw C1, DEL or bidi character, and
// reads back unchanged.
func TestRecordJSONEscapesControls(t *testing.T) {
	key := "evil\u009b31m\x7f\u202etxt.exe"
	l, err := Open(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Record{Method: "GET", Bucket: "b", Key: key, URL: "http://h/b/k", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(l.Path())
	for _, bad := range []string{"\u009b", "\x7f", "\u202e"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("%q raw in the ledger: %q", bad, raw)
		}
	}
	recs, _, err := l.Load()
	if err != nil || len(recs) != 1 || recs[0].Key != key {
		t.Fatalf("read back: %+v %v", recs, err)
	}
}

// TestSymlinksRefused: a symbolic link planted at the ledger's path or
// at its lock file is refused, and its target neither written nor
// narrowed.
func TestSymlinksRefused(t *testing.T) {
	for _, at := range []string{FileName, FileName + ".lock"} {
		t.Run(at, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			os.WriteFile(victim, []byte("keep\n"), 0o644)
			if err := os.Symlink(victim, filepath.Join(dir, at)); err != nil {
				t.Fatal(err)
			}
			rec := Record{Method: "GET", Bucket: "b", Key: "k", URL: "http://h/b/k", ExpiresAt: time.Now().Add(time.Hour)}
			l, err := Open(filepath.Join(dir, FileName))
			if err == nil {
				err = l.Append(rec)
			}
			if err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
				t.Errorf("ledger with a link at %s: %v", at, err)
			}
			if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
				t.Errorf("link target written: %q", b)
			}
			if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
				t.Errorf("link target's mode changed to %v", fi.Mode().Perm())
			}
		})
	}
}

// TestRecorder: each share's records carry the format version, their
// origin and one batch id of their own.
func TestRecorder(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	rec := Recorder(path, Origin{Host: "s3.example.com", StoreName: "prod", Identity: "AKIDEXAMPLE"})
	end := time.Now().Add(time.Hour)
	res := func(k string) presign.Result {
		return presign.Result{URL: "http://h/b/" + k, Method: presign.GET, Bucket: "b", Key: k, ExpiresAt: end, EffectiveExpiresAt: end}
	}
	if err := rec([]presign.Result{res("a"), res("b")}, map[string]string{"expires": "1h"}); err != nil {
		t.Fatal(err)
	}
	if err := rec([]presign.Result{res("c")}, nil); err != nil {
		t.Fatal(err)
	}
	l, _ := Open(path)
	recs, _, err := l.Load()
	if err != nil || len(recs) != 3 {
		t.Fatal(recs, err)
	}
	for _, r := range recs {
		if r.V != Version || r.Store != "s3.example.com" || r.StoreName != "prod" || r.Identity != "AKIDEXAMPLE" || len(r.Batch) != 16 {
			t.Errorf("record %+v", r)
		}
	}
	if recs[0].Batch != recs[1].Batch || recs[1].Batch == recs[2].Batch {
		t.Errorf("batches %s %s %s: want one per share", recs[0].Batch, recs[1].Batch, recs[2].Batch)
	}
	if recs[0].Options["expires"] != "1h" {
		t.Errorf("options %v", recs[0].Options)
	}
}

// TestScanHoldsNoLockWhileReading: a reader that stalls half way (output
// to a pipe nobody reads) does not hold up appends, and sees the ledger
// as it was when the scan began.
func TestScanHoldsNoLockWhileReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(time.Hour)
	for i := range 3 {
		if err := l.Append(Record{Method: "GET", Bucket: "b", Key: fmt.Sprint(i), URL: "http://h/b/k", ExpiresAt: end}); err != nil {
			t.Fatal(err)
		}
	}
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() {
		n := 0
		l.Scan(nil, func(Record) error {
			if n++; n == 1 {
				close(started)
				<-release // the reader stalls on the first record
			}
			return nil
		})
		done <- n
	}()
	<-started
	appended := make(chan error)
	go func() {
		appended <- l.Append(Record{Method: "GET", Bucket: "b", Key: "new", URL: "http://h/b/k", ExpiresAt: end})
	}()
	select {
	case err := <-appended:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Append waited on a stalled Scan")
	}
	close(release)
	if n := <-done; n != 3 {
		t.Errorf("the scan saw %d records, want the 3 there when it began", n)
	}
}

// Compare lists the active links soonest to expire first, then the
// expired ones, most recently expired first.
func TestCompareSoonestFirst(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	rec := func(key string, made, ends time.Duration) Record {
		return Record{Key: key, Time: now.Add(made), ExpiresAt: now.Add(ends)}
	}
	recs := []Record{
		rec("expired-long-ago", -48*time.Hour, -24*time.Hour),
		rec("week", -time.Hour, 7*24*time.Hour),
		rec("expired-just-now", -2*time.Hour, -time.Minute),
		rec("hour", -10*time.Hour, time.Hour),
		rec("day", -time.Minute, 24*time.Hour),
	}
	slices.SortStableFunc(recs, func(a, b Record) int { return Compare(a, b, now) })
	var got []string
	for _, r := range recs {
		got = append(got, r.Key)
	}
	if want := "hour day week expired-just-now expired-long-ago"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(got, " "), want)
	}
	if l := (Record{StoreName: "prod", Store: "s3.example.com"}).StoreLabel(); l != "prod · s3.example.com" {
		t.Errorf("StoreLabel = %q", l)
	}
}

func TestFromUploadKeepsTheRulesAndTheRequest(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	u := gatewayapi.Upload{ID: "req1", URL: "https://gw.example/u/req1", Bucket: "b", Prefix: "in/", MaxFileSize: 5 << 20,
		MaxFiles: 3, Types: []string{".pdf", "image/*"}, Via: "direct", Password: true, CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
	r := FromUpload("https://gw.example", u)
	if r.Method != MethodUpload || r.Upload != "req1" || r.Share != "" || !r.Prefix || r.Key != "in/" || r.Store != "gw.example" {
		t.Fatalf("record %+v", r)
	}
	for k, want := range map[string]string{"max-size": "5242880", "max-files": "3", "types": ".pdf,image/*", "via": "direct", "password": "yes", "gateway": "https://gw.example"} {
		if r.Options[k] != want {
			t.Errorf("option %s = %q, want %q", k, r.Options[k], want)
		}
	}
	if _, ok := r.Options["max-total"]; ok {
		t.Error("a zero limit is recorded")
	}
	if !r.Ends().Equal(at.Add(time.Hour)) {
		t.Errorf("ends %v", r.Ends())
	}
}

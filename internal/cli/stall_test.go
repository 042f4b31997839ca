package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
)

// TestStalledStoreCommands: with --timeout 1s against a store that
// stalls mid-body (or, for doctor's HEAD-free check, never answers),
// presign --recursive and doctor each fail in one line with the
// --timeout hint, and leave no connection open.
func TestStalledStoreCommands(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for i := range 3 {
		srv.Put(t, bucket, fmt.Sprintf("p/%d.txt", i), []byte("x"), "text/plain")
	}
	for _, c := range []struct {
		name  string
		fault s3test.Fault
		args  []string
		want  []string
	}{
		{"presign --recursive, stalled mid-body", s3test.Stall,
			[]string{"presign", "--recursive", "s3://" + bucket + "/p/"},
			[]string{"no answer within 1s", "--timeout"}},
		{"doctor, no answer", s3test.Hang,
			[]string{"doctor"},
			[]string{"ListBuckets on ", "FAILED", "no answer within 1s (--timeout)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := s3test.StartProxy(t, srv.Host)
			p.Inject(c.fault, 0)
			doctorHome(t, nil, map[string]string{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey})
			args := append(c.args, "--endpoint", p.Endpoint, "--region", srv.Region, "--timeout", "1s", "--path-style")
			done := make(chan [3]string, 1)
			go func() {
				code, out, errs := runCLI(t, args...)
				done <- [3]string{fmt.Sprint(code), out, errs}
			}()
			var r [3]string
			select {
			case r = <-done:
			case <-time.After(30 * time.Second): // generous: the bound is 1s a request
				t.Fatalf("%v: no answer after 30s", args)
			}
			all := r[1] + r[2]
			if r[0] == "0" {
				t.Fatalf("%v succeeded against a stalled store:\n%s", args, all)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("%v: output lacks %q:\n%s", args, w, all)
				}
			}
			deadline := time.Now().Add(10 * time.Second)
			for p.Held() > 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if n := p.Held(); n > 0 {
				t.Errorf("%d connections still held open after the command ended", n)
			}
		})
	}
}

// TestDebugLogRefusesSymlink: --debug at a symbolic link is refused
// before the TUI starts, and the link's target is neither written nor
// has its mode changed.
func TestDebugLogRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "debug.log")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	presignEnv(t, "KEY", "secret-secret")
	code, _, errs := runCLI(t, "--endpoint", "http://127.0.0.1:9", "--debug", link, "s3://bkt/")
	if code == 0 || !strings.Contains(errs, "is a symbolic link") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("the link's target was written: %q", b)
	}
	if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
		t.Errorf("the link's target's mode changed to %v", fi.Mode().Perm())
	}
}

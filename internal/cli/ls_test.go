package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/internal/sanitize"
)

// lsDemo starts a demo endpoint with one bucket of keys, and points the
// environment at it.
func lsDemo(t *testing.T, keys []string) *demo.Server {
	t.Helper()
	srv, err := demo.Start(demo.Options{NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.MakeBucket("lsb")
	for _, k := range keys {
		srv.PutObject("lsb", k, []byte(k[:min(3, len(k))]), "text/plain", nil)
	}
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_REGION", srv.Region)
	return srv
}

// TestLs lists keys, prefixes, JSON lines and totals, the same with one
// worker as with many, and escapes hostile names.
func TestLs(t *testing.T) {
	var keys []string
	for i := range 2500 {
		keys = append(keys, fmt.Sprintf("p/%c/k%04d", 'a'+i%7, i))
	}
	keys = append(keys, "p/top.txt", "p/evil\x1b[31m\u202e.txt", "q/other")
	lsDemo(t, keys)
	slices.Sort(keys)

	code, out, errb := runCLI(t, "ls", "s3://lsb/p/")
	if code != 0 {
		t.Fatalf("ls: exit %d: %s", code, errb)
	}
	want := "p/a/\np/b/\np/c/\np/d/\np/e/\n" + sanitize.Text("p/evil\x1b[31m\u202e.txt") + "\np/f/\np/g/\np/top.txt\n"
	if out != want {
		t.Errorf("ls s3://lsb/p/ =\n%s\nwant\n%s", out, want)
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("ls printed a raw escape")
	}

	var under []string
	for _, k := range keys {
		if strings.HasPrefix(k, "p/") {
			under = append(under, sanitize.Text(k))
		}
	}
	for _, workers := range []string{"1", "8"} {
		code, out, errb = runCLI(t, "ls", "--recursive", "--workers", workers, "s3://lsb/p/")
		if code != 0 {
			t.Fatalf("ls --recursive: exit %d: %s", code, errb)
		}
		if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); !slices.Equal(got, under) {
			t.Errorf("ls --recursive --workers %s: %d keys, want %d", workers, len(got), len(under))
		}
	}

	code, out, errb = runCLI(t, "ls", "--recursive", "-o", "json", "s3://lsb/p/")
	if code != 0 {
		t.Fatalf("ls -o json: exit %d: %s", code, errb)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(under) {
		t.Fatalf("ls -o json: %d lines, want %d", len(lines), len(under))
	}
	for i, l := range lines {
		var o lsObject
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if sanitize.Text(o.Key) != under[i] || o.Size != int64(min(3, len(o.Key))) || o.ETag == "" || o.StorageClass != "STANDARD" || !strings.HasSuffix(o.Modified, "Z") {
			t.Errorf("line %d: %+v", i, o)
		}
		if strings.ContainsAny(l, "\x1b\u202e") {
			t.Errorf("line %d holds a raw escape: %q", i, l)
		}
	}

	code, out, _ = runCLI(t, "ls", "--count", "s3://lsb/p/")
	if code != 0 || out != "2 objects, 7 prefixes, 6 bytes\n" {
		t.Errorf("ls --count: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "ls", "--count", "--recursive", "-o", "json", "s3://lsb/")
	if code != 0 || out != fmt.Sprintf(`{"objects":%d,"prefixes":0,"bytes":%d}`+"\n", len(keys), 3*len(keys)) {
		t.Errorf("ls --count --recursive -o json: exit %d, %q", code, out)
	}

	code, _, errb = runCLI(t, "ls", "s3://nosuchbucket/")
	if code != 1 || !strings.Contains(errb, "NoSuchBucket") {
		t.Errorf("ls of a missing bucket: exit %d, %q", code, errb)
	}
	if code, _, _ = runCLI(t, "ls"); code != 2 {
		t.Errorf("ls with no argument: exit %d, want 2", code)
	}
	if code, _, errb = runCLI(t, "ls", "nope://x"); code != 2 || !strings.Contains(errb, "nope://x") {
		t.Errorf("ls of a malformed address: exit %d, %q; want 2 naming it", code, errb)
	}
}

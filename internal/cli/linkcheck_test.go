package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/qrtest"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign"
)

func TestPresignCheckCLI(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "docs/a.txt", []byte("hello, world"), "text/plain")
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	ep := "--endpoint=" + srv.Endpoint

	code, out, errs := runCLI(t, "presign", ep, "--check", "--disposition", "inline", "s3://"+bucket+"/docs/a.txt")
	if code != 0 || !strings.Contains(errs, "✓ GET s3://"+bucket+"/docs/a.txt  206 · 12 B · text/plain · inline") {
		t.Fatalf("presign --check of a good link: exit %d, stderr:\n%s", code, errs)
	}
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, srv.Endpoint) {
		t.Errorf("stdout holds more than the link:\n%s", out)
	}

	code, out, errs = runCLI(t, "presign", ep, "--check", "s3://"+bucket+"/docs/a.txt", "s3://"+bucket+"/docs/gone.txt")
	if code != exitCheck || !strings.Contains(errs, "✗ GET s3://"+bucket+"/docs/gone.txt  no such key") || !strings.Contains(errs, "1 of 2 links failed") {
		t.Fatalf("presign --check with a missing key: exit %d, want %d; stderr:\n%s", code, exitCheck, errs)
	}
	if strings.Count(out, "\n") != 2 {
		t.Errorf("the links are printed even when a check fails; stdout:\n%s", out)
	}

	code, _, errs = runCLI(t, "presign", ep, "--check", "-m", "PUT", "s3://"+bucket+"/in/new.txt")
	if code != 0 || !strings.Contains(errs, "bucket exists and answers the signing identity") || !strings.Contains(errs, "not checked: write permission") {
		t.Fatalf("presign -m PUT --check: exit %d, stderr:\n%s", code, errs)
	}
}

func TestSharesCheckCLI(t *testing.T) {
	srv := s3test.StartWithUser(t)
	bucket := srv.NewBucket(t)
	for _, k := range []string{"a.txt", "b.txt", "c.txt"} {
		srv.Put(t, bucket, k, []byte("body of "+k), "text/plain")
	}
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	ep := "--endpoint=" + srv.Endpoint
	b := "s3://" + bucket + "/"
	if code, _, errs := runCLI(t, "presign", ep, b+"a.txt", b+"b.txt", b+"c.txt", b+"missing.txt"); code != 0 {
		t.Fatalf("presign: exit %d: %s", code, errs)
	}
	// A link signed by an identity that may not read the bucket.
	t.Setenv("AWS_ACCESS_KEY_ID", s3test.UserAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.UserSecretKey)
	if code, _, errs := runCLI(t, "presign", ep, b+"b.txt"); code != 0 {
		t.Fatalf("presign as the user: exit %d: %s", code, errs)
	}

	code, out, errs := runCLI(t, "shares", "--check")
	if code != exitCheck {
		t.Fatalf("shares --check: exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, exitCheck, out, errs)
	}
	if n := strings.Count(out, "✓ GET"); n != 3 {
		t.Errorf("%d links work, want 3:\n%s", n, out)
	}
	if !strings.Contains(out, "✗ GET "+b+"missing.txt  no such key") {
		t.Errorf("the missing key is not named:\n%s", out)
	}
	if !strings.Contains(out, "✗ GET "+b+"b.txt  the access key") || !strings.Contains(out, "s3:GetObject") {
		t.Errorf("the missing permission is not named:\n%s", out)
	}
	if !strings.Contains(errs, "2 of 5 links failed") {
		t.Errorf("stderr does not count the failures: %s", errs)
	}

	code, out, _ = runCLI(t, "shares", "--check", "-o", "json")
	var got []checkedLink
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitCheck || len(got) != 5 {
		t.Fatalf("shares --check -o json: exit %d, %v:\n%s", code, err, out)
	}
	ok := 0
	for _, l := range got {
		if l.Report.OK {
			ok++
		} else if l.Report.Cause == "" || l.Report.Why == "" {
			t.Errorf("a failed link without its cause: %+v", l)
		}
	}
	if ok != 3 {
		t.Errorf("%d links work in the JSON, want 3", ok)
	}
}

func TestPresignQRCLI(t *testing.T) {
	ledgerPath := presignEnv(t, "ASIAQRTEST0000000001", "qr-secret")
	// A session token makes the link as long as temporary credentials do.
	t.Setenv("AWS_SESSION_TOKEN", strings.Repeat("IQoJb3JpZ2luX2VjEAEaCXVzLWVhc3QtMSJHMEUCIQD", 27))
	ep := "--endpoint=" + closedEndpoint(t)
	code, out, errs := runCLI(t, "presign", ep, "-o", "qr", "s3://bkt/reports/q3.pdf")
	if code != 0 {
		t.Fatalf("presign -o qr: exit %d: %s", code, errs)
	}
	recs := checkLedger(t, ledgerPath, "qr-secret")
	if len(recs) != 1 || len(recs[0].URL) < 1450 || len(recs[0].URL) > 1600 {
		t.Fatalf("want one link of about 1,500 characters recorded, got %d records", len(recs))
	}
	got, err := qrtest.Decode(out)
	if err != nil || got != recs[0].URL {
		t.Fatalf("decode -o qr: %q, %v; want the link %q", got, err, recs[0].URL)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("-o qr into a pipe carries escapes")
	}
	code, _, errs = runCLI(t, "presign", ep, "--no-ledger", "-o", "qr", "-m", "POST", "s3://bkt/in/")
	if code != exitFailed || !strings.Contains(errs, "form fields") {
		t.Errorf("-o qr of a POST: exit %d, %s", code, errs)
	}
}

// presignAsync runs presign with stdout on a pipe, so the test can read
// the link while the command waits.
func presignAsync(t *testing.T, args ...string) (*json.Decoder, *bufio.Reader, <-chan int, *bytes.Buffer) {
	t.Helper()
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	code := make(chan int, 1)
	go func() {
		c := Main(args, pw, &errb)
		pw.Close()
		code <- c
	}()
	t.Cleanup(func() { pr.Close() })
	br := bufio.NewReader(pr)
	return json.NewDecoder(br), br, code, &errb
}

func TestPresignWaitCLI(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("this test uploads with curl: install curl (apt-get install curl), or run .ci/test, which does")
	}
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	ep := "--endpoint=" + srv.Endpoint
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.7 twelve"), 0o600); err != nil {
		t.Fatal(err)
	}
	upload := func(curl string) time.Time {
		time.Sleep(2 * time.Second)
		if out, err := exec.Command("sh", "-c", curl+" -sS").CombinedOutput(); err != nil {
			t.Errorf("curl: %v: %s", err, out)
		}
		return time.Now()
	}

	t.Run("PUT", func(t *testing.T) {
		_, br, code, errb := presignAsync(t, "presign", ep, "--no-ledger", "-m", "PUT", "-e", "1m", "--content-type", "application/pdf", "--wait", "-o", "curl", "s3://"+bucket+"/docs/report.pdf")
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("no curl line: %v", err)
		}
		done := upload(strings.Replace(strings.TrimSpace(line), "--upload-file FILE", "--upload-file "+file, 1))
		details, _ := br.ReadString('\n')
		seen := time.Now()
		if c := <-code; c != 0 || !strings.HasPrefix(details, "uploaded s3://"+bucket+"/docs/report.pdf · 15 B · application/pdf · ETag ") {
			t.Fatalf("presign -m PUT --wait: exit %d, details %q, stderr:\n%s", c, details, errb)
		}
		if lag := seen.Sub(done); lag > 2*time.Second {
			t.Errorf("the upload was reported %s after curl finished, want within 2s", lag)
		}
	})

	t.Run("POST json", func(t *testing.T) {
		dec, _, code, errb := presignAsync(t, "presign", ep, "--no-ledger", "-m", "POST", "-e", "1m", "--wait", "-o", "json", "s3://"+bucket+"/in/")
		var links []presign.Result
		var raw []map[string]any
		if err := dec.Decode(&raw); err != nil || len(raw) != 1 {
			t.Fatalf("no JSON links: %v", err)
		}
		b, _ := json.Marshal(raw[0]["fields"])
		var fields []presign.Field
		json.Unmarshal(b, &fields)
		links = append(links, presign.Result{Method: presign.POST, URL: raw[0]["url"].(string), Fields: fields})
		upload(links[0].Curl(file))
		var up struct {
			Bucket, Key, ETag string
			Size              int64
		}
		if err := dec.Decode(&up); err != nil || up.Bucket != bucket || !strings.HasPrefix(up.Key, "in/") || up.Size != 15 || up.ETag == "" {
			t.Fatalf("the upload's JSON: %+v, %v; stderr:\n%s", up, err, errb)
		}
		if c := <-code; c != 0 {
			t.Fatalf("presign -m POST --wait: exit %d: %s", c, errb)
		}
	})

	t.Run("expires", func(t *testing.T) {
		start := time.Now()
		code, _, errs := runCLI(t, "presign", ep, "--no-ledger", "-m", "PUT", "-e", "3s", "--wait", "s3://"+bucket+"/never.pdf")
		if code == 0 || !strings.Contains(errs, "expired") {
			t.Fatalf("--wait on a 3s link nobody uses: exit %d, stderr:\n%s", code, errs)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("--wait took %s to give up on a 3s link", d)
		}
	})
}

func TestPresignRulesCLI(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for _, k := range []string{"trip/a.jpg", "trip/b.pdf", "trip/c.mp4", "trip/d.txt"} {
		srv.Put(t, bucket, k, []byte("body of "+k), "")
	}
	ledgerPath := presignEnv(t, srv.AccessKey, srv.SecretKey)
	cfgDir := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "s3share")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfgDir, "config.toml"), []byte(`
[[ui.rules]]
match = "*.{jpg,png}"
expiry = "1d"
disposition = "inline"
[[ui.rules]]
match = "*.pdf"
expiry = "7d"
disposition = "attachment"
[[ui.rules]]
match = "*.mp4"
expiry = "2h"
disposition = "inline"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "presign", "--endpoint="+srv.Endpoint, "-e", "15m", "--recursive", "s3://"+bucket+"/trip/")
	if code != 0 {
		t.Fatalf("presign --recursive: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "rule *.{jpg,png} → 1d, inline: 1 link") {
		t.Errorf("stderr does not say which rules applied:\n%s", errs)
	}
	want := map[string][2]string{
		"a.jpg": {"86400", `inline; filename="a.jpg"`},
		"b.pdf": {"604800", `attachment; filename="b.pdf"`},
		"c.mp4": {"7200", `inline; filename="c.mp4"`},
		"d.txt": {"900", ""}, // no rule: the share's own
	}
	links := strings.Fields(out)
	if len(links) != 4 {
		t.Fatalf("want 4 links:\n%s", out)
	}
	for _, link := range links {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		name := path.Base(u.Path)
		w, ok := want[name]
		if !ok {
			t.Fatalf("unexpected link %s", link)
		}
		if got := u.Query().Get("X-Amz-Expires"); got != w[0] {
			t.Errorf("%s: X-Amz-Expires=%s, want %s", name, got, w[0])
		}
		status, hdr, _ := httpDo(t, "GET", link, nil, nil)
		if status != 200 || !strings.HasPrefix(hdr.Get("Content-Disposition"), w[1]) || (w[1] == "") != (hdr.Get("Content-Disposition") == "") {
			t.Errorf("%s: GET %d, Content-Disposition %q, want %q", name, status, hdr.Get("Content-Disposition"), w[1])
		}
	}
	// Each link's rule is recorded with it.
	for _, r := range checkLedger(t, ledgerPath, srv.SecretKey) {
		name := path.Base(r.Key)
		rule := r.Options["rule"]
		if (name == "d.txt") != (rule == "") || (name != "d.txt" && r.Options["expires"] == "15m") {
			t.Errorf("%s recorded with options %v", name, r.Options)
		}
	}
}

// TestSharesBadOutput: an unknown -o is a command-line mistake, with
// --check and without, refused before the ledger is read.
func TestSharesBadOutput(t *testing.T) {
	for _, args := range [][]string{{"shares", "-o", "xml"}, {"shares", "--check", "-o", "xml"}} {
		code, out, errb := runCLI(t, args...)
		if code != 2 || out != "" || !strings.Contains(errb, `output "xml": want table or json`) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and the refusal", args, code, out, errb)
		}
	}
}

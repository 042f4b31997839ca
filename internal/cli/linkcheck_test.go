package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/qrtest"
	"github.com/s3share/s3share/internal/s3test"
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
	presignEnv(t, "AKIAQRTEST0000000001", "qr-secret")
	ep := "--endpoint=" + closedEndpoint(t)
	code, out, errs := runCLI(t, "presign", ep, "--no-ledger", "-o", "qr", "s3://bkt/reports/q3.pdf")
	if code != 0 {
		t.Fatalf("presign -o qr: exit %d: %s", code, errs)
	}
	code, link, _ := runCLI(t, "presign", ep, "--no-ledger", "s3://bkt/reports/q3.pdf")
	if code != 0 {
		t.Fatal("presign failed")
	}
	// The same second signs the same link; decode and compare the path.
	got, err := qrtest.Decode(out)
	if err != nil {
		t.Fatalf("decode -o qr: %v\n%s", err, out)
	}
	if strip := func(s string) string { return s[:strings.Index(s, "X-Amz-Date")] }; strip(got) != strip(strings.TrimSpace(link)) {
		t.Errorf("the code holds %q, want the link %q", got, link)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("-o qr into a pipe carries escapes")
	}
	code, _, errs = runCLI(t, "presign", ep, "--no-ledger", "-o", "qr", "-m", "POST", "s3://bkt/in/")
	if code != exitFailed || !strings.Contains(errs, "form fields") {
		t.Errorf("-o qr of a POST: exit %d, %s", code, errs)
	}
}

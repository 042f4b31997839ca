package cli

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

// corsSection is the CORS part of doctor's output, from its first line
// to the end, with the test server's port made stable.
func corsSection(out string) string {
	i := strings.Index(out, "  CORS ")
	if i < 0 {
		return ""
	}
	return regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(out[i:], "127.0.0.1:PORT")
}

// TestDoctorGatewayCORS runs doctor with a share gateway against
// versitygw: a bucket with no CORS rules, one whose rule is for
// another origin, one that lets the gateway's origin PUT, and one the
// store refuses. The rule printed is one the store takes, and then lets
// the upload page through.
func TestDoctorGatewayCORS(t *testing.T) {
	srv := s3test.StartWithUser(t)
	for _, b := range []string{"none", "other", "allowed"} {
		srv.MakeBucket(t, b)
	}
	srv.SetCORS(t, "other", "https://app.example.com")
	srv.SetCORS(t, "allowed", "https://share.example.com")
	store := func(name, key, secret, gateway string) string {
		s := "[stores." + name + "]\nendpoint = \"" + srv.Endpoint + "\"\nregion = \"" + srv.Region + "\"\naddressing = \"path\"\n" +
			"access_key_id = \"" + key + "\"\nsecret_access_key = \"" + secret + "\"\n"
		if gateway != "" {
			s += "gateway = \"" + gateway + "\"\n"
		}
		return s
	}
	doctorHome(t, map[string]string{".config/s3share/config.toml": store("shop", srv.AccessKey, srv.SecretKey, "https://Share.Example.com:443/base") +
		store("guest", s3test.UserAccessKey, s3test.UserSecretKey, "https://share.example.com") +
		store("plain", srv.AccessKey, srv.SecretKey, "")}, nil)
	secrets := []string{srv.SecretKey, s3test.UserSecretKey}

	for _, tc := range []struct {
		name, store, bucket string
		code                int
		want                string
	}{
		{"none", "shop", "none", 0, "not allowed: the bucket has no CORS rules"},
		{"other-origin", "shop", "other", 0, "not allowed: no rule allows the origin https://share.example.com"},
		{"allowed", "shop", "allowed", 0, ": ok (rule 1 lets the upload page PUT with a Content-Type)"},
		{"access-denied", "guest", "allowed", 1, "could not read the rules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runDoctorCmd(t, secrets, "--store", tc.store, "s3://"+tc.bucket)
			if code != tc.code {
				t.Fatalf("doctor exit %d, want %d:\n%s\n%s", code, tc.code, out, errOut)
			}
			wantLines(t, out, "CORS of s3://"+tc.bucket+" for uploads from the share gateway https://share.example.com", tc.want)
			wantGolden(t, "doctor-cors-"+tc.name, "doctor's CORS check", corsSection(out))
		})
	}

	// The configuration printed for the bucket with another origin's
	// rule keeps that rule; put as it is, it lets the page through.
	_, out, _ := runDoctorCmd(t, secrets, "--store", "shop", "s3://other")
	sec := corsSection(out)
	js := sec[strings.Index(sec, "    {"):strings.Index(sec, "  then run:")]
	var cfg s3model.CORSConfiguration
	if err := json.Unmarshal([]byte(js), &cfg); err != nil || len(cfg.CORSRules) != 2 || cfg.CORSRules[0].AllowedOrigins[0] != "https://app.example.com" {
		t.Fatalf("the configuration printed: %v\n%s", err, js)
	}
	srv.PutCORSJSON(t, "other", []byte(js))
	code, out, _ := runDoctorCmd(t, secrets, "--store", "shop", "s3://other")
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	wantLines(t, out, "CORS of s3://other for uploads from the share gateway https://share.example.com: ok (rule 2 lets")
	// The store answers a browser's preflight from the gateway's origin.
	req, _ := http.NewRequest(http.MethodOptions, srv.Endpoint+"/other/in/report.pdf", nil)
	req.Header.Set("Origin", "https://share.example.com")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "https://share.example.com" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}

	// Without a bucket there is nothing to check; without a gateway,
	// no CORS line at all.
	_, out, _ = runDoctorCmd(t, secrets, "--store", "shop")
	wantLines(t, out, "CORS for uploads from the share gateway https://share.example.com: name a bucket to check it (s3share doctor s3://BUCKET)")
	if _, out, _ = runDoctorCmd(t, secrets, "--store", "plain", "s3://none"); strings.Contains(out, "CORS") {
		t.Errorf("doctor speaks of CORS for a store without a gateway:\n%s", out)
	}
	// A gateway named on the command line or in $S3SHARE_GATEWAY.
	_, out, _ = runDoctorCmd(t, secrets, "--store", "plain", "--gateway", "http://127.0.0.1:8080", "s3://none")
	wantLines(t, out, "CORS of s3://none for uploads from the share gateway http://127.0.0.1:8080: not allowed")
	t.Setenv(gatewayEnv, "https://share.example.com/")
	_, out, _ = runDoctorCmd(t, secrets, "--store", "plain", "s3://allowed")
	wantLines(t, out, "CORS of s3://allowed for uploads from the share gateway https://share.example.com: ok")
}

func TestWebOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://share.example.com":           "https://share.example.com",
		"HTTPS://Share.Example.COM:443/base/": "https://share.example.com",
		"http://127.0.0.1:8080":               "http://127.0.0.1:8080",
		"http://localhost:80":                 "http://localhost",
		"https://[::1]:8443/x":                "https://[::1]:8443",
	} {
		if got, err := webOrigin(in); err != nil || got != want {
			t.Errorf("webOrigin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := webOrigin("share.example.com"); err == nil {
		t.Error("a gateway without a scheme has an origin")
	}
}

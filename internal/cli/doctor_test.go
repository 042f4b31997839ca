package cli

import (
	"bytes"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/s3test"
)

// doctorHome gives the test a fresh home directory holding files and an
// environment with nothing set but HOME and vars.
func doctorHome(t *testing.T, files map[string]string, vars map[string]string) string {
	t.Helper()
	home := t.TempDir()
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
		"AWS_CA_BUNDLE", "MC_CONFIG_DIR", "XDG_CONFIG_HOME", "NO_COLOR", "S3SHARE_GATEWAY",
	} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", home)
	for k, v := range vars {
		t.Setenv(k, v)
	}
	writeHome(t, home, files)
	return home
}

// writeHome writes files (path under home → content), readable by the user only.
func writeHome(t *testing.T, home string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// serverEnv is the environment that points s3share at srv with its
// credentials, plus the variables kv (name, value, …).
func serverEnv(srv *s3test.Server, kv ...string) map[string]string {
	vars := map[string]string{
		"AWS_ENDPOINT_URL":      srv.Endpoint,
		"AWS_ACCESS_KEY_ID":     srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY": srv.SecretKey,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		vars[kv[i]] = kv[i+1]
	}
	return vars
}

// runDoctorCmd runs `s3share doctor args…` and returns exit code, stdout
// and stderr. Neither may ever hold a secret.
func runDoctorCmd(t *testing.T, secrets []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"doctor"}, args...), &out, &errb)
	credtest.Output(t, "s3share doctor: stdout", out.String())
	credtest.Output(t, "s3share doctor: stderr", errb.String())
	for _, s := range secrets {
		if strings.Contains(out.String(), s) || strings.Contains(errb.String(), s) {
			t.Errorf("doctor output contains a secret:\n%s\n%s", out.String(), errb.String())
		}
	}
	return code, out.String(), errb.String()
}

// wantSetting checks the settings line of name: its value and source.
func wantSetting(t *testing.T, out, name, value, source string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(name) + ` +` + regexp.QuoteMeta(value) + ` +\(from ` + regexp.QuoteMeta(source) + `\)$`)
	if !re.MatchString(out) {
		t.Errorf("doctor output lacks setting %s = %s (from %s):\n%s", name, value, source, out)
	}
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("doctor output lacks %q:\n%s", w, out)
		}
	}
}

func TestDoctorEnvironmentOK(t *testing.T) {
	srv := s3test.Start(t)
	srv.NewBucket(t)
	doctorHome(t, nil, serverEnv(srv))
	code, out, errOut := runDoctorCmd(t, []string{srv.SecretKey})
	if code != 0 {
		t.Fatalf("doctor exit %d:\n%s\n%s", code, out, errOut)
	}
	masked := strings.Repeat("*", len(srv.AccessKey)-4) + srv.AccessKey[len(srv.AccessKey)-4:]
	wantSetting(t, out, "endpoint", srv.Endpoint, "env AWS_ENDPOINT_URL")
	wantSetting(t, out, "region", "us-east-1", "default")
	wantSetting(t, out, "access key id", masked, "env AWS_ACCESS_KEY_ID")
	wantSetting(t, out, "secret access key", "set (hidden)", "env AWS_SECRET_ACCESS_KEY")
	wantSetting(t, out, "session token", "none", "env AWS_SESSION_TOKEN")
	wantLines(t, out, "key bindings: ok", "ListBuckets on "+srv.Endpoint+": ok (1 bucket)")
	if strings.Contains(out, srv.AccessKey) {
		t.Errorf("doctor shows the whole access key id:\n%s", out)
	}
}

// TestDoctorNewUserProfile is what a new user has: ~/.aws/credentials and
// ~/.aws/config written for the local server, and no flags but --profile.
func TestDoctorNewUserProfile(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	doctorHome(t, map[string]string{
		".aws/credentials": "[local]\naws_access_key_id = " + srv.AccessKey + "\naws_secret_access_key = " + srv.SecretKey + "\n",
		".aws/config":      "[profile local]\nregion = us-east-1\nendpoint_url = " + srv.Endpoint + "\n",
	}, nil)
	code, out, errOut := runDoctorCmd(t, []string{srv.SecretKey}, "--profile", "local")
	if code != 0 {
		t.Fatalf("doctor exit %d:\n%s\n%s", code, out, errOut)
	}
	wantSetting(t, out, "store", "profile local", "--profile")
	wantSetting(t, out, "endpoint", srv.Endpoint, "~/.aws/config [profile local]")
	wantSetting(t, out, "region", "us-east-1", "~/.aws/config [profile local]")
	wantSetting(t, out, "access key id", "********test", "~/.aws/credentials [local]")
	wantLines(t, out, "ListBuckets on "+srv.Endpoint+": ok")
	code, out, _ = runDoctorCmd(t, []string{srv.SecretKey}, "s3://"+bucket, "--profile", "local")
	if code != 0 {
		t.Fatalf("doctor s3://%s exit %d:\n%s", bucket, code, out)
	}
	wantLines(t, out, "HEAD s3://"+bucket+" on "+srv.Endpoint+": ok (region us-east-1)")

	code, out, _ = runDoctorCmd(t, []string{srv.SecretKey}, "--profile", "local", "s3://no-such-bucket-0")
	if code != 1 {
		t.Errorf("doctor on a missing bucket: exit %d", code)
	}
	wantLines(t, out, "HEAD s3://no-such-bucket-0 on "+srv.Endpoint+": FAILED", "NoSuchBucket", "check the bucket name")
}

// TestDoctorCABundleFromEnvOnHTTP: an AWS_CA_BUNDLE left set for other
// endpoints draws no warning against a plain-http one.
func TestDoctorCABundleFromEnvOnHTTP(t *testing.T) {
	srv := s3test.Start(t)
	doctorHome(t, nil, serverEnv(srv, "AWS_CA_BUNDLE", "~/corp-ca.pem"))
	code, out, errOut := runDoctorCmd(t, []string{srv.SecretKey})
	if code != 0 || strings.Contains(out, "warnings:") || errOut != "" {
		t.Errorf("doctor with AWS_CA_BUNDLE on %s: exit %d\n%s\nstderr: %s", srv.Endpoint, code, out, errOut)
	}
	wantSetting(t, out, "ca bundle", "~/corp-ca.pem (not used: "+srv.Endpoint+" does not use TLS)", "env AWS_CA_BUNDLE")

	// Asked for on the command line, it is still read.
	code, _, errOut = runDoctorCmd(t, []string{srv.SecretKey}, "--ca-bundle", "~/corp-ca.pem")
	if code != 1 || !strings.Contains(errOut, "--ca-bundle: CA bundle ~/corp-ca.pem") {
		t.Errorf("doctor --ca-bundle naming no file: exit %d\n%s", code, errOut)
	}
}

// TestDoctorKeysConflict: [keys] the browser refuses to start with are a
// failed check.
func TestDoctorKeysConflict(t *testing.T) {
	srv := s3test.Start(t)
	doctorHome(t, map[string]string{".config/s3share/config.toml": "[keys]\nquit = [\"s\"]\n"}, serverEnv(srv))
	code, out, _ := runDoctorCmd(t, []string{srv.SecretKey})
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	wantLines(t, out, "key bindings: FAILED", `[keys] "s" is bound to both`, "ListBuckets on "+srv.Endpoint+": ok")
}

func TestDoctorConnectionRefused(t *testing.T) {
	addr := s3test.RefusedAddr(t)
	const secret = "CLOSEDsecretKEYvalue0000000000000000000032"
	doctorHome(t, nil, map[string]string{"AWS_ACCESS_KEY_ID": "AKIACLOSED00000001", "AWS_SECRET_ACCESS_KEY": secret})
	code, out, _ := runDoctorCmd(t, []string{secret}, "--endpoint", "http://"+addr)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	wantLines(t, out, "ListBuckets on http://"+addr+": FAILED", "connection refused", "is the endpoint right and the server running?")
}

func TestDoctorWrongSecret(t *testing.T) {
	srv := s3test.Start(t)
	const wrong = "WRONGsecretKEYvalue00000000000000000000033"
	doctorHome(t, nil, map[string]string{
		"AWS_ENDPOINT_URL":      srv.Endpoint,
		"AWS_ACCESS_KEY_ID":     srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY": wrong,
	})
	code, out, _ := runDoctorCmd(t, []string{wrong, srv.SecretKey})
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	wantLines(t, out, "FAILED", "SignatureDoesNotMatch", "check the secret key", "hint: the secret key comes from env AWS_SECRET_ACCESS_KEY")

	// HEAD answers 403 without a body; doctor still names the cause.
	bucket := srv.NewBucket(t)
	code, out, _ = runDoctorCmd(t, []string{wrong, srv.SecretKey}, "s3://"+bucket)
	if code != 1 {
		t.Errorf("doctor s3://%s: exit %d, want 1", bucket, code)
	}
	wantLines(t, out, "FAILED", "SignatureDoesNotMatch", "check the secret key")
}

func TestDoctorWrongRegion(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	doctorHome(t, nil, serverEnv(srv, "AWS_REGION", "eu-west-1"))
	for _, args := range [][]string{nil, {"s3://" + bucket}} {
		code, out, _ := runDoctorCmd(t, []string{srv.SecretKey}, args...)
		if code != 1 {
			t.Errorf("doctor %q: exit %d, want 1", args, code)
		}
		wantSetting(t, out, "region", "eu-west-1", "env AWS_REGION")
		wantLines(t, out, "FAILED", `the region "eu-west-1" is wrong`, "pass --region us-east-1")
	}
}

func TestDoctorConfigError(t *testing.T) {
	doctorHome(t, map[string]string{".aws/config": "[profile a]\n[profile b]\n"}, nil)
	code, out, errOut := runDoctorCmd(t, nil, "--profile", "c")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out, "configuration: FAILED") || !strings.Contains(errOut, `s3share: --profile: no profile "c" in ~/.aws/config or ~/.aws/credentials; profiles there: a, b`) {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

// TestDoctorTLS puts a TLS front with its own certificate authority
// before the test server.
func TestDoctorTLS(t *testing.T) {
	srv := s3test.Start(t)
	target, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewUnstartedServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // the host the client signed
	}})
	front.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	front.StartTLS()
	defer front.Close()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw})
	home := doctorHome(t, map[string]string{"ca.pem": string(ca)}, map[string]string{
		"AWS_ENDPOINT_URL":      front.URL,
		"AWS_ACCESS_KEY_ID":     srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY": srv.SecretKey,
	})
	secrets := []string{srv.SecretKey}

	code, out, _ := runDoctorCmd(t, secrets)
	if code != 1 {
		t.Errorf("without the CA: exit %d, want 1", code)
	}
	wantLines(t, out, "FAILED", "signed by an unknown authority — pass --ca-bundle FILE")

	code, out, _ = runDoctorCmd(t, secrets, "--ca-bundle", filepath.Join(home, "ca.pem"))
	if code != 0 {
		t.Errorf("with --ca-bundle: exit %d\n%s", code, out)
	}
	wantSetting(t, out, "ca bundle", "~/ca.pem", "--ca-bundle")
	wantLines(t, out, "ListBuckets on "+front.URL+": ok")

	t.Setenv("AWS_CA_BUNDLE", "~/ca.pem")
	code, out, _ = runDoctorCmd(t, secrets)
	if code != 0 {
		t.Errorf("with AWS_CA_BUNDLE: exit %d\n%s", code, out)
	}
	wantSetting(t, out, "ca bundle", "~/ca.pem", "env AWS_CA_BUNDLE")
	wantLines(t, out, ": ok")
	t.Setenv("AWS_CA_BUNDLE", "")

	code, out, _ = runDoctorCmd(t, secrets, "--insecure")
	if code != 0 {
		t.Errorf("with --insecure: exit %d\n%s", code, out)
	}
	wantLines(t, out, "warnings:", "! TLS certificate verification is off (--insecure)", ": ok")
}

// TestGlobalFlagsLoad parses the connection flags as doctor does and
// resolves them.
func TestGlobalFlagsLoad(t *testing.T) {
	doctorHome(t, nil, nil)
	parse := func(args ...string) *call {
		t.Helper()
		c := &call{path: "s3share doctor"}
		fs, _ := doctorCommand().flagSet(c)
		if _, err := parseArgs(fs, args); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := parse("--insecure", "--endpoint", "https://127.0.0.1:9443", "--path-style", "--store", "")
	cfg, err := c.g.load()
	if err != nil {
		t.Fatal(err)
	}
	st := cfg.Store
	if !st.Insecure || st.Addressing != "path" || st.Endpoint.String() != "https://127.0.0.1:9443" {
		t.Errorf("store: insecure %v, addressing %s, endpoint %s", st.Insecure, st.Addressing, st.Endpoint)
	}
	var errb bytes.Buffer
	warn(&errb, cfg.Warnings)
	if !strings.Contains(errb.String(), "s3share: warning: TLS certificate verification is off (--insecure)") {
		t.Errorf("stderr = %q, want the --insecure warning", errb.String())
	}

	c = parse("--path-style", "--addressing", "virtual")
	if _, err := c.g.load(); err == nil || !strings.Contains(err.Error(), "--path-style conflicts with --addressing virtual") {
		t.Errorf("--path-style with --addressing virtual: %v", err)
	}
}

package cli

import (
	"crypto/sha1"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of doctor's output")

// wantGolden compares got with testdata/NAME.golden, or with -update
// writes it there.
func wantGolden(t *testing.T, name, what, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s:\n%s\nwant (%s):\n%s", what, got, path, want)
	}
}

// Secrets of the credential chain tests; doctor must print none of them.
const (
	chainSecretKey = "CHAINsecretKEYvalue00000000000000000000020"
	chainSession   = "CHAINsessionTOKENvalue0000000000000000021"
	chainAuth      = "CONTAINERauthTOKENvalue00000000000000022"
	chainWebToken  = "WEBidentityTOKENvalue0000000000000000023"
)

// chainSection is the "credential chain:" part of doctor's output, with
// times and loopback ports made stable.
func chainSection(out string) string {
	i := strings.Index(out, "credential chain:")
	if i < 0 {
		return ""
	}
	s := out[i:]
	if j := strings.Index(s, "files:"); j >= 0 {
		s = s[:j]
	}
	s = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`).ReplaceAllString(s, "TIME")
	s = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(s, "127.0.0.1:PORT")
	return s
}

// TestDoctorCredentialChain runs doctor with each network source of the
// chain in turn, against the demo endpoint, and compares the chain it
// prints with a golden file.
func TestDoctorCredentialChain(t *testing.T) {
	srv, err := demo.Start(demo.Options{AccessKey: "ASIACHAINKEY0002", SecretKey: chainSecretKey, SessionToken: chainSession, NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	srv.MakeBucket("chain")
	k := credtest.Keys{AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, SessionToken: srv.SessionToken, TTL: time.Hour}
	imds, _ := credtest.IMDS(t, k)
	ecs, _ := credtest.Container(t, k, chainAuth)
	sts, _ := credtest.STS(t, k, chainWebToken)
	sso, _ := credtest.SSO(t, k)
	ssoCfg := "[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Share\n" +
		"[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n"
	// ~/.aws/sso/cache/ + sha1("corp") + .json
	const ssoCache = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
	validToken := `{"accessToken": "` + credtest.SSOAccessToken + `", "expiresAt": "` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`
	// An access token that has expired, with what refreshes it.
	staleToken := `{"accessToken": "SSOstaleTOKENvalue000000000000000000000030", "expiresAt": "` + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) +
		`", "clientId": "client", "clientSecret": "` + credtest.SSOClientSecret + `", "refreshToken": "` + credtest.SSORefreshToken +
		`", "registrationExpiresAt": "` + time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339) + `"}`
	// The legacy form: the settings in the profile, the cache named after the start URL.
	const legacyStart = "https://legacy.awsapps.com/start"
	legacyCfg := "[profile old]\nsso_start_url = " + legacyStart + "\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Share\n"
	legacyCache := fmt.Sprintf(".aws/sso/cache/%x.json", sha1.Sum([]byte(legacyStart)))
	roleCfg := "[profile base]\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n" +
		"[profile twice]\nrole_arn = arn:aws:iam::123456789012:role/second\nsource_profile = admin\n" +
		"[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/mfa\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n" +
		"[profile env-role]\nrole_arn = arn:aws:iam::123456789012:role/env\ncredential_source = Environment\n"
	roleCreds := "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = " + chainSecretKey + "\n"

	tests := []struct {
		name  string
		vars  func(string) map[string]string
		ok    bool
		files map[string]string
		args  []string
	}{
		{name: "assume-role", vars: func(string) map[string]string { return map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL} },
			ok: true, files: map[string]string{".aws/config": roleCfg, ".aws/credentials": roleCreds}, args: []string{"--profile", "admin"}},
		{name: "assume-role-chained", vars: func(string) map[string]string { return map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL} },
			ok: true, files: map[string]string{".aws/config": roleCfg, ".aws/credentials": roleCreds}, args: []string{"--profile", "twice"}},
		{name: "assume-role-mfa", vars: func(string) map[string]string { return map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL} },
			ok: true, files: map[string]string{".aws/config": roleCfg, ".aws/credentials": roleCreds}, args: []string{"--profile", "mfa", "--mfa-code", credtest.MFACode}},
		{name: "assume-role-environment", vars: func(string) map[string]string {
			return map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL, "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": chainSecretKey}
		}, ok: true, files: map[string]string{".aws/config": roleCfg}, args: []string{"--profile", "env-role"}},
		{name: "export-credentials", vars: func(string) map[string]string { return map[string]string{"PATH": "~/bin:" + os.Getenv("PATH")} },
			ok: true, files: map[string]string{".aws/config": "[profile signin]\nlogin_session = arn:aws:iam::111122223333:user/me\n",
				"bin/aws": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"" + srv.AccessKey + "\", \"SecretAccessKey\": \"" + srv.SecretKey +
					"\", \"SessionToken\": \"" + srv.SessionToken + "\", \"Expiration\": \"" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + "\"}'\n"},
			args: []string{"--profile", "signin"}},
		{name: "sso", vars: func(string) map[string]string { return map[string]string{"AWS_ENDPOINT_URL_SSO": sso.URL} },
			ok: true, files: map[string]string{".aws/config": ssoCfg, ssoCache: validToken}, args: []string{"--profile", "corp"}},
		{name: "sso-legacy", vars: func(string) map[string]string { return map[string]string{"AWS_ENDPOINT_URL_SSO": sso.URL} },
			ok: true, files: map[string]string{".aws/config": legacyCfg, legacyCache: validToken}, args: []string{"--profile", "old"}},
		{name: "sso-refreshed", vars: func(string) map[string]string {
			return map[string]string{"AWS_ENDPOINT_URL_SSO": sso.URL, "AWS_ENDPOINT_URL_SSO_OIDC": sso.URL}
		}, ok: true, files: map[string]string{".aws/config": ssoCfg, ssoCache: staleToken}, args: []string{"--profile", "corp"}},
		{name: "sso-expired", vars: func(string) map[string]string { return map[string]string{"AWS_ENDPOINT_URL_SSO": sso.URL} },
			ok: false, files: map[string]string{".aws/config": ssoCfg}, args: []string{"--profile", "corp"}},
		{"imds", func(string) map[string]string {
			return map[string]string{"AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL}
		}, true, nil, nil},
		{"imds-disabled", func(string) map[string]string {
			return map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL}
		}, false, nil, nil},
		{"imds-unreachable", func(string) map[string]string {
			return map[string]string{"AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}
		}, false, nil, nil},
		{"container", func(string) map[string]string {
			return map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": ecs.URL + "/v2/credentials",
				"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "~/auth"}
		}, true, nil, nil},
		{"web-identity", func(string) map[string]string {
			return map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web",
				"AWS_WEB_IDENTITY_TOKEN_FILE": "~/web"}
		}, true, nil, nil},
		{"environment", func(string) map[string]string {
			return map[string]string{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey, "AWS_SESSION_TOKEN": srv.SessionToken}
		}, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := tt.vars("")
			vars["AWS_ENDPOINT_URL"] = srv.URL
			for _, k := range []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
				if _, ok := vars[k]; !ok {
					vars[k] = ""
				}
			}
			files := map[string]string{"auth": chainAuth + "\n", "web": chainWebToken}
			for k, v := range tt.files {
				files[k] = v
			}
			vars["AWS_CONFIG_FILE"], vars["AWS_SHARED_CREDENTIALS_FILE"] = "", ""
			home := doctorHome(t, files, vars)
			if p, ok := vars["PATH"]; ok {
				t.Setenv("PATH", strings.ReplaceAll(p, "~", home))
				if err := os.Chmod(filepath.Join(home, "bin", "aws"), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errOut := runDoctorCmd(t, []string{chainSecretKey, chainSession, chainAuth, chainWebToken, credtest.IMDSToken,
				credtest.SSOAccessToken, credtest.SSORefreshedToken, credtest.SSORefreshToken, credtest.SSOClientSecret}, tt.args...)
			if (code == 0) != tt.ok {
				t.Fatalf("doctor exit %d, want ok %v:\n%s\n%s", code, tt.ok, out, errOut)
			}
			got := chainSection(out)
			if !tt.ok && errOut != "" {
				got += "error: " + errOut
			}
			wantGolden(t, "doctor-chain-"+tt.name, "doctor's credential chain", got)
		})
	}
}

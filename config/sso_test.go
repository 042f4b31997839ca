package config_test

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/credtest"
)

func ssoCacheFile(key string) string {
	sum := sha1.Sum([]byte(key))
	return ".aws/sso/cache/" + hex.EncodeToString(sum[:]) + ".json"
}

func ssoToken(access string, expires time.Time, refresh bool) string {
	m := map[string]string{"startUrl": "https://example.awsapps.com/start", "region": "eu-west-1",
		"accessToken": access, "expiresAt": expires.UTC().Format(time.RFC3339)}
	if refresh {
		m["clientId"], m["clientSecret"], m["refreshToken"] = "client-1", credtest.SSOClientSecret, credtest.SSORefreshToken
		m["registrationExpiresAt"] = time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestSSO gets role credentials from a fake IAM Identity Center portal
// with the AWS CLI's cached token, in both profile forms, refreshes an
// expired token, and says what to run when it cannot.
func TestSSO(t *testing.T) {
	srv := startDemo(t)
	sso, log := credtest.SSO(t, keys(srv, time.Hour))
	cfg := "[profile modern]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Share\n" +
		"[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n" +
		"[profile legacy]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Share\n"
	valid := ssoToken(credtest.SSOAccessToken, time.Now().Add(time.Hour), false)
	expired := ssoToken("old", time.Now().Add(-time.Hour), false)
	refreshable := ssoToken("old", time.Now().Add(-time.Hour), true)

	tests := []struct {
		name, profile, cacheKey, token string
		wantErr                        string
		refreshed                      bool
	}{
		{name: "sso_session", profile: "modern", cacheKey: "corp", token: valid},
		{name: "legacy", profile: "legacy", cacheKey: "https://example.awsapps.com/start", token: valid},
		{name: "refreshed token", profile: "modern", cacheKey: "corp", token: refreshable, refreshed: true},
		{name: "expired token", profile: "modern", cacheKey: "corp", token: expired, wantErr: "SSO session expired: run aws sso login --profile modern"},
		{name: "no token", profile: "legacy", wantErr: "SSO session expired: run aws sso login --profile legacy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := baseEnv(t, srv)
			env["AWS_ENDPOINT_URL_SSO"], env["AWS_ENDPOINT_URL_SSO_OIDC"] = sso.URL, sso.URL
			files := map[string]string{".aws/config": cfg}
			if tt.cacheKey != "" {
				files[ssoCacheFile(tt.cacheKey)] = tt.token
			}
			write(t, env["HOME"], files)
			before := log.Count("POST /token")
			c, err := config.Load(config.Flags{Profile: tt.profile}, envOf(env))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(c.Store.Creds.Source, "SSO of ~/.aws/config [profile "+tt.profile+"], role Share in account 111122223333") || c.Store.Renew == nil {
				t.Fatalf("credentials from %q", c.Store.Creds.Source)
			}
			if got := log.Count("POST /token") - before; (got == 1) != tt.refreshed {
				t.Errorf("%d token refreshes", got)
			}
			if tt.refreshed {
				b, _ := os.ReadFile(filepath.Join(env["HOME"], ssoCacheFile(tt.cacheKey)))
				if !strings.Contains(string(b), credtest.SSORefreshedToken) {
					t.Errorf("the cache does not hold the refreshed token")
				}
			}
			checkNoSecrets(t, chainOf(c)+fmt.Sprint(c.Settings, c.Warnings))
			for _, s := range []string{credtest.SSOAccessToken, credtest.SSORefreshedToken, credtest.SSORefreshToken, credtest.SSOClientSecret} {
				if strings.Contains(chainOf(c)+fmt.Sprint(c.Settings, c.Warnings), s) {
					t.Fatal("output holds an SSO token")
				}
			}
			useStore(t, c.Store)
		})
	}
}

// TestExportCredentialsFallback reads a login_session profile through
// `aws configure export-credentials`, with a stand-in aws on PATH.
func TestExportCredentialsFallback(t *testing.T) {
	srv := startDemo(t)
	env := baseEnv(t, srv)
	bin := t.TempDir()
	write(t, bin, map[string]string{"aws.sh": fmt.Sprintf(`#!/bin/sh
[ "$*" = "configure export-credentials --profile signin --format process" ] || { echo "unexpected: $*" >&2; exit 2; }
echo '{"Version": 1, "AccessKeyId": %q, "SecretAccessKey": %q, "SessionToken": %q, "Expiration": %q}'
`, srv.AccessKey, srv.SecretKey, srv.SessionToken, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))})
	if err := os.Rename(filepath.Join(bin, "aws.sh"), filepath.Join(bin, "aws")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	write(t, env["HOME"], map[string]string{".aws/config": "[profile signin]\nlogin_session = arn:aws:iam::111122223333:user/me\n"})
	c, err := config.Load(config.Flags{Profile: "signin"}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Creds.Source != "aws configure export-credentials --profile signin" {
		t.Fatalf("credentials from %q", c.Store.Creds.Source)
	}
	useStore(t, c.Store)

	t.Setenv("PATH", t.TempDir())
	if _, err := config.Load(config.Flags{Profile: "signin"}, envOf(env)); err == nil || !strings.Contains(err.Error(), "install it (aws on PATH)") {
		t.Errorf("no aws on PATH: %v", err)
	}
}

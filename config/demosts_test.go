package config_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/s3share/s3share/config"
)

// TestRolesThroughTheDemoSTS assumes roles at the demo endpoint's own STS,
// which checks the SigV4 signature of each AssumeRole (the fakes of
// credtest do not), and uses what it hands out for a listing and a
// presigned GET at the same endpoint: a role from the demo's keys, a role
// chained from that one (signed with temporary credentials and their
// session token), a role with an MFA code, and web identity.
func TestRolesThroughTheDemoSTS(t *testing.T) {
	srv := startDemo(t)
	const role = "arn:aws:iam::123456789012:role/"
	cfg := "[profile base]\nregion = eu-west-1\n" +
		"[profile admin]\nrole_arn = " + role + "admin\nsource_profile = base\nduration_seconds = 900\n" +
		"[profile chained]\nrole_arn = " + role + "second\nsource_profile = admin\n" +
		"[profile mfa]\nrole_arn = " + role + "mfa\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
	creds := fmt.Sprintf("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n", srv.AccessKey, srv.SecretKey, srv.SessionToken)
	for _, tt := range []struct {
		name, profile, mfa string
		env                map[string]string
		hops               int
	}{
		{name: "source profile", profile: "admin", hops: 1},
		{name: "chained twice", profile: "chained", hops: 2},
		{name: "mfa", profile: "mfa", mfa: "246810", hops: 1},
		{name: "web identity", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "~/web-token", "AWS_ROLE_ARN": role + "web", "AWS_ROLE_SESSION_NAME": "ci"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := baseEnv(t, srv)
			env["AWS_ENDPOINT_URL_STS"] = srv.URL
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "~", env["HOME"])
			}
			write(t, env["HOME"], map[string]string{".aws/config": cfg, ".aws/credentials": creds, "web-token": webToken})
			c, err := config.Load(config.Flags{Profile: tt.profile, MFACode: tt.mfa}, envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(c.Store.Creds.AccessKeyID, "ASIADEMO") || c.Store.Creds.Expires.IsZero() || len(c.Chain[0].Via) != tt.hops && tt.profile != "" {
				t.Fatalf("credentials %v via %v, want ones the demo's STS issued", c.Store.Creds, c.Chain[0].Via)
			}
			checkNoSecrets(t, chainOf(c)+fmt.Sprint(c.Settings, c.Warnings))
			useStore(t, c.Store)
		})
	}

	// A wrong secret key is refused with STS's code, in one line.
	env := baseEnv(t, srv)
	env["AWS_ENDPOINT_URL_STS"] = srv.URL
	write(t, env["HOME"], map[string]string{".aws/config": cfg, ".aws/credentials": strings.Replace(creds, srv.SecretKey, "WRONGsecretKEYvalue00000000000000000000031", 1)})
	_, err := config.Load(config.Flags{Profile: "admin"}, envOf(env))
	if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") || strings.Contains(err.Error(), "\n") {
		t.Errorf("AssumeRole with a wrong secret: %v", err)
	}
}

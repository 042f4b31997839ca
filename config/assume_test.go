package config_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/credtest"
)

const baseSecret = "BASEsecretKEYvalue000000000000000000000015"

// TestAssumeRole assumes roles from each kind of source against a fake
// STS that hands out the demo endpoint's keys, then lists and fetches a
// presigned link with them.
func TestAssumeRole(t *testing.T) {
	srv := startDemo(t)
	sts, log := credtest.STS(t, keys(srv, time.Hour), webToken)
	imds, _ := credtest.IMDS(t, credtest.Keys{AccessKey: "ASIAIMDSKEY", SecretKey: baseSecret, SessionToken: "IMDSsessionTOKENvalue0000000000000000028", TTL: time.Hour})
	const role = "arn:aws:iam::123456789012:role/"
	config_ := "[profile base]\nregion = eu-west-1\n" +
		"[profile admin]\nrole_arn = " + role + "admin\nsource_profile = base\nexternal_id = ext-1\nrole_session_name = ops\nduration_seconds = 1800\n" +
		"[profile env-role]\nrole_arn = " + role + "env\ncredential_source = Environment\n" +
		"[profile imds-role]\nrole_arn = " + role + "imds\ncredential_source = Ec2InstanceMetadata\n" +
		"[profile chained]\nrole_arn = " + role + "second\nsource_profile = admin\n" +
		"[profile mfa]\nrole_arn = " + role + "mfa\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
	creds := "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = " + baseSecret + "\n"

	tests := []struct {
		name    string
		profile string
		env     map[string]string
		mfa     string
		calls   []string // "RoleArn by KEYID"
		renewed bool
		via     []string // the sources of the credentials on the way, nearest first
	}{
		{name: "source profile", profile: "admin", calls: []string{"admin by AKIABASE"}, renewed: true,
			via: []string{"~/.aws/credentials [base]"}},
		{name: "credential_source Environment", profile: "env-role",
			env:   map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": baseSecret},
			calls: []string{"env by AKIAENV"}, renewed: true, via: []string{"env AWS_ACCESS_KEY_ID"}},
		{name: "credential_source Ec2InstanceMetadata", profile: "imds-role",
			env:   map[string]string{"AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL},
			calls: []string{"imds by ASIAIMDSKEY"}, renewed: true, via: []string{"EC2 instance metadata, role share-role"}},
		{name: "chained twice", profile: "chained", calls: []string{"admin by AKIABASE", "second by " + srv.AccessKey}, renewed: true,
			via: []string{"role " + role + "admin of ~/.aws/config [profile admin], assumed with profile base", "~/.aws/credentials [base]"}},
		{name: "mfa", profile: "mfa", mfa: credtest.MFACode, calls: []string{"mfa by AKIABASE"}, via: []string{"~/.aws/credentials [base]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := baseEnv(t, srv)
			env["AWS_ENDPOINT_URL_STS"] = sts.URL
			for k, v := range tt.env {
				env[k] = v
			}
			write(t, env["HOME"], map[string]string{".aws/config": config_, ".aws/credentials": creds})
			before := len(log.Calls())
			c, err := config.Load(config.Flags{Profile: tt.profile, MFACode: tt.mfa}, envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, call := range log.Calls()[before:] {
				got = append(got, strings.TrimPrefix(call.Form.Get("RoleArn"), role)+" by "+call.KeyID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.calls) {
				t.Errorf("STS calls %v, want %v", got, tt.calls)
			}
			var via []string
			for _, h := range c.Chain[0].Via {
				via = append(via, h.Source)
			}
			if fmt.Sprint(via) != fmt.Sprint(tt.via) {
				t.Errorf("via %q, want %q", via, tt.via)
			}
			if (c.Store.Renew != nil) != tt.renewed {
				t.Errorf("renewed %v, want %v", c.Store.Renew != nil, tt.renewed)
			}
			if !strings.HasPrefix(c.Store.Creds.Source, "role "+role) {
				t.Errorf("credentials from %q", c.Store.Creds.Source)
			}
			checkNoSecrets(t, chainOf(c)+fmt.Sprint(c.Settings, c.Warnings))
			useStore(t, c.Store)
		})
	}
	calls := log.Calls()
	first := calls[0].Form
	if first.Get("ExternalId") != "ext-1" || first.Get("RoleSessionName") != "ops" || first.Get("DurationSeconds") != "1800" {
		t.Errorf("AssumeRole form %v", first)
	}
	last := calls[len(calls)-1].Form
	if last.Get("SerialNumber") != "arn:aws:iam::123456789012:mfa/me" || last.Get("TokenCode") != credtest.MFACode {
		t.Errorf("MFA AssumeRole form lacks serial and code")
	}

	// A wrong MFA code is STS's refusal, in one line.
	env := baseEnv(t, srv)
	env["AWS_ENDPOINT_URL_STS"] = sts.URL
	write(t, env["HOME"], map[string]string{".aws/config": config_, ".aws/credentials": creds})
	_, err := config.Load(config.Flags{Profile: "mfa", MFACode: "654321"}, envOf(env))
	if err == nil || !strings.Contains(err.Error(), "AccessDenied: MultiFactorAuthentication failed") || strings.Contains(err.Error(), "\n") {
		t.Errorf("wrong MFA code: %v", err)
	}
}

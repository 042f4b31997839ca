package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad reads arbitrary ~/.aws/config, ~/.aws/credentials and
// s3share config files: Load never panics, its errors are one line, and no
// secret key or session token of the credentials file reaches an error,
// a warning or a setting.
func FuzzLoad(f *testing.F) {
	creds := "[default]\naws_access_key_id = AKIAFUZZ\naws_secret_access_key = " + credsSecret + "\n" +
		"[prod]\naws_access_key_id=AKIAPROD\naws_secret_access_key=" + fileSecret + "\naws_session_token=" + tokenSecret + "\n"
	cfg := "[default]\nregion = eu-west-1\n[profile prod]\nendpoint_url = http://127.0.0.1:9000\ns3 =\n  addressing_style = path\n"
	seeds := []struct {
		cfg, creds, toml, profile string
		open                      bool
	}{
		{cfg, creds, "", "", false},
		{cfg, creds, "", "prod", true},
		{cfg, creds, "default_store = \"x\"\n[stores.x]\nprofile = \"prod\"\n", "", false},
		{"[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n", "", "", "a", false},
		{"[profile a]\nservices = s\n[services s]\ns3 =\n  endpoint_url = http://h\n", "[a]\naws_secret_access_key = " + credsSecret + "\n", "", "a", false},
		{"[default\n", "", "", "", false},
		{"no delimiter\n", "[x]\n= v\n", "", "x", false},
		{"[]\n", "[prod]\naws_access_key_id = " + credsSecret + "\n", "", "prod", false},
		{"[profile x]\nrole_arn = arn\n", "", "", "x", false},
		{"[default]\nendpoint_url = http://user:" + credsSecret + "@h\n", creds, "", "", false},
		{"[default]\nregion = a b\n", creds, "[ui]\ndefault_expiry = \"9999d\"\n", "", false},
		{"", "\xff\x00[default]\naws_secret_access_key=\x1b]0;t\x07\n", "stores = 1\n", "default", true},
	}
	for _, s := range seeds {
		f.Add(s.cfg, s.creds, s.toml, s.profile, s.open)
	}
	f.Fuzz(func(t *testing.T, awsConfig, awsCreds, toml, profile string, open bool) {
		all := strings.ToLower(awsConfig + awsCreds + toml + profile)
		// Never run a command or read a device file named by fuzzed text.
		for _, no := range []string{"process", "dev", "proc", "sys", "fd"} {
			if strings.Contains(all, no) {
				return
			}
		}
		dir := t.TempDir()
		write := func(name, content string, mode os.FileMode) {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), mode); err != nil {
				t.Fatal(err)
			}
		}
		mode := os.FileMode(0o600)
		if open {
			mode = 0o644
		}
		write(".aws/config", awsConfig, 0o600)
		write(".aws/credentials", awsCreds, mode)
		write(".config/s3share/config.toml", toml, 0o600)
		env := envFor(dir, map[string]string{"AWS_PROFILE": profile})

		secrets := secretValues(awsCreds, awsConfig+"\n"+toml+"\n"+profile+"\n"+dir)
		check := func(what, s string) {
			if strings.ContainsAny(s, "\r\n") && what == "error" {
				t.Fatalf("the error is not one line: %q", s)
			}
			for _, sec := range secrets {
				if strings.Contains(s, sec) {
					t.Fatalf("%s holds the secret %q: %q", what, sec, s)
				}
			}
		}
		c, err := Load(Flags{}, env)
		if err != nil {
			check("error", err.Error())
			return
		}
		check("settings and warnings", shown(c))
		if _, err := ListStores(Flags{}, env); err != nil {
			check("error", err.Error())
		}
	})
}

// secretValues returns the values of aws_secret_access_key and
// aws_session_token in an INI text that are long enough to recognise and
// appear nowhere else in it or in others (a value that is also a section
// or profile name may be shown as one).
func secretValues(ini, others string) []string {
	var out []string
	for _, line := range strings.Split(ini, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if (k == "aws_secret_access_key" || k == "aws_session_token") && len(v) >= 8 && strings.Count(ini, v) == 1 && !strings.Contains(others, v) {
			out = append(out, v)
		}
	}
	return out
}

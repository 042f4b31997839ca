package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A home directory with every kind of source.
var fullHome = map[string]string{
	".aws/config": `# the AWS CLI's config
[default]
region = eu-north-1

[profile prod]
region = us-west-2
endpoint_url = http://127.0.0.1:9100
s3 =
  addressing_style = virtual

[profile svc]
endpoint_url = http://127.0.0.1:9100
services = local-s3

[services local-s3]
s3 =
  endpoint_url = http://127.0.0.1:9200
`,
	".aws/credentials": `[default]
aws_access_key_id = AKIADEFAULT0000001
aws_secret_access_key = ` + credsSecret + `

[prod]
aws_access_key_id = AKIAPROD0000000002
aws_secret_access_key = ` + credsSecret + `
`,
	".mc/config.json": `{
  "version": "10",
  "aliases": {
    "minio": {"url": "http://127.0.0.1:9300", "accessKey": "MCKEY0000000000005", "secretKey": "` + mcSecret + `", "api": "s3v4", "path": "on"}
  }
}`,
	".config/s3share/config.toml": `default_store = "filestore"

[stores.filestore]
endpoint = "http://127.0.0.1:9400"
region = "file-region"
addressing = "virtual"
public_base_url = "https://cdn.example.com/files"

[stores.both]
profile = "prod"
alias = "minio"
endpoint = "http://127.0.0.1:9400"
region = "store-region"
addressing = "path"
insecure = true

[stores.viaalias]
alias = "minio"
region = "store-region"

[stores.keys]
endpoint = "http://127.0.0.1:9400"
access_key_id = "AKIAFILE0000000006"
secret_access_key = "` + fileSecret + `"
`,
}

// awsOnly is fullHome without the s3share config file.
func awsOnly() map[string]string {
	m := map[string]string{}
	for k, v := range fullHome {
		if !strings.HasPrefix(k, ".config/") {
			m[k] = v
		}
	}
	return m
}

var envKeys = map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV00000000001", "AWS_SECRET_ACCESS_KEY": envSecret}

func with(base map[string]string, kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		flags Flags
		// want maps a setting name to "value (from source)".
		want map[string]string
		// warn, when set, must appear in one of the warnings.
		warn string
	}{
		{
			name:  "nothing configured: defaults",
			files: nil,
			want: map[string]string{
				"store":         "default (from default)",
				"endpoint":      "https://s3.amazonaws.com (from default)",
				"region":        "us-east-1 (from default; each bucket's region is looked up once)",
				"addressing":    "auto (from default)",
				"access key id": "none: no credentials found, requests are anonymous (from )",
			},
		},
		{
			name:  "the default profile is used when nothing is selected",
			files: awsOnly(),
			want: map[string]string{
				"region":        "eu-north-1 (from ~/.aws/config [default])",
				"access key id": "**************0001 (from ~/.aws/credentials [default])",
				"endpoint":      "https://s3.amazonaws.com (from default)",
			},
		},
		{
			name:  "default_store of the config file",
			files: fullHome,
			want: map[string]string{
				"store":           "store filestore (from ~/.config/s3share/config.toml:1: default_store)",
				"endpoint":        "http://127.0.0.1:9400 (from ~/.config/s3share/config.toml [stores.filestore])",
				"region":          "file-region (from ~/.config/s3share/config.toml [stores.filestore])",
				"addressing":      "virtual (from ~/.config/s3share/config.toml [stores.filestore])",
				"public base url": "https://cdn.example.com/files (from ~/.config/s3share/config.toml [stores.filestore])",
			},
		},
		{
			name:  "AWS_PROFILE beats default_store",
			files: fullHome,
			env:   map[string]string{"AWS_PROFILE": "prod"},
			want: map[string]string{
				"store":         "profile prod (from env AWS_PROFILE)",
				"endpoint":      "http://127.0.0.1:9100 (from ~/.aws/config [profile prod])",
				"region":        "us-west-2 (from ~/.aws/config [profile prod])",
				"addressing":    "virtual (from ~/.aws/config [profile prod])",
				"access key id": "**************0002 (from ~/.aws/credentials [prod])",
			},
		},
		{
			name:  "--alias beats AWS_PROFILE",
			files: fullHome,
			env:   map[string]string{"AWS_PROFILE": "prod"},
			flags: Flags{Alias: "minio"},
			want: map[string]string{
				"store":         "alias minio (from --alias)",
				"endpoint":      "http://127.0.0.1:9300 (from ~/.mc/config.json alias minio)",
				"addressing":    "path (from ~/.mc/config.json alias minio)",
				"region":        "us-east-1 (from default)",
				"access key id": "**************0005 (from ~/.mc/config.json alias minio)",
			},
		},
		{
			name:  "the environment beats the profile",
			files: fullHome,
			env:   with(envKeys, "AWS_PROFILE", "prod", "AWS_ENDPOINT_URL", "http://127.0.0.1:9500", "AWS_REGION", "ap-south-1"),
			want: map[string]string{
				"endpoint":      "http://127.0.0.1:9500 (from env AWS_ENDPOINT_URL)",
				"region":        "ap-south-1 (from env AWS_REGION)",
				"addressing":    "virtual (from ~/.aws/config [profile prod])",
				"access key id": "**************0001 (from env AWS_ACCESS_KEY_ID)",
			},
		},
		{
			name:  "the environment beats an alias picked with --alias, with a warning",
			files: fullHome,
			env:   map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9500"},
			flags: Flags{Alias: "minio"},
			want: map[string]string{
				"endpoint":      "http://127.0.0.1:9500 (from env AWS_ENDPOINT_URL)",
				"access key id": "**************0005 (from ~/.mc/config.json alias minio)",
			},
			warn: "env AWS_ENDPOINT_URL (http://127.0.0.1:9500) overrides the endpoint of alias minio (http://127.0.0.1:9300)",
		},
		{
			name:  "AWS_ENDPOINT_URL_S3 beats AWS_ENDPOINT_URL, AWS_REGION beats AWS_DEFAULT_REGION",
			env:   map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9500", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9501", "AWS_REGION": "r-1", "AWS_DEFAULT_REGION": "r-2"},
			files: nil,
			want: map[string]string{
				"endpoint": "http://127.0.0.1:9501 (from env AWS_ENDPOINT_URL_S3)",
				"region":   "r-1 (from env AWS_REGION)",
			},
		},
		{
			name:  "AWS_DEFAULT_REGION beats the profile's region",
			files: fullHome,
			env:   map[string]string{"AWS_PROFILE": "prod", "AWS_DEFAULT_REGION": "r-2"},
			want:  map[string]string{"region": "r-2 (from env AWS_DEFAULT_REGION)"},
		},
		{
			name:  "flags beat the environment",
			files: fullHome,
			env:   with(envKeys, "AWS_PROFILE", "prod", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9501", "AWS_REGION", "r-1"),
			flags: Flags{Endpoint: "http://127.0.0.1:9600", Region: "flag-region", Addressing: "path"},
			want: map[string]string{
				"endpoint":   "http://127.0.0.1:9600 (from --endpoint)",
				"region":     "flag-region (from --region)",
				"addressing": "path (from --addressing)",
			},
		},
		{
			name:  "a [services] section beats the profile's endpoint_url",
			files: fullHome,
			flags: Flags{Profile: "svc"},
			want:  map[string]string{"endpoint": "http://127.0.0.1:9200 (from ~/.aws/config [services local-s3])"},
		},
		{
			name:  "a store's profile beats its alias, which beats the store itself",
			files: fullHome,
			flags: Flags{Store: "both"},
			want: map[string]string{
				"store":         "store both (from --store)",
				"endpoint":      "http://127.0.0.1:9100 (from ~/.aws/config [profile prod])",
				"region":        "us-west-2 (from ~/.aws/config [profile prod])",
				"addressing":    "virtual (from ~/.aws/config [profile prod])",
				"insecure":      "true (TLS certificates are not checked) (from ~/.config/s3share/config.toml [stores.both])",
				"access key id": "**************0002 (from ~/.aws/credentials [prod])",
			},
		},
		{
			name:  "an alias beats the store that names it",
			files: fullHome,
			flags: Flags{Store: "viaalias"},
			want: map[string]string{
				"endpoint":      "http://127.0.0.1:9300 (from ~/.mc/config.json alias minio)",
				"region":        "store-region (from ~/.config/s3share/config.toml [stores.viaalias])",
				"addressing":    "path (from ~/.mc/config.json alias minio)",
				"access key id": "**************0005 (from ~/.mc/config.json alias minio)",
			},
		},
		{
			name:  "--profile: the profile's credentials beat the environment's",
			files: fullHome,
			env:   envKeys,
			flags: Flags{Profile: "prod"},
			want:  map[string]string{"access key id": "**************0002 (from ~/.aws/credentials [prod])"},
			warn:  "AWS_ACCESS_KEY_ID is set but not used: --profile prod has its own credentials",
		},
		{
			name:  "AWS_PROFILE: the environment's credentials beat the profile's",
			files: fullHome,
			env:   with(envKeys, "AWS_PROFILE", "prod"),
			want:  map[string]string{"access key id": "**************0001 (from env AWS_ACCESS_KEY_ID)"},
		},
		{
			name:  "--profile without credentials uses the environment's",
			files: fullHome,
			env:   envKeys,
			flags: Flags{Profile: "svc"},
			want:  map[string]string{"access key id": "**************0001 (from env AWS_ACCESS_KEY_ID)"},
		},
		{
			name:  "--store with keys in the config file",
			files: fullHome,
			flags: Flags{Store: "keys"},
			want: map[string]string{
				"access key id":     "**************0006 (from ~/.config/s3share/config.toml [stores.keys])",
				"secret access key": "set (hidden) (from ~/.config/s3share/config.toml [stores.keys])",
			},
		},
		{
			name:  "a regional AWS endpoint implies its region",
			flags: Flags{Endpoint: "https://s3.eu-west-3.amazonaws.com"},
			want:  map[string]string{"region": "eu-west-3 (from endpoint s3.eu-west-3.amazonaws.com)"},
		},
		{
			name:  "--insecure",
			flags: Flags{Endpoint: "https://127.0.0.1:9443", Insecure: true},
			want:  map[string]string{"insecure": "true (TLS certificates are not checked) (from --insecure)"},
			warn:  "TLS certificate verification is off (--insecure)",
		},
		{
			name: "session token and AWS_CREDENTIAL_EXPIRATION",
			env:  with(envKeys, "AWS_SESSION_TOKEN", tokenSecret, "AWS_CREDENTIAL_EXPIRATION", "2099-01-02T03:04:05Z"),
			want: map[string]string{
				"access key id":      "**************0001 (from env AWS_ACCESS_KEY_ID)",
				"secret access key":  "set (hidden) (from env AWS_SECRET_ACCESS_KEY)",
				"session token":      "set (hidden) (from env AWS_SESSION_TOKEN)",
				"credentials expire": "2099-01-02T03:04:05Z (from env AWS_CREDENTIAL_EXPIRATION)",
			},
		},
		{
			name: "expired credentials give a warning",
			env:  with(envKeys, "AWS_SESSION_TOKEN", tokenSecret, "AWS_CREDENTIAL_EXPIRATION", "2001-01-02T03:04:05Z"),
			want: map[string]string{"credentials expire": "2001-01-02T03:04:05Z (expired) (from env AWS_CREDENTIAL_EXPIRATION)"},
			warn: "expired at 2001-01-02T03:04:05Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := home(t, tt.files)
			c, err := Load(tt.flags, envFor(dir, tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got := map[string]string{}
			for _, s := range c.Settings {
				got[s.Name] = fmt.Sprintf("%s (from %s)", s.Value, s.Source)
			}
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("%s = %q, want %q", name, got[name], want)
				}
			}
			if tt.warn != "" && !strings.Contains(strings.Join(c.Warnings, "\n"), tt.warn) {
				t.Errorf("warnings %q lack %q", c.Warnings, tt.warn)
			}
			noSecrets(t, "settings and warnings", shown(c))
		})
	}
}

func TestStoreFields(t *testing.T) {
	dir := home(t, fullHome)
	c, err := Load(Flags{Store: "both"}, envFor(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	st := c.Store
	if st.Name != "both" || st.Endpoint.String() != "http://127.0.0.1:9100" || st.Region != "us-west-2" || !st.RegionFromUser ||
		st.Addressing != AddressingVirtual || !st.Insecure {
		t.Errorf("store = %s %s %s %v %s %v", st.Name, st.Endpoint, st.Region, st.RegionFromUser, st.Addressing, st.Insecure)
	}
	if st.Creds.AccessKeyID != "AKIAPROD0000000002" || st.Creds.SecretAccessKey != credsSecret {
		t.Errorf("credentials = %q (from %s), want the [prod] keys", st.Creds.AccessKeyID, st.Creds.Source)
	}
	if c.Selected != (Choice{Kind: KindStore, Name: "both"}) {
		t.Errorf("Selected = %+v", c.Selected)
	}

	// Defaults: on AWS with no region the region is not the user's, so
	// s3model looks up each bucket's region.
	c, err = Load(Flags{}, envFor(home(t, nil), nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.RegionFromUser || c.Store.Region != DefaultRegion || !c.Store.IsAWS() || !c.Store.Creds.Anonymous() {
		t.Errorf("default store: region %s (from user: %v), AWS %v, anonymous %v", c.Store.Region, c.Store.RegionFromUser, c.Store.IsAWS(), c.Store.Creds.Anonymous())
	}
	if c.Prefs.Clipboard != ClipboardAuto {
		t.Errorf("default clipboard = %q, want auto", c.Prefs.Clipboard)
	}
}

func TestInsecureFromStoreAndCABundle(t *testing.T) {
	files := with(fullHome, "ca.pem", certPEM(t), ".config/s3share/config.toml", `
[stores.tls]
endpoint = "https://127.0.0.1:9443"
insecure = true
ca_bundle = "~/ca.pem"
`)
	dir := home(t, files)
	c, err := Load(Flags{Store: "tls"}, envFor(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Store.Insecure || c.Store.CABundle != dir+"/ca.pem" {
		t.Errorf("Insecure = %v, CABundle = %q", c.Store.Insecure, c.Store.CABundle)
	}
	if got := c.Source("ca bundle"); got != "~/.config/s3share/config.toml [stores.tls]" {
		t.Errorf("ca bundle source = %q", got)
	}
	// AWS_CA_BUNDLE beats the store; --ca-bundle beats AWS_CA_BUNDLE.
	c, err = Load(Flags{Store: "tls"}, envFor(dir, map[string]string{"AWS_CA_BUNDLE": "~/ca.pem"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Source("ca bundle"); got != "env AWS_CA_BUNDLE" {
		t.Errorf("ca bundle source = %q, want env AWS_CA_BUNDLE", got)
	}
	c, err = Load(Flags{Store: "tls", CABundle: dir + "/ca.pem"}, envFor(dir, map[string]string{"AWS_CA_BUNDLE": "~/nope.pem"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Source("ca bundle"); got != "--ca-bundle" {
		t.Errorf("ca bundle source = %q, want --ca-bundle", got)
	}
	if !strings.Contains(strings.Join(c.Warnings, "\n"), "TLS certificate verification is off (~/.config/s3share/config.toml [stores.tls])") {
		t.Errorf("warnings = %q, want the insecure warning naming the store", c.Warnings)
	}
}

func TestCredentialProcess(t *testing.T) {
	dir := home(t, nil)
	exp := time.Now().Add(45 * time.Minute).UTC().Truncate(time.Second)
	proc := script(t, dir, "creds.sh", fmt.Sprintf(`cat <<EOF
{"Version": 1, "AccessKeyId": "ASIAPROC0000000004", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "%s"}
EOF
`, processSecret, tokenSecret, exp.Format(time.RFC3339)))
	files := map[string]string{
		".aws/config": "[profile proc]\nregion = us-east-2\ncredential_process = " + proc + " --ignored-arg\n" +
			"aws_access_key_id = AKIACONFIG00000003\naws_secret_access_key = " + configSecret + "\n" +
			"[profile chained]\nsource_profile = proc\n",
	}
	for name, content := range files {
		writeFile(t, dir, name, content)
	}
	for _, profile := range []string{"proc", "chained"} {
		c, err := Load(Flags{Profile: profile}, envFor(dir, nil))
		if err != nil {
			t.Fatalf("%s: %v", profile, err)
		}
		cr := c.Store.Creds
		if cr.AccessKeyID != "ASIAPROC0000000004" || cr.SecretAccessKey != processSecret || cr.SessionToken != tokenSecret {
			t.Errorf("%s: credentials %q from %s, want the process's (it beats keys in the config file)", profile, cr.AccessKeyID, cr.Source)
		}
		if !cr.Expires.Equal(exp) {
			t.Errorf("%s: Expires = %v, want %v", profile, cr.Expires, exp)
		}
		if cr.Source != "credential_process of ~/.aws/config [profile proc]" {
			t.Errorf("%s: source = %q", profile, cr.Source)
		}
		if got := c.Source("credentials expire"); got != cr.Source {
			t.Errorf("%s: credentials expire source = %q", profile, got)
		}
		noSecrets(t, "settings", shown(c))
	}
}

func TestCredentialsFileBeatsConfigKeys(t *testing.T) {
	dir := home(t, map[string]string{
		".aws/config":      "[profile p]\naws_access_key_id = AKIACONFIG00000003\naws_secret_access_key = " + configSecret + "\n[profile q]\naws_access_key_id = AKIACONFIG00000003\naws_secret_access_key = " + configSecret + "\n",
		".aws/credentials": "[p]\naws_access_key_id = AKIACREDS000000002\naws_secret_access_key = " + credsSecret + "\n",
	})
	for profile, want := range map[string]string{"p": "AKIACREDS000000002", "q": "AKIACONFIG00000003"} {
		c, err := Load(Flags{Profile: profile}, envFor(dir, nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.Store.Creds.AccessKeyID != want {
			t.Errorf("profile %s: key %s (from %s), want %s", profile, c.Store.Creds.AccessKeyID, c.Store.Creds.Source, want)
		}
	}
}

func TestPathsFromEnvironment(t *testing.T) {
	dir := home(t, map[string]string{
		"elsewhere/aws-config": "[profile x]\nendpoint_url = http://127.0.0.1:9700\n",
		"elsewhere/aws-creds":  "[x]\naws_access_key_id = AKIAELSEWHERE00009\naws_secret_access_key = " + credsSecret + "\n",
		"elsewhere/mc/config.json": `{"version":"10","aliases":{"m":{"url":"http://127.0.0.1:9800","accessKey":"MC","secretKey":"` +
			mcSecret + `","api":"S3v4","path":"auto"}}}`,
		"xdg/s3share/config.toml": "[stores.s]\nendpoint = \"http://127.0.0.1:9900\"\n",
		"custom.toml":             "[stores.c]\nendpoint = \"http://127.0.0.1:9901\"\n",
	})
	env := envFor(dir, map[string]string{
		"AWS_CONFIG_FILE":             "~/elsewhere/aws-config",
		"AWS_SHARED_CREDENTIALS_FILE": dir + "/elsewhere/aws-creds",
		"MC_CONFIG_DIR":               "~/elsewhere/mc",
		"XDG_CONFIG_HOME":             dir + "/xdg",
	})
	for _, tc := range []struct {
		flags Flags
		want  string
	}{
		{Flags{Profile: "x"}, "http://127.0.0.1:9700"},
		{Flags{Alias: "m"}, "http://127.0.0.1:9800"},
		{Flags{Store: "s"}, "http://127.0.0.1:9900"},
		{Flags{Store: "c", ConfigFile: dir + "/custom.toml"}, "http://127.0.0.1:9901"},
	} {
		c, err := Load(tc.flags, env)
		if err != nil {
			t.Fatalf("%+v: %v", tc.flags, err)
		}
		if c.Store.Endpoint.String() != tc.want {
			t.Errorf("%+v: endpoint %s, want %s", tc.flags, c.Store.Endpoint, tc.want)
		}
		if tc.flags.Profile == "x" && c.Store.Creds.AccessKeyID != "AKIAELSEWHERE00009" {
			t.Errorf("profile x from AWS_SHARED_CREDENTIALS_FILE: key %q", c.Store.Creds.AccessKeyID)
		}
		for _, f := range c.Files {
			if f.What == "AWS config" && tc.flags.Profile == "x" && (f.Path != "~/elsewhere/aws-config" || f.Source != "env AWS_CONFIG_FILE" || f.State != "read") {
				t.Errorf("AWS config file = %+v", f)
			}
		}
	}
}

func TestPrefs(t *testing.T) {
	dir := home(t, map[string]string{".config/s3share/config.toml": `
[ui]
default_expiry = "2h"
expiry_presets = ["15m", "1h", "1d", "7d"]
default_disposition = "attachment"
theme = "dark"
clipboard = "osc52"

[keys]
quit = ["q", "ctrl+c"]
share = "s"
`})
	c, err := Load(Flags{}, envFor(dir, map[string]string{"NO_COLOR": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Prefs
	if p.DefaultExpiry != 2*time.Hour || fmt.Sprint(p.ExpiryPresets) != "[15m0s 1h0m0s 24h0m0s 168h0m0s]" ||
		p.DefaultDisposition != "attachment" || p.Theme != "dark" || p.Clipboard != ClipboardOSC52 || !p.NoColor {
		t.Errorf("prefs = %+v", p)
	}
	if fmt.Sprint(p.Keys["quit"]) != "[q ctrl+c]" || fmt.Sprint(p.Keys["share"]) != "[s]" {
		t.Errorf("keys = %v", p.Keys)
	}
	if got := c.Source("expiry presets"); got != "~/.config/s3share/config.toml" {
		t.Errorf("expiry presets source = %q", got)
	}
}

func TestSecretFileWarnings(t *testing.T) {
	dir := home(t, fullHome)
	for _, name := range []string{".aws/credentials", ".mc/config.json", ".config/s3share/config.toml"} {
		chmod(t, dir, name, 0o644)
	}
	for _, tc := range []struct {
		flags Flags
		file  string
	}{
		{Flags{Profile: "prod"}, "~/.aws/credentials"},
		{Flags{Alias: "minio"}, "~/.mc/config.json"},
		{Flags{Store: "keys"}, "~/.config/s3share/config.toml"},
	} {
		c, err := Load(tc.flags, envFor(dir, nil))
		if err != nil {
			t.Fatal(err)
		}
		want := tc.file + " holds secrets and can be read by other users (mode 0644): run chmod 600 " + tc.file
		if !strings.Contains(strings.Join(c.Warnings, "\n"), want) {
			t.Errorf("%+v: warnings %q lack %q", tc.flags, c.Warnings, want)
		}
	}
	// A readable file without secrets is fine.
	dir = home(t, map[string]string{".aws/config": "[profile p]\nregion = us-east-2\n"})
	chmod(t, dir, ".aws/config", 0o644)
	c, err := Load(Flags{Profile: "p"}, envFor(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings for a file without secrets: %q", c.Warnings)
	}
}

// TestCABundleOnPlainHTTP: AWS_CA_BUNDLE, set for every command, is
// neither warned about nor read for an http endpoint; a bundle asked for
// by flag or file is warned about there.
func TestCABundleOnPlainHTTP(t *testing.T) {
	files := map[string]string{"ca.pem": certPEM(t), ".config/s3share/config.toml": `
[stores.plain]
endpoint = "http://127.0.0.1:9000"
ca_bundle = "~/ca.pem"
`}
	dir := home(t, files)
	const unused = "is not used"
	for _, c := range []struct {
		name  string
		flags Flags
		env   map[string]string
		warn  bool
	}{
		{"env, http", Flags{Endpoint: "http://127.0.0.1:9000"}, map[string]string{"AWS_CA_BUNDLE": "~/ca.pem"}, false},
		{"env naming no file, http", Flags{Endpoint: "http://127.0.0.1:9000"}, map[string]string{"AWS_CA_BUNDLE": "~/nope.pem"}, false},
		{"flag, http", Flags{Endpoint: "http://127.0.0.1:9000", CABundle: "~/ca.pem"}, nil, true},
		{"config file, http", Flags{Store: "plain"}, nil, true},
		{"env, https", Flags{Endpoint: "https://127.0.0.1:9443"}, map[string]string{"AWS_CA_BUNDLE": "~/ca.pem"}, false},
	} {
		cfg, err := Load(c.flags, envFor(dir, c.env))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := strings.Contains(strings.Join(cfg.Warnings, "\n"), unused); got != c.warn {
			t.Errorf("%s: warnings %q; want the unused-bundle warning: %v", c.name, cfg.Warnings, c.warn)
		}
	}
	cfg, err := Load(Flags{Endpoint: "http://127.0.0.1:9000"}, envFor(dir, map[string]string{"AWS_CA_BUNDLE": "~/ca.pem"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store.CABundle != "" || !strings.Contains(settingValue(cfg, "ca bundle"), "not used") {
		t.Errorf("CABundle %q, setting %q", cfg.Store.CABundle, settingValue(cfg, "ca bundle"))
	}
	// On https the environment's bundle is still checked.
	if _, err := Load(Flags{Endpoint: "https://127.0.0.1:9443"}, envFor(dir, map[string]string{"AWS_CA_BUNDLE": "~/nope.pem"})); err == nil {
		t.Error("a missing AWS_CA_BUNDLE file on an https endpoint: no error")
	}
}

func settingValue(c *Config, name string) string {
	for _, s := range c.Settings {
		if s.Name == name {
			return s.Value
		}
	}
	return ""
}

func TestStoreColor(t *testing.T) {
	files := map[string]string{".config/s3share/config.toml": `[stores.prod]
endpoint = "http://127.0.0.1:9400"
color = "Red"

[stores.dev]
endpoint = "http://127.0.0.1:9401"
`}
	dir := home(t, files)
	c, err := Load(Flags{Store: "prod"}, envFor(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Color != "red" {
		t.Errorf("prod color = %q, want red", c.Store.Color)
	}
	if c, err = Load(Flags{Store: "dev"}, envFor(dir, nil)); err != nil || c.Store.Color != "" {
		t.Errorf("dev color = %q, %v; want none", c.Store.Color, err)
	}
	for _, ok := range []string{"red", "9", "255", "#ff0000"} {
		if !ValidColor(ok) {
			t.Errorf("ValidColor(%q) = false", ok)
		}
	}
	bad := map[string]string{".config/s3share/config.toml": "[stores.prod]\nendpoint = \"http://127.0.0.1:9400\"\ncolor = \"reddish\"\n"}
	_, err = Load(Flags{Store: "prod"}, envFor(home(t, bad), nil))
	if err == nil || !strings.Contains(err.Error(), "config.toml:3") || !strings.Contains(err.Error(), `color "reddish"`) {
		t.Errorf("bad colour: err = %v, want it named with its line", err)
	}
}

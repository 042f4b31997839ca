package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		flags Flags
		want  []string // substrings of the error, in order
	}{
		{
			name:  "unknown profile lists the profiles",
			files: fullHome,
			flags: Flags{Profile: "nope"},
			want:  []string{`--profile: no profile "nope" in ~/.aws/config or ~/.aws/credentials; profiles there: default, prod, svc`},
		},
		{
			name:  "unknown profile from AWS_PROFILE",
			files: fullHome,
			env:   map[string]string{"AWS_PROFILE": "nope"},
			want:  []string{`env AWS_PROFILE: no profile "nope"`},
		},
		{
			name:  "a profile written without the profile prefix",
			files: map[string]string{".aws/config": "# comment\n[prod]\nregion = us-east-1\n"},
			flags: Flags{Profile: "prod"},
			want:  []string{`no profile "prod"`, "~/.aws/config:2 has [prod]; in the config file a profile's section is written [profile prod]"},
		},
		{
			name:  "no profiles at all",
			files: nil,
			flags: Flags{Profile: "dev"},
			want:  []string{"which have no profiles; create one with `aws configure --profile dev`"},
		},
		{
			name:  "malformed INI line names file and line but not the line",
			files: map[string]string{".aws/credentials": "[prod]\naws_access_key_id = AKIA0000000000000001\naws_secret_access_key " + credsSecret + "\n"},
			flags: Flags{Profile: "prod"},
			want:  []string{`~/.aws/credentials:3: not a "name = value" line`},
		},
		{
			name:  "unclosed section header",
			files: map[string]string{".aws/config": "[default]\nregion = us-east-1\n\n[profile x\nregion = us-east-2\n"},
			want:  []string{`~/.aws/config:4: section header without "]"`},
		},
		{
			name:  "unreadable file",
			files: map[string]string{".aws/config/oops": "a directory where a file should be"},
			want:  []string{"~/.aws/config: cannot read: "},
		},
		{
			name:  "endpoint without a scheme in a profile",
			files: map[string]string{".aws/config": "[profile local]\nregion = us-east-1\nendpoint_url = 127.0.0.1:9000\n"},
			flags: Flags{Profile: "local"},
			want:  []string{`~/.aws/config:3: [profile local] endpoint_url: endpoint "127.0.0.1:9000" has no scheme: write http://127.0.0.1:9000 or https://127.0.0.1:9000`},
		},
		{
			name: "endpoint without a scheme in the environment",
			env:  map[string]string{"AWS_ENDPOINT_URL": "minio.local:9000"},
			want: []string{`AWS_ENDPOINT_URL: endpoint "minio.local:9000" has no scheme`},
		},
		{
			name:  "endpoint with credentials in it",
			flags: Flags{Endpoint: "https://AKIA:" + envSecret + "@s3.example.com"},
			want:  []string{"--endpoint: endpoint", "put credentials in the environment or a profile"},
		},
		{
			name:  "--region on an endpoint that implies another",
			flags: Flags{Endpoint: "https://s3.eu-west-1.amazonaws.com", Region: "us-west-2"},
			want:  []string{"--region: region us-west-2 does not match endpoint https://s3.eu-west-1.amazonaws.com (from --endpoint), which serves eu-west-1: drop the region setting"},
		},
		{
			name:  "a services reference to a missing section",
			files: map[string]string{".aws/config": "[profile p]\nservices = gone\n"},
			flags: Flags{Profile: "p"},
			want:  []string{"~/.aws/config:2: [profile p] services = gone: there is no [services gone] section"},
		},
		{
			name:  "endpoint without a scheme in a [services] section",
			files: map[string]string{".aws/config": "[profile p]\nservices = gw\n\n[services gw]\ns3 =\n  region = x\n  endpoint_url = minio:9000\n"},
			flags: Flags{Profile: "p"},
			want:  []string{`~/.aws/config:7: [services gw] s3.endpoint_url: endpoint "minio:9000" has no scheme`},
		},
		{
			name:  "bad addressing_style",
			files: map[string]string{".aws/config": "[profile p]\ns3 =\n  addressing_style = sideways\n"},
			flags: Flags{Profile: "p"},
			want:  []string{`~/.aws/config:3: [profile p] s3.addressing_style: addressing "sideways": want auto, path or virtual`},
		},
		{
			name:  "SSO profile",
			files: map[string]string{".aws/config": "[profile corp]\nsso_session = my-sso\nsso_account_id = 111122223333\n"},
			flags: Flags{Profile: "corp"},
			want:  []string{"~/.aws/config:2: [profile corp] sso_session = my-sso: there is no [sso-session my-sso] section in ~/.aws/config: run aws configure sso --profile corp"},
		},
		{
			name:  "assume-role profile",
			files: map[string]string{".aws/config": "[profile base]\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n"},
			flags: Flags{Profile: "admin"},
			want:  []string{"~/.aws/config:4: [profile admin] source_profile = base: profile base has no credentials"},
		},
		{
			name:  "assume-role profile with no source",
			files: map[string]string{".aws/config": "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\n"},
			flags: Flags{Profile: "admin"},
			want:  []string{"~/.aws/config:2: [profile admin] role_arn: profile admin has role_arn but neither source_profile nor credential_source"},
		},
		{
			name:  "assume-role profile with an unknown credential_source",
			files: map[string]string{".aws/config": "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\ncredential_source = Ec2\n"},
			flags: Flags{Profile: "admin"},
			want:  []string{"~/.aws/config:3: [profile admin] credential_source = Ec2: want Environment, Ec2InstanceMetadata or EcsContainer"},
		},
		{
			name: "assume-role profile with mfa_serial and no code",
			files: map[string]string{".aws/config": "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = admin\n" +
				"mfa_serial = arn:aws:iam::123456789012:mfa/me\naws_access_key_id = AKIAX\naws_secret_access_key = " + configSecret + "\n"},
			flags: Flags{Profile: "admin"},
			want:  []string{"~/.aws/config:4: [profile admin] mfa_serial: profile admin needs an MFA code: run again with --mfa-code CODE"},
		},
		{
			name:  "SSO profile is not a problem when the environment has credentials",
			files: map[string]string{".aws/config": "[profile corp]\nsso_session = my-sso\n[profile corp2]\nsso_session = x\n"},
			env:   with(envKeys, "AWS_PROFILE", "corp"),
			want:  nil,
		},
		{
			name:  "source_profile loop",
			files: map[string]string{".aws/config": "[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n"},
			flags: Flags{Profile: "a"},
			want:  []string{"~/.aws/config:4: [profile b] source_profile = a: profiles refer to each other in a loop (a → b → a)"},
		},
		{
			name:  "only the key id in the credentials file",
			files: map[string]string{".aws/credentials": "[p]\naws_access_key_id = AKIA0000000000000001\n"},
			flags: Flags{Profile: "p"},
			want:  []string{"~/.aws/credentials:2: [p] has aws_access_key_id but no aws_secret_access_key: add the secret key"},
		},
		{
			name: "only the secret in the environment",
			env:  map[string]string{"AWS_SECRET_ACCESS_KEY": envSecret},
			want: []string{"AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"},
		},
		{
			name:  "two selections",
			flags: Flags{Profile: "a", Alias: "b"},
			want:  []string{"--profile and --alias each pick a store: give only one"},
		},
		{
			name:  "unknown alias lists the aliases",
			files: fullHome,
			flags: Flags{Alias: "nope"},
			want:  []string{`--alias: no alias "nope" in ~/.mc/config.json; aliases there: minio`},
		},
		{
			name:  "alias without an mc config",
			flags: Flags{Alias: "local"},
			want:  []string{`--alias: alias "local": there is no mc config at ~/.mc/config.json: create the alias with ` + "`mc alias set local URL ACCESS_KEY SECRET_KEY`"},
		},
		{
			name:  "broken mc config",
			files: map[string]string{".mc/config.json": "{\n  \"version\": \"10\",\n  \"aliases\": {\n    \"x\": {\"secretKey\": \"" + mcSecret + "\" \"url\": 1}\n}}\n"},
			flags: Flags{Alias: "x"},
			want:  []string{"~/.mc/config.json:4: not valid JSON"},
		},
		{
			name:  "unknown store lists the stores",
			files: fullHome,
			flags: Flags{Store: "nope"},
			want:  []string{"--store nope: no such store in ~/.config/s3share/config.toml; stores there: both, filestore, keys, viaalias"},
		},
		{
			name:  "store without a config file",
			flags: Flags{Store: "x"},
			want:  []string{"--store x: there is no config file at ~/.config/s3share/config.toml; create it with a [stores.NAME] table"},
		},
		{
			name:  "--config file missing",
			flags: Flags{ConfigFile: "/nonexistent/s3share.toml"},
			want:  []string{"--config /nonexistent/s3share.toml: no such file"},
		},
		{
			name:  "TOML syntax error on a secret line",
			files: map[string]string{".config/s3share/config.toml": "[stores.x]\nendpoint = \"http://127.0.0.1:1\"\nsecret_access_key = " + fileSecret + "\n"},
			want:  []string{"~/.config/s3share/config.toml:3: not valid TOML"},
		},
		{
			name:  "bad addressing in the config file",
			files: map[string]string{".config/s3share/config.toml": "[stores.x]\n\naddressing = \"diagonal\"\n"},
			want:  []string{`~/.config/s3share/config.toml:3: stores.x.addressing: addressing "diagonal": want auto, path or virtual`},
		},
		{
			name:  "unknown setting in the config file",
			files: map[string]string{".config/s3share/config.toml": "[stores.x]\nendpiont = \"http://127.0.0.1:1\"\n"},
			want:  []string{"~/.config/s3share/config.toml:2: unknown setting stores.x.endpiont"},
		},
		{
			name:  "bad expiry preset",
			files: map[string]string{".config/s3share/config.toml": "[ui]\nexpiry_presets = [\"1h\", \"9d\"]\n"},
			want:  []string{`~/.config/s3share/config.toml:2: ui.expiry_presets: expiry "9d" is longer than 7 days`},
		},
		{
			name:  "bad clipboard mode",
			files: map[string]string{".config/s3share/config.toml": "[ui]\nclipboard = \"carrier-pigeon\"\n"},
			want:  []string{`~/.config/s3share/config.toml:2: ui.clipboard: clipboard "carrier-pigeon": want auto, native, osc52 or off`},
		},
		{
			name:  "key override that is not a string",
			files: map[string]string{".config/s3share/config.toml": "[keys]\nquit = [1, 2]\n"},
			want:  []string{`~/.config/s3share/config.toml:2: keys.quit: want a key such as "q"`},
		},
		{
			name:  "default_store naming no store",
			files: map[string]string{".config/s3share/config.toml": "default_store = \"gone\"\n[stores.here]\n"},
			want:  []string{`~/.config/s3share/config.toml:1: default_store "gone": no such store in ~/.config/s3share/config.toml; stores there: here`},
		},
		{
			name:  "store naming a missing profile",
			files: map[string]string{".config/s3share/config.toml": "[stores.s]\nprofile = \"gone\"\n", ".aws/config": "[profile p]\n"},
			flags: Flags{Store: "s"},
			want:  []string{`~/.config/s3share/config.toml:2: [stores.s] profile: no profile "gone" in ~/.aws/config or ~/.aws/credentials; profiles there: p`},
		},
		{
			name:  "CA bundle that is not PEM",
			files: map[string]string{"ca.pem": "not a certificate"},
			flags: Flags{Endpoint: "https://127.0.0.1:9443", CABundle: "~/ca.pem"},
			want:  []string{"--ca-bundle: CA bundle ~/ca.pem: no PEM certificate in it"},
		},
		{
			name: "CA bundle that does not exist",
			env:  map[string]string{"AWS_CA_BUNDLE": "/nonexistent/ca.pem"},
			want: []string{"AWS_CA_BUNDLE: CA bundle /nonexistent/ca.pem: no such file or directory"},
		},
		{
			name: "bad AWS_CREDENTIAL_EXPIRATION",
			env:  with(envKeys, "AWS_CREDENTIAL_EXPIRATION", "tomorrow"),
			want: []string{`AWS_CREDENTIAL_EXPIRATION "tomorrow": not an RFC 3339 time`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := home(t, tt.files)
			_, err := Load(tt.flags, envFor(dir, tt.env))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded, want an error with %q", tt.want)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line:\n%s", msg)
			}
			rest := msg
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error %q\nlacks %q", msg, w)
				}
				rest = rest[i+len(w):]
			}
			t.Logf("error: %s", msg)
			noSecrets(t, "error", msg)
		})
	}
}

func TestCredentialProcessErrors(t *testing.T) {
	defer func(d time.Duration) { processTimeout = d }(processTimeout)
	processTimeout = 500 * time.Millisecond

	tests := []struct {
		name string
		body string
		want string
	}{
		{"fails", "echo '{\"SecretAccessKey\": \"" + processSecret + "\"}'\necho 'token expired, run login' >&2\nexit 3\n",
			"~/.aws/config:2: [profile p] credential_process: profile p: the command failed (exit status 3): token expired, run login"},
		{"bad JSON", "echo 'SecretAccessKey=" + processSecret + "'\n",
			"~/.aws/config:2: [profile p] credential_process: profile p: its output is not JSON; it must print {\"Version\": 1"},
		{"nothing printed", "true\n", "profile p: it printed nothing"},
		{"wrong version", "echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" + processSecret + "\"}'\n",
			"profile p: its output has Version 2; s3share reads Version 1"},
		{"missing secret", "echo '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n", "profile p: its output lacks AccessKeyId or SecretAccessKey"},
		{"bad expiration", "echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" + processSecret + "\", \"Expiration\": \"soon\"}'\n",
			"profile p: its Expiration is not an RFC 3339 time"},
		{"wrong type", "echo '{\"Version\": \"" + processSecret + "\"}'\n", "profile p: its output has Version of the wrong type"},
		{"hangs", "sleep 30\n", "profile p: the command did not finish within 500ms: run it by hand to see why it hangs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := home(t, nil)
			proc := script(t, dir, "creds.sh", tt.body)
			writeFile(t, dir, ".aws/config", "[profile p]\ncredential_process = "+proc+"\n")
			_, err := Load(Flags{Profile: "p"}, envFor(dir, nil))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tt.want)
			}
			noSecrets(t, "error", err.Error())
		})
	}
}

// TestCredentialProcessOnlyWhenUsed checks that a profile's
// credential_process does not run when other credentials win.
func TestCredentialProcessOnlyWhenUsed(t *testing.T) {
	dir := home(t, nil)
	marker := filepath.Join(dir, "ran")
	proc := script(t, dir, "creds.sh", "touch "+marker+"\nexit 1\n")
	writeFile(t, dir, ".aws/config", "[profile p]\ncredential_process = "+proc+"\n")
	if _, err := Load(Flags{}, envFor(dir, with(envKeys, "AWS_PROFILE", "p"))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("credential_process ran although the environment's credentials were used")
	}
	if _, err := Load(Flags{Profile: "p"}, envFor(dir, envKeys)); err == nil {
		t.Error("--profile p with a failing credential_process: no error")
	}
	if _, err := os.Stat(marker); err != nil {
		t.Error("credential_process did not run for --profile p")
	}
}

func TestTOMLTypeErrorNamesLine(t *testing.T) {
	dir := home(t, map[string]string{".config/s3share/config.toml": "[ui]\n\ntheme = 3\n"})
	_, err := Load(Flags{}, envFor(dir, nil))
	want := "~/.config/s3share/config.toml:3: ui.theme: incompatible types: TOML value has type int64; destination has type string"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

// TestCredentialProcessHangKillsGroup: a credential_process that hangs is
// given up on after --timeout, and nothing it started is left running.
func TestCredentialProcessHangKillsGroup(t *testing.T) {
	dir := home(t, nil)
	pidFile := filepath.Join(dir, "child.pid")
	proc := script(t, dir, "creds.sh", "sleep 60 &\necho $! > "+pidFile+"\nwait\n")
	writeFile(t, dir, ".aws/config", "[profile p]\ncredential_process = "+proc+"\n")
	_, err := Load(Flags{Profile: "p", Timeout: "700ms"}, envFor(dir, nil))
	if err == nil || !strings.Contains(err.Error(), "did not finish within 700ms") {
		t.Fatalf("error = %v, want the --timeout of 700ms", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the script did not start its child: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the credential_process's child %d is still running after s3share gave up", pid)
	}
}

// alive reports whether process pid runs (a zombie waiting to be reaped
// does not count).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// TestHugeValuesMakeShortErrors: a huge configuration file is refused in
// one short line, and a long bad value is quoted only in part.
func TestHugeValuesMakeShortErrors(t *testing.T) {
	dir := home(t, nil)
	big := strings.Repeat("x", 2<<20)
	writeFile(t, dir, ".config/s3share/config.toml", "[stores.a]\nendpoint = \""+big+"\"\n")
	_, err := Load(Flags{Store: "a"}, envFor(dir, nil))
	if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "larger than 1024 KiB") {
		t.Fatalf("huge file: %.300v", err)
	}
	long := strings.Repeat("y", 100<<10)
	writeFile(t, dir, ".config/s3share/config.toml", "[stores.a]\nendpoint = \""+long+"\"\n[ui]\ndefault_expiry = \""+long+"\"\n")
	_, err = Load(Flags{Store: "a"}, envFor(dir, nil))
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "(102400 bytes)") {
		t.Fatalf("long value: %d bytes of error: %.400v", len(fmt.Sprint(err)), err)
	}
}

package cli

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of doctor's credential chain")

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
	j := strings.Index(out, "files:")
	if i < 0 || j < i {
		return ""
	}
	s := out[i:j]
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

	tests := []struct {
		name string
		vars func(string) map[string]string
		ok   bool
	}{
		{"imds", func(string) map[string]string {
			return map[string]string{"AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL}
		}, true},
		{"imds-disabled", func(string) map[string]string {
			return map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL}
		}, false},
		{"imds-unreachable", func(string) map[string]string {
			return map[string]string{"AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}
		}, false},
		{"container", func(string) map[string]string {
			return map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": ecs.URL + "/v2/credentials",
				"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "~/auth"}
		}, true},
		{"web-identity", func(string) map[string]string {
			return map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web",
				"AWS_WEB_IDENTITY_TOKEN_FILE": "~/web"}
		}, true},
		{"environment", func(string) map[string]string {
			return map[string]string{"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey, "AWS_SESSION_TOKEN": srv.SessionToken}
		}, true},
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
			doctorHome(t, map[string]string{"auth": chainAuth + "\n", "web": chainWebToken}, vars)
			code, out, errOut := runDoctorCmd(t, []string{chainSecretKey, chainSession, chainAuth, chainWebToken, credtest.IMDSToken})
			if (code == 0) != tt.ok {
				t.Fatalf("doctor exit %d, want ok %v:\n%s\n%s", code, tt.ok, out, errOut)
			}
			got := chainSection(out)
			path := filepath.Join("testdata", "doctor-chain-"+tt.name+".golden")
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
				t.Errorf("doctor's credential chain:\n%s\nwant (%s):\n%s", got, path, want)
			}
		})
	}
}

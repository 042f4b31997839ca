package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCredentialProcessPromptsOnTheTerminal: a credential_process that
// asks for an MFA code on /dev/tty gets it (it runs in the terminal's
// foreground, as under the AWS CLI), and its credentials sign the link.
func TestCredentialProcessPromptsOnTheTerminal(t *testing.T) {
	bin := buildS3share(t)
	home := t.TempDir()
	script := filepath.Join(home, "creds.sh")
	body := `#!/bin/sh
printf 'MFA code: ' >/dev/tty
read code </dev/tty || { echo 'cannot read the terminal' >&2; exit 3; }
[ "$code" = 123456 ] || { echo "wrong code $code" >&2; exit 4; }
echo '{"Version": 1, "AccessKeyId": "AKIDMFA", "SecretAccessKey": "PROCESSsecretKEYvalue000000000000000000034"}'
`
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(home, "aws-config")
	if err := os.WriteFile(cfg, []byte("[profile mfa]\ncredential_process = "+script+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"AWS_CONFIG_FILE": cfg, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "none"),
		"XDG_STATE_HOME": home, "XDG_CONFIG_HOME": home, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
	tm := startTmux(t, bin, []string{"presign", "--profile", "mfa", "--endpoint", "http://127.0.0.1:9", "--region", "us-east-1", "s3://bkt/k.txt"},
		tmuxOptions{width: 200, height: 20, dir: home, env: envList(vars)})
	tm.waitText("the MFA prompt", "MFA code:")
	tm.typeText("123456")
	tm.key("Enter")
	tm.waitText("the signed link", "X-Amz-Credential=AKIDMFA")
}

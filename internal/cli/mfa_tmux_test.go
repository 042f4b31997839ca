package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
)

// TestMFAPromptInTmux opens the browser on a role profile with
// mfa_serial and no --mfa-code: s3share asks for the code on the
// terminal, assumes the role with it, and lists.
func TestMFAPromptInTmux(t *testing.T) {
	bin := buildS3share(t)
	srv, err := demo.Start(demo.Options{AccessKey: "ASIAMFAKEY00001", SecretKey: tempSecret, SessionToken: tempSession, NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.MakeBucket("mfa")
	srv.PutObject("mfa", "docs/secret-plans.txt", []byte("1"), "text/plain", nil)
	sts, log := credtest.STS(t, credtest.Keys{AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, SessionToken: srv.SessionToken, TTL: time.Hour}, "")
	home := t.TempDir()
	writeHome(t, home, map[string]string{
		".aws/config": "[profile base]\n[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/mfa\nsource_profile = base\n" +
			"mfa_serial = arn:aws:iam::123456789012:mfa/me\n",
		".aws/credentials": "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = " + botSecret + "\n",
	})
	s := startTmux(t, bin, []string{"--profile", "mfa", "--endpoint", srv.URL, "s3://mfa/docs/"}, tmuxOptions{width: 100, height: 24, env: []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home, "AWS_ENDPOINT_URL_STS=" + sts.URL,
	}})
	s.waitText("the MFA prompt", "MFA code for arn:aws:iam::123456789012:mfa/me:")
	s.typeText(credtest.MFACode)
	s.key("Enter")
	s.waitText("the listing", "secret-plans.txt")
	calls := log.Calls()
	if len(calls) != 1 || calls[0].Form.Get("TokenCode") != credtest.MFACode || calls[0].KeyID != "AKIABASE" {
		t.Errorf("STS calls: %+v", calls)
	}
	for _, sec := range []string{tempSecret, tempSession, botSecret} {
		if strings.Contains(strings.Join(s.screens, "\n")+s.stderr(), sec) {
			t.Errorf("the screen or stderr shows a secret")
		}
	}
}

// TestMFAPromptInRunningTUI switches, in a running session, to a role
// profile with mfa_serial: the store picker asks for the code, which is
// typed into the TUI, and the new store lists with the role's credentials.
func TestMFAPromptInRunningTUI(t *testing.T) {
	bin := buildS3share(t)
	srv, err := demo.Start(demo.Options{AccessKey: "ASIAMFAKEY00002", SecretKey: tempSecret, SessionToken: tempSession,
		ExtraKeys: map[string]string{"AKIABASE": botSecret}, NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.MakeBucket("before-mfa")
	sts, log := credtest.STS(t, credtest.Keys{AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, SessionToken: srv.SessionToken, TTL: time.Hour}, "")
	home := t.TempDir()
	writeHome(t, home, map[string]string{
		".aws/config": "[profile base]\nendpoint_url = " + srv.URL + "\n" +
			"[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/mfa\nsource_profile = base\n" +
			"mfa_serial = arn:aws:iam::123456789012:mfa/me\nendpoint_url = " + srv.URL + "\n",
		".aws/credentials": "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = " + botSecret + "\n",
	})
	s := startTmux(t, bin, []string{"--profile", "base"}, tmuxOptions{width: 100, height: 24, env: []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home, "AWS_ENDPOINT_URL_STS=" + sts.URL,
	}})
	s.waitText("the buckets of the base profile", "before-mfa")
	srv.MakeBucket("after-mfa")
	s.key("S")
	s.waitText("the store picker", "profile mfa")
	s.key("j")
	s.key("Enter")
	s.waitText("the MFA prompt in the picker", "MFA code for arn:aws:iam::123456789012:mfa/me:")
	if n := len(log.Calls()); n != 0 {
		t.Errorf("%d STS calls before the code was typed", n)
	}
	s.typeText("12345x")
	s.key("Enter")
	s.waitText("the refusal of a code that is not 6 digits", "want the 6 digits your MFA device shows")
	s.key("BSpace")
	s.typeText(credtest.MFACode[5:]) // 12345 + 6
	s.key("Enter")
	s.waitText("the switch", "connected to profile mfa")
	s.waitText("the buckets, listed with the role's credentials", "after-mfa")
	calls := log.Calls()
	if len(calls) != 1 || calls[0].Form.Get("TokenCode") != credtest.MFACode || calls[0].KeyID != "AKIABASE" ||
		calls[0].Form.Get("SerialNumber") != "arn:aws:iam::123456789012:mfa/me" {
		t.Errorf("STS calls: %+v", calls)
	}
}

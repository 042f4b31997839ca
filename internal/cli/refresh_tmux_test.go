package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
)

// TestTUIRenewsCredentialsInTmux runs the browser with instance-role
// credentials that expire 3 s after each fetch and keeps listing for more
// than 10 s: the fake metadata service's log shows the renewals.
func TestTUIRenewsCredentialsInTmux(t *testing.T) {
	bin := buildS3share(t)
	srv, err := demo.Start(demo.Options{AccessKey: "ASIARENEWKEY001", SecretKey: tempSecret, SessionToken: tempSession, NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.MakeBucket("renew")
	srv.PutObject("renew", "docs/first.txt", []byte("1"), "text/plain", nil)
	imds, log := credtest.IMDS(t, credtest.Keys{AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, SessionToken: srv.SessionToken, TTL: 3 * time.Second})
	home := t.TempDir()
	s := startTmux(t, bin, []string{"--endpoint", srv.URL, "s3://renew/docs/"}, tmuxOptions{width: 100, height: 24, env: []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home,
		"AWS_EC2_METADATA_DISABLED=", "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds.URL,
	}})
	s.waitText("the first listing", "first.txt")
	start := time.Now()
	const creds = "GET " + credtest.IMDSCredsPath
	for i := 0; time.Since(start) < 11*time.Second; i++ {
		time.Sleep(2 * time.Second)
		name := "later" + string(rune('a'+i)) + ".txt"
		srv.PutObject("renew", "docs/"+name, []byte("x"), "text/plain", nil)
		s.key("r")
		s.waitFor(name+" after "+time.Since(start).Round(time.Second).String(), func(sc string) bool {
			return strings.Contains(sc, name) && !strings.Contains(sc, "InvalidAccessKeyId")
		})
	}
	t.Logf("%d credential fetches in %s", log.Count(creds), time.Since(start).Round(time.Second))
	if n := log.Count(creds); n < 3 {
		t.Errorf("the credentials were fetched %d times in 11 s of 3 s credentials: %v", n, log.All())
	}
	for _, sec := range []string{tempSecret, tempSession, credtest.IMDSToken} {
		if strings.Contains(strings.Join(s.screens, "\n")+s.stderr(), sec) {
			t.Errorf("the screen or stderr shows a secret")
		}
	}
}

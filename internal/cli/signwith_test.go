package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/presign/ledger"
)

const (
	botSecret   = "BOTsecretKEYvalue0000000000000000000000024"
	tempSecret  = "TEMPsecretKEYvalue000000000000000000000025"
	tempSession = "TEMPsessionTOKENvalue00000000000000000026"
)

// TestPresignSignWith browses with instance-role credentials that end in
// 10 minutes and signs with them (the link ends with them), then signs
// the same link through a store whose sign_with names a long-lived
// profile: the endpoint accepts it, and -o json and the ledger say who
// signed it and that it lives its full hour.
func TestPresignSignWith(t *testing.T) {
	srv, err := demo.Start(demo.Options{AccessKey: "ASIATEMPKEY0001", SecretKey: tempSecret, SessionToken: tempSession,
		ExtraKeys: map[string]string{"AKIASHAREBOT0001": botSecret}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	imds, _ := credtest.IMDS(t, credtest.Keys{AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, SessionToken: srv.SessionToken, TTL: 10 * time.Minute})
	ledgerPath := presignEnv(t, "", "")
	home := os.Getenv("HOME")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	writeHome(t, home, map[string]string{
		"no-aws-credentials": "[share-bot]\naws_access_key_id = AKIASHAREBOT0001\naws_secret_access_key = " + botSecret + "\n",
		".config/s3share/config.toml": "[stores.work]\nendpoint = \"" + srv.URL + "\"\n" +
			"[stores.shared]\nendpoint = \"" + srv.URL + "\"\nsign_with = \"profile:share-bot\"\n",
	})
	secrets := []string{botSecret, tempSecret, tempSession, credtest.IMDSToken}
	type link struct {
		URL        string    `json:"url"`
		Expires    time.Time `json:"expires_at"`
		Effective  time.Time `json:"effective_expires_at"`
		Identity   string    `json:"identity"`
		SignedWith string    `json:"signed_with"`
	}
	sign := func(store string) link {
		t.Helper()
		code, out, errs := runCLI(t, "presign", "--store", store, "-o", "json", "-e", "1h", "s3://"+demo.DocsBucket+"/notes/todo.txt")
		if code != 0 {
			t.Fatalf("presign --store %s: exit %d, %s", store, code, errs)
		}
		for _, s := range secrets {
			if strings.Contains(errs, s) {
				t.Fatalf("stderr holds a secret: %s", errs)
			}
		}
		var res []link
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
			t.Fatalf("JSON %s: %v", out, err)
		}
		if code, _, body := httpDo(t, "GET", res[0].URL, nil, nil); code != 200 || !strings.Contains(body, "share the Q3 report") {
			t.Errorf("GET of the link signed through %s: %d %q", store, code, body)
		}
		return res[0]
	}

	short := sign("work")
	if short.Identity != srv.AccessKey || short.SignedWith != "" || short.Effective.After(time.Now().Add(10*time.Minute)) ||
		short.Expires.Sub(short.Effective) < 49*time.Minute {
		t.Errorf("link signed with the instance role: %+v", short)
	}
	full := sign("shared")
	if full.Identity != "AKIASHAREBOT0001" || full.SignedWith != "profile:share-bot" || !full.Effective.Equal(full.Expires) ||
		full.Effective.Before(time.Now().Add(59*time.Minute)) {
		t.Errorf("link signed with sign_with: %+v", full)
	}

	data, err := os.ReadFile(ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("ledger has %d lines", len(lines))
	}
	var first, second ledger.Record
	if json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &second) != nil {
		t.Fatalf("ledger: %s", data)
	}
	if first.Identity != srv.AccessKey || first.SignedWith != "" || second.Identity != "AKIASHAREBOT0001" || second.SignedWith != "profile:share-bot" {
		t.Errorf("ledger identities: %q %q, %q %q", first.Identity, first.SignedWith, second.Identity, second.SignedWith)
	}
	if !second.EffectiveExpiresAt.Equal(full.Effective) || !first.EffectiveExpiresAt.Equal(short.Effective) {
		t.Errorf("ledger expiries: %v, %v", first.EffectiveExpiresAt, second.EffectiveExpiresAt)
	}
	for _, s := range secrets {
		if strings.Contains(string(data), s) && s != tempSession {
			t.Errorf("the ledger holds a secret")
		}
	}

	code, out, _ := runDoctorCmd(t, secrets, "--store", "shared")
	if code != 0 || !strings.Contains(out, "sign with") || !strings.Contains(out, "profile:share-bot, access key id ************0001") {
		t.Errorf("doctor --store shared: exit %d\n%s", code, out)
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign/gatewayapi"
)

// TestServeEndToEnd runs `s3share serve` as a process over versitygw and
// drives it with the client commands: a scoped token, presign --gateway
// with a password and a download limit, the download, shares revoke, and
// a clean stop on SIGTERM. No token or password reaches the output.
func TestServeEndToEnd(t *testing.T) {
	bin := buildS3share(t)
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "team/report.txt", []byte("quarterly numbers"), "text/plain")
	home := t.TempDir()
	db := "sqlite:" + filepath.Join(home, "gw.db")
	const admin = "s3sg_end-to-end-admin-token-abcdefghijklmnopqrstuv"
	const password = "open sesame 42"
	port := freeTCPPort(t)
	base := "http://127.0.0.1:" + port

	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:"+port, "--db", db, "--endpoint", srv.Endpoint, "--region", srv.Region, "--path-style")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_STATE_HOME="+filepath.Join(home, "state"),
		"AWS_ACCESS_KEY_ID="+srv.AccessKey, "AWS_SECRET_ACCESS_KEY="+srv.SecretKey, "AWS_PROFILE=", tokenEnv+"="+admin)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the gateway did not answer /healthz: %v\n%s", err, logs.String())
		}
	}

	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	code, token, stderr := runCLI(t, "serve", "token", "create", "--scope", "s3://"+bucket+"/team/", "--db", db)
	token = strings.TrimSpace(token)
	if code != 0 || !strings.HasPrefix(token, "s3sg_") || strings.Contains(stderr, token) {
		t.Fatalf("token create: %d %q %s", code, token, stderr)
	}
	pwFile := filepath.Join(home, "pw")
	os.WriteFile(pwFile, []byte(password+"\n"), 0o600)
	t.Setenv(tokenEnv, token)
	code, out, stderr := runCLI(t, "presign", "--gateway", base, "--max-downloads", "1", "--password-file", pwFile, "-e", "30d", "-o", "json", "s3://"+bucket+"/team/report.txt")
	if code != 0 {
		t.Fatalf("presign --gateway: %d %s", code, stderr)
	}
	var shares []map[string]any
	if err := json.Unmarshal([]byte(out), &shares); err != nil || len(shares) != 1 {
		t.Fatalf("presign -o json: %v\n%s", err, out)
	}
	sh := shares[0]
	for _, k := range []string{"id", "url", "expires_at", "max_downloads"} {
		if _, ok := sh[k]; !ok {
			t.Errorf("the JSON lacks %s: %s", k, out)
		}
	}
	link := sh["url"].(string)
	if sh["max_downloads"].(float64) != 1 || !strings.HasPrefix(link, base+"/s/") {
		t.Errorf("share %v", sh)
	}
	// An end date past 7 days is the gateway's to allow.
	end := time.Now().AddDate(0, 0, 20).Format("2006-01-02")
	if code, out, stderr := runCLI(t, "presign", "--gateway", base, "-e", end, "--no-ledger", "s3://"+bucket+"/team/report.txt"); code != 0 || !strings.HasPrefix(out, base+"/s/") {
		t.Errorf("presign --gateway -e %s: %d %q %s", end, code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "presign", "--gateway", base, "-e", "45d", "s3://"+bucket+"/team/report.txt"); code == 0 || !strings.Contains(stderr, "max_share_lifetime") {
		t.Errorf("presign --gateway -e 45d: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "presign", "--gateway", base, "s3://"+bucket+"/other.txt"); code == 0 || !strings.Contains(stderr, "scope") {
		t.Errorf("out of scope: %d %s", code, stderr)
	}

	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(link, url.Values{"password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password POST: %d", resp.StatusCode)
	}
	dl, err := http.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if string(body) != "quarterly numbers" || dl.Header.Get("Content-Disposition") != `attachment; filename="report.txt"` {
		t.Errorf("download %q, %q", body, dl.Header.Get("Content-Disposition"))
	}

	// The ledger lists the share, and knows its gateway: the ID alone revokes it.
	code, out, stderr = runCLI(t, "shares")
	if code != 0 || !strings.Contains(out, "gateway") || !strings.Contains(out, "/team/report.txt") {
		t.Errorf("shares does not list the gateway share: %d %q %s", code, out, stderr)
	}
	t.Setenv(gatewayEnv, "")
	code, out, stderr = runCLI(t, "shares", "revoke", sh["id"].(string))
	if code != 0 || !strings.Contains(out, "revoked "+sh["id"].(string)) || !strings.Contains(out, "1 download used") {
		t.Fatalf("shares revoke: %d %q %s", code, out, stderr)
	}
	resp, err = c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("after revoke: %d", resp.StatusCode)
	}

	// An upload request: presign --upload-request prints its link, and a
	// file sent through it (streamed through the gateway) lands under the
	// prefix; a file over --max-size is refused.
	t.Setenv(gatewayEnv, base)
	code, out, stderr = runCLI(t, "presign", "--gateway", base, "--upload-request", "--max-size", "1KiB", "--max-files", "3", "--types", ".txt,image/*", "-e", "2d", "-o", "json", "s3://"+bucket+"/team/in/")
	var up gatewayapi.Upload
	if code != 0 || json.Unmarshal([]byte(out), &up) != nil || !strings.HasPrefix(up.URL, base+"/u/") || up.MaxFileSize != 1024 || up.MaxFiles != 3 || up.Via != "gateway" {
		t.Fatalf("presign --upload-request: %d %q %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "presign", "--gateway", base, "--upload-request", "s3://"+bucket+"/elsewhere/"); code == 0 || !strings.Contains(stderr, "scope") {
		t.Errorf("an upload request out of scope: %d %s", code, stderr)
	}
	uploadThrough(t, up.URL, "notes.txt", []byte("sent from a browser"), http.StatusOK)
	uploadThrough(t, up.URL, "big.txt", make([]byte, 1025), http.StatusRequestEntityTooLarge)
	uploaded, err := gatewayapi.NewClient(base, token, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	shown, err := uploaded.ShowUpload(t.Context(), up.ID)
	if err != nil || len(shown.Received) != 1 || !strings.HasPrefix(shown.Received[0].Key, "team/in/") || shown.Received[0].Size != 19 {
		t.Errorf("received %+v, %v", shown.Received, err)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve did not stop cleanly on SIGTERM: %v\n%s", err, logs.String())
	}
	for _, secret := range []string{admin, token, password} {
		if strings.Contains(logs.String()+out+stderr, secret) {
			t.Errorf("a secret (%.8s…) shows in the output:\n%s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "share revoked") {
		t.Errorf("the log does not say the share was revoked:\n%s", logs.String())
	}
}

// TestServeSettingsFromTheConfigFile: the [gateway] table names the
// database for serve token create and serve prune.
func TestServeSettingsFromTheConfigFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("AWS_PROFILE", "")
	dbFile := filepath.Join(home, "data", "gw.db")
	cfg := filepath.Join(home, "config.toml")
	os.WriteFile(cfg, []byte("[gateway]\ndb = \"sqlite:"+dbFile+"\"\nmax_share_lifetime = \"90d\"\n"), 0o600)
	if code, out, stderr := runCLI(t, "serve", "token", "create", "--config", cfg, "--scope", "s3://bucket/"); code != 0 || !strings.HasPrefix(out, "s3sg_") {
		t.Fatalf("token create: %d %q %s", code, out, stderr)
	}
	if _, err := os.Stat(dbFile); err != nil {
		t.Errorf("the database named in [gateway] was not made: %v", err)
	}
	if code, out, stderr := runCLI(t, "serve", "prune", "--config", cfg); code != 0 || out != "pruned 0 shares and upload requests\n" {
		t.Errorf("prune: %d %q %s", code, out, stderr)
	}
	os.WriteFile(cfg, []byte("[gateway]\ndb_file = \"x\"\n"), 0o600)
	if code, _, stderr := runCLI(t, "serve", "prune", "--config", cfg); code == 0 || !strings.Contains(stderr, "db_file") {
		t.Errorf("a misspelt [gateway] setting: %d %s", code, stderr)
	}
}

// uploadThrough sends a file through an upload request's link the way
// its page does, and checks the first refusal, or the arrival (want 200).
func uploadThrough(t testing.TB, link, name string, body []byte, want int) {
	t.Helper()
	got, err := gatewayapi.Drop(context.Background(), link, gatewayapi.FileRequest{Name: name, Size: int64(len(body)), Type: "text/plain"},
		bytes.NewReader(body), gatewayapi.SendOptions{})
	var se *gatewayapi.StatusError
	switch {
	case want == http.StatusOK && (err != nil || got.Size != int64(len(body))):
		t.Errorf("%s: %+v, %v", name, got, err)
	case want != http.StatusOK && (!errors.As(err, &se) || se.Status != want):
		t.Errorf("%s: %v, want HTTP %d", name, err, want)
	}
}

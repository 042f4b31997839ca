package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// The secret key and the session token must never show: not on screen,
// not in doctor, errors, the --debug log, the ledger or exported files,
// not when a config value is printed. A link made with temporary
// credentials carries the token in X-Amz-Security-Token (S3 needs it
// there); the token is chosen so that its query-escaped form differs
// from it, so the raw token can be looked for everywhere, and the escaped
// one only inside links.

type secrets struct {
	key, token string
}

func newSecrets(t *testing.T) secrets {
	t.Helper()
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	h := hex.EncodeToString(b[:])
	return secrets{key: "SECRETKEY-" + h + "-SENTINEL", token: "TOKEN+" + h + "/SENTINEL=="}
}

// check fails when text shows the secret key in any form, or the token
// anywhere but escaped inside a link's X-Amz-Security-Token.
func (s secrets) check(t *testing.T, channel, text string) {
	t.Helper()
	for _, form := range []string{s.key, url.QueryEscape(s.key), hex.EncodeToString([]byte(s.key)), s.token, hex.EncodeToString([]byte(s.token))} {
		if strings.Contains(text, form) {
			t.Errorf("%s shows a secret (%q…):\n%s", channel, form[:12], text)
		}
	}
	esc := url.QueryEscape(s.token)
	if n, inLinks := strings.Count(text, esc), strings.Count(text, "X-Amz-Security-Token="+esc); n != inLinks {
		t.Errorf("%s shows the session token outside a link (%d times, %d in links):\n%s", channel, n, inLinks, text)
	}
}

// secretEnv clears every setting s3share reads and sets vars instead.
func secretEnv(t *testing.T, home string, vars map[string]string) {
	t.Helper()
	for _, k := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
		"AWS_CA_BUNDLE", "MC_CONFIG_DIR", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "NO_COLOR",
	} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", home)
	for k, v := range vars {
		t.Setenv(k, v)
	}
}

// runSecretCLI runs s3share in this process and returns its exit code and output.
func runSecretCLI(args ...string) (int, string) {
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String() + errb.String()
}

// TestSecretsNeverShown runs a whole session on a store that needs a
// session token: the terminal UI in tmux (browse, details, share, export,
// ledger, help, an error), then the command-line tools, and looks for the
// secrets in everything they showed and wrote.
func TestSecretsNeverShown(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: install tmux (apt-get install tmux, dnf install tmux or brew install tmux) to run this test")
	}
	// Before HOME moves: the go command and the versitygw harness find
	// their caches under it.
	bin := buildS3share(t)
	vgw := s3test.Start(t)
	sec := newSecrets(t)
	srv, err := demo.Start(demo.Options{AccessKey: "AKIASECRETSTEST0001", SecretKey: sec.key, SessionToken: sec.token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	home := t.TempDir()
	state := filepath.Join(home, "state")
	work := filepath.Join(home, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": sec.key, "AWS_SESSION_TOKEN": sec.token,
		"AWS_ENDPOINT_URL": srv.URL, "AWS_REGION": srv.Region, "XDG_STATE_HOME": state,
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
	}
	secretEnv(t, home, vars)
	debugLog := filepath.Join(home, "debug.log")
	// A log left readable by others is narrowed before anything is written.
	if err := os.WriteFile(debugLog, []byte("an earlier session\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The terminal session.
	tm := startTmux(t, bin, []string{"--debug", debugLog, "--clipboard", "off"},
		tmuxOptions{width: 160, height: 40, dir: work, env: envList(vars)})
	tm.waitText("the bucket list", "demo-docs/")
	tm.open("demo-docs/")
	tm.open("notes/")
	tm.waitText("the listing", "todo.txt")
	tm.selectRow("todo.txt")
	tm.waitText("the details", "ETag")
	tm.key("s")
	tm.waitText("the share panel", "Share s3://demo-docs/notes/todo.txt")
	tm.key("Enter")
	tm.waitText("the link", "link made")
	tm.key("e")
	tm.waitText("the export prompt", "export to:")
	tm.key("Enter")
	tm.waitText("the export", "exported 1 link")
	tm.escape("the share panel", "link made")
	tm.key("H")
	tm.waitFor("the share ledger", func(sc string) bool {
		return strings.Contains(sc, "Share ledger") && strings.Contains(sc, "notes/todo.txt")
	})
	tm.escape("the share ledger", "Share ledger")
	tm.key("?")
	tm.waitText("the help screen", "s3share — keys")
	tm.escape("the help screen", "s3share — keys")
	tm.key(":")
	tm.waitText("the go-to field", "go to:")
	tm.key("C-u")
	tm.typeText("s3://no-such-bucket-x/")
	tm.key("Enter")
	tm.waitText("the error", "NoSuchBucket")
	tm.key("q")
	tm.waitExit()

	for i, sc := range tm.screens {
		sec.check(t, fmt.Sprintf("screen %d", i), sc)
		sec.check(t, fmt.Sprintf("screen %d, lines joined", i), flatScreen(sc))
	}
	if links := strings.Count(strings.Join(tm.screens, ""), "X-Amz-Security-Token="); links == 0 {
		t.Errorf("no screen showed a link: the check of the token proves nothing")
	}
	stderr, _ := os.ReadFile(tm.errFile)
	sec.check(t, "stderr of the terminal UI", string(stderr))

	logData := readSecretFile(t, "the --debug log", debugLog)
	sec.check(t, "the --debug log", logData)
	if !strings.Contains(logData, "list s3://demo-docs/notes/") || !strings.Contains(logData, "1 links signed") || !strings.Contains(logData, "NoSuchBucket") {
		t.Errorf("the --debug log lacks the requests, the signing or the error:\n%s", logData)
	}
	ledgerFile := filepath.Join(state, "s3share", "shares.jsonl")
	ledgerData := readSecretFile(t, "the ledger", ledgerFile)
	sec.check(t, "the ledger", ledgerData)
	if !strings.Contains(ledgerData, "X-Amz-Security-Token=") {
		t.Errorf("the ledger holds no link made with the token:\n%s", ledgerData)
	}
	exports, _ := filepath.Glob(filepath.Join(work, "s3share-links-*.json"))
	if len(exports) != 1 {
		t.Fatalf("%d exported files in %s, want 1", len(exports), work)
	}
	sec.check(t, "the exported links", readSecretFile(t, "the exported links", exports[0]))

	// The command line, on the same store and credentials.
	for _, args := range [][]string{
		{"doctor"},
		{"doctor", "s3://demo-docs"},
		{"presign", "s3://demo-docs/notes/todo.txt", "--expires", "2h"},
		{"presign", "s3://demo-docs/notes/todo.txt", "--expires", "99y"},
		{"presign", "s3://demo-docs/notes/todo.txt", "--expires", "soon"},
		{"presign", "s3://demo-docs/notes/todo.txt", "-o", "json"},
		{"presign", "s3://demo-docs/notes/todo.txt", "-o", "curl", "--method", "PUT"},
		{"shares"},
		{"shares", "--all", "-o", "json"},
		{"--profile", "nope", "doctor"},
		{"no-such-command", "s3://a/b", "s3://c/d"},
	} {
		code, out := runSecretCLI(args...)
		sec.check(t, "s3share "+strings.Join(args, " "), out)
		if strings.TrimSpace(out) == "" {
			t.Errorf("s3share %s (exit %d) said nothing", strings.Join(args, " "), code)
		}
	}

	// A wrong secret against a real store: the 403 names neither key.
	wrong := newSecrets(t)
	secretEnv(t, home, map[string]string{"AWS_ACCESS_KEY_ID": vgw.AccessKey, "AWS_SECRET_ACCESS_KEY": wrong.key, "AWS_ENDPOINT_URL": vgw.Endpoint})
	for _, args := range [][]string{{"doctor"}, {"doctor", "s3://some-bucket"}} {
		code, out := runSecretCLI(args...)
		wrong.check(t, "s3share "+strings.Join(args, " ")+" with a wrong secret", out)
		if strings.Contains(out, vgw.SecretKey) {
			t.Errorf("s3share %s shows the server's secret:\n%s", strings.Join(args, " "), out)
		}
		if code == 0 || !strings.Contains(out, "SignatureDoesNotMatch") {
			t.Errorf("s3share %s with a wrong secret: exit %d:\n%s", strings.Join(args, " "), code, out)
		}
	}

	// A credentials file others can read draws a warning, without the secret.
	leaky := newSecrets(t)
	secretEnv(t, home, map[string]string{"AWS_ENDPOINT_URL": srv.URL})
	creds := filepath.Join(home, ".aws", "credentials")
	if err := os.MkdirAll(filepath.Dir(creds), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, []byte("[leaky]\naws_access_key_id = AKIALEAKY\naws_secret_access_key = "+leaky.key+"\naws_session_token = "+leaky.token+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(creds, 0o644); err != nil {
		t.Fatal(err)
	}
	_, out := runSecretCLI("doctor", "--profile", "leaky")
	leaky.check(t, "doctor with a readable credentials file", out)
	if !strings.Contains(out, "can be read by other users") || !strings.Contains(out, "chmod 600") {
		t.Errorf("doctor does not warn about the readable credentials file:\n%s", out)
	}

	// Printing any config value, client or signer shows no secret.
	secretEnv(t, home, vars)
	cfg, err := config.Load(config.Flags{}, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store.Creds.SecretAccessKey != sec.key || cfg.Store.Creds.SessionToken != sec.token {
		t.Fatalf("config.Load did not pick up the test's credentials")
	}
	client, err := s3model.New(cfg.Store)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := presign.NewSigner(cfg.Store)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{cfg, *cfg, cfg.Store, &cfg.Store, cfg.Store.Creds, &cfg.Store.Creds, client, signer,
		[]config.Store{cfg.Store}, map[string]config.Credentials{"x": cfg.Store.Creds}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%X", "%q"} {
			sec.check(t, fmt.Sprintf("fmt %s of a %T", verb, v), fmt.Sprintf(verb, v))
		}
	}
	if s := fmt.Sprintf("%+v", cfg.Store.Creds); !strings.Contains(s, "SecretAccessKey:set (hidden)") || !strings.Contains(s, "AKIASECRETSTEST0001"[len("AKIASECRETSTEST0001")-4:]) {
		t.Errorf("credentials print as %s", s)
	}
}

// readSecretFile reads a file s3share wrote and checks it is its owner's only.
func readSecretFile(t *testing.T, what, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("%s (%s) has mode %04o, want 0600", what, path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// envList turns variables into NAME=value pairs.
func envList(vars map[string]string) []string {
	var out []string
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	return out
}

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

// presignEnv isolates a CLI run: a fresh HOME (no ~/.aws, no mc config),
// the given credentials in the environment, and the share ledger under a
// temporary XDG_STATE_HOME. It returns the ledger's path.
func presignEnv(t *testing.T, access, secret string) string {
	t.Helper()
	home := t.TempDir()
	state := t.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "USERPROFILE": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME": state, "MC_CONFIG_DIR": filepath.Join(home, ".mc"),
		"AWS_CONFIG_FILE": filepath.Join(home, "no-aws-config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "no-aws-credentials"),
		"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret,
		"AWS_SESSION_TOKEN": "", "AWS_CREDENTIAL_EXPIRATION": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "", "AWS_CA_BUNDLE": "",
	} {
		t.Setenv(k, v)
	}
	return filepath.Join(state, "s3share", "shares.jsonl")
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	what := "s3share " + strings.Join(args, " ")
	credtest.Output(t, what+": stdout", out.String())
	credtest.Output(t, what+": stderr", errb.String())
	return code, out.String(), errb.String()
}

func httpDo(t *testing.T, method, link string, body []byte, hdr map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, link, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, link, err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, link, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// checkLedger asserts the ledger's modes, that it never holds the secret
// key, and returns its records.
func checkLedger(t *testing.T, path, secret string) []ledger.Record {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("ledger: %v", err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("ledger mode %o, want 600", m)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if m := di.Mode().Perm(); m != 0o700 {
		t.Errorf("ledger directory mode %o, want 700", m)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) {
		t.Errorf("the ledger holds the secret key:\n%s", raw)
	}
	l, err := ledger.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, warns, err := l.Load()
	if err != nil || len(warns) > 0 {
		t.Fatalf("ledger Load: %v, %v", err, warns)
	}
	return recs
}

// shellWords splits a command line the way sh does.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	out, err := exec.Command("sh", "-c", "set -- "+line+`; for a in "$@"; do printf '%s\0' "$a"; done`).Output()
	if err != nil {
		t.Fatalf("sh could not parse %s: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestPresignCLIAgainstVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	keys := []string{"plain.txt", "dir/sub dir/name.pdf", "unicodé/日本語.txt", "a+b=c&d.txt", "100%/x#y?z.bin", "~tilde!*'().txt"}
	for _, k := range keys {
		srv.Put(t, bucket, k, []byte("body of "+k), "")
	}
	ledgerPath := presignEnv(t, srv.AccessKey, srv.SecretKey)
	ep := "--endpoint=" + srv.Endpoint

	// GET, one URL per line in argument order (flags after the arguments too).
	args := []string{"presign", ep}
	for _, k := range keys {
		args = append(args, "s3://"+bucket+"/"+k)
	}
	code, out, errs := runCLI(t, append(args, "-e", "10m")...)
	if code != 0 {
		t.Fatalf("presign: exit %d, stderr %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(keys) {
		t.Fatalf("%d lines for %d keys:\n%s", len(lines), len(keys), out)
	}
	for i, k := range keys {
		if code, _, body := httpDo(t, "GET", lines[i], nil, nil); code != 200 || body != "body of "+k {
			t.Errorf("line %d (%s): %d %q", i+1, k, code, body)
		}
	}
	recs := checkLedger(t, ledgerPath, srv.SecretKey)
	if len(recs) != len(keys) || recs[0].URL != lines[0] || recs[1].Key != keys[1] || recs[0].Options["expires"] != "10m" || recs[0].Store != srv.Host {
		t.Errorf("ledger records: %+v", recs)
	}

	// JSON, with a download name built from the key.
	code, out, errs = runCLI(t, "presign", ep, "-o", "json", "--disposition", "attachment", "--cache-control", "no-store", "s3://"+bucket+"/unicodé/日本語.txt")
	if code != 0 {
		t.Fatalf("presign -o json: exit %d, %s", code, errs)
	}
	if strings.Contains(out, `\u0026`) {
		t.Errorf("JSON output escapes & in URLs: %s", out)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 {
		t.Fatalf("JSON output %s: %v", out, err)
	}
	for _, f := range []string{"url", "method", "bucket", "key", "expires_at", "effective_expires_at", "headers", "fields"} {
		if _, ok := got[0][f]; !ok {
			t.Errorf("JSON lacks %q: %s", f, out)
		}
	}
	wantDisp, _ := presign.ContentDisposition("attachment", "日本語.txt")
	code, hdr, _ := httpDo(t, "GET", got[0]["url"].(string), nil, nil)
	if code != 200 || hdr.Get("Content-Disposition") != wantDisp || hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("GET: %d, Content-Disposition %q (want %q), Cache-Control %q", code, hdr.Get("Content-Disposition"), wantDisp, hdr.Get("Cache-Control"))
	}

	// PUT as a curl line: the shell reads it back into the intended words.
	code, out, errs = runCLI(t, "presign", ep, "-m", "put", "--content-type", "image/jpeg", "-o", "curl", "s3://"+bucket+"/up/it's a photo.jpg")
	if code != 0 {
		t.Fatalf("presign -m put: exit %d, %s", code, errs)
	}
	words := shellWords(t, strings.TrimSpace(out))
	if len(words) != 9 || strings.Join(words[:8], "|") != "curl|-f|-X|PUT|-H|Content-Type: image/jpeg|--upload-file|FILE" {
		t.Fatalf("curl line %s\nreads as %q", out, words)
	}
	putURL := words[8]
	if code, _, body := httpDo(t, "PUT", putURL, []byte("jpeg!"), map[string]string{"Content-Type": "text/plain"}); code != 403 {
		t.Errorf("PUT with text/plain: %d %s", code, body)
	}
	if code, _, body := httpDo(t, "PUT", putURL, []byte("jpeg!"), map[string]string{"Content-Type": "image/jpeg"}); code != 200 {
		t.Errorf("PUT with image/jpeg: %d %s", code, body)
	}

	// POST for any key under a prefix, at most 10 bytes.
	code, out, errs = runCLI(t, "presign", ep, "-m", "POST", "--max-size", "10", "-o", "json", "s3://"+bucket+"/inbox/")
	if code != 0 {
		t.Fatalf("presign -m POST: exit %d, %s", code, errs)
	}
	var posts []struct {
		URL    string          `json:"url"`
		Fields []presign.Field `json:"fields"`
	}
	if err := json.Unmarshal([]byte(out), &posts); err != nil || len(posts) != 1 {
		t.Fatalf("POST JSON %s: %v", out, err)
	}
	for _, c := range []struct {
		key  string
		data string
		want int
	}{{"inbox/ok.txt", "12345", 204}, {"inbox/big.txt", "12345678901", 400}, {"outbox/x.txt", "1", 403}} {
		if code := postMultipart(t, posts[0].URL, posts[0].Fields, c.key, c.data); code != c.want {
			t.Errorf("POST %s (%d bytes): %d, want %d", c.key, len(c.data), code, c.want)
		}
	}

	// --recursive signs every object under a prefix.
	code, out, errs = runCLI(t, "presign", ep, "--recursive", "s3://"+bucket+"/dir/", "s3://"+bucket+"/plain.txt")
	if code != 0 {
		t.Fatalf("presign --recursive: exit %d, %s", code, errs)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "/dir/sub%20dir/name.pdf?") || !strings.Contains(lines[1], "/plain.txt?") {
		t.Errorf("--recursive output:\n%s", out)
	}

	// The ledger lists all of it, newest last.
	recs = checkLedger(t, ledgerPath, srv.SecretKey)
	if len(recs) != len(keys)+1+1+1+2 || recs[len(recs)-3].Method != "POST" || !recs[len(recs)-3].Prefix {
		t.Errorf("%d ledger records: %+v", len(recs), recs)
	}
	// The table folds each share of several links into one row: the
	// first presign's keys, and the --recursive one.
	code, out, errs = runCLI(t, "shares")
	rows := 5 // the keys' batch, three single links, the --recursive batch
	if code != 0 || !strings.Contains(out, "REMAINING") || !strings.Contains(out, "s3://"+bucket+"/inbox/*") ||
		!strings.Contains(out, fmt.Sprintf("s3://%s/ (batch of %d links)", bucket, len(keys))) ||
		!strings.Contains(out, "s3://"+bucket+"/ (batch of 2 links)") || strings.Count(out, "\n") != rows+1 {
		t.Errorf("shares: exit %d\n%s%s", code, out, errs)
	}
	// Each row names its store: the endpoint's host.
	host := strings.TrimPrefix(srv.Endpoint, "http://")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); !strings.Contains(lines[0], "STORE") || strings.Count(out, host) != rows {
		t.Errorf("shares: no STORE column with %s:\n%s", host, out)
	}
}

// postMultipart posts the fields (key replaced), then the file.
func postMultipart(t *testing.T, link string, fields []presign.Field, key, data string) int {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		v := f.Value
		if f.Name == "key" {
			v = key
		}
		w.WriteField(f.Name, v)
	}
	fw, _ := w.CreateFormFile("file", "f.bin")
	fw.Write([]byte(data))
	w.Close()
	code, _, _ := httpDo(t, "POST", link, buf.Bytes(), map[string]string{"Content-Type": w.FormDataContentType()})
	return code
}

// closedEndpoint is an http://127.0.0.1 URL that refuses connections.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	return "http://" + s3test.RefusedAddr(t)
}

func TestPresignCLIOffline(t *testing.T) {
	const secret = "offline-secret-key-0123456789"
	ledgerPath := presignEnv(t, "OFFLINEKEY", secret)
	ep := closedEndpoint(t)
	for _, args := range [][]string{
		{"presign", "--endpoint", ep, "s3://bkt/k.txt"},
		{"presign", "--endpoint", ep, "--region", "eu-central-1", "-m", "PUT", "s3://bkt/k.txt"},
		{"presign", "--endpoint", ep, "-m", "POST", "--max-size", "10MiB", "s3://bkt/up/"},
	} {
		code, out, errs := runCLI(t, args...)
		if code != 0 || !strings.HasPrefix(out, ep+"/bkt") {
			t.Errorf("%v with the endpoint down: exit %d\n%s%s", args, code, out, errs)
		}
		if post := args[len(args)-2] == "10MiB"; post != strings.Contains(errs, "needs the policy's form fields") {
			t.Errorf("%v: stderr %q", args, errs)
		}
	}
	if recs := checkLedger(t, ledgerPath, secret); len(recs) != 3 {
		t.Errorf("%d ledger records, want 3", len(recs))
	}
}

func TestPresignCLIErrors(t *testing.T) {
	ledgerPath := presignEnv(t, "KEY", "secret-secret")
	ep := "--endpoint=" + closedEndpoint(t)
	cases := []struct {
		args []string
		want []string // in stderr
	}{
		{[]string{"presign", ep, "s3://bkt/ok.txt", "s3://bkt/dir/", "s3://bkt/ok2.txt"}, []string{"s3://bkt/dir/: this is a prefix", "1 of 3 arguments failed"}},
		{[]string{"presign", ep, "s3://bkt/ok.txt", "s3://bkt/a/../etc"}, []string{"s3://bkt/a/../etc: key", `".." path segment`}},
		{[]string{"presign", ep, "-m", "PUT", "s3://bkt/"}, []string{"needs an object key"}},
		{[]string{"presign", ep, "-e", "8d", "s3://bkt/k"}, []string{"7 days"}},
		{[]string{"presign", ep, "-e", "2020-01-01", "s3://bkt/k"}, []string{"not in the future"}},
		{[]string{"presign", ep, "--max-size", "10", "s3://bkt/k"}, []string{"--max-size applies to POST links"}},
		{[]string{"presign", ep, "-m", "PUT", "--recursive", "s3://bkt/k/"}, []string{"--recursive applies to GET"}},
		{[]string{"presign", ep, "-m", "DELETE", "s3://bkt/k"}, []string{`method "DELETE"`}},
		{[]string{"presign", ep, "-o", "xml", "s3://bkt/k"}, []string{`output "xml"`}},
		{[]string{"presign", ep, "--disposition", "download", "s3://bkt/k"}, []string{`disposition "download"`}},
		{[]string{"presign", ep, "-m", "POST", "--max-size", "10QB", "s3://bkt/k"}, []string{"unknown unit"}},
		{[]string{"presign", ep, "--base-url", "ftp://cdn", "s3://bkt/k"}, []string{"scheme must be http or https"}},
		{[]string{"presign", ep, "s3://bkt/k\x1b[2J"}, nil}, // works: a key may hold control characters
		{[]string{"presign", ep}, []string{"name at least one"}},
		{[]string{"presign", ep, "gs://b/k"}, []string{"want s3://BUCKET/KEY"}},
		{[]string{"presign", ep, "s3://"}, []string{"s3share: s3://: no bucket name; want s3://BUCKET/KEY\n"}},
		{[]string{"presign", ep, "s3://Bad_Bucket/k"}, []string{`s3://Bad_Bucket/k: "Bad_Bucket" is not a valid bucket name: uppercase letters are not allowed`}},
		{[]string{"presign", ep, "s3://a/k"}, []string{`"a" is not a valid bucket name: too short`}},
		{[]string{"presign", ep, "s3://-x-/k"}, []string{`"-x-" is not a valid bucket name: it must begin and end with a letter or digit`}},
		{[]string{"presign", ep, "s3://../k"}, []string{`".." is not a valid bucket name`}},
		{[]string{"presign", ep, "s3://bkt_1/k", "s3://bkt/ok.txt"}, []string{`"bkt_1" is not a valid bucket name: '_' is not allowed`, "1 of 2 arguments failed"}},
	}
	for _, c := range cases {
		code, out, errs := runCLI(t, c.args...)
		if c.want == nil {
			if code != 0 {
				t.Errorf("%q: exit %d, %s", c.args, code, errs)
			}
			continue
		}
		if code == 0 || out != "" {
			t.Errorf("%q: exit %d, stdout %q; want a failure and nothing printed", c.args, code, out)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%q: stderr %q lacks %q", c.args, errs, w)
			}
		}
		if strings.Count(errs, "no bucket name") > 1 || strings.Count(errs, "not a valid bucket name") > 1 {
			t.Errorf("%q: the error repeats itself: %q", c.args, errs)
		}
		if strings.ContainsRune(errs, 0x1b) {
			t.Errorf("%q: raw ESC on stderr: %q", c.args, errs)
		}
	}
	// Only the one successful run reached the ledger.
	if recs := checkLedger(t, ledgerPath, "secret-secret"); len(recs) != 1 {
		t.Errorf("%d ledger records, want 1 (failed runs record nothing)", len(recs))
	}

	presignEnv(t, "", "")
	if code, _, errs := runCLI(t, "presign", ep, "s3://bkt/k"); code == 0 || !strings.Contains(errs, "no credentials") {
		t.Errorf("anonymous: exit %d, %s", code, errs)
	}
}

// TestPresignCLIDemoNewUser walks the demo store as a new user would,
// with temporary credentials that end before the link would.
func TestPresignCLIDemoNewUser(t *testing.T) {
	const token = "demo-session-token/with+special=chars"
	srv, err := demo.Start(demo.Options{SessionToken: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ledgerPath := presignEnv(t, srv.AccessKey, srv.SecretKey)
	t.Setenv("AWS_SESSION_TOKEN", token)
	credsEnd := time.Now().Add(10 * time.Minute).UTC().Truncate(time.Second)
	t.Setenv("AWS_CREDENTIAL_EXPIRATION", credsEnd.Format(time.RFC3339))
	ep := "--endpoint=" + srv.URL

	code, out, errs := runCLI(t, "presign", ep, "-o", "json", "-e", "1h", "s3://"+demo.DocsBucket+"/notes/todo.txt")
	if code != 0 {
		t.Fatalf("presign: exit %d, %s", code, errs)
	}
	if !strings.Contains(errs, "warning: the link stops working at "+credsEnd.Format(time.RFC3339)) || !strings.Contains(errs, "temporary credentials") {
		t.Errorf("no warning about the credentials' end: %q", errs)
	}
	var res []struct {
		URL       string    `json:"url"`
		Expires   time.Time `json:"expires_at"`
		Effective time.Time `json:"effective_expires_at"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
		t.Fatalf("JSON %s: %v", out, err)
	}
	if !res[0].Effective.Equal(credsEnd) || res[0].Expires.Sub(res[0].Effective) < 49*time.Minute {
		t.Errorf("expires_at %v, effective_expires_at %v, credentials end %v", res[0].Expires, res[0].Effective, credsEnd)
	}
	if code, _, body := httpDo(t, "GET", res[0].URL, nil, nil); code != 200 || !strings.Contains(body, "share the Q3 report") {
		t.Errorf("GET: %d %q", code, body)
	}

	code, out, errs = runCLI(t, "presign", ep, "-m", "put", "--content-type", "text/plain", "s3://"+demo.UploadsBucket+"/hello.txt")
	if code != 0 {
		t.Fatalf("presign PUT: %d %s", code, errs)
	}
	if code, _, body := httpDo(t, "PUT", strings.TrimSpace(out), []byte("hi"), map[string]string{"Content-Type": "text/plain"}); code != 200 {
		t.Errorf("PUT: %d %s", code, body)
	}

	recs := checkLedger(t, ledgerPath, srv.SecretKey)
	if len(recs) != 2 || !recs[0].EffectiveExpiresAt.Equal(credsEnd) {
		t.Errorf("ledger: %+v", recs)
	}
	code, out, _ = runCLI(t, "shares", "-o", "json")
	var listed []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 2 || listed[0]["active"] != true {
		t.Errorf("shares -o json: %d %s", code, out)
	}
}

func TestSharesCLI(t *testing.T) {
	ledgerPath := presignEnv(t, "KEY", "secret-secret")
	ep := "--endpoint=" + closedEndpoint(t)
	// Two shares of one link each: a share of two would fold into one row.
	for _, key := range []string{"s3://bkt/evil\x1b[2J\a.txt", "s3://bkt/fine.txt"} {
		if code, _, errs := runCLI(t, "presign", ep, "-e", "2d", key); code != 0 {
			t.Fatalf("presign: %s", errs)
		}
	}
	l, err := ledger.Open(ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	if err := l.Append(ledger.Record{Time: past.Add(-time.Hour), Store: "h", Method: "GET", Bucket: "bkt", Key: "old.txt",
		ExpiresAt: past, EffectiveExpiresAt: past, URL: "http://h/bkt/old.txt?X-Amz-Signature=0"}); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runCLI(t, "shares")
	if code != 0 {
		t.Fatalf("shares: %d %s", code, errs)
	}
	if strings.ContainsAny(out, "\x1b\a") || !strings.Contains(out, `s3://bkt/evil\x1b[2J\x07.txt`) {
		t.Errorf("table does not escape control characters:\n%q", out)
	}
	if strings.Contains(out, "old.txt") || !strings.Contains(out, "1d23h") || !strings.Contains(out, "GET") {
		t.Errorf("active table:\n%s", out)
	}
	code, out, _ = runCLI(t, "shares", "--all")
	if code != 0 || !strings.Contains(out, "expired") || !strings.Contains(out, "s3://bkt/old.txt") {
		t.Errorf("shares --all:\n%s", out)
	}
	code, out, _ = runCLI(t, "shares", "prune")
	if code != 0 || !strings.Contains(out, "removed 1 expired link") {
		t.Errorf("shares prune: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "shares", "--all", "-o", "json")
	var listed []ledger.Record
	if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 2 {
		t.Errorf("after prune, shares --all -o json: %d %s", code, out)
	}
	checkLedger(t, ledgerPath, "secret-secret")

	if code, _, errs := runCLI(t, "shares", "bogus"); code == 0 || !strings.Contains(errs, `unknown argument "bogus"`) {
		t.Errorf("shares bogus: %d %s", code, errs)
	}
}

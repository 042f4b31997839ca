package cli

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/gateway"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// startTestGateway runs a share gateway in the test's process, signing
// for the test server.
func startTestGateway(t testing.TB, srv *s3test.Server) *gateway.Local {
	t.Helper()
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	signing, err := s3model.New(config.Store{Name: "work", Endpoint: u, Region: srv.Region, RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.StartLocal(signing, "work", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Close() })
	return gw
}

// gatewayHome gives the test a home of its own (config, share ledger)
// and gw's admin token, with no gateway named by the environment.
func gatewayHome(t *testing.T, gw *gateway.Local) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv(gatewayEnv, "")
	t.Setenv(tokenEnv, gw.Token)
}

// makeUploadRequest runs presign --upload-request and returns the request.
func makeUploadRequest(t *testing.T, args ...string) gatewayapi.Upload {
	t.Helper()
	code, out, stderr := runCLI(t, append([]string{"presign", "--upload-request", "-o", "json"}, args...)...)
	var up gatewayapi.Upload
	if code != 0 || json.Unmarshal([]byte(out), &up) != nil || up.ID == "" {
		t.Fatalf("presign --upload-request %q: %d %q %s", args, code, out, stderr)
	}
	return up
}

// TestSharesListsReceivedFiles makes upload requests with presign
// --upload-request against a real gateway over versitygw, sends files
// through a drop link as its page does (one with a hostile name), and
// lists them with shares: table and JSON, escaped and bounded. A gateway
// that is gone is said once, and the exit status says it.
func TestSharesListsReceivedFiles(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	gw := startTestGateway(t, srv)
	dead := startTestGateway(t, srv)
	gatewayHome(t, gw)

	up := makeUploadRequest(t, "--gateway", gw.URL, "-e", "2d", "s3://"+bucket+"/in/")
	direct := makeUploadRequest(t, "--gateway", gw.URL, "--via", "direct", "s3://"+bucket+"/direct/")
	empty := makeUploadRequest(t, "--gateway", gw.URL, "s3://"+bucket+"/empty/")
	makeUploadRequest(t, "--gateway", gw.URL, "--no-ledger", "s3://"+bucket+"/unrecorded/")

	hostile := "../../etc/passwd\x1b]0;owned\a\x1b[31m\u202eevil\r\n" + strings.Repeat("😀", 100) + ".txt"
	uploadThrough(t, up.URL, "notes.txt", []byte("sent from a browser"), 200)
	uploadThrough(t, up.URL, hostile, []byte("hostile"), 200)
	uploadThrough(t, direct.URL, "straight.txt", []byte("straight to the store"), 200)

	// The table: a row per upload request, its files under it.
	code, out, stderr := runCLI(t, "shares")
	if code != 0 || stderr != "" {
		t.Fatalf("shares: exit %d\n%s\nstderr: %s", code, out, stderr)
	}
	for _, want := range []string{"UPLOAD", "s3://" + bucket + "/in/*  (2 files received)", "s3://" + bucket + "/direct/*  (1 file received)",
		"s3://" + bucket + "/empty/*  (no files received)", "notes.txt", "straight.txt", "19 B", "127.0.0.1", `../../etc/passwd\x1b]0;owned\x07\x1b[31…`} {
		if !strings.Contains(out, want) {
			t.Errorf("shares lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "unrecorded") {
		t.Errorf("shares lists an upload request made with --no-ledger:\n%s", out)
	}
	wantNoControl(t, out)
	lines := strings.Split(out, "\n")
	for _, l := range lines {
		if strings.Contains(l, "etc/passwd") {
			// The name is cut, and the key (which the gateway made safe) follows.
			if !strings.Contains(l, "…") || strings.Count(l, "😀") > 100 || !strings.Contains(l, " in/") {
				t.Errorf("the hostile name's line: %q", l)
			}
		}
	}
	// The files' lines start under PATH: the table's columns hold.
	col := strings.Index(lines[0], "PATH")
	for _, l := range lines[1:] {
		if strings.Contains(l, "notes.txt") && strings.Index(l, "notes.txt") < col {
			t.Errorf("a file's line starts left of PATH (column %d): %q", col, l)
		}
	}

	// JSON: the files whole, escaped as JSON carries them.
	code, out, stderr = runCLI(t, "shares", "-o", "json")
	if code != 0 {
		t.Fatalf("shares -o json: exit %d\n%s", code, stderr)
	}
	wantNoControl(t, out)
	var listed []struct {
		Method        string                    `json:"method"`
		Upload        string                    `json:"upload"`
		Key           string                    `json:"key"`
		Received      []gatewayapi.ReceivedFile `json:"received"`
		GatewayState  string                    `json:"gateway_state"`
		ReceivedError string                    `json:"received_error"`
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		t.Fatalf("shares -o json: %v\n%s", err, out)
	}
	byID := map[string]int{}
	for i, l := range listed {
		byID[l.Upload] = i
		if l.Method != "UPLOAD" {
			t.Errorf("listed %+v", l)
		}
	}
	in := listed[byID[up.ID]]
	if len(listed) != 3 || in.Key != "in/" || len(in.Received) != 2 || in.GatewayState != "active" {
		t.Fatalf("shares -o json: %+v", listed)
	}
	names := map[string]gatewayapi.ReceivedFile{}
	for _, f := range in.Received {
		names[f.Name] = f
	}
	h, ok := names[hostile]
	if !ok || !strings.HasPrefix(h.Key, "in/") || len(h.Key) > 1024 || h.Size != 7 || h.Client == "" || h.At.IsZero() {
		t.Errorf("the hostile file in JSON: %+v (files %+v)", h, in.Received)
	}
	if e := listed[byID[empty.ID]]; e.Received == nil || len(e.Received) != 0 || !strings.Contains(out, `"received": []`) {
		t.Errorf("an upload request with no files: %+v", e)
	}

	// A request its gateway no longer knows (pruned) is said in its row,
	// and is no failure.
	now := time.Now()
	if err := recordUpload(gw.URL, gatewayapi.Upload{ID: "pruned-request", URL: gw.URL + "/u/pruned-request", Bucket: bucket, Prefix: "pruned/", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, "shares")
	if code != 0 || stderr != "" || !strings.Contains(out, "/pruned/*  (the gateway no longer knows this request)") {
		t.Errorf("shares with a pruned request: exit %d\n%s\nstderr: %s", code, out, stderr)
	}

	// A gateway that is gone: named once, the listing still prints,
	// exit status 4.
	t.Setenv(tokenEnv, dead.Token)
	makeUploadRequest(t, "--gateway", dead.URL, "s3://"+bucket+"/gone1/")
	makeUploadRequest(t, "--gateway", dead.URL, "s3://"+bucket+"/gone2/")
	dead.Close()
	t.Setenv(tokenEnv, gw.Token)
	code, out, stderr = runCLI(t, "shares")
	if code != exitGateway || !strings.Contains(out, "notes.txt") || !strings.Contains(out, "/gone1/*  (files received: unknown, the gateway did not say)") {
		t.Errorf("shares with a gateway gone: exit %d\n%s\nstderr: %s", code, out, stderr)
	}
	if n := strings.Count(stderr, "\n"); n != 1 || !strings.Contains(stderr, "gateway "+dead.URL+" did not say what arrived") || !strings.Contains(stderr, "the files of 2 upload requests are not shown") {
		t.Errorf("stderr (want one line for the gateway): %q", stderr)
	}
	code, out, stderr = runCLI(t, "shares", "-o", "json")
	if code != exitGateway || strings.Count(stderr, "\n") != 1 || strings.Count(out, `"received_error"`) != 3 || json.Unmarshal([]byte(out), &listed) != nil {
		t.Errorf("shares -o json with a gateway gone: exit %d\n%s\nstderr: %s", code, out, stderr)
	}

	// --no-received: the ledger alone.
	code, out, stderr = runCLI(t, "shares", "--no-received")
	if code != 0 || stderr != "" || strings.Contains(out, "notes.txt") || strings.Contains(out, "received") || !strings.Contains(out, "/gone2/") {
		t.Errorf("shares --no-received: exit %d\n%s\nstderr: %s", code, out, stderr)
	}
	// No token: said once, listed anyway.
	t.Setenv(tokenEnv, "")
	code, out, stderr = runCLI(t, "shares")
	if code != exitGateway || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "no gateway admin token") || !strings.Contains(out, "/in/*  (files received: unknown") {
		t.Errorf("shares without a token: exit %d\n%s\nstderr: %s", code, out, stderr)
	}
}

// wantNoControl fails when out holds a raw terminal control: C0 (but
// newline), DEL, C1, or a bidi or invisible formatting character.
func wantNoControl(t *testing.T, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("the output is not UTF-8")
	}
	if m := regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]").FindString(out); m != "" {
		t.Errorf("the output holds %q raw", m)
	}
}

// BenchmarkSharesReceived lists a ledger of 50 upload requests, each
// with 2 files received, asking a gateway in the process for them: the
// time of one `s3share shares`, the gateway on loopback.
//
//	go test -run '^$' -bench BenchmarkSharesReceived ./internal/cli/
func BenchmarkSharesReceived(b *testing.B) {
	srv := s3test.Start(b)
	bucket := srv.NewBucket(b)
	gw := startTestGateway(b, srv)
	home := b.TempDir()
	b.Setenv("XDG_STATE_HOME", home)
	b.Setenv(tokenEnv, gw.Token)
	cl, err := gatewayapi.NewClient(gw.URL, gw.Token, 30*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	const requests, files = 50, 2
	for i := range requests {
		u, err := cl.CreateUpload(b.Context(), gatewayapi.UploadRequest{Bucket: bucket, Prefix: "in/" + strconv.Itoa(i) + "/"})
		if err != nil {
			b.Fatal(err)
		}
		if err := recordUpload(gw.URL, u); err != nil {
			b.Fatal(err)
		}
		for j := range files {
			uploadThrough(b, u.URL, "file"+strconv.Itoa(j)+".txt", []byte("a file"), 200)
		}
	}
	for b.Loop() {
		var out, errb bytes.Buffer
		if code := Main([]string{"shares"}, &out, &errb); code != 0 || strings.Count(out.String(), "-file0.txt\n") != requests {
			b.Fatalf("shares: exit %d\n%s", code, errb.String())
		}
	}
}

// TestSharesRevokeUploadRequest: shares revoke closes an upload request,
// named by its drop link or by the id the ledger recorded; the page then
// takes no file.
func TestSharesRevokeUploadRequest(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	gw := startTestGateway(t, srv)
	gatewayHome(t, gw)
	byLink := makeUploadRequest(t, "--gateway", gw.URL, "--types", "pdf, image/*", "s3://"+bucket+"/a/")
	if !slices.Equal(byLink.Types, []string{".pdf", "image/*"}) {
		t.Errorf("--types pdf,image/* made %q", byLink.Types)
	}
	if code, _, stderr := runCLI(t, "presign", "--upload-request", "--gateway", gw.URL, "--types", "a/b/c", "s3://"+bucket+"/x/"); code != exitUsage || !strings.Contains(stderr, "want extensions") {
		t.Errorf("--types a/b/c: exit %d %s", code, stderr)
	}
	byID := makeUploadRequest(t, "--gateway", gw.URL, "s3://"+bucket+"/b/")
	uploadThrough(t, byID.URL, "one.txt", []byte("one"), 200)
	for _, tc := range []struct{ arg, says string }{
		{byLink.URL, "revoked upload request " + byLink.ID + " (s3://" + bucket + "/a/, 0 files received)"},
		{byID.ID, "revoked upload request " + byID.ID + " (s3://" + bucket + "/b/, 1 file received)"},
	} {
		code, out, stderr := runCLI(t, "shares", "revoke", tc.arg)
		if code != 0 || strings.TrimSpace(out) != tc.says {
			t.Errorf("shares revoke %s: exit %d %q %s", tc.arg, code, out, stderr)
		}
	}
	uploadThrough(t, byLink.URL, "late.txt", []byte("late"), 410)
	code, out, _ := runCLI(t, "shares", "-o", "json")
	if code != 0 || strings.Count(out, `"gateway_state": "revoked"`) != 2 {
		t.Errorf("shares after the revokes: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "shares")
	if code != 0 || strings.Count(out, "\nrevoked ") != 2 {
		t.Errorf("the table after the revokes (REMAINING should say revoked): exit %d\n%s", code, out)
	}
}

package presign_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// TestFormPlanRefusals: every bad input is refused by the plan, before
// anything is signed, with a message that names the value.
func TestFormPlanRefusals(t *testing.T) {
	for _, c := range []struct {
		form        presign.Form
		field, want string
	}{
		{presign.Form{Method: "POST", MaxSize: "10GiB"}, "max-size", "max size 10GiB is more than S3 takes in one POST upload (5GiB)"},
		{presign.Form{Method: "POST", MaxSize: "0"}, "max-size", "max size 0 allows no upload at all"},
		{presign.Form{Method: "POST", MaxSize: "10QB"}, "max-size", "unknown unit"},
		{presign.Form{Method: "POST", MaxSize: "1MiB", MinSize: "2MiB"}, "min-size", "min size 2MiB is larger than the max size"},
		{presign.Form{Expires: "8d"}, "expires", `expiry "8d" is longer than 7 days`},
		{presign.Form{Expires: "2020-01-01"}, "expires", "not in the future"},
		{presign.Form{Method: "DELETE"}, "method", `method "DELETE"`},
		{presign.Form{Disposition: "download"}, "disposition", `disposition "download"`},
		{presign.Form{Method: "PUT", Filename: "x"}, "filename", "--filename applies to GET links, not PUT"},
		{presign.Form{MaxSize: "10"}, "max-size", "--max-size applies to POST links"},
		{presign.Form{Method: "PUT", Recursive: true}, "recursive", "--recursive applies to GET"},
		{presign.Form{Recursive: true, VersionID: "v1"}, "version-id", "cannot go with --recursive"},
		{presign.Form{BaseURL: "ftp://cdn"}, "base-url", "scheme must be http or https"},
	} {
		_, err := c.form.Plan(now, presign.Defaults{})
		var fe *presign.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v (field %v), want %s: …%s…", c.form, err, fe, c.field, c.want)
		}
	}
}

func TestFormPlanDefaults(t *testing.T) {
	p, err := presign.Form{}.Plan(now, presign.Defaults{Expiry: 2 * time.Hour, Disposition: "attachment"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Method() != presign.GET || p.Template.Expires != presign.In(2*time.Hour) || !p.NameFromKey || p.DispositionKind != "attachment" {
		t.Errorf("defaults: %+v", p)
	}
	if p.Options["expires"] != "2h" || p.Options["disposition"] != "attachment" {
		t.Errorf("options %v", p.Options)
	}
	p, err = presign.Form{Filename: "Été.pdf", Expires: "15m"}.Plan(now, presign.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Template.ResponseContentDisposition, `attachment; filename="Ete.pdf"`) || p.NameFromKey {
		t.Errorf("file name: %+v", p)
	}
	p, err = presign.Form{Method: "post", ContentType: "image/*"}.Plan(now, presign.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Template.ContentType != "image/" || !p.Template.ContentTypePrefix || p.Template.MaxSize != presign.MaxPOSTSize {
		t.Errorf("POST: %+v", p.Template)
	}
	r, err := p.Request("b", "up/")
	if err != nil || !r.KeyIsPrefix {
		t.Errorf("POST prefix request: %+v %v", r, err)
	}
}

func clientFor(t *testing.T, srv *s3test.Server) *s3model.Client {
	t.Helper()
	u, err := config.ParseEndpoint(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s3model.New(config.Store{
		Endpoint: u, Region: srv.Region, RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestShare runs the pipeline against a real store: a recursive share
// with a cap, per-key dispositions, failures that sign nothing, and
// cancellation.
func TestShare(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	for _, k := range []string{"docs/a.txt", "docs/b.pdf", "docs/sub/c.txt", "docs/sub/d.txt", "top.txt"} {
		srv.Put(t, bucket, k, []byte("data of "+k), "text/plain")
	}
	srv.Put(t, bucket, "docs/sub/", nil, "")
	c := clientFor(t, srv)
	ctx := context.Background()

	plan, err := presign.Form{Recursive: true, Disposition: "attachment"}.Plan(time.Now(), presign.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	var recorded [][]presign.Result
	record := func(rs []presign.Result, opts map[string]string) error {
		if opts["disposition"] != "attachment" {
			t.Errorf("recorded options %v", opts)
		}
		recorded = append(recorded, rs)
		return nil
	}
	targets := []presign.Target{{Bucket: bucket, Key: "docs/"}, {Bucket: bucket, Key: "top.txt"}}
	sh, err := presign.Share(ctx, c, plan, targets, presign.ShareOptions{Record: record})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range sh.Results {
		keys = append(keys, r.Key)
	}
	if got := strings.Join(keys, " "); got != "docs/a.txt docs/b.pdf docs/sub/c.txt docs/sub/d.txt top.txt" || sh.Capped {
		t.Fatalf("keys %q capped %v", got, sh.Capped)
	}
	if len(recorded) != 1 || len(recorded[0]) != 5 {
		t.Fatalf("recorded %d batches", len(recorded))
	}
	resp, err := http.Get(sh.Results[1].URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename="b.pdf"` {
		t.Errorf("GET docs/b.pdf: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}

	// One cap for every recursive share.
	sh, err = presign.Share(ctx, c, plan, targets[:1], presign.ShareOptions{Limit: 3})
	if err != nil || len(sh.Results) != 3 || !sh.Capped {
		t.Fatalf("capped share: %d results, capped %v, %v", len(sh.Results), sh.Capped, err)
	}

	// Failures: the share fails whole, names each failed target, and
	// nothing is recorded.
	plain, _ := presign.Form{}.Plan(time.Now(), presign.Defaults{})
	_, err = presign.Share(ctx, c, plain, []presign.Target{
		{Bucket: bucket, Key: "top.txt"}, {Bucket: bucket, Key: "docs/"}, {Bucket: bucket, Key: "a/../etc"},
	}, presign.ShareOptions{Record: record})
	var se *presign.ShareError
	if !errors.As(err, &se) || len(se.Failed) != 2 || se.Count != 2 ||
		!strings.Contains(err.Error(), "docs/: this is a prefix") || !strings.Contains(err.Error(), `".." path segment`) {
		t.Fatalf("failed share: %v", err)
	}
	_, err = presign.Share(ctx, c, plan, []presign.Target{{Bucket: bucket, Key: "empty/"}}, presign.ShareOptions{Record: record})
	if err == nil || !strings.Contains(err.Error(), "/empty/: no objects under this prefix") {
		t.Fatalf("empty prefix: %v", err)
	}
	if len(recorded) != 1 {
		t.Fatalf("a failed share was recorded")
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := presign.Share(cctx, c, plan, targets, presign.ShareOptions{Record: record}); !errors.Is(err, presign.ErrCancelled) {
		t.Fatalf("cancelled share: %v", err)
	}

	// PUT links of a batch sign each key's type from its extension.
	put, _ := presign.Form{Method: "PUT", TypeFromKey: true}.Plan(time.Now(), presign.Defaults{})
	sh, err = presign.Share(ctx, c, put, []presign.Target{{Bucket: bucket, Key: "new/x.json"}, {Bucket: bucket, Key: "new/y.png"}, {Bucket: bucket, Key: "new/z.txt"}}, presign.ShareOptions{})
	if err != nil || sh.Results[0].Headers["Content-Type"] != "application/json" || sh.Results[1].Headers["Content-Type"] != "image/png" ||
		sh.Results[2].Headers["Content-Type"] != "text/plain" {
		t.Fatalf("PUT types (media types, as uploaders send them, without charset): %+v %v", sh.Results, err)
	}
	// The link works with the type an uploader sends, curl -H 'Content-Type: text/plain'.
	req, _ := http.NewRequest(http.MethodPut, sh.Results[2].URL, strings.NewReader("z"))
	req.Header.Set("Content-Type", "text/plain")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT with text/plain: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

func TestEncodeAndExport(t *testing.T) {
	rs := []presign.Result{{URL: "http://h/b/=cmd", Method: presign.GET, Bucket: "b", Key: "=cmd", ExpiresAt: now, EffectiveExpiresAt: now}}
	for f, want := range map[presign.Format]string{
		presign.FormatURL:  "http://h/b/=cmd\n",
		presign.FormatCurl: "curl -f -o =cmd 'http://h/b/=cmd'\n",
		presign.FormatCSV:  "GET,b,'=cmd,http://h/b/=cmd,2026-11-29T12:00:00Z",
		presign.FormatJSON: `"key": "=cmd"`,
	} {
		b, err := presign.Encode(f, rs)
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %q %v, want …%q…", f, b, err, want)
		}
	}
	if _, err := presign.ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), `output "xml"`) {
		t.Errorf("ParseFormat(xml): %v", err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "l.json")
	if abs, err := presign.Export(p, rs, false); err != nil || abs != p {
		t.Fatal(abs, err)
	}
	if _, err := presign.Export(p, rs, false); !errors.Is(err, presign.ErrExportExists) {
		t.Fatalf("second export: %v", err)
	}
	if _, err := presign.Export(p, rs, true); err != nil {
		t.Fatal(err)
	}
	if _, err := presign.Export(filepath.Join(dir, "l.txt"), rs, false); err == nil || !strings.Contains(err.Error(), ".json, .csv or (POST) .html") {
		t.Fatalf("export to .txt: %v", err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode: %v %v", fi, err)
	}
	if _, err := presign.Export(filepath.Join(dir, "form.html"), rs, false); !errors.Is(err, presign.ErrNotPOST) {
		t.Errorf("an HTML form of GET links: %v", err)
	}
}

// TestPlanCheck: a form can refuse a target as it is typed, in Share's
// words.
func TestPlanCheck(t *testing.T) {
	put, _ := presign.Form{Method: "PUT"}.Plan(now, presign.Defaults{})
	get, _ := presign.Form{}.Plan(now, presign.Defaults{})
	post, _ := presign.Form{Method: "POST"}.Plan(now, presign.Defaults{})
	for _, c := range []struct {
		plan presign.Plan
		t    presign.Target
		want string
	}{
		{put, presign.Target{Bucket: "b", Key: "dir/"}, "a PUT link needs an object key"},
		{get, presign.Target{Bucket: "b", Key: "dir/"}, "this is a prefix"},
		{put, presign.Target{Bucket: "b", Key: "a/../etc"}, `".." path segment`},
		{get, presign.Target{Bucket: "b", Key: strings.Repeat("k", 1025)}, "S3 allows 1024"},
		{put, presign.Target{Bucket: "b c", Key: "k"}, "bucket name"},
		{post, presign.Target{Bucket: "b", Key: "dir/"}, ""},
		{put, presign.Target{Bucket: "b", Key: "k\x1b[2J"}, ""},
	} {
		err := c.plan.Check(c.t)
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: %v, want %q", c.plan.Method(), c.t, err, c.want)
		}
	}
}

// TestJSONOutputEscapesControls: keys holding C1 controls, DEL or bidi
// overrides reach JSON output only as \u escapes.
func TestJSONOutputEscapesControls(t *testing.T) {
	key := "evil\u009b31m\x7f\u202etxt.exe"
	rs := []presign.Result{{URL: "http://h/b/k", Method: presign.GET, Bucket: "b", Key: key}}
	b, err := presign.Encode(presign.FormatJSON, rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\u009b", "\x7f", "\u202e"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("%q raw in %s", bad, b)
		}
	}
	rs[0].Key += "\x1b[2J"
	csv, err := presign.Encode(presign.FormatCSV, rs)
	if err != nil || strings.ContainsAny(string(csv), "\x1b\x7f\u009b\u202e") || !strings.Contains(string(csv), `evil\u009b31m\x7f\u202etxt.exe\x1b[2J`) {
		t.Errorf("CSV: %q %v", csv, err)
	}
	var back []struct{ Key string }
	if err := json.Unmarshal(b, &back); err != nil || back[0].Key != key {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}

// TestShareRecursiveNamesEveryBadKey: keys under a prefix that no link
// can be made for are all counted and the first ones named in one run;
// the others are not held back by the first.
func TestShareRecursiveNamesEveryBadKey(t *testing.T) {
	srv, err := demo.Start(demo.Options{NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.MakeBucket("keys")
	for _, k := range []string{"d/ok.txt", "d/a/../b.txt", "d/./c.txt", "d/bad\xffutf8.txt", "d/ok2.txt"} {
		srv.PutObject("keys", k, []byte("x"), "text/plain", nil)
	}
	u, _ := config.ParseEndpoint(srv.URL)
	c, err := s3model.New(config.Store{Endpoint: u, Region: srv.Region, RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := presign.Form{Recursive: true}.Plan(time.Now(), presign.Defaults{})
	_, err = presign.Share(context.Background(), c, plan, []presign.Target{{Bucket: "keys", Key: "d/"}}, presign.ShareOptions{})
	var se *presign.ShareError
	if !errors.As(err, &se) || se.Count != 3 || len(se.Failed) != 3 {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{`".." path segment`, `"." path segment`, "not valid UTF-8"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
}

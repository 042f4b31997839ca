package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/s3test"
)

// bigFileSize is the size of the big file the transfer tests send:
// S3SHARE_TEST_BIG_MIB MiB, 300 by default (CI sets it small).
func bigFileSize() int64 {
	if n, err := strconv.Atoi(os.Getenv("S3SHARE_TEST_BIG_MIB")); err == nil && n > 0 {
		return int64(n) << 20
	}
	return 300 << 20
}

// writeRandomFile writes size pseudo-random bytes to path and returns
// their SHA-256.
func writeRandomFile(t testing.TB, path string, size int64) [32]byte {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	rng := rand.NewChaCha8([32]byte{1, 2, 3})
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	if _, err := io.CopyN(w, rng, size); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// linkSum downloads link and returns the body's SHA-256 and the headers.
func linkSum(t *testing.T, link string) ([32]byte, http.Header) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Minute}).Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET link: %d %s", resp.StatusCode, b)
	}
	h := sha256.New()
	if _, err := io.Copy(h, resp.Body); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, resp.Header
}

func noIncompleteUploads(t *testing.T, srv *s3test.Server, bucket string) {
	t.Helper()
	res, err := minio.Core{Client: srv.Client}.ListMultipartUploads(context.Background(), bucket, "", "", "", "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploads) > 0 {
		t.Errorf("incomplete multipart uploads left: %+v", res.Uploads)
	}
}

func TestPutAndGetAgainstVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	ledgerPath := presignEnv(t, srv.AccessKey, srv.SecretKey)
	ep := "--endpoint=" + srv.Endpoint
	dir := t.TempDir()

	small := filepath.Join(dir, "small.json")
	smallSum := writeRandomFile(t, small, 1024)
	big := filepath.Join(dir, "big.bin")
	bigSum := writeRandomFile(t, big, bigFileSize())

	// One file to a prefix, shared as presign would, JSON out.
	code, out, errs := runCLI(t, "put", ep, "--share", "-e", "1d", "--disposition", "attachment", "--clipboard", "off", "-o", "json", small, "s3://"+bucket+"/in/")
	if code != 0 {
		t.Fatalf("put small: exit %d: %s", code, errs)
	}
	var recs []putRecord
	if err := json.Unmarshal([]byte(out), &recs); err != nil || len(recs) != 1 {
		t.Fatalf("put -o json: %v\n%s", err, out)
	}
	r := recs[0]
	if r.Key != "in/small.json" || r.Size != 1024 || r.ContentType != "application/json" || r.Parts != 0 || r.Link == "" || r.Expires == nil {
		t.Errorf("record %+v", r)
	}
	if d := time.Until(*r.Expires); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("expires in %s, want 1d", d)
	}
	sum, hdr := linkSum(t, r.Link)
	if sum != smallSum || hdr.Get("Content-Disposition") != `attachment; filename="small.json"` {
		t.Errorf("small link: sum ok %v, disposition %q", sum == smallSum, hdr.Get("Content-Disposition"))
	}
	if recs := checkLedger(t, ledgerPath, srv.SecretKey); len(recs) != 1 || recs[0].Key != "in/small.json" {
		t.Errorf("ledger %+v", recs)
	}

	// The big file as a multipart upload of small parts, to a key.
	code, out, errs = runCLI(t, "put", ep, "--share", "--no-ledger", "--clipboard", "off", "--part-size", "5MiB", big, "s3://"+bucket+"/big/file.bin")
	if code != 0 {
		t.Fatalf("put big: exit %d: %s", code, errs)
	}
	link := strings.TrimSpace(out)
	if sum, _ := linkSum(t, link); sum != bigSum {
		t.Error("the big object differs from the file")
	}
	if strings.Contains(errs, "\r") || !strings.Contains(errs, "big.bin: 50% (") {
		t.Errorf("want plain progress lines on a non-terminal: %q", errs)
	}
	noIncompleteUploads(t, srv, bucket)

	// get: byte-exact; never over a file unless forced.
	dest := filepath.Join(t.TempDir(), "got.bin")
	code, out, errs = runCLI(t, "get", ep, "s3://"+bucket+"/big/file.bin", dest)
	if code != 0 || strings.TrimSpace(out) != dest {
		t.Fatalf("get: exit %d, out %q: %s", code, out, errs)
	}
	if fileSum(t, dest) != bigSum {
		t.Error("get: the file differs from the object")
	}
	os.WriteFile(dest, []byte("keep me"), 0o644)
	code, _, errs = runCLI(t, "get", ep, "s3://"+bucket+"/in/small.json", dest)
	if code != 1 || !strings.Contains(errs, "already exists") || !strings.Contains(errs, "--force") {
		t.Errorf("get over a file: exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(dest); string(b) != "keep me" {
		t.Error("get replaced a file without --force")
	}
	code, _, errs = runCLI(t, "get", ep, "--force", "s3://"+bucket+"/in/small.json", dest)
	if code != 0 || fileSum(t, dest) != smallSum {
		t.Errorf("get --force: exit %d: %s", code, errs)
	}
	// To a directory, under the key's name.
	ddir := t.TempDir()
	if code, out, errs := runCLI(t, "get", ep, "s3://"+bucket+"/in/small.json", ddir); code != 0 || strings.TrimSpace(out) != filepath.Join(ddir, "small.json") {
		t.Errorf("get to a directory: exit %d, %q: %s", code, out, errs)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
		t.Errorf("get left files behind: %v", entries)
	}
}

func TestPutRecursiveAndRefusals(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	ep := "--endpoint=" + srv.Endpoint
	root := filepath.Join(t.TempDir(), "bundle")
	os.MkdirAll(filepath.Join(root, "logs", "old"), 0o755)
	for _, f := range []string{"a.txt", "logs/b.log", "logs/old/c.csv"} {
		os.WriteFile(filepath.Join(root, f), []byte("data of "+f), 0o644)
	}

	code, _, errs := runCLI(t, "put", ep, root, "s3://"+bucket+"/x/")
	if code != 1 || !strings.Contains(errs, "--recursive") {
		t.Errorf("a directory without --recursive: exit %d: %s", code, errs)
	}
	code, _, errs = runCLI(t, "put", ep, root, filepath.Join(root, "a.txt"), "s3://"+bucket+"/one-key")
	if code != 1 || !strings.Contains(errs, "end it with /") {
		t.Errorf("several files to a key: exit %d: %s", code, errs)
	}
	code, out, errs := runCLI(t, "put", ep, "--recursive", root, "s3://"+bucket+"/x/")
	if code != 0 {
		t.Fatalf("put --recursive: exit %d: %s", code, errs)
	}
	want := []string{"s3://" + bucket + "/x/bundle/a.txt", "s3://" + bucket + "/x/bundle/logs/b.log", "s3://" + bucket + "/x/bundle/logs/old/c.csv"}
	if got := strings.Fields(out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("put --recursive printed %q, want %q", got, want)
	}
	info, err := srv.Client.StatObject(context.Background(), bucket, "x/bundle/logs/old/c.csv", minio.StatObjectOptions{})
	if err != nil || info.ContentType != "text/csv" {
		t.Errorf("c.csv: %v, type %q", err, info.ContentType)
	}
	code, _, errs = runCLI(t, "put", ep, "--share", "-e", "30d", filepath.Join(root, "a.txt"), "s3://"+bucket+"/y/")
	if code != 1 || !strings.Contains(errs, "7 days") {
		t.Errorf("--share -e 30d: exit %d: %s", code, errs)
	}
	if _, err := srv.Client.StatObject(context.Background(), bucket, "y/a.txt", minio.StatObjectOptions{}); err == nil {
		t.Error("a refused share still uploaded")
	}
}

// Ctrl-C in the middle of a multipart upload stops it, removes its parts
// and says so.
func TestPutInterruptedInTmux(t *testing.T) {
	bin := buildS3share(t)
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	proxy := s3test.StartProxy(t, srv.Host)
	// The third part never gets an answer: the upload stalls part way.
	proxy.InjectIf(s3test.Hang, -1, func(r *http.Request) bool {
		return r.Method == http.MethodPut && r.URL.Query().Get("partNumber") == "3"
	})
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	file := filepath.Join(t.TempDir(), "dump.bin")
	writeRandomFile(t, file, 6*5<<20)

	// stderr to the terminal, where the progress bar and the message go.
	tm := startTmux(t, "sh", []string{"-c", `exec "$0" "$@" 2>/dev/tty`, bin, "put", "--endpoint", proxy.Endpoint, "--part-size", "5MiB", "--parallel", "2", file, "s3://" + bucket + "/dumps/"},
		tmuxOptions{width: 100, height: 24, env: []string{"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey}})
	proxy.WaitHeld(t, 1)
	sc := tm.waitText("the progress bar", "%")
	if !strings.Contains(sc, "dump.bin [") || !strings.Contains(sc, "ETA") {
		t.Errorf("no progress bar:\n%s", sc)
	}
	tm.key("C-c")
	tm.waitExit()
	// The message, with the lines the pane's end may have scrolled away.
	out, err := tm.tmux("capture-pane", "-p", "-J", "-S", "-50", "-t", tmuxTarget)
	if err != nil || !strings.Contains(out, "s3share: put: interrupted: the upload of "+file+" was stopped and nothing of it was left on the store") {
		t.Errorf("message (%v):\n%s", err, out)
	}
	noIncompleteUploads(t, srv, bucket)
	if _, err := srv.Client.StatObject(context.Background(), bucket, "dumps/dump.bin", minio.StatObjectOptions{}); err == nil {
		t.Error("an interrupted upload made the object")
	}
}

func TestProgressLine(t *testing.T) {
	line := progressLine("dump.sql.gz", 150<<20, 300<<20, 10*time.Second, 79)
	for _, want := range []string{"dump.sql.gz [", "50%", "150 MiB / 300 MiB", "15 MiB/s", "ETA 10s"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	if w := len([]rune(line)); w > 79 {
		t.Errorf("%d cells wide, want at most 79: %q", w, line)
	}
	if narrow := progressLine("a-very-long-file-name-indeed.tar.gz", 1, 2, time.Second, 30); len([]rune(narrow)) > 30 {
		t.Errorf("narrow: %q", narrow)
	}
}

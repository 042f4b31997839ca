package cli

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3share/s3share/internal/demo"
)

// put sends a file over the default part size as a multipart upload: the
// demo endpoint takes it, byte for byte, and keeps no upload behind.
func TestPutIntoDemo(t *testing.T) {
	s, err := demo.Start(demo.Options{NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.MakeBucket("drop")
	presignEnv(t, s.AccessKey, s.SecretKey)
	dir := t.TempDir()
	path := filepath.Join(dir, "twenty.bin")
	const size = 20 << 20 // over the 16 MiB part size: two parts
	sum := writeRandomFile(t, path, size)

	code, out, errs := runCLI(t, "put", "--endpoint="+s.URL, "-o", "json", path, "s3://drop/in/")
	if code != 0 {
		t.Fatalf("put: exit %d: %s", code, errs)
	}
	var recs []putRecord
	if err := json.Unmarshal([]byte(out), &recs); err != nil || len(recs) != 1 {
		t.Fatalf("put -o json: %v\n%s", err, out)
	}
	r := recs[0]
	if r.Key != "in/twenty.bin" || r.Size != size || r.Parts != 2 || !strings.HasSuffix(r.ETag, "-2") {
		t.Fatalf("record %+v", r)
	}

	dest := filepath.Join(t.TempDir(), "back.bin")
	if code, _, errs := runCLI(t, "get", "--endpoint="+s.URL, "s3://drop/in/twenty.bin", dest); code != 0 {
		t.Fatalf("get: exit %d: %s", code, errs)
	}
	if fileSum(t, dest) != sum {
		t.Fatal("the object differs from the file")
	}

	// The ETag is S3's for two parts of 16 MiB and 4 MiB.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sums []byte
	for _, n := range []int64{16 << 20, 4 << 20} {
		h := md5.New()
		if _, err := io.CopyN(h, f, n); err != nil {
			t.Fatal(err)
		}
		sums = h.Sum(sums)
	}
	if want := md5.Sum(sums); r.ETag != hex.EncodeToString(want[:])+"-2" {
		t.Errorf("ETag %s, want the MD5 of the parts' MD5s", r.ETag)
	}

	c, err := minio.New(strings.TrimPrefix(s.URL, "http://"), &minio.Options{
		Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), Region: s.Region, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := minio.Core{Client: c}.ListMultipartUploads(context.Background(), "drop", "", "", "", "", 1000)
	if err != nil || len(res.Uploads) > 0 {
		t.Errorf("incomplete uploads left: %+v, %v", res.Uploads, err)
	}
}

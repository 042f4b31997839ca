package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/s3test"
)

// BenchmarkPut uploads one big file (S3SHARE_TEST_BIG_MIB, 300 MiB by
// default) to versitygw three ways in the same run: s3share put, the AWS
// CLI's aws s3 cp, and minio-go's PutObject alone.
//
//	go test -run '^$' -bench BenchmarkPut -benchtime 3x ./internal/cli/
func BenchmarkPut(b *testing.B) {
	srv := s3test.Start(b)
	bucket := srv.NewBucket(b)
	size := bigFileSize()
	file := filepath.Join(b.TempDir(), "big.bin")
	writeRandomFile(b, file, size)
	home := b.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": home, "XDG_STATE_HOME": home, "AWS_CONFIG_FILE": filepath.Join(home, "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "none"), "AWS_ACCESS_KEY_ID": srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY": srv.SecretKey, "AWS_DEFAULT_REGION": srv.Region, "AWS_PROFILE": "", "AWS_SESSION_TOKEN": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "",
	} {
		b.Setenv(k, v) // restored when the benchmark ends
		if v == "" {
			os.Unsetenv(k) // the AWS CLI takes an empty AWS_PROFILE for a profile named ""
		}
	}

	b.Run("s3share-put", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			var errb bytes.Buffer
			if code := Main([]string{"put", "--endpoint", srv.Endpoint, file, "s3://" + bucket + "/s3share.bin"}, io.Discard, &errb); code != 0 {
				b.Fatalf("put: %s", errb.String())
			}
		}
	})
	b.Run("aws-s3-cp", func(b *testing.B) {
		if _, err := exec.LookPath("aws"); err != nil {
			b.Fatal("this benchmark compares with the AWS CLI: install it (pip install awscli)")
		}
		b.SetBytes(size)
		for b.Loop() {
			out, err := exec.Command("aws", "s3", "cp", "--only-show-errors", "--endpoint-url", srv.Endpoint, file, "s3://"+bucket+"/aws.bin").CombinedOutput()
			if err != nil {
				b.Fatalf("aws s3 cp: %v\n%s", err, out)
			}
		}
	})
	b.Run("minio-PutObject", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			f, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			_, err = srv.Client.PutObject(context.Background(), bucket, "minio.bin", f, size, minio.PutObjectOptions{})
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

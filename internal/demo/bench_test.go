package demo

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/minio/minio-go/v7"
)

// BenchmarkListPage measures one ListObjectsV2 page of 1000 keys from the
// middle of the big prefix, over HTTP, signature check and XML included.
func BenchmarkListPage(b *testing.B) {
	s := startDemo(b, Options{})
	mid, e := s.bucket(LogsBucket)
	if e != nil {
		b.Fatal(e)
	}
	startAfter := mid.keys[len(mid.keys)/2]
	q := url.Values{"list-type": {"2"}, "prefix": {BigPrefix}, "max-keys": {"1000"}, "start-after": {startAfter}, "encoding-type": {"url"}}
	client := &http.Client{}
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Do(signedRequest(b, s, http.MethodGet, "/"+LogsBucket, q, nil))
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n == 0 {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
}

// BenchmarkListPageInMemory measures the store walk alone.
func BenchmarkListPageInMemory(b *testing.B) {
	s, err := newServer(Options{})
	if err != nil {
		b.Fatal(err)
	}
	s.Seed()
	bk := s.buckets[LogsBucket]
	q := listQuery{prefix: BigPrefix, marker: bk.keys[len(bk.keys)/2], maxKeys: 1000}
	for b.Loop() {
		if p := bk.list(q); len(p.objects) != 1000 {
			b.Fatalf("page of %d", len(p.objects))
		}
	}
}

// BenchmarkSeed measures loading the sample data.
func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		s, err := newServer(Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Seed()
	}
}

// BenchmarkUploadPart sends one 5 MiB part of a multipart upload over
// HTTP as minio-go does on plain http (aws-chunked, each chunk's signature
// checked), the part's MD5 included. The same part number is sent each
// time, so the upload holds one part.
func BenchmarkUploadPart(b *testing.B) {
	s := startDemo(b, Options{NoSeed: true})
	s.MakeBucket(mpBucket)
	c := minio.Core{Client: newClient(b, s, s.SecretKey)}
	ctx := context.Background()
	id, err := c.NewMultipartUpload(ctx, mpBucket, "bench.bin", minio.PutObjectOptions{})
	if err != nil {
		b.Fatal(err)
	}
	data := pattern(minPartSize, 1)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := c.PutObjectPart(ctx, mpBucket, "bench.bin", id, 1, bytes.NewReader(data), int64(len(data)), minio.PutObjectPartOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

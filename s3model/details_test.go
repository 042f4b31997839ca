package s3model_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/s3test"
)

func TestStatDetails(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	body := []byte("hello details")
	_, err := srv.Client.PutObject(context.Background(), bucket, "d/file.json", bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{ContentType: "application/json", UserMetadata: map[string]string{"Owner": "ops", "purpose": "test"}})
	if err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, srv)
	d, err := c.Stat(context.Background(), bucket, "d/file.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Size != int64(len(body)) || d.ContentType != "application/json" || d.ETag == "" || d.LastModified.IsZero() {
		t.Errorf("details = %+v", d)
	}
	if d.Metadata["owner"] != "ops" || d.Metadata["purpose"] != "test" {
		t.Errorf("metadata = %v", d.Metadata)
	}
	if _, err := c.Stat(context.Background(), bucket, "missing", ""); err == nil {
		t.Error("Stat of a missing key succeeded")
	}
}

func TestListVersions(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	ctx := context.Background()
	if err := srv.Client.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"one", "two!", "three"} {
		srv.Put(t, bucket, "v.txt", []byte(body), "text/plain")
	}
	srv.Put(t, bucket, "v.txt.other", []byte("x"), "")
	if err := srv.Client.RemoveObject(ctx, bucket, "v.txt", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, srv)
	vs, err := c.ListVersions(ctx, bucket, "v.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 4 {
		t.Fatalf("got %d versions, want 3 and a delete marker: %+v", len(vs), vs)
	}
	markers, sizes := 0, map[int64]bool{}
	for _, v := range vs {
		if v.DeleteMarker {
			markers++
		} else {
			sizes[v.Size] = true
		}
		if v.VersionID == "" {
			t.Errorf("version without id: %+v", v)
		}
	}
	if markers != 1 || !sizes[3] || !sizes[4] || !sizes[5] {
		t.Errorf("versions = %+v", vs)
	}
}

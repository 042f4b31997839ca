package s3model_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

// clientFor builds an s3model client for the test server, as main does.
func clientFor(t *testing.T, srv *s3test.Server) *s3model.Client {
	t.Helper()
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s3model.New(config.Store{
		Endpoint:   u,
		Region:     srv.Region,
		Addressing: config.AddressingAuto,
		Creds:      config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListPageNested(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	objects := map[string]string{
		"top.txt":               "top",
		"docs/readme.md":        "# readme",
		"docs/guide/intro.txt":  "intro text",
		"docs/guide/deep/x.bin": "xx",
		"docs/sub dir/name.pdf": "pdf!",
		"media/a.png":           "png data",
		"docs/":                 "", // folder marker
	}
	for k, v := range objects {
		srv.Put(t, bucket, k, []byte(v), "text/plain")
	}
	c := clientFor(t, srv)
	ctx := context.Background()

	bs, err := c.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range bs {
		found = found || b.Name == bucket
	}
	if !found {
		t.Fatalf("ListBuckets = %v, missing %s", bs, bucket)
	}

	root, err := c.ListPage(ctx, bucket, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(root.Entries), "docs/ media/ top.txt:3"; got != want {
		t.Errorf("root listing = %q, want %q", got, want)
	}
	if !root.Done {
		t.Error("root listing not done")
	}

	docs, err := c.ListPage(ctx, bucket, "docs/", "")
	if err != nil {
		t.Fatal(err)
	}
	// The folder marker "docs/" itself is not a row of its own listing.
	if got, want := describe(docs.Entries), "guide/ sub dir/ readme.md:8"; got != want {
		t.Errorf("docs/ listing = %q, want %q", got, want)
	}
	for _, e := range docs.Entries {
		if !e.IsPrefix && e.ModTime().IsZero() {
			t.Errorf("%s has no last-modified time", e.Name)
		}
	}
}

func TestListPagePaging(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	const n = s3model.PageSize + 20
	for i := 0; i < n; i++ {
		srv.Put(t, bucket, "many/"+pad(i), []byte("x"), "")
	}
	c := clientFor(t, srv)
	var all []s3model.Entry
	pages, token := 0, ""
	for {
		p, err := c.ListPage(context.Background(), bucket, "many/", token)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, p.Entries...)
		if p.Done {
			break
		}
		token = p.Next
	}
	if pages != 2 || len(all) != n {
		t.Fatalf("got %d entries in %d pages, want %d in 2", len(all), pages, n)
	}
	for i, e := range all {
		if e.Name != pad(i) {
			t.Fatalf("entry %d = %q, want %q", i, e.Name, pad(i))
		}
	}
}

func TestListPageCancelled(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	c := clientFor(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ListPage(ctx, bucket, "", ""); err == nil {
		t.Fatal("ListPage with a cancelled context succeeded")
	}
}

func TestExplainConnectionRefused(t *testing.T) {
	u, err := url.Parse("http://" + s3test.RefusedAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s3model.New(config.Store{Endpoint: u, Region: "us-east-1",
		Creds: config.Credentials{AccessKeyID: "AKIAREFUSED", SecretAccessKey: "refused-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListBuckets(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "server running?") {
		t.Fatalf("ListBuckets where nothing listens: %v, want a connection refused hint", err)
	}
}

func describe(es []s3model.Entry) string {
	var parts []string
	for _, e := range es {
		if e.IsPrefix {
			parts = append(parts, e.Name)
		} else {
			parts = append(parts, fmt.Sprintf("%s:%d", e.Name, e.Size))
		}
	}
	return strings.Join(parts, " ")
}

func pad(i int) string { return fmt.Sprintf("%05d", i) }

package s3model_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

// TestWalk lists every object under a prefix across pages, skips folder
// markers, stops early on ErrStop and passes other errors through.
func TestWalk(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	const n = s3model.PageSize + 5 // two pages
	// One key per directory first, so that the parallel puts below do
	// not race to create the same directory on the posix backend.
	for d := range 3 {
		srv.Put(t, bucket, fmt.Sprintf("logs/d%d/%04d.log", d, d), []byte("x"), "text/plain")
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := 3; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			k := fmt.Sprintf("logs/d%d/%04d.log", i%3, i)
			if _, err := srv.Client.PutObject(context.Background(), bucket, k, strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
				errs <- fmt.Errorf("put %s: %w", k, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	srv.Put(t, bucket, "logs/", nil, "")             // folder marker
	srv.Put(t, bucket, "logs/d0/", nil, "")          // folder marker
	srv.Put(t, bucket, "other.txt", []byte("o"), "") // outside the prefix
	c := clientFor(t, srv)
	ctx := context.Background()

	var keys []string
	if err := c.Walk(ctx, bucket, "logs/", func(k string, size int64) error {
		if size != 1 {
			t.Errorf("%s: size %d", k, size)
		}
		keys = append(keys, k)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != n {
		t.Fatalf("walked %d keys, want %d", len(keys), n)
	}
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			t.Fatalf("not in key order: %q then %q", keys[i-1], keys[i])
		}
	}

	seen := 0
	if err := c.Walk(ctx, bucket, "logs/", func(string, int64) error {
		if seen++; seen == 10 {
			return s3model.ErrStop
		}
		return nil
	}); err != nil || seen != 10 {
		t.Errorf("ErrStop: err %v after %d keys", err, seen)
	}

	boom := errors.New("boom")
	if err := c.Walk(ctx, bucket, "logs/", func(string, int64) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("callback error: got %v", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	seen = 0
	err := c.Walk(cctx, bucket, "logs/", func(string, int64) error {
		if seen++; seen == 1 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || seen > s3model.PageSize {
		t.Errorf("cancelled walk: err %v after %d keys (want context.Canceled within the first page)", err, seen)
	}

	if err := c.Walk(ctx, "no-such-bucket-here", "", func(string, int64) error { return nil }); err == nil {
		t.Error("walk of a missing bucket: no error")
	} else if se, ok := s3model.AsStoreError(err); !ok || se.Code != "NoSuchBucket" || se.Status != 404 {
		t.Errorf("missing bucket: %v → %+v, %v", err, se, ok)
	}
}

package s3model_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

// storeFor describes the test server as a store with the given region.
func storeFor(t *testing.T, srv *s3test.Server, region string, fromUser bool) config.Store {
	t.Helper()
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return config.Store{
		Endpoint:       u,
		Region:         region,
		RegionFromUser: fromUser,
		Addressing:     config.AddressingPath,
		Creds:          config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	}
}

// locationRequests counts GetBucketLocation requests in an access log.
func locationRequests(log string) int {
	n := 0
	for _, l := range strings.Split(log, "\n") {
		if f := strings.Fields(l); len(f) > 9 && strings.Contains(f[9], "location") {
			n++
		}
	}
	return n
}

func TestBucketRegionLooksUpOnceWhenUnknown(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "a.txt", []byte("a"), "text/plain")
	c, err := s3model.New(storeFor(t, srv, "", false))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before := len(srv.AccessLog())
	for i := 0; i < 3; i++ {
		region, err := c.BucketRegion(ctx, bucket)
		if err != nil {
			t.Fatal(err)
		}
		if region != srv.Region {
			t.Fatalf("BucketRegion = %q, want %q", region, srv.Region)
		}
	}
	if n := locationRequests(srv.AccessLog()[before:]); n != 1 {
		t.Errorf("3 BucketRegion calls made %d GetBucketLocation requests, want 1:\n%s", n, srv.AccessLog()[before:])
	}
	// Listing uses the cached region and works.
	page, err := c.ListPage(ctx, bucket, "", "")
	if err != nil || len(page.Entries) != 1 {
		t.Fatalf("ListPage = %+v, %v", page, err)
	}
	st, err := c.SigningStore(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	if st.Region != srv.Region || !st.RegionFromUser || st.Endpoint.String() != srv.Endpoint {
		t.Errorf("SigningStore: region %q (from user %v), endpoint %s", st.Region, st.RegionFromUser, st.Endpoint)
	}
}

// TestBucketRegionKnownNeedsNoNetwork asks a store whose server is gone:
// a configured region is answered without a request.
func TestBucketRegionKnownNeedsNoNetwork(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for _, st := range []config.Store{
		{Endpoint: &url.URL{Scheme: "http", Host: addr}, Region: "eu-central-1", RegionFromUser: true},
		{Endpoint: &url.URL{Scheme: "http", Host: addr}, Region: config.DefaultRegion}, // not AWS: the default is used
	} {
		c, err := s3model.New(st)
		if err != nil {
			t.Fatal(err)
		}
		region, err := c.BucketRegion(context.Background(), "some-bucket")
		if err != nil || region != st.Region {
			t.Errorf("BucketRegion = %q, %v; want %q with no request", region, err, st.Region)
		}
	}
	// Unknown region and no server: the lookup fails with a hint.
	c, err := s3model.New(config.Store{Endpoint: &url.URL{Scheme: "http", Host: addr}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.BucketRegion(context.Background(), "some-bucket"); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("BucketRegion with the server gone: %v, want connection refused", err)
	}
}

func TestHeadBucket(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	c, err := s3model.New(storeFor(t, srv, srv.Region, true))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.HeadBucket(ctx, bucket); err != nil {
		t.Errorf("HeadBucket(%s): %v", bucket, err)
	}
	err = c.HeadBucket(ctx, "no-such-bucket-here")
	var resp minio.ErrorResponse
	if err == nil || !strings.Contains(err.Error(), "NoSuchBucket") || !strings.Contains(err.Error(), "check the bucket name") || !errors.As(err, &resp) {
		t.Errorf("HeadBucket of a missing bucket: %v, want NoSuchBucket with a hint, wrapping the response", err)
	}
	if err := c.HeadBucket(ctx, "Bad_Name"); err == nil {
		t.Error("HeadBucket of an invalid bucket name: no error")
	}

	st := storeFor(t, srv, srv.Region, true)
	st.Creds.SecretAccessKey = "wrong-secret-0123456789"
	c, err = s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	err = c.HeadBucket(ctx, bucket)
	if err == nil || !errors.As(err, &resp) || resp.StatusCode != 403 {
		t.Errorf("HeadBucket with a wrong secret: %v, want a 403", err)
	}
}

func TestMinioRegionForAWS(t *testing.T) {
	aws := &url.URL{Scheme: "https", Host: "s3.amazonaws.com"}
	// No region configured on AWS: the client resolves regions per bucket,
	// which BucketRegion reports as needing the network; with a region
	// from the user it answers at once.
	c, err := s3model.New(config.Store{Endpoint: aws, Region: "ap-southeast-2", RegionFromUser: true})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := c.BucketRegion(context.Background(), "bucket"); err != nil || r != "ap-southeast-2" {
		t.Errorf("BucketRegion with a configured region = %q, %v", r, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // any request fails at once, and none leaves the machine
	c, err = s3model.New(config.Store{Endpoint: aws, Region: config.DefaultRegion})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.BucketRegion(ctx, "bucket"); !errors.Is(err, context.Canceled) {
		t.Errorf("BucketRegion on AWS without a region: %v, want a lookup (cancelled here)", err)
	}
}

package s3model

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"github.com/s3share/s3share/config"
)

// minioRegion is the region the minio-go client is given. An empty one
// makes minio-go look up each bucket's region once (GetBucketLocation,
// which also reads the x-amz-bucket-region header of a refusal) and cache
// it. That is done for AWS endpoints when no region was configured, and
// for stores whose region is unknown (""); other stores get the region
// they were given, so that no lookup is ever made for them.
func minioRegion(st config.Store) string {
	if st.RegionFromUser {
		return st.Region
	}
	if st.IsAWS() || st.Region == "" {
		return ""
	}
	return st.Region
}

// BucketRegion returns the region requests and links for bucket are
// signed with. It needs the network only the first time it is asked about
// a bucket of a store whose region is not known (AWS with no region
// configured); the answer is cached for the life of the client. Otherwise
// it returns the store's region at once.
func (c *Client) BucketRegion(ctx context.Context, bucket string) (string, error) {
	if err := s3utils.CheckValidBucketName(bucket); err != nil {
		return "", Explain("bucket "+bucket, err)
	}
	if minioRegion(c.store) != "" {
		return c.store.Region, nil
	}
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	region, err := c.mc.GetBucketLocation(ctx, bucket)
	if err != nil {
		return "", Explain("find the region of bucket "+bucket, timedOut(ctx, err))
	}
	if region == "" {
		region = config.DefaultRegion
	}
	return region, nil
}

// SigningStore returns the client's store with the region of bucket
// filled in (see BucketRegion), so that a signer can presign links for
// bucket with no network access.
func (c *Client) SigningStore(ctx context.Context, bucket string) (config.Store, error) {
	region, err := c.BucketRegion(ctx, bucket)
	if err != nil {
		return config.Store{}, err
	}
	st := c.store
	st.Region, st.RegionFromUser = region, true
	if st.Renew != nil && st.SignWith == nil {
		// Links are signed with credentials good for now, renewed
		// when the ones the store started with are near their end.
		ctx, cancel := c.bounded(ctx)
		defer cancel()
		cr, err := st.Renew.Current(ctx)
		if err != nil && !cr.Expires.After(time.Now()) {
			return config.Store{}, fmt.Errorf("renew the credentials from %s: %v", st.Renew.Source(), err)
		}
		st.Creds = cr
	}
	if sw := st.SignWith; sw != nil {
		// Links are signed with the store's separate signing identity.
		ctx, cancel := c.bounded(ctx)
		defer cancel()
		cr, err := sw.Current(ctx)
		if err != nil && !cr.Expires.After(time.Now()) {
			return config.Store{}, fmt.Errorf("renew the signing credentials of sign_with %s: %v", sw.Name, err)
		}
		st.Creds, st.SignedWith = cr, sw.Name
	}
	return st, nil
}

// HeadBucket checks that bucket exists and that the credentials reach it.
func (c *Client) HeadBucket(ctx context.Context, bucket string) error {
	what := "head s3://" + bucket
	if err := s3utils.CheckValidBucketName(bucket); err != nil {
		return Explain(what, err)
	}
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	ok, err := c.mc.BucketExists(ctx, bucket)
	if err != nil {
		return Explain(what, timedOut(ctx, err))
	}
	if !ok {
		return Explain(what, minio.ErrorResponse{
			Code:       "NoSuchBucket",
			Message:    "The specified bucket does not exist",
			BucketName: bucket,
			StatusCode: http.StatusNotFound,
		})
	}
	return nil
}

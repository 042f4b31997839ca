package s3model

import (
	"context"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Multipart uploads driven from outside: the share gateway creates one,
// hands out presigned URLs of its parts, then completes or aborts it.
// Each call is bounded by the client's timeout.

// Part is one part of a multipart upload as the store holds it.
type Part struct {
	Number int
	Size   int64
	ETag   string
}

// Multipart is an incomplete multipart upload.
type Multipart struct {
	Key, UploadID string
	Initiated     time.Time
}

// StartMultipart creates a multipart upload of bucket/key whose object
// will have contentType, and returns its upload id.
func (c *Client) StartMultipart(ctx context.Context, bucket, key, contentType string) (string, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	id, err := c.core.NewMultipartUpload(ctx, bucket, key, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return "", Explain("start a multipart upload to s3://"+bucket+"/"+key, timedOut(ctx, err))
	}
	return id, nil
}

// Parts lists the parts the store holds of a multipart upload, in order.
func (c *Client) Parts(ctx context.Context, bucket, key, uploadID string) ([]Part, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	var out []Part
	marker := 0
	for {
		res, err := c.core.ListObjectParts(ctx, bucket, key, uploadID, marker, 1000)
		if err != nil {
			return nil, Explain("list the parts of an upload to s3://"+bucket+"/"+key, timedOut(ctx, err))
		}
		for _, p := range res.ObjectParts {
			out = append(out, Part{Number: p.PartNumber, Size: p.Size, ETag: strings.Trim(p.ETag, `"`)})
		}
		if !res.IsTruncated || res.NextPartNumberMarker <= marker {
			return out, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// CompleteMultipart makes the object of a multipart upload from parts and
// returns its ETag.
func (c *Client) CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []Part) (string, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	cp := make([]minio.CompletePart, len(parts))
	for i, p := range parts {
		cp[i] = minio.CompletePart{PartNumber: p.Number, ETag: p.ETag}
	}
	info, err := c.core.CompleteMultipartUpload(ctx, bucket, key, uploadID, cp, minio.PutObjectOptions{})
	if err != nil {
		return "", Explain("complete the upload to s3://"+bucket+"/"+key, timedOut(ctx, err))
	}
	return strings.Trim(info.ETag, `"`), nil
}

// AbortMultipart removes an incomplete multipart upload and its parts,
// bounded by the client's timeout even when ctx has ended already.
func (c *Client) AbortMultipart(ctx context.Context, bucket, key, uploadID string) error {
	ctx, cancel := c.bounded(context.WithoutCancel(ctx))
	defer cancel()
	if err := c.core.AbortMultipartUpload(ctx, bucket, key, uploadID); err != nil {
		return Explain("abort the upload to s3://"+bucket+"/"+key, timedOut(ctx, err))
	}
	return nil
}

// Multiparts lists the incomplete multipart uploads under prefix (at most
// the first 1,000), in key order.
func (c *Client) Multiparts(ctx context.Context, bucket, prefix string) ([]Multipart, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	res, err := c.core.ListMultipartUploads(ctx, bucket, prefix, "", "", "", 1000)
	if err != nil {
		return nil, Explain("list incomplete uploads of s3://"+bucket+"/"+prefix, timedOut(ctx, err))
	}
	out := make([]Multipart, 0, len(res.Uploads))
	for _, u := range res.Uploads {
		out = append(out, Multipart{Key: u.Key, UploadID: u.UploadID, Initiated: u.Initiated})
	}
	return out, nil
}

package s3model

import (
	"context"
	"errors"
	"strings"
)

// ErrStop, returned by a Walk callback, ends the walk early without an
// error.
var ErrStop = errors.New("stop the walk")

// Walk calls fn with the key and size of every object under prefix, at
// every depth, in key order; folder markers (keys ending in "/") are
// skipped. It reads one page of PageSize keys at a time, each bounded by
// the client's timeout (see ListPage), and stops at the first error of
// the store or of fn, when fn returns ErrStop (then with no error), or
// when ctx ends (then with ctx's error).
func (c *Client) Walk(ctx context.Context, bucket, prefix string, fn func(key string, size int64) error) error {
	token := ""
	for {
		res, err := c.listV2(ctx, bucket, prefix, token, "")
		if err != nil {
			return err
		}
		for _, o := range res.Contents {
			if strings.HasSuffix(o.Key, "/") {
				continue
			}
			if err := fn(o.Key, o.Size); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
		if !res.IsTruncated || res.NextContinuationToken == "" {
			return ctx.Err()
		}
		token = res.NextContinuationToken
	}
}

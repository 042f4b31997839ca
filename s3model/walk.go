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
// skipped. It lists by key range (see List), each request bounded by the
// client's timeout, and stops at the first error of the store or of fn,
// when fn returns ErrStop (then with no error), or when ctx ends (then
// with ctx's error). No worker is left running when it returns.
func (c *Client) Walk(ctx context.Context, bucket, prefix string, fn func(key string, size int64) error) error {
	l := c.List(ctx, bucket, prefix, ListOptions{})
	err := l.All(func(p Page) error {
		for _, e := range p.Entries {
			if strings.HasSuffix(e.Name, "/") {
				continue
			}
			if err := fn(prefix+e.Name, e.Size); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, ErrStop) {
		return nil
	}
	return err
}

package s3model

import (
	"fmt"
	"strings"
)

// ParseURI splits "s3://bucket/key", "bucket/key" or "bucket" into a
// bucket and a key (or prefix, when it ends in "/"). The key is taken
// as written: S3 keys are not URL-encoded in an s3:// URI.
func ParseURI(s string) (bucket, key string, err error) {
	rest := s
	if i := strings.Index(rest, "://"); i >= 0 {
		if !strings.EqualFold(rest[:i], "s3") {
			return "", "", fmt.Errorf("%q: want s3://BUCKET/KEY", s)
		}
		rest = rest[i+3:]
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q: no bucket name; want s3://BUCKET/KEY", s)
	}
	if strings.ContainsAny(bucket, " \\?#") {
		return "", "", fmt.Errorf("%q: %q is not a valid bucket name", s, bucket)
	}
	return bucket, key, nil
}

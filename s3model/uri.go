package s3model

import (
	"errors"
	"strings"
)

// ParseURI splits "s3://bucket/key", "bucket/key" or "bucket" into a
// bucket and a key (or prefix, when it ends in "/"). The key is taken
// as written: S3 keys are not URL-encoded in an s3:// URI. The bucket
// name must pass ValidBucketName. Errors do not repeat s: the caller
// names what it parsed.
func ParseURI(s string) (bucket, key string, err error) {
	rest := s
	if i := strings.Index(rest, "://"); i >= 0 {
		if !strings.EqualFold(rest[:i], "s3") {
			return "", "", errors.New("not an s3:// URI; want s3://BUCKET/KEY")
		}
		rest = rest[i+3:]
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", errors.New("no bucket name; want s3://BUCKET/KEY")
	}
	if err := ValidBucketName(bucket); err != nil {
		return "", "", err
	}
	return bucket, key, nil
}

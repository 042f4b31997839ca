package s3model

import (
	"strings"
	"testing"
)

// FuzzParseURI checks that any text either parses into a bucket and key
// that survive a round trip through s3://BUCKET/KEY, or is refused with a
// one-line error.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"s3://b/a/b/", "s3://b", "S3://b/k.txt", "b/dir/key with space", "s3://b/100%/x#y?z.bin",
		"s3://", "https://b/k", "/k", "", "s3:///", "b", "s3://b/k://x", "x://y/z", "s3://b c/k",
		"s3://bucket/\x1b[2J\xff\u202e", "s3://b/" + strings.Repeat("k", 1024), "s3://日本/語", "s3:/b/k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		bucket, key, err := ParseURI(in)
		if err != nil {
			if bucket != "" || key != "" {
				t.Fatalf("ParseURI(%q) failed (%v) but returned %q, %q", in, err, bucket, key)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("ParseURI(%q): error is not one line: %q", in, err.Error())
			}
			return
		}
		if bucket == "" || strings.Contains(bucket, "/") || strings.ContainsAny(bucket, " \\?#") {
			t.Fatalf("ParseURI(%q) accepted bucket %q", in, bucket)
		}
		if !strings.HasSuffix(in, key) || !strings.Contains(in, bucket) {
			t.Fatalf("ParseURI(%q) = %q, %q: not parts of the input", in, bucket, key)
		}
		uri := "s3://" + bucket + "/" + key
		b2, k2, err := ParseURI(uri)
		if err != nil || b2 != bucket || k2 != key {
			t.Fatalf("ParseURI(%q) = %q, %q, %v; want %q, %q (from %q)", uri, b2, k2, err, bucket, key, in)
		}
	})
}

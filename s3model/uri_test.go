package s3model

import (
	"strings"
	"testing"
)

func TestParseURI(t *testing.T) {
	cases := []struct {
		in, bucket, key string
		bad             string // in the error; "" for none
	}{
		{in: "s3://bkt/a/b/", bucket: "bkt", key: "a/b/"},
		{in: "s3://bkt", bucket: "bkt"},
		{in: "S3://bkt/k.txt", bucket: "bkt", key: "k.txt"},
		{in: "bkt/dir/key with space", bucket: "bkt", key: "dir/key with space"},
		{in: "s3://bkt/100%/x#y?z.bin", bucket: "bkt", key: "100%/x#y?z.bin"},
		{in: "s3://", bad: "no bucket name"},
		{in: "https://bkt/k", bad: "want s3://BUCKET/KEY"},
		{in: "/k", bad: "no bucket name"},
		{in: "s3://Bad_Bucket/k", bad: "uppercase"},
		{in: "s3://b c/k", bad: `' ' is not allowed`},
		{in: "s3://b?x/k", bad: `'?' is not allowed`},
	}
	for _, c := range cases {
		b, k, err := ParseURI(c.in)
		if c.bad != "" {
			if err == nil || !strings.Contains(err.Error(), c.bad) {
				t.Errorf("ParseURI(%q): error %v, want one saying %q", c.in, err, c.bad)
			}
			continue
		}
		if err != nil || b != c.bucket || k != c.key {
			t.Errorf("ParseURI(%q) = %q, %q, %v", c.in, b, k, err)
		}
	}
	// The error names what is wrong once, and not the whole input.
	if _, _, err := ParseURI("s3://"); strings.Count(err.Error(), "s3://") != 1 {
		t.Errorf("ParseURI(s3://): %v", err)
	}
}

func TestValidBucketName(t *testing.T) {
	for _, ok := range []string{"abc", "my-bucket", "my.bucket.2026", "0bucket9", "xn--bucket", strings.Repeat("a", 63), "192.168.1.1a"} {
		if err := ValidBucketName(ok); err != nil {
			t.Errorf("ValidBucketName(%q): %v", ok, err)
		}
	}
	for name, why := range map[string]string{
		"a":                     "too short",
		"ab":                    "too short",
		strings.Repeat("a", 64): "too long",
		"Bad_Bucket":            "uppercase",
		"bad_bucket":            `'_' is not allowed`,
		"-x-":                   "begin and end",
		"abc-":                  "begin and end",
		"..":                    "too short",
		"a..b":                  "a dot must sit between",
		"a.-b":                  "a dot must sit between",
		"192.168.1.1":           "IP address",
		"bücket":                `'ü' is not allowed`,
	} {
		err := ValidBucketName(name)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ValidBucketName(%q) = %v, want an error saying %q", name, err, why)
		}
	}
}

package s3model

import "testing"

func TestParseURI(t *testing.T) {
	cases := []struct {
		in, bucket, key string
		bad             bool
	}{
		{in: "s3://b/a/b/", bucket: "b", key: "a/b/"},
		{in: "s3://b", bucket: "b"},
		{in: "S3://b/k.txt", bucket: "b", key: "k.txt"},
		{in: "b/dir/key with space", bucket: "b", key: "dir/key with space"},
		{in: "s3://b/100%/x#y?z.bin", bucket: "b", key: "100%/x#y?z.bin"},
		{in: "s3://", bad: true},
		{in: "https://b/k", bad: true},
		{in: "/k", bad: true},
	}
	for _, c := range cases {
		b, k, err := ParseURI(c.in)
		if (err != nil) != c.bad || b != c.bucket || k != c.key {
			t.Errorf("ParseURI(%q) = %q, %q, %v", c.in, b, k, err)
		}
	}
}

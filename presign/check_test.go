package presign

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
)

func TestCheckPolicy(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:9")
	s, err := NewSigner(config.Store{Endpoint: u, Region: "us-east-1", Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	prefix, _ := s.SignAt(Request{Method: POST, Bucket: "bkt", Key: "in/", KeyIsPrefix: true, MaxSize: 1 << 20, ContentType: "image/", ContentTypePrefix: true}, now)
	one, _ := s.SignAt(Request{Method: POST, Bucket: "bkt", Key: "in/a.txt", Headers: map[string]string{"x-amz-meta-owner": "ann"}}, now)
	for name, r := range map[string]Result{"prefix": prefix, "one key": one} {
		if err := CheckPolicy(r, now); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := func(r Result, change func(*Result)) Result {
		r.Fields = append([]Field(nil), r.Fields...)
		change(&r)
		return r
	}
	for name, c := range map[string]struct {
		r    Result
		at   time.Time
		want string
	}{
		"other bucket": {bad(prefix, func(r *Result) { r.Bucket = "other" }), now, `for bucket "bkt"`},
		"other prefix": {bad(prefix, func(r *Result) { r.Key = "out/" }), now, "key prefix"},
		"expired":      {prefix, now.Add(2 * time.Hour), "expired"},
		"field changed": {bad(one, func(r *Result) {
			for i := range r.Fields {
				if r.Fields[i].Name == "x-amz-meta-owner" {
					r.Fields[i].Value = "bob"
				}
			}
		}), now, "does not match"},
		"field added": {bad(one, func(r *Result) { r.Fields = append(r.Fields, Field{"acl", "public-read"}) }), now, "not covered"},
		"no policy":   {bad(one, func(r *Result) { r.Fields = r.Fields[:1] }), now, "no policy"},
	} {
		if err := CheckPolicy(c.r, c.at); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

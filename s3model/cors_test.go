package s3model_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

func TestCORSAllows(t *testing.T) {
	const gw = "https://share.example.com"
	put := func(origins []string, methods []string, headers ...string) s3model.CORSRule {
		return s3model.CORSRule{AllowedOrigins: origins, AllowedMethods: methods, AllowedHeaders: headers}
	}
	for _, tc := range []struct {
		name  string
		rules []s3model.CORSRule
		rule  int
		why   string
	}{
		{"no rules", nil, -1, "the bucket has no CORS rules"},
		{"another origin", []s3model.CORSRule{put([]string{"https://app.example.com"}, []string{"PUT"}, "*")}, -1, "no rule allows the origin " + gw},
		{"the origin, GET only", []s3model.CORSRule{put([]string{gw}, []string{"GET"}, "*")}, -1, "rule 1 allows the origin but not the method PUT"},
		{"no headers", []s3model.CORSRule{put([]string{gw}, []string{"PUT"})}, -1, "rule 1 allows PUT from the origin but not the header content-type"},
		{"exact", []s3model.CORSRule{put([]string{gw}, []string{"PUT"}, "Content-Type")}, 0, ""},
		{"any origin", []s3model.CORSRule{put([]string{"*"}, []string{"get", "put"}, "*")}, 0, ""},
		{"a wildcard origin", []s3model.CORSRule{put([]string{"https://*.example.com"}, []string{"PUT"}, "content-*")}, 0, ""},
		{"a wildcard that does not fit", []s3model.CORSRule{put([]string{"https://*.example.org"}, []string{"PUT"}, "*")}, -1, "no rule allows the origin"},
		{"the first rule that allows decides", []s3model.CORSRule{
			put([]string{gw}, []string{"PUT"}, "x-amz-meta-a"),
			put([]string{"http://other"}, []string{"PUT"}, "*"),
			put([]string{gw, "http://other"}, []string{"PUT", "POST"}, "*"),
		}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := s3model.CORSAllows(tc.rules, gw, "PUT", "content-type")
			if v.Rule != tc.rule || v.Allowed() != (tc.rule >= 0) || !strings.HasPrefix(v.Why, tc.why) || (tc.why == "") != (v.Why == "") {
				t.Errorf("CORSAllows = %+v, want rule %d, why %q", v, tc.rule, tc.why)
			}
		})
	}
}

// TestBucketCORS reads a bucket's CORS rules from versitygw: none, the
// rules set, and a refusal.
func TestBucketCORS(t *testing.T) {
	srv := s3test.StartWithUser(t)
	bucket := srv.NewBucket(t)
	c := clientFor(t, srv)
	ctx := context.Background()
	rules, err := c.BucketCORS(ctx, bucket)
	if err != nil || rules != nil {
		t.Fatalf("a bucket without CORS: %+v, %v", rules, err)
	}
	srv.SetCORS(t, bucket, "http://127.0.0.1:8080", "https://share.example.com")
	rules, err = c.BucketCORS(ctx, bucket)
	if err != nil || len(rules) != 1 {
		t.Fatalf("a bucket with CORS: %+v, %v", rules, err)
	}
	r := rules[0]
	if strings.Join(r.AllowedOrigins, " ") != "http://127.0.0.1:8080 https://share.example.com" || !strings.Contains(strings.Join(r.AllowedMethods, " "), "PUT") || strings.Join(r.ExposeHeaders, " ") != "ETag" {
		t.Errorf("rule %+v", r)
	}
	if v := s3model.CORSAllows(rules, "https://share.example.com", "PUT", "content-type"); !v.Allowed() {
		t.Errorf("CORSAllows = %+v", v)
	}

	u, _ := url.Parse(srv.Endpoint)
	user, err := s3model.New(config.Store{Endpoint: u, Region: srv.Region, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: s3test.UserAccessKey, SecretAccessKey: s3test.UserSecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = user.BucketCORS(ctx, bucket)
	if se, ok := s3model.AsStoreError(err); !ok || se.Code != "AccessDenied" || !strings.Contains(err.Error(), "read the CORS rules of s3://"+bucket) {
		t.Errorf("a refused bucket: %v", err)
	}
}

package s3model

import (
	"context"
	"fmt"
	"strings"

	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// CORSRule is one rule of a bucket's CORS configuration, with the JSON
// field names of the S3 API (as aws s3api put-bucket-cors
// --cors-configuration takes them).
type CORSRule struct {
	ID             string   `json:"ID,omitempty"`
	AllowedOrigins []string `json:"AllowedOrigins"`
	AllowedMethods []string `json:"AllowedMethods"`
	AllowedHeaders []string `json:"AllowedHeaders,omitempty"`
	ExposeHeaders  []string `json:"ExposeHeaders,omitempty"`
	MaxAgeSeconds  int      `json:"MaxAgeSeconds,omitempty"`
}

// CORSConfiguration is a bucket's CORS configuration as the S3 API's
// JSON has it.
type CORSConfiguration struct {
	CORSRules []CORSRule `json:"CORSRules"`
}

// BucketCORS returns the rules of bucket's CORS configuration, in their
// order; none (and no error) when the bucket has no configuration.
func (c *Client) BucketCORS(ctx context.Context, bucket string) ([]CORSRule, error) {
	what := "read the CORS rules of s3://" + bucket
	if err := s3utils.CheckValidBucketName(bucket); err != nil {
		return nil, Explain(what, err)
	}
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	cfg, err := c.mc.GetBucketCors(ctx, bucket)
	if err != nil {
		return nil, Explain(what, timedOut(ctx, err))
	}
	if cfg == nil {
		return nil, nil
	}
	rules := make([]CORSRule, len(cfg.CORSRules))
	for i, r := range cfg.CORSRules {
		rules[i] = CORSRule{ID: r.ID, AllowedOrigins: r.AllowedOrigin, AllowedMethods: r.AllowedMethod,
			AllowedHeaders: r.AllowedHeader, ExposeHeaders: r.ExposeHeader, MaxAgeSeconds: r.MaxAgeSeconds}
	}
	return rules, nil
}

// CORSVerdict is what a bucket's CORS rules say of one cross-origin
// request.
type CORSVerdict struct {
	// Rule is the index of the first rule that allows the request, as
	// the store picks it; -1 when none does.
	Rule int
	// Why says, when no rule allows the request, how near the rules
	// came: no rule names the origin, or the nearest rule lacks the
	// method or a header.
	Why string
}

// Allowed reports whether a rule allows the request.
func (v CORSVerdict) Allowed() bool { return v.Rule >= 0 }

// CORSAllows checks a browser's cross-origin request from origin
// (scheme://host[:port]) with method and request headers against rules
// as S3 does for its preflight: the first rule whose AllowedOrigins
// match the origin, whose AllowedMethods hold the method, and whose
// AllowedHeaders match every header (names case-insensitive; one * in
// an origin or header pattern matches any run of characters) decides.
func CORSAllows(rules []CORSRule, origin, method string, headers ...string) CORSVerdict {
	if len(rules) == 0 {
		return CORSVerdict{Rule: -1, Why: "the bucket has no CORS rules"}
	}
	why := "no rule allows the origin " + origin
	nearest := 0 // 1: a rule names the origin; 2: … and the method
	for i, r := range rules {
		if !anyMatch(r.AllowedOrigins, origin, false) {
			continue
		}
		if !anyMethod(r.AllowedMethods, method) {
			if nearest < 1 {
				nearest, why = 1, fmt.Sprintf("rule %d allows the origin but not the method %s", i+1, method)
			}
			continue
		}
		missing := ""
		for _, h := range headers {
			if !anyMatch(r.AllowedHeaders, h, true) {
				missing = h
				break
			}
		}
		if missing != "" {
			if nearest < 2 {
				nearest, why = 2, fmt.Sprintf("rule %d allows %s from the origin but not the header %s", i+1, method, missing)
			}
			continue
		}
		return CORSVerdict{Rule: i}
	}
	return CORSVerdict{Rule: -1, Why: why}
}

func anyMethod(methods []string, method string) bool {
	for _, m := range methods {
		if strings.EqualFold(strings.TrimSpace(m), method) {
			return true
		}
	}
	return false
}

// anyMatch reports whether one of patterns matches s; a pattern may hold
// one *.
func anyMatch(patterns []string, s string, fold bool) bool {
	if fold {
		s = strings.ToLower(s)
	}
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if fold {
			p = strings.ToLower(p)
		}
		if wildMatch(p, s) {
			return true
		}
	}
	return false
}

// wildMatch matches s against p, in which the first * stands for any run
// of characters.
func wildMatch(p, s string) bool {
	head, tail, star := strings.Cut(p, "*")
	if !star {
		return p == s
	}
	return len(s) >= len(head)+len(tail) && strings.HasPrefix(s, head) && strings.HasSuffix(s, tail)
}

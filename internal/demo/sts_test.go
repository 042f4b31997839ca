package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// TestSTS assumes a role at the demo endpoint with minio-go's own STS
// clients, uses the credentials it hands out, and sees them refused once
// they expire.
func TestSTS(t *testing.T) {
	clock := &testClock{}
	s := startDemo(t, Options{NoSeed: true, Now: clock.Now})
	s.MakeBucket("sts")
	assume := func(t *testing.T, p credentials.Provider) credentials.Value {
		t.Helper()
		v, err := p.RetrieveWithCredContext(&credentials.CredContext{Client: http.DefaultClient})
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		if !strings.HasPrefix(v.AccessKeyID, "ASIADEMO") || v.SessionToken == "" || v.Expiration.Sub(clock.Now()) < 14*time.Minute {
			t.Fatalf("issued %s, token %v, expiring %s", v.AccessKeyID, v.SessionToken != "", v.Expiration)
		}
		return v
	}
	list := func(v credentials.Value) error {
		c, err := minio.New(host(s), &minio.Options{Creds: credentials.NewStaticV4(v.AccessKeyID, v.SecretAccessKey, v.SessionToken),
			Region: s.Region, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListBuckets(context.Background())
		return err
	}

	role := assume(t, &credentials.STSAssumeRole{Client: http.DefaultClient, STSEndpoint: s.URL, Options: credentials.STSAssumeRoleOptions{
		AccessKey: s.AccessKey, SecretKey: s.SecretKey, RoleARN: "arn:aws:iam::1:role/r", RoleSessionName: "t", DurationSeconds: 900, Location: "eu-west-1"}})
	if err := list(role); err != nil {
		t.Errorf("listing with the assumed role: %v", err)
	}
	web := assume(t, &credentials.STSWebIdentity{Client: http.DefaultClient, STSEndpoint: s.URL, RoleARN: "arn:aws:iam::1:role/w",
		GetWebIDTokenExpiry: func() (*credentials.WebIdentityToken, error) { return &credentials.WebIdentityToken{Token: "any"}, nil }})
	if err := list(web); err != nil {
		t.Errorf("listing with the web identity role: %v", err)
	}
	wrong := credentials.Value{AccessKeyID: role.AccessKeyID, SecretAccessKey: role.SecretAccessKey, SessionToken: web.SessionToken}
	if err := list(wrong); err == nil || minio.ToErrorResponse(err).Code != "InvalidToken" {
		t.Errorf("another role's session token: %v", err)
	}

	// The role's 15 minutes are over (the clock cannot move that far: the
	// requests would be refused as skewed).
	s.issuedMu.Lock()
	k := s.issued[role.AccessKeyID]
	k.expires = clock.Now().Add(-time.Second)
	s.issued[role.AccessKeyID] = k
	s.issuedMu.Unlock()
	if err := list(role); err == nil || minio.ToErrorResponse(err).Code != "InvalidAccessKeyId" {
		t.Errorf("listing with the role after it expired: %v", err)
	}
	if err := list(web); err != nil {
		t.Errorf("the web identity role, not expired: %v", err)
	}
}

// TestSTSRefusals: a bad signature, a wrong MFA code and an unknown action
// get STS's errors.
func TestSTSRefusals(t *testing.T) {
	s := startDemo(t, Options{NoSeed: true})
	for _, tt := range []struct {
		name, secret string
		form         url.Values
		code         string
	}{
		{"wrong secret", "not-the-secret", url.Values{"Action": {"AssumeRole"}, "RoleArn": {"arn:aws:iam::1:role/r"}, "RoleSessionName": {"s"}}, "SignatureDoesNotMatch"},
		{"wrong MFA code", s.SecretKey, url.Values{"Action": {"AssumeRole"}, "RoleArn": {"arn:aws:iam::1:role/r"}, "RoleSessionName": {"s"},
			"SerialNumber": {"arn:aws:iam::1:mfa/me"}, "TokenCode": {"12ab56"}}, "AccessDenied"},
		{"too long", s.SecretKey, url.Values{"Action": {"AssumeRole"}, "RoleArn": {"arn:aws:iam::1:role/r"}, "RoleSessionName": {"s"},
			"DurationSeconds": {"99999"}}, "ValidationError"},
		{"unknown action", s.SecretKey, url.Values{"Action": {"GetFederationToken"}}, "InvalidAction"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := stsRequest(t, s, tt.secret, tt.form)
			_, body, e, _ := do(t, req)
			if e.Code != "" || !strings.Contains(string(body), "<Code>"+tt.code+"</Code>") || !strings.Contains(string(body), "<ErrorResponse") {
				t.Errorf("answer %s, want STS's %s", body, tt.code)
			}
		})
	}
}

// stsRequest is an STS request of form, signed with the endpoint's access
// key and secret as STS clients sign it.
func stsRequest(t *testing.T, s *Server, secret string, form url.Values) *http.Request {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	return signer.SignV4STS(*req, s.AccessKey, secret, "us-east-1")
}

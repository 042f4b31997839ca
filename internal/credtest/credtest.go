// Package credtest runs fakes of the AWS credential services on loopback
// for tests: the EC2 instance metadata service (IMDSv2), the container
// credentials endpoint, and STS. They hand out the keys the test gives
// them, with an expiry a fixed time after each request, and log what
// they were asked. They never reach AWS. Every secret they hand out is
// marked (see Marked), so that Output and .ci/test find it wherever it
// shows.
package credtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Keys are the credentials a fake hands out.
type Keys struct {
	AccessKey, SecretKey, SessionToken string
	// TTL is how long each handed-out set lives.
	TTL time.Duration
}

// Log records the requests a fake answered, one line each:
// "METHOD /path", and for STS "ACTION RoleArn".
type Log struct {
	mu    sync.Mutex
	got   []string
	calls []Call
}

// Call is one STS request: its form and the access key id that signed it.
type Call struct {
	Form  url.Values
	KeyID string
}

// Calls returns the STS requests, in order.
func (l *Log) Calls() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Call(nil), l.calls...)
}

var keyIDRE = regexp.MustCompile(`Credential=([^/]+)/`)

func (l *Log) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, s)
}

// Count returns how many requests were s.
func (l *Log) Count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, g := range l.got {
		if g == s {
			n++
		}
	}
	return n
}

// All returns every logged request.
func (l *Log) All() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.got...)
}

func (k Keys) roleJSON() []byte {
	b, _ := json.Marshal(map[string]string{
		"Code": "Success", "AccessKeyId": k.AccessKey, "SecretAccessKey": k.SecretKey,
		"Token": k.SessionToken, "Expiration": time.Now().Add(k.TTL).UTC().Format(time.RFC3339Nano),
	})
	return b
}

// IMDSToken is the session token the fake instance metadata service
// issues and requires.
const IMDSToken = "IMDSapiTOKENvalue000000000000000000000012"

// IMDSCredsPath is the path of the role's credentials.
const IMDSCredsPath = "/latest/meta-data/iam/security-credentials/share-role"

// IMDS starts an IMDSv2 instance metadata service for the role
// share-role; its URL goes in AWS_EC2_METADATA_SERVICE_ENDPOINT.
func IMDS(t testing.TB, k Keys) (*httptest.Server, *Log) {
	mustBeMarked(t, k)
	log := &Log{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.Method + " " + r.URL.Path)
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			if r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds") == "" {
				http.Error(w, "no ttl", http.StatusBadRequest)
				return
			}
			io.WriteString(w, IMDSToken)
		case r.Header.Get("X-Aws-Ec2-Metadata-Token") != IMDSToken:
			http.Error(w, "unauthorized", http.StatusUnauthorized)
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			io.WriteString(w, "share-role\n")
		case r.URL.Path == IMDSCredsPath:
			w.Write(k.roleJSON())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts, log
}

// Container starts an ECS/EKS container credentials endpoint at path
// /v2/credentials that requires the Authorization header auth.
func Container(t testing.TB, k Keys, auth string) (*httptest.Server, *Log) {
	mustBeMarked(t, k)
	log := &Log{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.Method + " " + r.URL.Path)
		if r.Header.Get("Authorization") != auth || r.URL.Path != "/v2/credentials" {
			http.Error(w, "denied", http.StatusForbidden)
			return
		}
		w.Write(k.roleJSON())
	}))
	t.Cleanup(ts.Close)
	return ts, log
}

// MFACode is the only MFA code the fake STS accepts.
const MFACode = "123456"

// STS starts an STS that answers AssumeRoleWithWebIdentity when the token
// is webToken, and AssumeRole, with k. Refusals are STS's XML errors.
func STS(t testing.TB, k Keys, webToken string) (*httptest.Server, *Log) {
	mustBeMarked(t, k)
	log := &Log{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		action := r.Form.Get("Action")
		log.add(action + " " + r.Form.Get("RoleArn"))
		call := Call{Form: r.PostForm}
		if m := keyIDRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			call.KeyID = m[1]
		}
		log.mu.Lock()
		log.calls = append(log.calls, call)
		log.mu.Unlock()
		if action == "AssumeRoleWithWebIdentity" && r.Form.Get("WebIdentityToken") != webToken {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>`+
				`<Code>InvalidIdentityToken</Code><Message>bad token</Message></Error></ErrorResponse>`)
			return
		}
		if r.Form.Get("SerialNumber") != "" && r.Form.Get("TokenCode") != MFACode {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>`+
				`<Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message></Error></ErrorResponse>`)
			return
		}
		fmt.Fprintf(w, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%[1]sResult><Credentials>
<AccessKeyId>%[2]s</AccessKeyId><SecretAccessKey>%[3]s</SecretAccessKey><SessionToken>%[4]s</SessionToken>
<Expiration>%[5]s</Expiration></Credentials></%[1]sResult></%[1]sResponse>`,
			action, k.AccessKey, k.SecretKey, k.SessionToken, time.Now().Add(k.TTL).UTC().Format(time.RFC3339))
	}))
	t.Cleanup(ts.Close)
	return ts, log
}

// SSO tokens of the fake portal: the access token the AWS CLI's cache
// holds after a login, the one a refresh hands out, and the refresh token.
const (
	SSOAccessToken    = "SSOaccessTOKENvalue00000000000000000000016"
	SSORefreshedToken = "SSOrefreshedTOKENvalue000000000000000000017"
	SSORefreshToken   = "SSOrefreshTOKENvalue0000000000000000000018"
	SSOClientSecret   = "SSOclientSECRETvalue0000000000000000000019"
)

// SSO starts an IAM Identity Center portal (GetRoleCredentials, for
// account 111122223333 and role Share) and its OIDC token service
// (CreateToken with a refresh token) on one loopback server; its URL goes
// in AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC.
func SSO(t testing.TB, k Keys) (*httptest.Server, *Log) {
	mustBeMarked(t, k)
	log := &Log{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r.Method + " " + r.URL.Path)
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/token":
			var in map[string]string
			if json.NewDecoder(r.Body).Decode(&in) != nil || in["grantType"] != "refresh_token" ||
				in["refreshToken"] != SSORefreshToken || in["clientSecret"] != SSOClientSecret {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid_grant"}`)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"accessToken": SSORefreshedToken, "expiresIn": 3600,
				"refreshToken": SSORefreshToken, "tokenType": "Bearer"})
		case r.Method == http.MethodGet && r.URL.Path == "/federation/credentials":
			tok := r.Header.Get("X-Amz-Sso_bearer_token")
			if tok != SSOAccessToken && tok != SSORefreshedToken {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"message":"Session token not found or invalid"}`)
				return
			}
			if r.URL.Query().Get("account_id") != "111122223333" || r.URL.Query().Get("role_name") != "Share" {
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `{"message":"No access"}`)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"roleCredentials": map[string]any{
				"accessKeyId": k.AccessKey, "secretAccessKey": k.SecretKey, "sessionToken": k.SessionToken,
				"expiration": time.Now().Add(k.TTL).UnixMilli()}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts, log
}

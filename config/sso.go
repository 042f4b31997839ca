package config

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ssoProfile is what a profile says about IAM Identity Center (SSO), in
// the sso_session form or the legacy one.
type ssoProfile struct {
	session           string // sso_session; "" for the legacy form
	startURL, region  string
	account, roleName string
	cacheKey          string // what the cache file's name is the SHA-1 of
}

// ssoCache is a token file of the AWS CLI's SSO cache (~/.aws/sso/cache).
type ssoCache struct {
	StartURL              string `json:"startUrl,omitempty"`
	Region                string `json:"region,omitempty"`
	AccessToken           string `json:"accessToken"`
	ExpiresAt             string `json:"expiresAt"`
	ClientID              string `json:"clientId,omitempty"`
	ClientSecret          string `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string `json:"registrationExpiresAt,omitempty"`
	RefreshToken          string `json:"refreshToken,omitempty"`
}

// ssoOf reads the SSO settings of profile; ok is false when it has none.
func (r *resolver) ssoOf(a *awsFiles, profile string) (ssoProfile, bool, error) {
	sec := a.profileSection(profile)
	cs := a.configProfile(profile)
	p := ssoProfile{
		session:  get(cs, "sso_session"),
		account:  get(cs, "sso_account_id"),
		roleName: get(cs, "sso_role_name"),
		startURL: get(cs, "sso_start_url"),
		region:   get(cs, "sso_region"),
	}
	if p.session == "" && p.startURL == "" && p.account == "" {
		return p, false, nil
	}
	if p.session != "" {
		ss := a.config.section("sso-session " + p.session)
		if ss == nil {
			return p, false, fmt.Errorf("%s = %s: there is no [sso-session %s] section in %s: run aws configure sso --profile %s",
				a.config.where(sec, "sso_session"), p.session, p.session, a.config.shown, profile)
		}
		p.startURL, p.region = get(ss, "sso_start_url"), get(ss, "sso_region")
		p.cacheKey = p.session
	} else {
		p.cacheKey = p.startURL
	}
	for _, m := range []struct{ key, v string }{{"sso_start_url", p.startURL}, {"sso_region", p.region}, {"sso_account_id", p.account}, {"sso_role_name", p.roleName}} {
		if m.v == "" {
			return p, false, fmt.Errorf("%s: SSO profile %s lacks %s: run aws configure sso --profile %s", a.config.where(sec), profile, m.key, profile)
		}
	}
	return p, true, nil
}

// ssoCachePath is the AWS CLI's token cache file for p.
func (r *resolver) ssoCachePath(p ssoProfile) string {
	sum := sha1.Sum([]byte(p.cacheKey))
	return filepath.Join(r.ps.home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}

// errSSOExpired is the one line for a missing or expired SSO token.
func errSSOExpired(profile string) error {
	return fmt.Errorf("SSO session expired: run aws sso login --profile %s", profile)
}

// ssoCreds fetches the role credentials of an SSO profile: the access
// token from the AWS CLI's cache (renewed with its refresh token when it
// has expired and one is there), then GetRoleCredentials.
func (r *resolver) ssoCreds(ctx context.Context, client *http.Client, p ssoProfile, profile, source string) (Credentials, error) {
	path := r.ssoCachePath(p)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Credentials{}, errSSOExpired(profile)
	}
	if err != nil {
		return Credentials{}, fmt.Errorf("SSO token cache %s: %s", r.ps.show(path), describeFSError(err))
	}
	var tok ssoCache
	if err := json.Unmarshal(data, &tok); err != nil {
		return Credentials{}, fmt.Errorf("SSO token cache %s is not JSON: run aws sso login --profile %s", r.ps.show(path), profile)
	}
	exp, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	refreshed := false
	if tok.AccessToken == "" || err != nil || !exp.After(r.now().Add(time.Minute)) {
		if tok.RefreshToken == "" || tok.ClientID == "" || tok.ClientSecret == "" {
			return Credentials{}, errSSOExpired(profile)
		}
		if reg, err := time.Parse(time.RFC3339, tok.RegistrationExpiresAt); err == nil && !reg.After(r.now()) {
			return Credentials{}, errSSOExpired(profile)
		}
		if err := r.ssoRefresh(ctx, client, p, &tok); err != nil {
			return Credentials{}, fmt.Errorf("%v (refreshing the token failed: %s)", errSSOExpired(profile), err)
		}
		refreshed = true
		if b, err := json.Marshal(tok); err == nil {
			// As the AWS CLI does, so that the next run starts from the new token.
			_ = writePrivate(path, b)
		}
	}

	base := "https://portal.sso." + p.region + ".amazonaws.com"
	if v := r.env("AWS_ENDPOINT_URL_SSO"); v != "" {
		base = strings.TrimRight(v, "/")
	}
	q := url.Values{"account_id": {p.account}, "role_name": {p.roleName}}
	what := "SSO GetRoleCredentials at " + base
	resp, body, err := getJSON(ctx, client, http.MethodGet, base+"/federation/credentials?"+q.Encode(),
		http.Header{"X-Amz-Sso_bearer_token": {tok.AccessToken}})
	if err != nil {
		return Credentials{}, fmt.Errorf("%s: %s", what, netError(err))
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Credentials{}, errSSOExpired(profile)
	case resp.StatusCode == http.StatusForbidden:
		return Credentials{}, fmt.Errorf("%s: role %s of account %s is not yours to take (HTTP 403): check sso_account_id and sso_role_name", what, p.roleName, p.account)
	case resp.StatusCode != http.StatusOK:
		return Credentials{}, fmt.Errorf("%s: HTTP %s", what, resp.Status)
	}
	var out struct {
		RoleCredentials struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SessionToken    string `json:"sessionToken"`
			Expiration      int64  `json:"expiration"`
		} `json:"roleCredentials"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.RoleCredentials.AccessKeyID == "" || out.RoleCredentials.SecretAccessKey == "" {
		return Credentials{}, fmt.Errorf("%s: the answer has no role credentials", what)
	}
	rc := out.RoleCredentials
	c := Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.SessionToken, Source: source}
	if refreshed {
		c.Source += ", with the SSO token refreshed"
	}
	if rc.Expiration > 0 {
		c.Expires = time.UnixMilli(rc.Expiration).UTC()
	}
	return c, nil
}

// ssoRefresh renews tok's access token with its refresh token (SSO OIDC
// CreateToken).
func (r *resolver) ssoRefresh(ctx context.Context, client *http.Client, p ssoProfile, tok *ssoCache) error {
	base := "https://oidc." + p.region + ".amazonaws.com"
	if v := r.env("AWS_ENDPOINT_URL_SSO_OIDC"); v != "" {
		base = strings.TrimRight(v, "/")
	}
	body, _ := json.Marshal(map[string]string{"grantType": "refresh_token", "clientId": tok.ClientID,
		"clientSecret": tok.ClientSecret, "refreshToken": tok.RefreshToken})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/token", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return errors.New(netError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %s from %s", resp.Status, base)
	}
	var out struct {
		AccessToken  string `json:"accessToken"`
		ExpiresIn    int64  `json:"expiresIn"`
		RefreshToken string `json:"refreshToken"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&out); err != nil || out.AccessToken == "" {
		return fmt.Errorf("the answer of %s has no access token", base)
	}
	tok.AccessToken = out.AccessToken
	tok.ExpiresAt = r.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Format(time.RFC3339)
	if out.RefreshToken != "" {
		tok.RefreshToken = out.RefreshToken
	}
	return nil
}

// writePrivate replaces path with data, readable only by the user.
func writePrivate(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".s3share-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

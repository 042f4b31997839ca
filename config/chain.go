package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ChainStep is one source of credentials Load looked at, for doctor.
type ChainStep struct {
	Name    string    // "environment", "web identity", "EC2 instance metadata", …
	Outcome string    // "used", "skipped", "failed" or "not tried"
	Why     string    // why it was skipped or failed; never a secret
	Expires time.Time // when the credentials found expire; zero if never or none
	Renewed bool      // the credentials are fetched again before they expire
	// Via are, for an assumed role, the credentials that assumed it,
	// nearest first (see Credentials.Via).
	Via []Hop
}

// ChainError is a failure to find credentials, with the chain walked
// up to it, for doctor.
type ChainError struct {
	Chain []ChainStep
	Err   error
}

func (e *ChainError) Error() string { return e.Err.Error() }
func (e *ChainError) Unwrap() error { return e.Err }

// chainSource is a step of the AWS credential chain that s3share walks
// after its own sources: it fetches credentials over the network, and can
// fetch them again when they near their expiry.
type chainSource struct {
	name string
	// fetch returns ok false (and why) when the source is not configured.
	fetch func(ctx context.Context) (c Credentials, ok bool, why string, err error)
}

// metadataConnectTimeout bounds connecting to the EC2 instance metadata
// service, which is not there on most machines; the AWS CLI waits 1 s too.
const metadataConnectTimeout = time.Second

// credClient is the HTTP client for credential services (STS, SSO,
// container and instance metadata). Each request gives up after timeout.
// Inside a test binary it refuses to connect anywhere but loopback, so no
// test can reach an AWS host or the instance metadata address.
func credClient(timeout, connect time.Duration) *http.Client {
	d := &net.Dialer{Timeout: connect}
	if testing.Testing() {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("tests may only connect to loopback, not %s", address)
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                 metadataNoProxy,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
	}
	if testing.Testing() {
		tr.Proxy = nil
	}
	// Credential services never redirect; following one would carry
	// their token headers to wherever it points.
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: noRedirect}
}

// metadataNoProxy is http.ProxyFromEnvironment except for the instance
// and container metadata addresses, which only answer on the machine's
// own link, as the AWS SDKs do.
func metadataNoProxy(req *http.Request) (*url.URL, error) {
	host := req.URL.Hostname()
	if ip := net.ParseIP(host); ip != nil && (ip.IsLinkLocalUnicast() || ip.IsLoopback() || host == "fd00:ec2::254" || host == "fd00:ec2::23") {
		return nil, nil
	}
	return http.ProxyFromEnvironment(req)
}

// chain returns the network sources of the AWS credential chain, in the
// AWS CLI's order, split where the profile comes between them: web
// identity before it, container and instance metadata after.
func (r *resolver) chain(timeout time.Duration) (before, after []chainSource) {
	client := credClient(timeout, timeout)
	before = []chainSource{{name: "web identity", fetch: func(ctx context.Context) (Credentials, bool, string, error) {
		return r.webIdentity(ctx, client)
	}}}
	after = []chainSource{
		{name: "container credentials", fetch: func(ctx context.Context) (Credentials, bool, string, error) {
			return r.container(ctx, client)
		}},
		{name: "EC2 instance metadata", fetch: func(ctx context.Context) (Credentials, bool, string, error) {
			return r.instanceMetadata(ctx, credClient(timeout, min(timeout, metadataConnectTimeout)))
		}},
	}
	return before, after
}

// stsEndpoint is where STS requests go: AWS_ENDPOINT_URL_STS, else the
// regional STS endpoint of region, else the global one.
func (r *resolver) stsEndpoint(region string) (string, string) {
	if v := r.env("AWS_ENDPOINT_URL_STS"); v != "" {
		return strings.TrimRight(v, "/"), "env AWS_ENDPOINT_URL_STS"
	}
	if region == "" {
		return "https://sts.amazonaws.com", "default"
	}
	host := "https://sts." + region + ".amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		host += ".cn"
	}
	return host, "region " + region
}

// webIdentity exchanges the token in AWS_WEB_IDENTITY_TOKEN_FILE for the
// role AWS_ROLE_ARN (STS AssumeRoleWithWebIdentity), as the session
// AWS_ROLE_SESSION_NAME when it is set.
func (r *resolver) webIdentity(ctx context.Context, client *http.Client) (Credentials, bool, string, error) {
	file, role := r.env("AWS_WEB_IDENTITY_TOKEN_FILE"), r.env("AWS_ROLE_ARN")
	switch {
	case file == "" && role == "":
		return Credentials{}, false, "AWS_WEB_IDENTITY_TOKEN_FILE is not set", nil
	case file == "":
		return Credentials{}, false, "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not", nil
	case role == "":
		return Credentials{}, false, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not", nil
	}
	endpoint, _ := r.stsEndpoint(r.env("AWS_REGION"))
	c, err := r.assumeWebIdentity(ctx, client, r.ps.expand(file), role, r.env("AWS_ROLE_SESSION_NAME"), endpoint, "AWS_WEB_IDENTITY_TOKEN_FILE")
	if err != nil {
		return Credentials{}, false, "", err
	}
	c.Source = "web identity " + role
	return c, true, "", nil
}

// assumeWebIdentity exchanges the token in file for role at the STS
// endpoint (AssumeRoleWithWebIdentity, which is not signed), as the
// session sessionName, or s3share-TIME when it is "". what names the token
// file's setting for errors. minio-go's STSWebIdentity provider is not
// used: it cannot be given the session name.
func (r *resolver) assumeWebIdentity(ctx context.Context, client *http.Client, file, role, sessionName, endpoint, what string) (Credentials, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Credentials{}, fmt.Errorf("%s: %s", what, describeFSError(err))
	}
	if sessionName == "" {
		sessionName = "s3share-" + strconv.FormatInt(r.now().Unix(), 10)
	}
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
		"RoleSessionName": {sessionName}, "WebIdentityToken": {strings.TrimSpace(string(b))}}
	call := "AssumeRoleWithWebIdentity for " + role + " at " + endpoint
	var out credentials.AssumeRoleWithWebIdentityResponse
	if err := stsPost(ctx, client, endpoint, form, nil, call, &out); err != nil {
		return Credentials{}, err
	}
	v := out.Result.Credentials
	if v.AccessKey == "" || v.SecretKey == "" {
		return Credentials{}, fmt.Errorf("%s: the answer has no credentials", call)
	}
	return Credentials{AccessKeyID: v.AccessKey, SecretAccessKey: v.SecretKey, SessionToken: v.SessionToken, Expires: v.Expiration}, nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// roleCreds is the JSON the container and instance metadata services answer.
type roleCreds struct {
	Code            string
	Message         string
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	Token           string
	Expiration      time.Time
}

// getJSON fetches u with header h and decodes a roleCreds; errors never
// quote the body.
func getJSON(ctx context.Context, client *http.Client, method, u string, h http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

func decodeRoleCreds(body []byte, what string) (Credentials, error) {
	var rc roleCreds
	if err := json.Unmarshal(body, &rc); err != nil {
		return Credentials{}, fmt.Errorf("%s: the answer is not the expected JSON", what)
	}
	if rc.Code != "" && rc.Code != "Success" {
		return Credentials{}, fmt.Errorf("%s: %s", what, oneLine(rc.Code+" "+rc.Message))
	}
	if rc.AccessKeyID == "" || rc.SecretAccessKey == "" {
		return Credentials{}, fmt.Errorf("%s: the answer has no AccessKeyId or SecretAccessKey", what)
	}
	return Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.Token, Expires: rc.Expiration}, nil
}

// container fetches the credentials of an ECS task or EKS pod
// (Pod Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI,
// with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or _TOKEN.
func (r *resolver) container(ctx context.Context, client *http.Client) (Credentials, bool, string, error) {
	rel, full := r.env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), r.env("AWS_CONTAINER_CREDENTIALS_FULL_URI")
	var u, via string
	switch {
	case rel != "":
		u, via = "http://169.254.170.2"+rel, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
	case full != "":
		u, via = full, "AWS_CONTAINER_CREDENTIALS_FULL_URI"
		if err := checkContainerURI(full); err != nil {
			return Credentials{}, false, "", fmt.Errorf("%s: %v", via, err)
		}
	default:
		return Credentials{}, false, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set", nil
	}
	h := http.Header{}
	if f := r.env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); f != "" {
		b, err := os.ReadFile(r.ps.expand(f))
		if err != nil {
			return Credentials{}, false, "", fmt.Errorf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %s", describeFSError(err))
		}
		h.Set("Authorization", strings.TrimSpace(string(b)))
	} else if t := r.env("AWS_CONTAINER_AUTHORIZATION_TOKEN"); t != "" {
		h.Set("Authorization", t)
	}
	what := "container credentials (" + via + ")"
	resp, body, err := getJSON(ctx, client, http.MethodGet, u, h)
	if err != nil {
		return Credentials{}, false, "", fmt.Errorf("%s: %s", what, netError(err))
	}
	if resp.StatusCode != http.StatusOK {
		return Credentials{}, false, "", fmt.Errorf("%s: HTTP %s", what, resp.Status)
	}
	c, err := decodeRoleCreds(body, what)
	if err != nil {
		return Credentials{}, false, "", err
	}
	c.Source = "container credentials (" + via + ")"
	return c, true, "", nil
}

// checkContainerURI allows what the AWS SDKs allow for a full URI:
// https, or http to loopback or to the ECS and EKS agent addresses.
func checkContainerURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL", s)
	}
	if u.Scheme == "https" {
		return nil
	}
	if u.Scheme != "http" {
		return fmt.Errorf("%q: scheme must be http or https", s)
	}
	host := u.Hostname()
	if host == "localhost" || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s: plain http is allowed only to loopback or the ECS/EKS agent address", u.Host)
}

// netError shortens a transport error to its cause.
func netError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err) {
		return "no answer in time"
	}
	return oneLine(err.Error())
}

// instanceMetadata fetches the credentials of the EC2 instance's role
// with IMDSv2: a session token (PUT), the role name, then the role's
// credentials. AWS_EC2_METADATA_DISABLED and
// AWS_EC2_METADATA_SERVICE_ENDPOINT are honoured.
func (r *resolver) instanceMetadata(ctx context.Context, client *http.Client) (Credentials, bool, string, error) {
	if strings.EqualFold(r.env("AWS_EC2_METADATA_DISABLED"), "true") {
		return Credentials{}, false, "AWS_EC2_METADATA_DISABLED is true", nil
	}
	base := "http://169.254.169.254"
	if v := r.env("AWS_EC2_METADATA_SERVICE_ENDPOINT"); v != "" {
		base = strings.TrimRight(v, "/")
	}
	const what = "instance metadata"
	resp, body, err := getJSON(ctx, client, http.MethodPut, base+"/latest/api/token",
		http.Header{"X-Aws-Ec2-Metadata-Token-Ttl-Seconds": {"21600"}})
	if err != nil {
		return Credentials{}, false, "", fmt.Errorf("%s at %s: %s", what, base, netError(err))
	}
	if resp.StatusCode != http.StatusOK {
		return Credentials{}, false, "", fmt.Errorf("%s at %s: token: HTTP %s", what, base, resp.Status)
	}
	h := http.Header{"X-Aws-Ec2-Metadata-Token": {strings.TrimSpace(string(body))}}
	const path = "/latest/meta-data/iam/security-credentials/"
	resp, body, err = getJSON(ctx, client, http.MethodGet, base+path, h)
	if err != nil {
		return Credentials{}, false, "", fmt.Errorf("%s at %s: %s", what, base, netError(err))
	}
	if resp.StatusCode == http.StatusNotFound {
		return Credentials{}, false, "the instance has no role", nil
	}
	if resp.StatusCode != http.StatusOK {
		return Credentials{}, false, "", fmt.Errorf("%s at %s: role name: HTTP %s", what, base, resp.Status)
	}
	role, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	role = strings.TrimSpace(role)
	if role == "" || strings.ContainsAny(role, "/?#") {
		return Credentials{}, false, "the instance has no role", nil
	}
	resp, body, err = getJSON(ctx, client, http.MethodGet, base+path+url.PathEscape(role), h)
	if err != nil {
		return Credentials{}, false, "", fmt.Errorf("%s at %s: %s", what, base, netError(err))
	}
	if resp.StatusCode != http.StatusOK {
		return Credentials{}, false, "", fmt.Errorf("%s at %s: role %s: HTTP %s", what, base, role, resp.Status)
	}
	c, err := decodeRoleCreds(body, what+" role "+role)
	if err != nil {
		return Credentials{}, false, "", err
	}
	c.Source = "EC2 instance metadata, role " + role
	return c, true, "", nil
}

// walkChain tries the layers' credentials in order, with the AWS chain's
// network sources in their places: web identity after the environment,
// container and instance metadata last. It records each step in c.Chain.
// An error of a layer, of web identity or of container credentials stops
// Load; instance metadata that does not answer only leaves the store
// anonymous, as the AWS CLI does.
func (r *resolver) walkChain(c *Config, order []*layer) (Credentials, error) {
	timeout := c.Store.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	r.timeout = timeout
	before, after := r.chain(timeout)
	type step struct {
		name  string
		layer *layer
		src   *chainSource
	}
	var steps []step
	for _, l := range order {
		if l.creds != nil {
			steps = append(steps, step{name: l.name, layer: l})
		}
		if l.name == "environment" {
			for i := range before {
				steps = append(steps, step{name: before[i].name, src: &before[i]})
			}
		}
	}
	for i := range after {
		steps = append(steps, step{name: after[i].name, src: &after[i]})
	}
	var found Credentials
	used := false
	for _, s := range steps {
		if used {
			c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "not tried"})
			continue
		}
		if s.layer != nil {
			cr, ok, err := s.layer.creds()
			if err != nil {
				c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "failed", Why: err.Error()})
				return Credentials{}, &ChainError{Chain: c.Chain, Err: err}
			}
			if !ok || cr.Anonymous() {
				c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "skipped", Why: "no credentials"})
				continue
			}
			found, used = cr, true
			renew := s.layer.renew
			c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "used", Why: cr.Source, Expires: cr.Expires,
				Renewed: renew != nil && !cr.Expires.IsZero(), Via: cr.Via})
			if renew != nil && !cr.Expires.IsZero() {
				c.Store.Renew = newRenewer(cr.Source, cr, func(ctx context.Context) (Credentials, error) {
					ctx, cancel := context.WithTimeout(ctx, timeout)
					defer cancel()
					return renew(ctx)
				}, r.now)
			}
			continue
		}
		fetch := func(ctx context.Context) (Credentials, bool, string, error) {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return s.src.fetch(ctx)
		}
		cr, ok, why, err := fetch(context.Background())
		switch {
		case err != nil && s.name == "EC2 instance metadata":
			c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "failed", Why: err.Error()})
			continue
		case err != nil:
			c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "failed", Why: err.Error()})
			return Credentials{}, &ChainError{Chain: c.Chain, Err: err}
		case !ok:
			c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "skipped", Why: why})
			continue
		}
		found, used = cr, true
		c.Chain = append(c.Chain, ChainStep{Name: s.name, Outcome: "used", Why: cr.Source, Expires: cr.Expires})
		if !cr.Expires.IsZero() {
			c.Chain[len(c.Chain)-1].Renewed = true
			name := s.name
			c.Store.Renew = newRenewer(cr.Source, cr, func(ctx context.Context) (Credentials, error) {
				cr, ok, why, err := fetch(ctx)
				if err == nil && !ok {
					err = fmt.Errorf("%s: %s", name, why)
				}
				return cr, err
			}, r.now)
		}
	}
	return found, nil
}

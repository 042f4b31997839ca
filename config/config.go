// Package config decides where s3share connects and with which credentials:
// command-line flags, the AWS_* environment, and defaults, in that order.
package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Addressing says how bucket names go into request URLs.
type Addressing string

// Addressing styles, as the AWS CLI names them.
const (
	AddressingAuto    Addressing = "auto"
	AddressingPath    Addressing = "path"
	AddressingVirtual Addressing = "virtual"
)

// DefaultEndpoint is used when nothing names an endpoint.
const DefaultEndpoint = "https://s3.amazonaws.com"

// DefaultRegion is used when nothing names a region.
const DefaultRegion = "us-east-1"

// Credentials sign requests and links. SecretAccessKey and SessionToken
// never leave the process in any output: use MaskedKeyID for display.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expires is when temporary credentials stop working; zero when they
	// do not expire. A presigned link dies with the credentials that signed it.
	Expires time.Time
	// Source says where the credentials came from, e.g. "environment".
	Source string
}

// Anonymous reports whether there is nothing to sign with.
func (c Credentials) Anonymous() bool {
	return c.AccessKeyID == "" || c.SecretAccessKey == ""
}

// MaskedKeyID shows the access key id with all but its last 4 characters masked.
func (c Credentials) MaskedKeyID() string {
	id := c.AccessKeyID
	if len(id) <= 4 {
		return strings.Repeat("*", len(id))
	}
	return strings.Repeat("*", len(id)-4) + id[len(id)-4:]
}

// Store is one resolved place to connect to.
type Store struct {
	Name       string
	Endpoint   *url.URL // scheme and host (and optional port); never nil after Resolve
	Region     string
	Addressing Addressing
	// RegionFromUser is true when the region was configured rather than defaulted.
	RegionFromUser bool
	Insecure       bool
	// PublicBaseURL, when set, replaces scheme, host and path prefix of
	// emitted links (a CDN that forwards to the bucket).
	PublicBaseURL string
	Creds         Credentials
}

// Secure reports whether the endpoint speaks TLS.
func (s Store) Secure() bool { return s.Endpoint.Scheme == "https" }

// VirtualHost reports whether requests for bucket put the bucket name in
// the host name (bucket.s3.amazonaws.com) rather than in the path.
// In auto mode that is only done for AWS endpoints and DNS-safe bucket
// names, as the AWS CLI and minio-go do; every other store gets path style.
func (s Store) VirtualHost(bucket string) bool {
	switch s.Addressing {
	case AddressingPath:
		return false
	case AddressingVirtual:
		return true
	}
	host := s.Endpoint.Hostname()
	aws := strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn")
	if !aws || bucket == "" {
		return false
	}
	// Dotted names break TLS wildcard certificates; keep them in the path.
	return !(s.Secure() && strings.Contains(bucket, "."))
}

// Flags are the command-line settings; empty strings mean "not given".
type Flags struct {
	Endpoint   string
	Region     string
	Addressing string // auto|path|virtual; "" means not given
}

// Env looks up an environment variable; os.Getenv in production.
type Env func(string) string

// Resolve combines flags, environment and defaults into a Store.
func Resolve(f Flags, env Env) (Store, error) {
	st := Store{Name: "default", Addressing: AddressingAuto}

	endpoint := DefaultEndpoint
	switch {
	case f.Endpoint != "":
		endpoint = f.Endpoint
	case env("AWS_ENDPOINT_URL_S3") != "":
		endpoint = env("AWS_ENDPOINT_URL_S3")
	case env("AWS_ENDPOINT_URL") != "":
		endpoint = env("AWS_ENDPOINT_URL")
	}
	u, err := ParseEndpoint(endpoint)
	if err != nil {
		return Store{}, err
	}
	st.Endpoint = u

	switch {
	case f.Region != "":
		st.Region, st.RegionFromUser = f.Region, true
	case env("AWS_REGION") != "":
		st.Region, st.RegionFromUser = env("AWS_REGION"), true
	case env("AWS_DEFAULT_REGION") != "":
		st.Region, st.RegionFromUser = env("AWS_DEFAULT_REGION"), true
	default:
		st.Region = DefaultRegion
	}

	if f.Addressing != "" {
		a, err := ParseAddressing(f.Addressing)
		if err != nil {
			return Store{}, err
		}
		st.Addressing = a
	}

	st.Creds = Credentials{
		AccessKeyID:     env("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: env("AWS_SECRET_ACCESS_KEY"),
		SessionToken:    env("AWS_SESSION_TOKEN"),
		Source:          "environment",
	}
	if st.Creds.AccessKeyID == "" && st.Creds.SecretAccessKey == "" {
		st.Creds.Source = "none (anonymous)"
	}
	return st, nil
}

// ParseAddressing accepts auto, path or virtual.
func ParseAddressing(s string) (Addressing, error) {
	switch a := Addressing(strings.ToLower(strings.TrimSpace(s))); a {
	case AddressingAuto, AddressingPath, AddressingVirtual:
		return a, nil
	}
	return "", fmt.Errorf("addressing %q: want auto, path or virtual", s)
}

// ParseEndpoint checks an endpoint URL: it needs an http or https scheme
// and a host, and carries no path, query or credentials.
func ParseEndpoint(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return nil, fmt.Errorf("endpoint %q has no scheme: write http://%s or https://%s", s, s, s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %v", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("endpoint %q: scheme must be http or https", s)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("endpoint %q has no host", s)
	}
	if u.User != nil {
		return nil, fmt.Errorf("endpoint %q: put credentials in the environment or a profile, not in the URL", u.Redacted())
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("endpoint %q: must not have a path or query", s)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

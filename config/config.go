// Package config decides where s3share connects and with which credentials.
//
// Settings come from, highest first: command-line flags, the AWS_*
// environment, the selected AWS profile (~/.aws/config and
// ~/.aws/credentials), the selected mc alias (~/.mc/config.json), the
// selected store of s3share's own file
// ($XDG_CONFIG_HOME/s3share/config.toml), and defaults. Each setting is
// taken from the highest source that has it, and Load records where it
// came from. Credentials are taken as a unit, never a key id from one
// source and a secret from another.
//
// Errors are one line that names the file and line (or flag, or variable)
// at fault and the fix. No error, setting or warning ever holds a secret
// key or session token.
package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
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

// DefaultTimeout is how long s3share waits for a store to answer one
// request when nothing sets a timeout.
const DefaultTimeout = 30 * time.Second

// MaxTimeout is the longest timeout a user may set.
const MaxTimeout = time.Hour

// Credentials sign requests and links. SecretAccessKey and SessionToken
// never leave the process in any output: use MaskedKeyID for display.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expires is when temporary credentials stop working; zero when they
	// do not expire. A presigned link dies with the credentials that signed it.
	Expires time.Time
	// Source says where the credentials came from, e.g. "env AWS_ACCESS_KEY_ID"
	// or "~/.aws/credentials [prod]".
	Source string
	// Via are, for an assumed role, the credentials that assumed it,
	// nearest first: each role of a chain, then the keys it started from.
	Via []Hop
}

// Hop is one set of credentials on the way to an assumed role.
type Hop struct {
	Source  string
	Expires time.Time // zero when they do not expire
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
	Endpoint   *url.URL // scheme and host (and optional port); never nil after Load
	Region     string
	Addressing Addressing
	// RegionFromUser is true when the region was configured (or is implied
	// by a regional AWS endpoint) rather than defaulted. Without it, the
	// region of each bucket on AWS is looked up once (see s3model).
	RegionFromUser bool
	// Insecure turns TLS certificate verification off.
	Insecure bool
	// CABundle is a PEM file of extra certificate authorities to trust for
	// TLS, in addition to the system's; "" for none.
	CABundle string
	// PublicBaseURL, when set, replaces scheme, host and path prefix of
	// emitted links (a CDN that forwards to the bucket).
	PublicBaseURL string
	// Timeout is how long to wait for the store to answer one request
	// (see s3model); zero means DefaultTimeout.
	Timeout time.Duration
	// ListWorkers is how many key ranges a listing lists at once (the
	// store's list_workers); zero means s3model's default, 1 lists one
	// page after another.
	ListWorkers int
	Creds       Credentials
	// Renew, when not nil, renews Creds before they expire: use
	// Renew.Current for credentials good for now.
	Renew *Renewer
	// SignWith, when not nil, is the identity links are signed with
	// instead of Creds (a store's sign_with).
	SignWith *SignWith
	// SignedWith names the identity Creds belong to when they were put
	// there from SignWith for signing ("profile:share-bot"); "" otherwise.
	SignedWith string
	// Color is the store's label colour in the TUI (a [stores.NAME]
	// color: a name, an ANSI number or #RRGGBB); "" for the default.
	Color string
	// Gateway, when not nil, is the share gateway the TUI makes gateway
	// links with for this store (a [stores.NAME] gateway).
	Gateway *StoreGateway
}

// SignWith is a separate identity for signing links.
type SignWith struct {
	Name  string // "profile:share-bot", "alias:NAME" or "store:NAME"
	Creds Credentials
	Renew *Renewer // nil unless Creds are temporary and can be renewed
}

// Current returns the signing credentials good for now.
func (s *SignWith) Current(ctx context.Context) (Credentials, error) {
	if s.Renew == nil {
		return s.Creds, nil
	}
	return s.Renew.Current(ctx)
}

// Secure reports whether the endpoint speaks TLS.
func (s Store) Secure() bool { return s.Endpoint.Scheme == "https" }

// IsAWS reports whether the endpoint is Amazon S3.
func (s Store) IsAWS() bool {
	if s.Endpoint == nil {
		return false
	}
	host := strings.ToLower(s.Endpoint.Hostname())
	return strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn")
}

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
	if !s.IsAWS() || bucket == "" {
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
	// At most one of Store, Profile and Alias selects where to connect.
	Store    string // a store of s3share's config file (--store)
	Profile  string // an AWS profile (--profile)
	Alias    string // an mc alias (--alias)
	Insecure bool   // --insecure: skip TLS certificate verification
	CABundle string // --ca-bundle FILE
	// ConfigFile replaces the default s3share config file (--config).
	ConfigFile string
	// Timeout is --timeout, a duration such as "30s"; "" means not given.
	Timeout string
	// MFACode is --mfa-code: the code of the MFA device a role profile's
	// mfa_serial names.
	MFACode string
}

// Env looks up an environment variable; os.Getenv in production. Load
// reads HOME, XDG_CONFIG_HOME and every variable named in the package
// documentation through it.
type Env func(string) string

// Setting is one resolved setting for display: its value (never a
// secret) and where it came from.
type Setting struct {
	Name   string // "endpoint", "region", "access key id", …
	Value  string
	Source string // "--region", "env AWS_REGION", "~/.aws/config [profile prod]", "default", …
}

// File is one configuration file Load looked at.
type File struct {
	What   string // "AWS config", "AWS credentials", "mc config", "s3share config"
	Path   string // shown with ~ for the home directory
	Source string // why this path: "default", "env AWS_CONFIG_FILE", "--config", …
	State  string // "read", "not found" or "not needed"
}

// Config is the result of Load: the store to connect to, the UI
// preferences, and everything doctor shows about how they were found.
type Config struct {
	Store    Store
	Prefs    Prefs
	Gateway  Gateway // the [gateway] table, for s3share serve
	Selected Choice  // what was selected; Kind is "" when nothing was
	// Settings lists every resolved setting in display order.
	Settings []Setting
	Files    []File
	// Warnings are problems that do not stop s3share: readable secrets,
	// TLS verification turned off, expired credentials, ignored sources.
	Warnings []string
	// Chain is every source of credentials looked at, in order.
	Chain []ChainStep
}

// Source returns where the named setting came from, "" if there is none.
func (c *Config) Source(name string) string {
	for _, s := range c.Settings {
		if s.Name == name {
			return s.Source
		}
	}
	return ""
}

// Resolve is Load returning only the store.
func Resolve(f Flags, env Env) (Store, error) {
	c, err := Load(f, env)
	if err != nil {
		return Store{}, err
	}
	return c.Store, nil
}

// ParseAddressing accepts auto, path or virtual.
func ParseAddressing(s string) (Addressing, error) {
	switch a := Addressing(strings.ToLower(strings.TrimSpace(s))); a {
	case AddressingAuto, AddressingPath, AddressingVirtual:
		return a, nil
	}
	return "", fmt.Errorf("addressing %q: want auto, path or virtual", sanitize.Bounded(s))
}

// ParseTimeout accepts a request timeout such as "30s", "2m" or "1m30s":
// positive and at most MaxTimeout.
func ParseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		return 0, fmt.Errorf("timeout %q: want a duration such as 30s, 2m or 1m30s", sanitize.Bounded(s))
	case d <= 0:
		return 0, fmt.Errorf("timeout %q: must be more than zero", sanitize.Bounded(s))
	case d > MaxTimeout:
		return 0, fmt.Errorf("timeout %q: must be at most %s", sanitize.Bounded(s), MaxTimeout)
	}
	return d, nil
}

// ParseEndpoint checks an endpoint URL: it needs an http or https scheme
// and a host, and carries no path, query or credentials.
func ParseEndpoint(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("endpoint is empty: write e.g. https://s3.example.com or http://127.0.0.1:9000")
	}
	if !strings.Contains(s, "://") {
		if strings.Contains(s, "@") {
			return nil, errors.New("endpoint has no scheme and seems to hold credentials: write http://HOST or https://HOST and put credentials in the environment or a profile")
		}
		return nil, fmt.Errorf("endpoint %q has no scheme: write http://%s or https://%s", sanitize.Bounded(s), sanitize.Bounded(s), sanitize.Bounded(s))
	}
	u, err := url.Parse(s)
	if err != nil {
		if i := strings.Index(s, "@"); i >= 0 {
			return nil, errors.New("endpoint is not a valid URL (and seems to hold credentials; put those in the environment or a profile)")
		}
		return nil, fmt.Errorf("endpoint %q: %v", sanitize.Bounded(s), errors.Unwrap(err))
	}
	if u.User != nil {
		return nil, fmt.Errorf("endpoint %q: put credentials in the environment or a profile, not in the URL", u.Redacted())
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("endpoint %q: scheme must be http or https", sanitize.Bounded(s))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("endpoint %q has no host", sanitize.Bounded(s))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("endpoint %q: must not have a path or query", sanitize.Bounded(s))
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// Gateway is the [gateway] table of s3share's config file: the settings
// of `s3share serve`, which its flags override. Lifetimes are as typed
// (30d); s3share serve reads and checks them.
type Gateway struct {
	Listen           string   `toml:"listen"`
	PublicURL        string   `toml:"public_url"`
	DB               string   `toml:"db"`
	TokenFile        string   `toml:"token_file"`
	TrustedProxies   []string `toml:"trusted_proxies"`
	TLSCert          string   `toml:"tls_cert"`
	TLSKey           string   `toml:"tls_key"`
	MaxShareLifetime string   `toml:"max_share_lifetime"`
	RedirectLifetime string   `toml:"redirect_lifetime"`
	CreatePerMinute  int      `toml:"create_per_minute"`
	// UploadVia is how files of upload requests that do not say reach
	// the store: "gateway" (streamed through it) or "direct".
	UploadVia string `toml:"upload_via"`
	// UploadPartSize is the size of their parts, as typed (32MiB).
	UploadPartSize string `toml:"upload_part_size"`
}
